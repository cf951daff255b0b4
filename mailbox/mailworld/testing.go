package mailworld

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"net"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// TB is the part of testing.TB the test servers use; a *testing.T is one.
// Not testing.TB itself: klachtd demo links this package, and should not
// link package testing with it.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// IMAP credentials of a test server's one user.
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

// IMAPOptions changes what a test IMAP server offers.
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
	// TLS makes the server offer STARTTLS, with ImplicitTLS TLS from the
	// first byte instead; LOGIN is then allowed only over TLS.
	TLS         *tls.Config
	ImplicitTLS bool
}

// NewIMAPServer starts a test server on 127.0.0.1:0 with user IMAPUser /
// IMAPPassword and an empty INBOX; plain text login is allowed. It offers
// IDLE and MOVE, and is closed by t.Cleanup.
func NewIMAPServer(t TB) *IMAPServer {
	t.Helper()
	return NewIMAPServerWith(t, IMAPOptions{})
}

// NewIMAPServerWith is NewIMAPServer with options.
func NewIMAPServerWith(t TB, o IMAPOptions) *IMAPServer {
	t.Helper()
	caps := imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}
	if o.Rev1Only {
		caps = imap.CapSet{imap.CapIMAP4rev1: {}}
	}
	s, err := startIMAP("127.0.0.1:0", imapConfig{caps: caps, tls: o.TLS, implicitTLS: o.ImplicitTLS, tokens: o.OAuth2, mechs: o.Mechanisms, t: t})
	if err != nil {
		t.Fatalf("mailworld: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if s.main, err = s.addUser(IMAPUser, IMAPPassword, "INBOX"); err != nil {
		t.Fatalf("mailworld: create INBOX: %v", err)
	}
	return s
}

// NewSMTPServer starts a test server on 127.0.0.1:0 that records every
// message it accepts; no TLS, no auth. It is closed by t.Cleanup.
func NewSMTPServer(t TB) *SMTPServer {
	t.Helper()
	return NewSMTPServerWith(t, SMTPOptions{})
}

// NewSMTPServerWith is NewSMTPServer with options.
func NewSMTPServerWith(t TB, o SMTPOptions) *SMTPServer {
	t.Helper()
	s, err := startSMTP("127.0.0.1:0", "capture.test", o, nil, nil)
	if err != nil {
		t.Fatalf("mailworld: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// The helpers below work on the one user of a server from NewIMAPServer
// and fail its test; a World's server has no such user (see World.List).

// User is the login name.
func (s *IMAPServer) User() string { return IMAPUser }

// Password is the login password.
func (s *IMAPServer) Password() string { return IMAPPassword }

// Create makes a mailbox.
func (s *IMAPServer) Create(mailbox string) {
	s.t.Helper()
	if err := s.main.u.Create(mailbox, nil); err != nil {
		s.t.Fatalf("mailworld: create %q: %v", mailbox, err)
	}
}

// Append adds raw to mailbox and returns its UID.
func (s *IMAPServer) Append(mailbox string, raw []byte) uint32 {
	s.t.Helper()
	data, err := s.main.u.Append(mailbox, bytes.NewReader(raw), &imap.AppendOptions{})
	if err != nil {
		s.t.Fatalf("mailworld: append to %q: %v", mailbox, err)
	}
	return uint32(data.UID)
}

// UIDValidity returns the mailbox's UIDVALIDITY.
func (s *IMAPServer) UIDValidity(mailbox string) uint32 {
	s.t.Helper()
	st, err := s.main.u.Status(mailbox, &imap.StatusOptions{UIDValidity: true})
	if err != nil {
		s.t.Fatalf("mailworld: status %q: %v", mailbox, err)
	}
	return st.UIDValidity
}

// ResetUIDValidity deletes and re-creates mailbox, empty, with a new
// UIDVALIDITY, as a server that rebuilt its index would.
func (s *IMAPServer) ResetUIDValidity(mailbox string) {
	s.t.Helper()
	if err := s.main.u.Delete(mailbox); err != nil {
		s.t.Fatalf("mailworld: delete %q: %v", mailbox, err)
	}
	s.Create(mailbox)
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
	msgs, err := s.read(IMAPUser, IMAPPassword, mailbox)
	if err != nil {
		s.t.Fatalf("mailworld: %v", err)
	}
	return msgs
}

// read logs in as user over a helper connection, which the failure knobs
// and counters leave alone, and returns folder's messages (nil if there is
// no such folder).
func (s *IMAPServer) read(user, pass, folder string) ([]IMAPMessage, error) {
	nc, err := net.Dial("tcp", s.Addr())
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	s.mu.Lock()
	s.helpers[nc.LocalAddr().String()] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.helpers, nc.LocalAddr().String())
		s.mu.Unlock()
	}()
	var c *imapclient.Client
	insecure := &tls.Config{InsecureSkipVerify: true} // our own server, for our own helper
	switch {
	case s.tls == nil:
		c = imapclient.New(nc, nil)
	case s.implicitTLS:
		c = imapclient.New(tls.Client(nc, insecure), nil)
	default:
		if c, err = imapclient.NewStartTLS(nc, &imapclient.Options{TLSConfig: insecure}); err != nil {
			nc.Close()
			return nil, fmt.Errorf("starttls: %w", err)
		}
	}
	defer c.Close()
	if err := c.Login(user, pass).Wait(); err != nil {
		return nil, fmt.Errorf("login %s: %w", user, err)
	}
	sel, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil || sel.NumMessages == 0 {
		return nil, nil
	}
	body := &imap.FetchItemBodySection{Peek: true}
	all := imap.SeqSet{{Start: 1, Stop: 0}}
	msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{body}}).Collect()
	if err != nil {
		return nil, fmt.Errorf("fetch %q: %w", folder, err)
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
	return out, nil
}
