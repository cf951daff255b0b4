package mailbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"

	"github.com/ingressus/klachtd/mailbox/internal/idleflush"
)

// DemoPassword is the IMAP password of every mailbox in the demo world.
const DemoPassword = "demo"

// demoMaxBytes bounds one message the demo SMTP server accepts.
const demoMaxBytes = 64 << 20

// DemoWorld is a small closed mail world in one process: an IMAP server and
// an SMTP server on loopback. Every address is a mailbox, created on first
// use; IMAP login is the address with password "demo"; SMTP accepts mail
// from anyone to anyone, without authentication, and delivers it to each
// recipient's INBOX (a +tag address to its base address).
type DemoWorld struct {
	log     *slog.Logger
	imapSrv *imapserver.Server
	smtpSrv *smtp.Server
	imapLn  net.Listener
	smtpLn  net.Listener
	wg      sync.WaitGroup
	disk    *demoDisk // nil: mail lives in memory only

	mu       sync.Mutex
	accounts map[string]*demoAccount
	closed   bool
}

// demoAccount is one mailbox owner. mu serialises every change to the
// account's folders so the disk copy sees them in one order.
type demoAccount struct {
	addr string
	u    *imapmemserver.User
	mu   sync.Mutex
}

// StartDemoWorld starts the demo IMAP and SMTP servers on the given
// loopback addresses (port 0 picks a free port) with mail kept in memory.
func StartDemoWorld(imapAddr, smtpAddr string, log *slog.Logger) (*DemoWorld, error) {
	return startDemoWorld(imapAddr, smtpAddr, "", log)
}

// StartDemoWorldDir is StartDemoWorld with every mailbox kept on disk under
// dir, so that mail survives a restart of the world (klachtd devmail).
func StartDemoWorldDir(imapAddr, smtpAddr, dir string, log *slog.Logger) (*DemoWorld, error) {
	if dir == "" {
		return nil, errors.New("demo world: empty dir")
	}
	return startDemoWorld(imapAddr, smtpAddr, dir, log)
}

func startDemoWorld(imapAddr, smtpAddr, dir string, log *slog.Logger) (*DemoWorld, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for _, a := range []string{imapAddr, smtpAddr} {
		// No TLS and no authentication on SMTP: an open relay into our
		// mailboxes, acceptable only where nobody else can reach it.
		if !isLoopback(a) {
			return nil, fmt.Errorf("demo world: %q is not a loopback address", a)
		}
	}
	w := &DemoWorld{log: log, accounts: make(map[string]*demoAccount)}
	if dir != "" {
		d, err := openDemoDisk(dir)
		if err != nil {
			return nil, err
		}
		w.disk = d
		if err := w.restore(); err != nil {
			return nil, err
		}
	}

	w.imapSrv = imapserver.New(&imapserver.Options{
		NewSession: func(c *imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &demoSession{w: w}, nil, nil
		},
		Caps: imap.CapSet{
			imap.CapIMAP4rev1: {},
			imap.CapIMAP4rev2: {},
		},
		Logger:       printfLogger{log.With("server", "imap")},
		InsecureAuth: true, // loopback only, checked above
	})
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &demoSMTPSession{w: w, helo: c.Hostname(), remote: c.Conn().RemoteAddr().String()}, nil
	}))
	s.Domain = "demo.klachtd.localhost"
	s.MaxMessageBytes = demoMaxBytes
	s.MaxRecipients = 100
	s.ReadTimeout = 5 * time.Minute
	s.WriteTimeout = time.Minute
	s.ErrorLog = printfLogger{log.With("server", "smtp")}
	w.smtpSrv = s

	var err error
	if w.imapLn, err = net.Listen("tcp", imapAddr); err != nil {
		return nil, fmt.Errorf("demo imap listen: %w", err)
	}
	if w.smtpLn, err = net.Listen("tcp", smtpAddr); err != nil {
		w.imapLn.Close()
		return nil, fmt.Errorf("demo smtp listen: %w", err)
	}
	w.wg.Add(2)
	go func() {
		defer w.wg.Done()
		if err := w.imapSrv.Serve(w.imapLn); err != nil && !w.isClosed() {
			log.Error("demo imap server stopped", "err", err)
		}
	}()
	go func() {
		defer w.wg.Done()
		if err := w.smtpSrv.Serve(w.smtpLn); err != nil && !w.isClosed() {
			log.Error("demo smtp server stopped", "err", err)
		}
	}()
	kept := []any{"dir", dir}
	if dir == "" {
		kept = []any{"mail", "in memory only"} // not the empty folder name: there is none
	}
	log.Info("demo mail world started", append([]any{"imap", w.IMAPAddr(), "smtp", w.SMTPAddr(), "password", "(every mailbox) " + DemoPassword}, kept...)...)
	return w, nil
}

