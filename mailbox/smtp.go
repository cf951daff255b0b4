package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/textproto"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wneessen/go-mail/smtp"
)

// DefaultSMTPTimeout bounds each SMTP step when SMTPConfig.Timeout is zero.
const DefaultSMTPTimeout = 30 * time.Second

// SendError is a failed SMTP step. Every error Send returns is one, and it
// says itself what the outbox does with the letter: Temporary (retry with
// backoff, or mark it undeliverable) and Outage (wait, uncounted, for the
// server); the outbox finds them with errors.As.
type SendError struct {
	// Stage is the SMTP step that failed: "connect", "ehlo", "starttls",
	// "auth", "mail", "rcpt", "data".
	Stage string
	// Recipient is set when Stage is "rcpt".
	Recipient string
	// Code and Message are the server's reply; Code is 0 when the failure
	// was not a reply (timeout, connection lost).
	Code    int
	Message string
	// Err is the underlying error.
	Err error
}

// Error reads like `smtp rcpt "a@b": 550 no such user`.
func (e *SendError) Error() string {
	var b strings.Builder
	b.WriteString("smtp ")
	b.WriteString(e.Stage)
	if e.Recipient != "" {
		fmt.Fprintf(&b, " %q", e.Recipient) // quoted: it may hold a line break
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, ": %d %s", e.Code, e.Message)
	} else if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Permanent reports whether the server refused the letter with a 5xx reply
// to MAIL, RCPT or DATA. A 5xx while connecting (EHLO, STARTTLS, AUTH: a
// wrong password, say) is our configuration's fault, not the letter's, and
// stays temporary so the letter waits for the fix.
func (e *SendError) Permanent() bool {
	switch e.Stage {
	case "mail", "rcpt", "data":
		return e.Code >= 500 && e.Code < 600
	}
	return false
}

// Outage reports whether the failure is the sending server's as a whole,
// not this letter's: no connection, no greeting, EHLO, STARTTLS or AUTH
// refused (a wrong password), or the server closing the session (421)
// before it took the sender. Every letter would fail alike, so the outbox
// keeps them all waiting, uncounted, until the server is back.
func (e *SendError) Outage() bool {
	switch e.Stage {
	case "connect", "ehlo", "starttls", "auth":
		return true
	case "mail":
		return e.Code == 421 || e.Code == 0
	}
	return false
}

// Temporary reports whether retrying may help: anything but a 5xx reply.
func (e *SendError) Temporary() bool { return !e.Permanent() }

// Unwrap exposes the cause.
func (e *SendError) Unwrap() error { return e.Err }

// newSendError classifies err from stage: a reply code is kept, anything
// else (I/O, timeout) is temporary.
func newSendError(stage, rcpt string, err error) *SendError {
	se := &SendError{Stage: stage, Recipient: rcpt, Err: err}
	var te *textproto.Error
	if errors.As(err, &te) {
		se.Code, se.Message = te.Code, te.Msg
	}
	return se
}

// Sender delivers finished letters by SMTP over one reused connection. Safe
// for concurrent use; sends are serialised.
type Sender struct {
	cfg  SMTPConfig
	log  *slog.Logger
	host string

	mu   sync.Mutex
	c    *smtp.Client
	raw  net.Conn // under c, for deadlines and cancellation
	used int      // letters sent over c, for the log
}

