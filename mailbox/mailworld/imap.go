package mailworld

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// IMAPServer is an IMAP server with its mail in memory (imapserver +
// imapmemserver), mirrored to disk when it has a folder (disk.go). Its
// accounts are either the world's — any address logs in with Password and
// gets its mailbox on first use — or a test's: only the users it was given.
// Every IMAPServer has the same failure knobs (FailLogins, FailFetch,
// DropConnections).
type IMAPServer struct {
	t   TB // fails the test helpers (Append, Messages…); nil in a World
	log *slog.Logger
	serving
	srv         *imapserver.Server
	open        bool        // any address, with Password, made on first use
	disk        *disk       // nil: mail lives in memory only
	tls         *tls.Config // set: the test helpers' own connections use TLS too
	implicitTLS bool
	tokens      *TokenServer // non-nil: SASL OAuth2 logins accepted
	mechs       []string     // SASL mechanisms offered with tokens
	main        *account     // the one user of a test server
	// uvBase is added to imapmemserver's UIDVALIDITY (1, 2, 3… per user,
	// in order of creation) in every answer to a client. A world that
	// keeps its mail in memory starts from UID 1 again after a restart;
	// with the same UIDVALIDITY as before, a client's cursor from the
	// earlier life would skip the new mail (RFC 3501 §2.3.1.1: UIDs only
	// grow within one UIDVALIDITY). So such a world takes the start time
	// as its base, as Dovecot takes the creation time. 0 for a world kept
	// on disk (its UIDs continue, disk.go) and for a test's server.
	uvBase uint32

	mu         sync.Mutex
	accounts   map[string]*account
	conns      map[*imapserver.Conn]struct{}
	helpers    map[string]bool // client addresses of our own helper connections
	logins     int
	failLogins bool
	failFetch  map[uint32]bool // UIDs whose body FETCH the server refuses
	mechsUsed  []string        // SASL mechanism per OAuth2 login
}

// account is one mailbox owner. mu serialises every change to the
// account's folders so the disk copy sees them in one order.
type account struct {
	addr string
	u    *imapmemserver.User
	mu   sync.Mutex
}

// imapConfig is what differs between the world's server and a test's.
type imapConfig struct {
	caps        imap.CapSet
	tls         *tls.Config // STARTTLS, and LOGIN only over TLS
	implicitTLS bool
	open        bool
	dir         string // keep the mail on disk here ("" = memory only)
	tokens      *TokenServer
	mechs       []string
	log         *slog.Logger
	t           TB
}

// startIMAP listens on addr and serves; with c.dir it first restores the
// mail kept there.
func startIMAP(addr string, c imapConfig) (*IMAPServer, error) {
	log := c.log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &IMAPServer{t: c.t, log: log, tls: c.tls, implicitTLS: c.implicitTLS, open: c.open, tokens: c.tokens, mechs: c.mechs,
		accounts: make(map[string]*account), conns: make(map[*imapserver.Conn]struct{}), helpers: make(map[string]bool)}
	if c.dir != "" {
		d, err := openDisk(c.dir)
		if err != nil {
			return nil, err
		}
		s.disk = d
		if err := s.restore(); err != nil {
			return nil, err
		}
	}
	if c.open && s.disk == nil {
		s.uvBase = freshUIDValidityBase(time.Now())
	}
	s.srv = imapserver.New(&imapserver.Options{
		NewSession:   s.newSession,
		Caps:         c.caps,
		Logger:       printfLogger{log.With("server", "imap")},
		TLSConfig:    c.tls,
		InsecureAuth: c.tls == nil, // loopback only
	})
	var implicit *tls.Config
	if c.implicitTLS {
		implicit = c.tls
	}
	if err := s.listen(addr, "imap", implicit, log, s.srv.Serve); err != nil {
		return nil, err
	}
	return s, nil
}

// freshUIDValidityBase is the UIDVALIDITY base of an in-memory world
// started at now: seconds since the epoch, which grow from one start to the
// next (two starts within one second are caught by the client, which
// rescans when UIDNEXT falls below its cursor). The headroom keeps base +
// imapmemserver's counter inside 32 bits until 2106.
func freshUIDValidityBase(now time.Time) uint32 {
	const headroom = 1 << 20
	sec := now.Unix()
	if sec <= 0 || sec > 1<<32-1-headroom {
		return 0
	}
	return uint32(sec)
}

// uidValidity turns imapmemserver's UIDVALIDITY into the one clients see.
func (s *IMAPServer) uidValidity(v uint32) uint32 { return v + s.uvBase }

// Close stops the server and drops its connections.
func (s *IMAPServer) Close() error { return s.stop(s.srv.Close) }

// canonAddr maps an address to its mailbox: lower case, without +tag.
func canonAddr(addr string) (string, error) {
	addr = strings.ToLower(strings.TrimSpace(strings.Trim(strings.TrimSpace(addr), "<>")))
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" || domain == "" || strings.ContainsAny(addr, " \t\r\n/\\") || strings.Contains(domain, "@") {
		return "", fmt.Errorf("not a mail address: %q", addr)
	}
	if base, _, ok := strings.Cut(local, "+"); ok && base != "" {
		local = base
	}
	return local + "@" + domain, nil
}

