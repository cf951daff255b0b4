package mailworld

import (
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one message the SMTP server accepted.
type Message struct {
	From string
	To   []string
	Raw  []byte
	// TLS: it came over TLS; User: who had logged in (RequireAuth).
	TLS  bool
	User string
}

// Always, as the count of a failure knob, fails every attempt until cleared.
const Always = -1

// fault makes the next n attempts of one command fail with code; n < 0
// fails all of them; code 0 means no fault.
type fault struct {
	code int
	n    int
}

// take reports the code to fail with now, counting the attempt down.
func (f *fault) take() int {
	if f.code == 0 || f.n == 0 {
		return 0
	}
	if f.n > 0 {
		f.n--
	}
	return f.code
}

// SMTPServer is a go-smtp server on loopback with failure knobs. A test's
// server records every accepted message (Messages, WaitFor); the world's
// delivers each to its recipients' INBOX instead.
type SMTPServer struct {
	serving
	srv     *smtp.Server
	done    chan struct{} // closed by Close
	deliver deliverFunc   // nil: record the message
	log     *slog.Logger

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every new message
	msgs      []Message
	conns     map[*smtp.Conn]struct{}
	sessions  int
	failMail  fault
	failRcpt  fault
	failData  fault
	dataDelay time.Duration
	opts      SMTPOptions
	authUsers []string // who logged in, per successful AUTH
	// See smtpauth.go: a required login, and per-domain RCPT faults.
	authUser, authPass string
	domainFault        map[string]int
}

// deliverFunc hands one accepted message to one recipient.
type deliverFunc func(from, helo, remote, rcpt string, raw []byte) error

// maxMessageBytes bounds one message the server accepts.
const maxMessageBytes = 64 << 20

// startSMTP listens on addr and serves; domain is the name in its greeting.
func startSMTP(addr, domain string, o SMTPOptions, deliver deliverFunc, log *slog.Logger) (*SMTPServer, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &SMTPServer{
		opts:    o,
		deliver: deliver,
		log:     log,
		done:    make(chan struct{}),
		changed: make(chan struct{}),
		conns:   make(map[*smtp.Conn]struct{}),
	}
	s.srv = smtp.NewServer(smtp.BackendFunc(s.newSession))
	s.srv.Domain = domain
	s.srv.MaxMessageBytes = maxMessageBytes
	s.srv.MaxRecipients = 100
	// Loopback only; AUTH is offered only under RequireAuth or OAuth2, and
	// with TLS configured only once TLS is on.
	s.srv.AllowInsecureAuth = o.TLS == nil
	s.srv.TLSConfig = o.TLS
	s.srv.ErrorLog = printfLogger{log.With("server", "smtp")}
	s.srv.ReadTimeout = 5 * time.Minute
	s.srv.WriteTimeout = time.Minute
	var implicit *tls.Config
	if o.ImplicitTLS {
		implicit = o.TLS
	}
	if err := s.listen(addr, "smtp", implicit, log, s.srv.Serve); err != nil {
		return nil, err
	}
	return s, nil
}

// Close stops the server and drops its connections.
func (s *SMTPServer) Close() error {
	return s.stop(func() error {
		close(s.done)
		return s.srv.Close()
	})
}

// Messages returns a copy of the messages accepted so far, in order.
func (s *SMTPServer) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.msgs))
	for i, m := range s.msgs {
		out[i] = m
		out[i].To, out[i].Raw = append([]string(nil), m.To...), append([]byte(nil), m.Raw...)
	}
	return out
}

// WaitFor waits until at least n messages were accepted and returns them,
// or returns an error after timeout.
func (s *SMTPServer) WaitFor(n int, timeout time.Duration) ([]Message, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, ch := len(s.msgs), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages(), nil
		}
		select {
		case <-ch:
		case <-deadline.C:
			return s.Messages(), fmt.Errorf("mailworld: %d messages after %v, want %d", got, timeout, n)
		}
	}
}

// Sessions is how many SMTP sessions (one per connection) were opened.
func (s *SMTPServer) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// FailMail makes the next n MAIL commands fail with code (e.g. 451, 550);
// n = Always fails all of them; code 0 clears the knob.
func (s *SMTPServer) FailMail(code, n int) { s.set(&s.failMail, code, n) }

