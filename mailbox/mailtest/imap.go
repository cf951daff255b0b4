package mailtest

import (
	"bytes"
	"io"
	"log"
	"net"
	"sync"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/ingressus/klachtd/mailbox/internal/idleflush"
)

// IMAPServer is an in-memory IMAP server (imapserver + imapmemserver) with
// one user who has an INBOX. It offers IDLE and MOVE.
type IMAPServer struct {
	t    testing.TB
	srv  *imapserver.Server
	ln   net.Listener
	user *imapmemserver.User

	mu         sync.Mutex
	conns      map[*imapserver.Conn]struct{}
	helpers    map[string]bool // client addresses of our own helper connections
	logins     int
	failLogins bool
	failFetch  map[uint32]bool // UIDs whose body FETCH the server refuses
	mechsUsed  []string        // SASL mechanism per OAuth2 login
}

// IMAP credentials of the one user.
const (
	IMAPUser     = "klachten@example.nl"
	IMAPPassword = "secret"
)

// IMAPMessage is one message as the server holds it.
type IMAPMessage struct {
	UID   uint32
	Flags []string
	Raw   []byte
}

// IMAPOptions changes what the server offers.
type IMAPOptions struct {
	// Rev1Only offers plain IMAP4rev1: no MOVE and no UIDPLUS, so clients
	// fall back to COPY + STORE \Deleted + EXPUNGE. (IDLE stays: imapserver
	// always offers it.)
	Rev1Only bool
	// OAuth2, when set, makes the server accept SASL logins with tokens
	// it issued (and PLAIN with the password, as before).
	OAuth2 *TokenServer
	// Mechanisms are the SASL mechanisms offered with OAuth2; default
	// XOAUTH2, OAUTHBEARER and PLAIN.
	Mechanisms []string
}

// NewIMAPServer starts the server on 127.0.0.1:0 with user IMAPUser /
// IMAPPassword and an empty INBOX; plain text login is allowed.
func NewIMAPServer(t testing.TB) *IMAPServer {
	t.Helper()
	return NewIMAPServerWith(t, IMAPOptions{})
}

// NewIMAPServerWith is NewIMAPServer with options.
func NewIMAPServerWith(t testing.TB, o IMAPOptions) *IMAPServer {
	t.Helper()
	caps := imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}
	if o.Rev1Only {
		caps = imap.CapSet{imap.CapIMAP4rev1: {}}
	}
	s := &IMAPServer{t: t, conns: make(map[*imapserver.Conn]struct{}), helpers: make(map[string]bool)}
	mem := imapmemserver.New()
	s.user = imapmemserver.NewUser(IMAPUser, IMAPPassword)
	if err := s.user.Create("INBOX", nil); err != nil {
		t.Fatalf("mailtest: create INBOX: %v", err)
	}
	mem.AddUser(s.user)
	s.srv = imapserver.New(&imapserver.Options{
		NewSession: func(c *imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			s.mu.Lock()
			s.conns[c] = struct{}{}
			s.mu.Unlock()
			ts := &trackedSession{SessionIMAP4rev2: mem.NewSession().(imapserver.SessionIMAP4rev2), s: s, c: c}
			if o.OAuth2 != nil {
				return &saslSession{trackedSession: ts, tokens: o.OAuth2, mechs: o.Mechanisms}, nil, nil
			}
			return ts, nil, nil
		},
		Caps:         caps,
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: imap listen: %v", err)
	}
	s.ln = ln
	go s.srv.Serve(ln)
	t.Cleanup(func() { ln.Close(); s.srv.Close() })
	return s
}

// trackedSession remembers its connection (for DropConnections) and can be
// told to refuse logins.
type trackedSession struct {
	imapserver.SessionIMAP4rev2
	s *IMAPServer
	c *imapserver.Conn
}

// Fetch refuses (NO) a body fetch that includes a UID marked by FailFetch,
// as a server does for a message it cannot read.
func (ts *trackedSession) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	if uids, ok := numSet.(imap.UIDSet); ok && len(options.BodySection) > 0 {
		ts.s.mu.Lock()
		bad := false
		for uid := range ts.s.failFetch {
			bad = bad || uids.Contains(imap.UID(uid))
		}
		ts.s.mu.Unlock()
		if bad {
			return &imap.Error{Type: imap.StatusResponseTypeNo, Text: "mailtest: message cannot be read"}
		}
	}
	return ts.SessionIMAP4rev2.Fetch(w, numSet, options)
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