// IMAPAddr is the address the IMAP server listens on.
func (w *DemoWorld) IMAPAddr() string { return w.imapLn.Addr().String() }

// SMTPAddr is the address the SMTP server listens on.
func (w *DemoWorld) SMTPAddr() string { return w.smtpLn.Addr().String() }

func (w *DemoWorld) isClosed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closed
}

// Close stops both servers and drops their connections.
func (w *DemoWorld) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	// Close the listeners ourselves too: a Serve goroutine that has not
	// registered its listener yet would otherwise keep it open.
	w.imapLn.Close()
	w.smtpLn.Close()
	var errs []error
	for _, err := range []error{w.imapSrv.Close(), w.smtpSrv.Close()} {
		if err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	w.wg.Wait()
	return errors.Join(errs...)
}

// Deliver puts raw into rcpt's INBOX as the SMTP server would, with the
// Delivered-To header naming rcpt exactly.
func (w *DemoWorld) Deliver(rcpt string, raw []byte) error {
	return w.deliver("", "localhost", "direct", rcpt, raw)
}

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

// account returns the account for addr, creating it (with INBOX and the
// usual folders) on first use.
func (w *DemoWorld) account(addr string) (*demoAccount, error) {
	base, err := canonAddr(addr)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if a := w.accounts[base]; a != nil {
		return a, nil
	}
	a := &demoAccount{addr: base, u: imapmemserver.NewUser(base, DemoPassword)}
	for _, name := range []string{"INBOX", "Sent", "Trash"} {
		if err := a.u.Create(name, nil); err != nil {
			return nil, err
		}
		if err := a.u.Subscribe(name); err != nil {
			return nil, err
		}
		if err := w.disk.created(a, name); err != nil {
			return nil, err
		}
	}
	w.accounts[base] = a
	w.log.Info("demo mailbox created", "address", base)
	return a, nil
}

// deliver prepends the headers an MTA and an MDA would add and appends the
// message to the INBOX of rcpt's base address.
func (w *DemoWorld) deliver(from, helo, remote, rcpt string, raw []byte) error {
	a, err := w.account(rcpt)
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
	uid, err := w.appendMsg(a, "INBOX", b.Bytes(), nil, time.Now())
	if err != nil {
		return err
	}
	w.log.Info("demo mail delivered", "from", from, "to", rcpt, "mailbox", a.addr, "uid", uid, "size", b.Len())
	return nil
}

// appendMsg appends to a folder of a, on disk first when the world is
// persistent.
func (w *DemoWorld) appendMsg(a *demoAccount, folder string, raw []byte, flags []imap.Flag, t time.Time) (imap.UID, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	data, err := a.u.Append(folder, bytes.NewReader(raw), &imap.AppendOptions{Flags: flags, Time: t})
	if err != nil {
		return 0, err
	}
	if err := w.disk.appended(a, folder, data, raw, flags, t); err != nil {
		return 0, err
	}
	return data.UID, nil
}

// demoSession is one IMAP connection: imapmemserver's session with our own
// login (accounts made on demand) and, for a persistent world, every change
// mirrored to disk (demodisk.go).
type demoSession struct {
	*imapmemserver.UserSession // nil until login
	w                          *DemoWorld
	acct                       *demoAccount
	selected                   string
}

// Login accepts any address with the demo password, creating the mailbox.
func (s *demoSession) Login(username, password string) error {
	if password != DemoPassword {
		return imapserver.ErrAuthFailed
	}
	a, err := s.w.account(username)
	if err != nil {
		return imapserver.ErrAuthFailed
	}
	s.acct = a
	s.UserSession = imapmemserver.NewUserSession(a.u)
	return nil
}

// Select remembers the folder for the disk mirror.
func (s *demoSession) Select(name string, options *imap.SelectOptions) (*imap.SelectData, error) {
	data, err := s.UserSession.Select(name, options)
	if err == nil {
		s.selected = name
	}
	return data, err
}

