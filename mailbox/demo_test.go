package mailbox

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ingressus/klachtd/mailbox/mailworld"
)

// readInbox is user's folder in the world, raw.
func readInbox(t *testing.T, w *mailworld.World, user, folder string) [][]byte {
	t.Helper()
	msgs, err := w.List(user, folder)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func TestDemoWorldRunsIntakeAndSender(t *testing.T) {
	// The demo as klachtd uses it: mail sent by our Sender is picked up by
	// our Intake, with IDLE and MOVE from the demo IMAP server.
	w, err := mailworld.Start("127.0.0.1:0", "127.0.0.1:0", testLog(t))
	if err != nil {
		t.Fatalf("mailworld.Start() = %v", err)
	}
	defer w.Close()
	h, cur := newRecHandler(), newMemCursor()
	in := startIntake(t, IMAPConfig{
		Addr: w.IMAPAddr(), TLS: TLSNone, Username: "klachten@ingressus.nl", Password: mailworld.Password,
		Folder: "INBOX", Processed: "Verwerkt", Quarantine: "Quarantaine", PollInterval: time.Minute,
	}, h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "connected", func() bool { return in.Status().Connected && !in.Status().LastPoll.IsZero() })
	s := NewSender(SMTPConfig{Addr: w.SMTPAddr(), TLS: TLSNone}, testLog(t))
	defer s.Close()
	if err := s.Send(context.Background(), "noreply@web.ingressus.nl", []string{"klachten@ingressus.nl"}, testMsg(1, "")); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	waitUntil(t, 3*time.Second, "handled", func() bool { return len(h.handled()) == 1 })
	waitUntil(t, 3*time.Second, "moved", func() bool {
		return len(readInbox(t, w, "klachten@ingressus.nl", "Verwerkt")) == 1
	})
	h.mu.Lock()
	d := h.ds[0]
	h.mu.Unlock()
	if !strings.HasPrefix(string(d.Raw), "Delivered-To: klachten@ingressus.nl\r\n") {
		t.Errorf("delivery lacks Delivered-To: %q", d.Raw)
	}
}