func (ts *trackedSession) Login(username, password string) error {
	ts.s.mu.Lock()
	helper := ts.s.helpers[ts.c.NetConn().RemoteAddr().String()]
	if !helper {
		ts.s.logins++
	}
	fail := ts.s.failLogins && !helper
	ts.s.mu.Unlock()
	if fail {
		return imapserver.ErrAuthFailed
	}
	return ts.SessionIMAP4rev2.Login(username, password)
}

// Idle flushes updates queued before IDLE began, which imapserver's tracker
// would otherwise hold back until the next change (Dovecot sends them at
// once), then idles in rounds of a second with a flush between rounds.
func (ts *trackedSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	return idleflush.Idle(ts.SessionIMAP4rev2, w, stop)
}

func (ts *trackedSession) Close() error {
	ts.s.mu.Lock()
	delete(ts.s.conns, ts.c)
	ts.s.mu.Unlock()
	return ts.SessionIMAP4rev2.Close()
}

// Addr is host:port of the server.
func (s *IMAPServer) Addr() string { return s.ln.Addr().String() }

// User is the login name.
func (s *IMAPServer) User() string { return IMAPUser }

// Password is the login password.
func (s *IMAPServer) Password() string { return IMAPPassword }

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

// Create makes a mailbox.
func (s *IMAPServer) Create(mailbox string) {
	s.t.Helper()
	if err := s.user.Create(mailbox, nil); err != nil {
		s.t.Fatalf("mailtest: create %q: %v", mailbox, err)
	}
}

// Append adds raw to mailbox and returns its UID.
func (s *IMAPServer) Append(mailbox string, raw []byte) uint32 {
	s.t.Helper()
	data, err := s.user.Append(mailbox, bytes.NewReader(raw), &imap.AppendOptions{})
	if err != nil {
		s.t.Fatalf("mailtest: append to %q: %v", mailbox, err)
	}
	return uint32(data.UID)
}

// UIDValidity returns the mailbox's UIDVALIDITY.
func (s *IMAPServer) UIDValidity(mailbox string) uint32 {
	s.t.Helper()
	st, err := s.user.Status(mailbox, &imap.StatusOptions{UIDValidity: true})
	if err != nil {
		s.t.Fatalf("mailtest: status %q: %v", mailbox, err)
	}
	return st.UIDValidity
}

// ResetUIDValidity deletes and re-creates mailbox, empty, with a new
// UIDVALIDITY, as a server that rebuilt its index would.
func (s *IMAPServer) ResetUIDValidity(mailbox string) {
	s.t.Helper()
	if err := s.user.Delete(mailbox); err != nil {
		s.t.Fatalf("mailtest: delete %q: %v", mailbox, err)
	}
	s.Create(mailbox)
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

// List returns the raw messages in mailbox, in UID order; nil if the
// mailbox does not exist.
func (s *IMAPServer) List(mailbox string) [][]byte {
	s.t.Helper()
	var out [][]byte
	for _, m := range s.Messages(mailbox) {
		out = append(out, m.Raw)
	}
	return out
}

// Messages returns the messages in mailbox with UIDs and flags, read over
// IMAP (EXAMINE, BODY.PEEK[]) so nothing changes; nil if the mailbox does
// not exist.
func (s *IMAPServer) Messages(mailbox string) []IMAPMessage {
	s.t.Helper()
	nc, err := net.Dial("tcp", s.Addr())
	if err != nil {
		s.t.Fatalf("mailtest: dial: %v", err)
	}
	// This connection is ours: FailLogins must not refuse it.
	s.mu.Lock()
	s.helpers[nc.LocalAddr().String()] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.helpers, nc.LocalAddr().String())
		s.mu.Unlock()
	}()
	c := imapclient.New(nc, nil)
	defer c.Close()
	if err := c.Login(IMAPUser, IMAPPassword).Wait(); err != nil {
		s.t.Fatalf("mailtest: login: %v", err)
	}
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil
	}
	if sel.NumMessages == 0 {
		return nil
	}
	body := &imap.FetchItemBodySection{Peek: true}
	all := imap.SeqSet{{Start: 1, Stop: 0}}
	msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{body}}).Collect()
	if err != nil {
		s.t.Fatalf("mailtest: fetch %q: %v", mailbox, err)
	}
	out := make([]IMAPMessage, 0, len(msgs))
	for _, m := range msgs {
		im := IMAPMessage{UID: uint32(m.UID), Raw: m.FindBodySection(body)}
		for _, f := range m.Flags {
			im.Flags = append(im.Flags, string(f))
		}
		out = append(out, im)
	}
	c.Logout().Wait()
	return out
}