// NewSender returns a Sender for cfg. Zero fields get defaults: TLS
// STARTTLS, Timeout 30 s, HeloName the host name. It does no I/O: the first
// Send connects, and later Sends reuse that connection.
func NewSender(cfg SMTPConfig, log *slog.Logger) *Sender {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultSMTPTimeout
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	if cfg.HeloName == "" {
		if h, err := os.Hostname(); err == nil && h != "" {
			cfg.HeloName = h
		} else {
			cfg.HeloName = "localhost"
		}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	host, _, _ := net.SplitHostPort(cfg.Addr)
	return &Sender{cfg: cfg, log: log, host: host}
}

// Send delivers raw, unchanged, from the envelope sender to each recipient.
// raw must use CRLF line ends (a lone LF becomes CRLF on the wire, as SMTP
// requires) and should end with CRLF. The error is nil only when the server
// accepted the data; it is a *SendError, permanent (Temporary false) for a
// 5xx reply to MAIL, RCPT or DATA, including one refused recipient, and
// temporary for everything else.
func (s *Sender) Send(ctx context.Context, from string, to []string, raw []byte) error {
	if len(to) == 0 {
		return &SendError{Stage: "rcpt", Code: 554, Message: "no recipients", Err: errors.New("no recipients")}
	}
	// A line break in an address would be refused by go-mail before it
	// reaches the server; no retry can cure it, so it is permanent here.
	for i, addr := range append([]string{from}, to...) {
		if strings.ContainsAny(addr, "\r\n") || (i > 0 && strings.TrimSpace(addr) == "") {
			stage, rcpt := "rcpt", addr
			if i == 0 {
				stage, rcpt = "mail", ""
			}
			return &SendError{Stage: stage, Recipient: rcpt, Code: 501, Message: "invalid address (refused locally, not sent)", Err: errors.New("invalid address")}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return &SendError{Stage: "connect", Err: err}
	}
	reused := s.c != nil
	if !reused {
		if err := s.connect(ctx); err != nil {
			return err
		}
	}
	err := s.transaction(ctx, from, to, raw)
	var se *SendError
	// A reused connection may have been closed by the server while idle
	// (Postfix drops idle clients after smtpd_timeout). If MAIL failed
	// without a reply (or with 421, "closing channel"), nothing was sent
	// yet: reconnect and try once more.
	if reused && errors.As(err, &se) && se.Stage == "mail" && (se.Code == 0 || se.Code == 421) && ctx.Err() == nil {
		s.log.Debug("smtp connection went stale, reconnecting", "addr", s.cfg.Addr, "err", err)
		s.drop()
		if err := s.connect(ctx); err != nil {
			return err
		}
		err = s.transaction(ctx, from, to, raw)
	}
	return err
}

// transaction runs MAIL, RCPT..., DATA on the open connection. On a reply
// error it resets the transaction so the connection stays usable; on any
// other error it drops the connection.
func (s *Sender) transaction(ctx context.Context, from string, to []string, raw []byte) (err error) {
	// Cancelling ctx expires the connection's deadline, which aborts any
	// blocked read or write; the connection is then dropped below.
	conn := s.raw
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer func() {
		if !stop() && err != nil {
			if se, ok := err.(*SendError); ok && ctx.Err() != nil {
				se.Err = fmt.Errorf("%w (%v)", ctx.Err(), se.Err)
			}
		}
		var se *SendError
		if err != nil && (!errors.As(err, &se) || se.Code == 0 || ctx.Err() != nil) {
			s.drop()
		}
	}()

	if err := s.step(); err != nil {
		return &SendError{Stage: "mail", Err: err}
	}
	if err := s.c.Mail(envelopeAddr(from)); err != nil {
		return s.abort(newSendError("mail", "", err))
	}
	for _, rcpt := range to {
		if err := s.step(); err != nil {
			return &SendError{Stage: "rcpt", Recipient: rcpt, Err: err}
		}
		if err := s.c.Rcpt(envelopeAddr(rcpt)); err != nil {
			// One refused recipient fails the letter: we send one
			// recipient per letter, and a partial delivery would make a
			// retry send twice to the others.
			return s.abort(newSendError("rcpt", rcpt, err))
		}
	}
	if err := s.step(); err != nil {
		return &SendError{Stage: "data", Err: err}
	}
	w, err := s.c.Data()
	if err != nil {
		return s.abort(newSendError("data", "", err))
	}
	if _, err := w.Write(raw); err != nil {
		return &SendError{Stage: "data", Err: err}
	}
	// Close sends the final "." and reads the server's verdict.
	if err := w.Close(); err != nil {
		se := newSendError("data", "", err)
		if se.Temporary() {
			s.drop() // as in abort: the retry gets a fresh session
		}
		return se
	}
	keepReply(ctx, w) // the proof of sending, for SendAccepted
	s.used++
	return nil
}

// envelopeAddr writes an address as RFC 5321 §4.1.2 wants it in MAIL and
// RCPT: in angle brackets; "" becomes the null sender "<>". go-mail's smtp
// package sends the argument as given (its Client adds the brackets).
func envelopeAddr(a string) string {
	a = strings.TrimSpace(a)
	a = strings.TrimSuffix(strings.TrimPrefix(a, "<"), ">")
	return "<" + a + ">"
}

// step renews the per-step deadline.
func (s *Sender) step() error {
	return s.raw.SetDeadline(time.Now().Add(s.cfg.Timeout))
}

// abort ends the transaction after a refused command: after a 5xx, RSET
// keeps the connection for the next letter (if RSET fails it goes); after
// a 4xx the connection goes.
func (s *Sender) abort(se *SendError) *SendError {
	if se.Code == 0 {
		return se
	}
	if se.Temporary() {
		// A deferral may be lifted by the server's operator (Postfix
		// applies a reload to new sessions only): the retry gets a fresh
		// connection.
		s.drop()
		return se
	}
	if err := s.step(); err == nil {
		if err := s.c.Reset(); err == nil {
			return se
		}
	}
	s.drop()
	return se
}

// connect opens, secures, greets and authenticates a new connection.
func (s *Sender) connect(ctx context.Context) error {
	cfg := s.cfg
	fail := func(err error) error { return &SendError{Stage: "connect", Err: err} }
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return fail(fmt.Errorf("addr %q: %w", cfg.Addr, err))
	}
	tlsConfig := &tls.Config{ServerName: s.host, InsecureSkipVerify: cfg.Insecure, RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12}
	d := &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}
	var (
		raw net.Conn
		err error
	)
	switch cfg.TLS {
	case TLSImplicit:
		raw, err = (&tls.Dialer{NetDialer: d, Config: tlsConfig}).DialContext(ctx, "tcp", cfg.Addr)
	case TLSStartTLS:
		raw, err = d.DialContext(ctx, "tcp", cfg.Addr)
	case TLSNone:
		if !isLoopback(cfg.Addr) {
			return fail(fmt.Errorf("tls = %q is allowed to a loopback address only, not %q", TLSNone, cfg.Addr))
		}
		raw, err = d.DialContext(ctx, "tcp", cfg.Addr)
	default:
		return fail(fmt.Errorf("unknown tls mode %q", cfg.TLS))
	}
	if err != nil {
		return fail(fmt.Errorf("dial %s: %w", cfg.Addr, err))
	}
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	raw.SetDeadline(time.Now().Add(cfg.Timeout))
	c, err := smtp.NewClient(raw, s.host)
	if err != nil {
		raw.Close()
		return newSendError("connect", "", fmt.Errorf("greeting: %w", err))
	}
	bad := func(stage string, err error) error {
		c.Close()
		return newSendError(stage, "", err)
	}
	if err := c.Hello(cfg.HeloName); err != nil {
		return bad("ehlo", err)
	}
	if cfg.TLS == TLSStartTLS {
		// Never fall back to clear text: a missing STARTTLS may be an
		// attacker stripping it.
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return bad("starttls", errors.New("server does not offer STARTTLS"))
		}
		raw.SetDeadline(time.Now().Add(cfg.Timeout))
		if err := c.StartTLS(tlsConfig); err != nil {
			return bad("starttls", err)
		}
	}
	if cfg.OAuth2 != nil {
		if err := s.authOAuth2(ctx, c, raw); err != nil {
			c.Close()
			return err
		}
	} else if cfg.Username != "" {
		if cfg.TLS == TLSNone && !isLoopback(cfg.Addr) {
			return bad("auth", errors.New("refusing to send the password without TLS"))
		}
		_, mechs := c.Extension("AUTH")
		allowPlain := cfg.TLS == TLSNone // only reachable on loopback
		var a smtp.Auth
		if slices.Contains(strings.Fields(strings.ToUpper(mechs)), "PLAIN") || !strings.Contains(strings.ToUpper(mechs), "LOGIN") {
			a = smtp.PlainAuth("", cfg.Username, cfg.Password, s.host, allowPlain)
		} else {
			a = smtp.LoginAuth(cfg.Username, cfg.Password, s.host, allowPlain)
		}
		raw.SetDeadline(time.Now().Add(cfg.Timeout))
		if err := c.Auth(a); err != nil {
			// The error text is the server's reply, never the password.
			return bad("auth", err)
		}
	}
	s.c, s.raw, s.used = c, raw, 0
	s.log.Debug("smtp connected", "addr", cfg.Addr, "tls", string(cfg.TLS))
	return nil
}

// drop closes the current connection without QUIT.
func (s *Sender) drop() {
	if s.c != nil {
		s.c.Close()
	}
	s.c, s.raw = nil, nil
}

// Close says QUIT and closes the connection, if one is open.
func (s *Sender) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c == nil {
		return nil
	}
	s.raw.SetDeadline(time.Now().Add(s.cfg.Timeout))
	err := s.c.Quit()
	s.drop()
	if err != nil {
		return fmt.Errorf("smtp quit: %w", err)
	}
	return nil
}