// Unselect forgets the selected folder.
func (s *demoSession) Unselect() error {
	s.selected = ""
	return s.UserSession.Unselect()
}

// Append stores a message a client uploads (e.g. to Sent).
func (s *demoSession) Append(mailbox string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if options == nil {
		options = &imap.AppendOptions{}
	}
	t := options.Time
	if t.IsZero() {
		t = time.Now()
	}
	uid, err := s.w.appendMsg(s.acct, mailbox, raw, options.Flags, t)
	if err != nil {
		return nil, err
	}
	st, err := s.acct.u.Status(mailbox, &imap.StatusOptions{UIDValidity: true})
	if err != nil {
		return nil, err
	}
	return &imap.AppendData{UID: uid, UIDValidity: st.UIDValidity}, nil
}

// Idle waits for mailbox changes, flushing what imapserver would hold back
// (see package idleflush).
func (s *demoSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	return idleflush.Idle(s.UserSession, w, stop)
}

// The overrides below serialise each change with the account's mutex and
// mirror it to disk; without a disk they only take the lock.

// Create makes a folder.
func (s *demoSession) Create(name string, options *imap.CreateOptions) error {
	s.acct.mu.Lock()
	defer s.acct.mu.Unlock()
	if err := s.UserSession.Create(name, options); err != nil {
		return err
	}
	return s.w.disk.created(s.acct, strings.TrimRight(name, "/"))
}

// Delete removes a folder.
func (s *demoSession) Delete(name string) error {
	s.acct.mu.Lock()
	defer s.acct.mu.Unlock()
	if err := s.UserSession.Delete(name); err != nil {
		return err
	}
	return s.w.disk.deleted(s.acct, name)
}

// Rename renames a folder.
func (s *demoSession) Rename(name, newName string, options *imap.RenameOptions) error {
	s.acct.mu.Lock()
	defer s.acct.mu.Unlock()
	if err := s.UserSession.Rename(name, newName, options); err != nil {
		return err
	}
	if s.selected == name {
		s.selected = newName
	}
	return s.w.disk.renamed(s.acct, name, strings.TrimRight(newName, "/"))
}

// Subscribe marks a folder subscribed.
func (s *demoSession) Subscribe(name string) error {
	s.acct.mu.Lock()
	defer s.acct.mu.Unlock()
	if err := s.UserSession.Subscribe(name); err != nil {
		return err
	}
	return s.w.disk.subscribed(s.acct, name, true)
}

// Unsubscribe marks a folder unsubscribed.
func (s *demoSession) Unsubscribe(name string) error {
	s.acct.mu.Lock()
	defer s.acct.mu.Unlock()
	if err := s.UserSession.Unsubscribe(name); err != nil {
		return err
	}
	return s.w.disk.subscribed(s.acct, name, false)
}

// uids resolves a sequence or UID set of the selected folder to UIDs in
// ascending order, the order in which imapmemserver copies them.
func (s *demoSession) uids(numSet imap.NumSet) ([]uint32, error) {
	var c imap.SearchCriteria
	switch set := numSet.(type) {
	case imap.SeqSet:
		c.SeqNum = []imap.SeqSet{slices.Clone(set)}
	case imap.UIDSet:
		c.UID = []imap.UIDSet{slices.Clone(set)}
	default:
		return nil, fmt.Errorf("unsupported number set %T", numSet)
	}
	return s.search(&c)
}

func (s *demoSession) search(c *imap.SearchCriteria) ([]uint32, error) {
	data, err := s.UserSession.Search(imapserver.NumKindUID, c, &imap.SearchOptions{})
	if err != nil {
		return nil, err
	}
	set, _ := data.All.(imap.UIDSet)
	nums, _ := set.Nums()
	out := make([]uint32, len(nums))
	for i, n := range nums {
		out[i] = uint32(n)
	}
	slices.Sort(out)
	return out, nil
}

// uidNext is the UID the folder gives its next message.
func (s *demoSession) uidNext(name string) (uint32, error) {
	st, err := s.acct.u.Status(name, &imap.StatusOptions{UIDNext: true})
	if err != nil {
		return 0, err
	}
	return uint32(st.UIDNext), nil
}