// worldFolders are the folders a world mailbox starts with, subscribed.
var worldFolders = []string{"INBOX", "Sent", "Trash"}

// addUser makes an account with password pass and the given folders.
func (s *IMAPServer) addUser(addr, pass string, folders ...string) (*account, error) {
	a := &account{addr: addr, u: imapmemserver.NewUser(addr, pass)}
	for _, name := range folders {
		if err := a.u.Create(name, nil); err != nil {
			return nil, err
		}
		if err := a.u.Subscribe(name); err != nil {
			return nil, err
		}
		if err := s.disk.created(a, name); err != nil {
			return nil, err
		}
	}
	s.accounts[addr] = a
	return a, nil
}

// account returns the account that addr logs in to or receives mail in: on
// a world server its base address, made on first use; on a test server only
// a user it was given, by exact name.
func (s *IMAPServer) account(addr string) (*account, error) {
	if !s.open {
		s.mu.Lock()
		defer s.mu.Unlock()
		if a := s.accounts[addr]; a != nil {
			return a, nil
		}
		return nil, fmt.Errorf("no such user: %q", addr)
	}
	base, err := canonAddr(addr)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.accounts[base]; a != nil {
		return a, nil
	}
	a, err := s.addUser(base, Password, worldFolders...)
	if err != nil {
		return nil, err
	}
	s.log.Info("demo mailbox created", "address", base)
	return a, nil
}

// login checks a LOGIN or AUTHENTICATE PLAIN.
func (s *IMAPServer) login(username, password string) (*account, error) {
	if s.open && password != Password {
		return nil, imapserver.ErrAuthFailed
	}
	a, err := s.account(username)
	if err != nil {
		return nil, imapserver.ErrAuthFailed
	}
	if !s.open {
		if err := a.u.Login(username, password); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// deliver prepends the headers an MTA and an MDA would add and appends the
// message to the INBOX of rcpt's mailbox.
func (s *IMAPServer) deliver(from, helo, remote, rcpt string, raw []byte) error {
	a, err := s.account(rcpt)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	rcpt = strings.Trim(strings.TrimSpace(rcpt), "<>")
	// Delivered-To carries the exact envelope recipient, +tag included, as
	// Postfix's local(8) and Dovecot's LDA write it; threading reads it.
	fmt.Fprintf(&b, "Delivered-To: %s\r\n", rcpt)
	fmt.Fprintf(&b, "Received: from %s (%s)\r\n\tby demo.klachtd.localhost with ESMTP\r\n\tfor <%s>; %s\r\n",
		helo, remote, rcpt, time.Now().Format(time.RFC1123Z))
	b.Write(raw)
	uid, err := s.appendMsg(a, "INBOX", b.Bytes(), nil, time.Now())
	if err != nil {
		return err
	}
	s.log.Info("demo mail delivered", "from", from, "to", rcpt, "mailbox", a.addr, "uid", uid, "size", b.Len())
	return nil
}

// appendMsg appends to a folder of a, on disk first when the server keeps
// its mail there.
func (s *IMAPServer) appendMsg(a *account, folder string, raw []byte, flags []imap.Flag, t time.Time) (imap.UID, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	data, err := a.u.Append(folder, bytes.NewReader(raw), &imap.AppendOptions{Flags: flags, Time: t})
	if err != nil {
		return 0, err
	}
	if err := s.disk.appended(a, folder, data, raw, flags, t); err != nil {
		return 0, err
	}
	return data.UID, nil
}

// FailFetch makes the server refuse every body FETCH that includes uid.
func (s *IMAPServer) FailFetch(uid uint32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failFetch == nil {
		s.failFetch = map[uint32]bool{}
	}
	s.failFetch[uid] = true
}

// fetchFails reports whether a body FETCH of set must be refused.
func (s *IMAPServer) fetchFails(set imap.UIDSet) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for uid := range s.failFetch {
		if set.Contains(imap.UID(uid)) {
			return true
		}
	}
	return false
}

// Logins counts LOGIN attempts, failed ones included.
func (s *IMAPServer) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// FailLogins makes every LOGIN fail (true) or work again (false).
func (s *IMAPServer) FailLogins(fail bool) {
	s.mu.Lock()
	s.failLogins = fail
	s.mu.Unlock()
}

// DropConnections closes every client connection, as a network failure or
// a server restart would.
func (s *IMAPServer) DropConnections() {
	s.mu.Lock()
	conns := make([]*imapserver.Conn, 0, len(s.conns))
	for c := range s.conns {
		if !s.helpers[c.NetConn().RemoteAddr().String()] {
			conns = append(conns, c)
		}
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.NetConn().Close()
	}
}

// Connections is the number of open client connections, the helpers' own
// (List, Messages) not counted.
func (s *IMAPServer) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.conns {
		if !s.helpers[c.NetConn().RemoteAddr().String()] {
			n++
		}
	}
	return n
}

// MechanismsUsed lists the SASL mechanism of each OAuth2 login attempt.
func (s *IMAPServer) MechanismsUsed() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.mechsUsed...)
}