// FailRcpt makes the next n RCPT commands fail with code.
func (s *SMTPServer) FailRcpt(code, n int) { s.set(&s.failRcpt, code, n) }

// FailData makes the next n DATA transfers fail with code after the data
// was read (the message is not recorded).
func (s *SMTPServer) FailData(code, n int) { s.set(&s.failData, code, n) }

func (s *SMTPServer) set(f *fault, code, n int) {
	s.mu.Lock()
	*f = fault{code: code, n: n}
	s.mu.Unlock()
}

// SetDataDelay makes the server wait d after reading the data before it
// answers, for timeout tests. Zero turns it off.
func (s *SMTPServer) SetDataDelay(d time.Duration) {
	s.mu.Lock()
	s.dataDelay = d
	s.mu.Unlock()
}

// DropConnections closes every open connection, as a server restart or an
// idle timeout would.
func (s *SMTPServer) DropConnections() {
	s.mu.Lock()
	conns := make([]*smtp.Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.conns = make(map[*smtp.Conn]struct{})
	s.mu.Unlock()
	for _, c := range conns {
		c.Conn().Close()
	}
}

func (s *SMTPServer) newSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	s.sessions++
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	cs := &captureSession{s: s, c: c, helo: c.Hostname(), remote: c.Conn().RemoteAddr().String()}
	if s.opts.OAuth2 != nil {
		return &authCaptureSession{captureSession: cs}, nil
	}
	return cs, nil
}

func smtpErr(code int) error {
	class := code / 100
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{class, 0, 0}, Message: fmt.Sprintf("mailworld fault %d", code)}
}

// captureSession is one SMTP transaction.
type captureSession struct {
	s            *SMTPServer
	c            *smtp.Conn
	helo, remote string
	from         string
	to           []string
	user         string // logged in with RequireAuth's credentials
}

func (cs *captureSession) Reset() { cs.from, cs.to = "", nil }

func (cs *captureSession) Logout() error {
	cs.s.mu.Lock()
	delete(cs.s.conns, cs.c)
	cs.s.mu.Unlock()
	return nil
}

func (cs *captureSession) Mail(from string, _ *smtp.MailOptions) error {
	cs.s.mu.Lock()
	code := cs.s.failMail.take()
	if cs.s.authUser != "" && cs.user == "" {
		code = 530
	}
	cs.s.mu.Unlock()
	if code != 0 {
		return smtpErr(code)
	}
	cs.from = from
	return nil
}

func (cs *captureSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if cs.s.deliver != nil {
		// Delivery needs a mailbox to put the message in.
		if _, err := canonAddr(to); err != nil {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: err.Error()}
		}
	}
	cs.s.mu.Lock()
	code := cs.s.failRcpt.take()
	if c := cs.s.domainFaultFor(to); c != 0 {
		code = c
	}
	cs.s.mu.Unlock()
	if code != 0 {
		return smtpErr(code)
	}
	cs.to = append(cs.to, to)
	return nil
}

func (cs *captureSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	cs.s.mu.Lock()
	code := cs.s.failData.take()
	delay := cs.s.dataDelay
	cs.s.mu.Unlock()
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-cs.s.done:
			t.Stop()
			return smtpErr(421)
		}
	}
	if code != 0 {
		return smtpErr(code)
	}
	if cs.s.deliver != nil {
		// Delivered to every recipient before answering 250, so a sender
		// that got 250 can find the mail over IMAP at once.
		for _, rcpt := range cs.to {
			if err := cs.s.deliver(cs.from, cs.helo, cs.remote, rcpt, raw); err != nil {
				cs.s.log.Error("demo delivery failed", "to", rcpt, "err", err)
				return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "delivery failed, try again"}
			}
		}
		return nil
	}
	cs.s.mu.Lock()
	_, isTLS := cs.c.TLSConnectionState()
	cs.s.msgs = append(cs.s.msgs, Message{From: cs.from, To: append([]string(nil), cs.to...), Raw: raw, TLS: isTLS, User: cs.user})
	close(cs.s.changed)
	cs.s.changed = make(chan struct{})
	cs.s.mu.Unlock()
	return nil
}
