package correspondence

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ingressus/klachtd/templates"
)

// arrivalSender records the order in which letters arrive at the server.
// A substantive response takes a little longer to transfer than other
// letters (it is the long one), which is what lets a short letter sent
// over another connection overtake it.
type arrivalSender struct {
	mu      sync.Mutex
	arrived []arrival
	refuse  func(kind, rcpt string) error
}

type arrival struct{ kind, rcpt string }

func (s *arrivalSender) Send(ctx context.Context, from string, to []string, raw []byte) error {
	kind := header(raw, templates.HeaderLetter)
	if kind == templates.Response {
		time.Sleep(5 * time.Millisecond)
	}
	if s.refuse != nil {
		if err := s.refuse(kind, strings.Join(to, "\n")); err != nil {
			return err
		}
	}
	s.mu.Lock()
	s.arrived = append(s.arrived, arrival{kind, strings.Join(to, "\n")})
	s.mu.Unlock()
	return nil
}

// answerMany files n complaints from their own complainants and answers
// them all with #reactie before the outbox runs.
func answerMany(t *testing.T, e *env, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		e.deliver(formFrom(i))
	}
	notes := e.lettersOf(templates.HandlerNew)
	if len(notes) != n {
		t.Fatalf("%d handler notices, want %d", len(notes), n)
	}
	for i, note := range notes {
		ref := fmt.Sprintf("KL-2026-%04d", i+1)
		e.deliver(reply(e.complaint(ref).Handler, note, "#reactie Geachte klant,\nWij crediteren de levering."))
	}
	if got := len(e.lettersOf(templates.ObjectionDeadline)); got != n {
		t.Fatalf("%d deadline letters, want %d", got, n)
	}
}

// Review #1: many complaints answered at once, the outbox sending over 4
// connections: each complainant receives the substantive response before
// the objection-deadline letter that follows it.
func TestLettersToOneRecipientKeepTheirOrder(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	const n = 12
	answerMany(t, e, n)
	s := &arrivalSender{}
	senders := []Sender{s, s, s, s}
	if _, err := e.g.FlushOutbox(context.Background(), senders); err != nil {
		t.Fatal(err)
	}
	checkOrder(t, s.arrived, n)
}

func checkOrder(t *testing.T, arrived []arrival, n int) {
	t.Helper()
	seen := map[string]bool{}
	deadlines := 0
	for _, a := range arrived {
		switch a.kind {
		case templates.Response:
			seen[a.rcpt] = true
		case templates.ObjectionDeadline:
			deadlines++
			if !seen[a.rcpt] {
				t.Errorf("%s received the objection-deadline letter before the response it follows", a.rcpt)
			}
		}
	}
	if deadlines != n {
		t.Errorf("%d deadline letters arrived, want %d", deadlines, n)
	}
}

// Review #1: a deferred response (greylisted) holds back the deadline
// letter to the same complainant until it has gone, even though the
// deadline letter is due.
func TestDeferredLetterHoldsLaterOnesToTheSameRecipient(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	const n = 3
	answerMany(t, e, n)
	// Another domain, so the domain backoff does not hold the rest anyway.
	if _, err := e.store.db.Exec(`UPDATE outbox SET rcpt = 'klant0@other.example' WHERE rcpt = 'klant0@example.com'`); err != nil {
		t.Fatal(err)
	}
	greylist := true
	s := &arrivalSender{refuse: func(kind, rcpt string) error {
		if greylist && kind == templates.Response && rcpt == "klant0@other.example" {
			return errors.New("451 greylisted")
		}
		return nil
	}}
	senders := []Sender{s, s, s, s}
	if _, err := e.g.FlushOutbox(context.Background(), senders); err != nil {
		t.Fatal(err)
	}
	for _, a := range s.arrived {
		if a.rcpt == "klant0@other.example" && a.kind != templates.Acknowledgement {
			t.Fatalf("%s reached the greylisted recipient while its response waits", a.kind)
		}
	}
	greylist = false
	e.clk.set(e.clk.now().Add(24 * time.Hour))
	if _, err := e.g.FlushOutbox(context.Background(), senders); err != nil {
		t.Fatal(err)
	}
	checkOrder(t, s.arrived, n)
	var queued int
	e.store.db.Get(&queued, `SELECT count(*) FROM outbox WHERE state = 'queued'`)
	if queued != 0 {
		t.Errorf("%d letters still queued", queued)
	}
}
