package mailbox

import (
	"context"
	"io"
	"strings"

	"github.com/wneessen/go-mail/smtp"
)

// replyKey carries, in a Send's context, where SendAccepted wants the
// server's final reply written. A context value rather than a new return
// value keeps Send's signature, which every caller and the Sender interface
// of correspondence use; the reply is written on the Send's own goroutine.
type replyKey struct{}

// SendAccepted is Send that also returns the proof of sending: the server
// that accepted the letter and its whole final reply to DATA, e.g.
// "250 2.0.0 Ok: queued as 4dQZ3L0Sdzz9vD" (Postfix puts the queue id
// there; a multi-line reply is joined with spaces). reply is "" when err is
// not nil.
func (s *Sender) SendAccepted(ctx context.Context, from string, to []string, raw []byte) (server, reply string, err error) {
	var r string
	err = s.Send(context.WithValue(ctx, replyKey{}, &r), from, to, raw)
	if err != nil {
		return s.host, "", err
	}
	return s.host, r, nil
}

// keepReply stores the reply of a closed DATA writer where SendAccepted
// asked for it.
func keepReply(ctx context.Context, w io.WriteCloser) {
	p, ok := ctx.Value(replyKey{}).(*string)
	if !ok {
		return
	}
	if dc, ok := w.(*smtp.DataCloser); ok {
		*p = strings.TrimSpace("250 " + strings.ReplaceAll(dc.ServerResponse(), "\n", " "))
	}
}
