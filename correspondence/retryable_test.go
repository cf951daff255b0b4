package correspondence

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// sayTemporary is a send error that says whether retrying may help, as
// mailbox.SendError does.
type sayTemporary bool

func (e sayTemporary) Error() string   { return fmt.Sprintf("temporary=%v", bool(e)) }
func (e sayTemporary) Temporary() bool { return bool(e) }

func TestRetryable(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{sayTemporary(true), true},
		{sayTemporary(false), false},
		{fmt.Errorf("send: %w", sayTemporary(false)), false}, // found through the wrapping
		{errors.New("no classification"), true},              // not given up on a guess
		{context.Canceled, true},
	} {
		if got := retryable(tt.err); got != tt.want {
			t.Errorf("retryable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// A letter whose send error says it is not temporary is marked failed at
// once; one whose error says temporary waits for its retry.
func TestOutboxAsksTheErrorWhetherToRetry(t *testing.T) {
	for _, tmp := range []bool{true, false} {
		e := newEnv(t, at(2026, 11, 23, 10, 15))
		e.deliver(form("<a@form.example>", "0612345678"))
		s := &arrivalSender{refuse: func(kind, rcpt string) error {
			if kind == templates.Acknowledgement {
				return fmt.Errorf("smtp rcpt: %w", sayTemporary(tmp))
			}
			return nil
		}}
		if _, err := e.g.FlushOutbox(context.Background(), []Sender{s}); err != nil {
			t.Fatal(err)
		}
		var state string
		if err := e.store.db.Get(&state, `SELECT state FROM outbox WHERE kind = ?`, templates.Acknowledgement); err != nil {
			t.Fatal(err)
		}
		want := "queued"
		if !tmp {
			want = "failed"
		}
		if state != want {
			t.Errorf("Temporary() = %v: acknowledgement %s, want %s", tmp, state, want)
		}
	}
}