// Copy copies messages to another folder.
func (s *demoSession) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	s.acct.mu.Lock()
	defer s.acct.mu.Unlock()
	uids, err := s.uids(numSet)
	if err != nil {
		return nil, err
	}
	next, _ := s.uidNext(dest)
	data, err := s.UserSession.Copy(numSet, dest)
	if err != nil {
		return nil, err
	}
	return data, s.w.disk.copied(s.acct, s.selected, uids, dest, next)
}

// Move moves messages to another folder: on disk the copy is written
// before the source is removed.
func (s *demoSession) Move(mw *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	s.acct.mu.Lock()
	defer s.acct.mu.Unlock()
	uids, err := s.uids(numSet)
	if err != nil {
		return err
	}
	next, _ := s.uidNext(dest)
	if err := s.UserSession.Move(mw, numSet, dest); err != nil {
		return err
	}
	if err := s.w.disk.copied(s.acct, s.selected, uids, dest, next); err != nil {
		return err
	}
	return s.w.disk.removed(s.acct, s.selected, uids)
}

// Expunge removes messages flagged \Deleted.
func (s *demoSession) Expunge(ew *imapserver.ExpungeWriter, uids *imap.UIDSet) error {
	s.acct.mu.Lock()
	defer s.acct.mu.Unlock()
	if err := s.UserSession.Expunge(ew, uids); err != nil {
		return err
	}
	if s.w.disk == nil {
		return nil
	}
	keep, err := s.search(&imap.SearchCriteria{})
	if err != nil {
		return err
	}
	return s.w.disk.retain(s.acct, s.selected, keep)
}

// Store changes flags.
func (s *demoSession) Store(fw *imapserver.FetchWriter, numSet imap.NumSet, flags *imap.StoreFlags, options *imap.StoreOptions) error {
	s.acct.mu.Lock()
	defer s.acct.mu.Unlock()
	uids, err := s.uids(numSet)
	if err != nil {
		return err
	}
	if err := s.UserSession.Store(fw, numSet, flags, options); err != nil {
		return err
	}
	return s.w.disk.flagsChanged(s.acct, s.selected, uids, flags.Op, flags.Flags)
}

// Fetch reads messages; a BODY[] without PEEK sets \Seen, which is a change.
func (s *demoSession) Fetch(fw *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	if !slices.ContainsFunc(options.BodySection, func(bs *imap.FetchItemBodySection) bool { return !bs.Peek }) || s.w.disk == nil {
		return s.UserSession.Fetch(fw, numSet, options)
	}
	s.acct.mu.Lock()
	defer s.acct.mu.Unlock()
	uids, err := s.uids(numSet)
	if err != nil {
		return err
	}
	if err := s.UserSession.Fetch(fw, numSet, options); err != nil {
		return err
	}
	return s.w.disk.flagsChanged(s.acct, s.selected, uids, imap.StoreFlagsAdd, []imap.Flag{imap.FlagSeen})
}

// demoSMTPSession is one SMTP transaction on the demo server.
type demoSMTPSession struct {
	w            *DemoWorld
	helo, remote string
	from         string
	rcpts        []string
}

// Reset forgets the transaction.
func (s *demoSMTPSession) Reset() { s.from, s.rcpts = "", nil }

// Logout ends the session.
func (s *demoSMTPSession) Logout() error { return nil }

// Mail accepts any sender, the null sender of bounces included.
func (s *demoSMTPSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

// Rcpt accepts any syntactically plausible address.
func (s *demoSMTPSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if _, err := canonAddr(to); err != nil {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: err.Error()}
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

// Data delivers the message to every recipient before answering 250, so a
// sender that got 250 can find the mail over IMAP at once.
func (s *demoSMTPSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	for _, rcpt := range s.rcpts {
		if err := s.w.deliver(s.from, s.helo, s.remote, rcpt, raw); err != nil {
			s.w.log.Error("demo delivery failed", "to", rcpt, "err", err)
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "delivery failed, try again"}
		}
	}
	return nil
}

// printfLogger adapts slog to the Printf loggers of imapserver and go-smtp.
type printfLogger struct{ l *slog.Logger }

func (p printfLogger) Printf(format string, v ...any) { p.l.Warn(fmt.Sprintf(format, v...)) }
func (p printfLogger) Println(v ...any)               { p.l.Warn(strings.TrimSuffix(fmt.Sprintln(v...), "\n")) }
