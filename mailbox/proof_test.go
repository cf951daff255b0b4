package mailbox

import (
	"context"
	"testing"
	"time"

	"github.com/ingressus/klachtd/mailbox/mailworld"
)

// TestSendAcceptedKeepsTheServersReply: the proof of sending is the
// server's whole final reply to DATA; a refused letter has none.
func TestSendAcceptedKeepsTheServersReply(t *testing.T) {
	srv := mailworld.NewSMTPServer(t)
	s := newTestSender(t, srv, 5*time.Second)
	ctx := context.Background()
	server, reply, err := s.SendAccepted(ctx, "klachten@ingressus.nl", []string{"piet@example.org"}, letter(1))
	if err != nil || server != "127.0.0.1" || reply != "250 2.0.0 OK: queued" {
		t.Fatalf("SendAccepted() = %q, %q, %v; want 127.0.0.1, the 250 line", server, reply, err)
	}
	srv.FailData(554, 1)
	if _, reply, err := s.SendAccepted(ctx, "klachten@ingressus.nl", []string{"piet@example.org"}, letter(2)); err == nil || reply != "" {
		t.Errorf("SendAccepted() refused = %q, %v; want no reply and an error", reply, err)
	}
	// Plain Send on the same connection is unaffected.
	if err := s.Send(ctx, "klachten@ingressus.nl", []string{"piet@example.org"}, letter(3)); err != nil {
		t.Errorf("Send() = %v", err)
	}
}
