package mailbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ingressus/klachtd/mailbox/mailworld"
)

func letter(i int) []byte {
	// Finished bytes as the outbox stores them: CRLF, a fixed Message-ID,
	// a line starting with a dot (dot-stuffing must be undone exactly) and
	// 8-bit UTF-8.
	return fmt.Appendf(nil, "From: Klachten <klachten@ingressus.nl>\r\n"+
		"To: piet@example.org\r\n"+
		"Subject: [KL-2026-%04d] Ontvangstbevestiging\r\n"+
		"Message-ID: <letter-%d@klachtd.ingressus.nl>\r\n"+
		"MIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n"+
		"Content-Transfer-Encoding: 8bit\r\n"+
		"\r\n"+
		"Geachte heer, uw klacht is ontvangen.\r\n"+
		".punt aan het begin van de regel\r\n"+
		"Met vriendelijke groet, Jeroen Bakker — Ingressus\r\n", i, i)
}

func newTestSender(t *testing.T, srv *mailworld.SMTPServer, timeout time.Duration) *Sender {
	t.Helper()
	s := NewSender(SMTPConfig{Addr: srv.Addr(), TLS: TLSNone, HeloName: "klachtd.test", Timeout: timeout}, testLog(t))
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSenderSendsRawBytesUnchanged(t *testing.T) {
	srv := mailworld.NewSMTPServer(t)
	s := newTestSender(t, srv, 5*time.Second)
	raw := letter(1)
	if err := s.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org"}, raw); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if !bytes.Equal(m.Raw, raw) {
		t.Errorf("server got\n%q\nwant\n%q", m.Raw, raw)
	}
	if m.From != "klachten@ingressus.nl" || len(m.To) != 1 || m.To[0] != "piet@example.org" {
		t.Errorf("envelope = %q -> %q", m.From, m.To)
	}
}

func TestSenderReusesConnection(t *testing.T) {
	srv := mailworld.NewSMTPServer(t)
	s := newTestSender(t, srv, 5*time.Second)
	const n = 10
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() { // concurrent callers share the one connection
			defer wg.Done()
			errs <- s.Send(context.Background(), "klachten@ingressus.nl", []string{fmt.Sprintf("p%d@example.org", i)}, letter(i))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Send() = %v", err)
		}
	}
	if got := len(srv.Messages()); got != n {
		t.Errorf("server got %d messages, want %d", got, n)
	}
	if got := srv.Sessions(); got != 1 {
		t.Errorf("server saw %d sessions for %d letters, want 1", got, n)
	}
}

func TestSenderTemporaryAndPermanentReplies(t *testing.T) {
	tests := []struct {
		name      string
		knob      func(*mailworld.SMTPServer)
		permanent bool
		code      int
		stage     string
	}{
		{"MAIL 451", func(s *mailworld.SMTPServer) { s.FailMail(451, 1) }, false, 451, "mail"},
		{"MAIL 550", func(s *mailworld.SMTPServer) { s.FailMail(550, 1) }, true, 550, "mail"},
		{"RCPT 450", func(s *mailworld.SMTPServer) { s.FailRcpt(450, 1) }, false, 450, "rcpt"},
		{"RCPT 550", func(s *mailworld.SMTPServer) { s.FailRcpt(550, 1) }, true, 550, "rcpt"},
		{"DATA 452", func(s *mailworld.SMTPServer) { s.FailData(452, 1) }, false, 452, "data"},
		{"DATA 554", func(s *mailworld.SMTPServer) { s.FailData(554, 1) }, true, 554, "data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailworld.NewSMTPServer(t)
			s := newTestSender(t, srv, 5*time.Second)
			tt.knob(srv)
			err := s.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org"}, letter(1))
			if err == nil {
				t.Fatalf("Send() = nil, want a %d error", tt.code)
			}
			if got := permanent(err); got != tt.permanent {
				t.Errorf("permanent(%v) = %v, want %v", err, got, tt.permanent)
			}
			if got := temporary(err); got == tt.permanent {
				t.Errorf("temporary(%v) = %v, want %v", err, got, !tt.permanent)
			}
			var se *SendError
			if !errors.As(err, &se) || se.Code != tt.code || se.Stage != tt.stage || se.Message == "" {
				t.Errorf("Send() = %#v, want a SendError with code %d at %s", err, tt.code, tt.stage)
			}
			// After a 5xx the transaction was reset and the next letter
			// goes out over the same connection; after a 4xx the
			// connection was dropped, so the retry meets a server whose
			// operator may have lifted the deferral (Postfix reloads
			// apply to new sessions only).
			if err := s.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org"}, letter(2)); err != nil {
				t.Fatalf("second Send() = %v", err)
			}
			if msgs := srv.Messages(); len(msgs) != 1 || !bytes.Equal(msgs[0].Raw, letter(2)) {
				t.Errorf("server holds %d messages, want only letter 2", len(msgs))
			}
			want := 1
			if !tt.permanent {
				want = 2
			}
			if got := srv.Sessions(); got != want {
				t.Errorf("sessions = %d, want %d", got, want)
			}
		})
	}
}

func TestSenderOneRefusedRecipientFailsTheLetter(t *testing.T) {
	srv := mailworld.NewSMTPServer(t)
	s := newTestSender(t, srv, 5*time.Second)
	srv.FailRcpt(550, 1) // the first of two recipients
	err := s.Send(context.Background(), "klachten@ingressus.nl", []string{"gone@example.org", "piet@example.org"}, letter(1))
	var se *SendError
	if !permanent(err) || !errors.As(err, &se) || se.Recipient != "gone@example.org" {
		t.Fatalf("Send() = %v, want permanent for gone@example.org", err)
	}
	if got := len(srv.Messages()); got != 0 {
		t.Errorf("server got %d messages, want 0", got)
	}
}

func TestSenderReconnectsAfterServerClosedConnection(t *testing.T) {
	srv := mailworld.NewSMTPServer(t)
	s := newTestSender(t, srv, 5*time.Second)
	ctx := context.Background()
	if err := s.Send(ctx, "klachten@ingressus.nl", []string{"piet@example.org"}, letter(1)); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	srv.DropConnections()
	time.Sleep(20 * time.Millisecond)
	if err := s.Send(ctx, "klachten@ingressus.nl", []string{"piet@example.org"}, letter(2)); err != nil {
		t.Fatalf("Send() after the server closed the connection = %v, want a transparent reconnect", err)
	}
	if got := len(srv.Messages()); got != 2 {
		t.Errorf("server got %d messages, want 2", got)
	}
	if got := srv.Sessions(); got != 2 {
		t.Errorf("sessions = %d, want 2", got)
	}
}

func TestSenderTimeoutIsTemporary(t *testing.T) {
	srv := mailworld.NewSMTPServer(t)
	s := newTestSender(t, srv, 200*time.Millisecond)
	srv.SetDataDelay(2 * time.Second)
	start := time.Now()
	err := s.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org"}, letter(1))
	if err == nil || !temporary(err) {
		t.Fatalf("Send() = %v, want a temporary timeout", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Send() took %v with a 200ms timeout", d)
	}
	srv.SetDataDelay(0)
	if err := s.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org"}, letter(2)); err != nil {
		t.Fatalf("Send() after a timeout = %v", err)
	}
}

func TestSenderContextCancel(t *testing.T) {
	srv := mailworld.NewSMTPServer(t)
	s := newTestSender(t, srv, 10*time.Second)
	srv.SetDataDelay(5 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s.Send(ctx, "klachten@ingressus.nl", []string{"piet@example.org"}, letter(1))
	if err == nil || !temporary(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Send() = %v, want a temporary error wrapping the deadline", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Send() took %v after the context ended", d)
	}
}

func TestSenderConnectionRefusedIsTemporary(t *testing.T) {
	srv := mailworld.NewSMTPServer(t)
	addr := srv.Addr()
	srv.Close()
	s := NewSender(SMTPConfig{Addr: addr, TLS: TLSNone, Timeout: time.Second}, testLog(t))
	err := s.Send(context.Background(), "a@b.c", []string{"d@e.f"}, letter(1))
	if err == nil || !temporary(err) {
		t.Fatalf("Send() = %v, want temporary", err)
	}
}

func TestSenderAddressWithLineBreakIsPermanent(t *testing.T) {
	srv := mailworld.NewSMTPServer(t)
	s := newTestSender(t, srv, 5*time.Second)
	err := s.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org\r\nRCPT TO:<x@evil>"}, letter(1))
	if !permanent(err) {
		t.Fatalf("Send() = %v, want permanent", err)
	}
	if srv.Sessions() != 0 {
		t.Errorf("a connection was opened for an invalid address")
	}
}

func TestSenderNullSenderAndBrackets(t *testing.T) {
	srv := mailworld.NewSMTPServer(t)
	s := newTestSender(t, srv, 5*time.Second)
	// The null sender, as a bounce-like notice would use, and an address
	// already in brackets.
	if err := s.Send(context.Background(), "", []string{"<piet@example.org>"}, letter(1)); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	m := srv.Messages()[0]
	if m.From != "" || len(m.To) != 1 || m.To[0] != "piet@example.org" {
		t.Errorf("envelope = %q -> %q, want \"\" -> [piet@example.org]", m.From, m.To)
	}
}

// temporary and permanent ask err what the outbox asks it: by errors.As on
// an interface of its own, never on mailbox's types. An error that says
// neither is neither.
func temporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

func permanent(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && !t.Temporary()
}
