package correspondence

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// autoAnswer is an auto-responder's answer with no RFC 3834 or vendor
// headers: "Re: <subject>", the same text every time.
func autoAnswer(from string, to outLetter) string {
	autoSeq++
	return fmt.Sprintf("From: %s\nTo: %s\nSubject: Re: %s\nMessage-ID: <%d.%s.auto@bakkerijvandijk.nl>\nIn-Reply-To: <%s>\nContent-Type: text/plain; charset=utf-8\n\nBedankt voor uw bericht. Wij lezen het zo snel mogelijk.\n",
		from, header(to.Raw, "Reply-To"), to.Subject, autoSeq, to.MessageID, to.MessageID)
}

var autoSeq int

// TestAutoResponderNeitherObjectsNorLoops (issue 10 item 7): an answer
// within seconds to every letter, without any auto-reply header, neither
// becomes an objection nor sets off a string of letters; the loop is on
// the timeline and reported once.
func TestAutoResponderNeitherObjectsNorLoops(t *testing.T) {
	t.Run("objection window", func(t *testing.T) {
		e, c, dl := respondedEnv(t)
		e.clk.set(at(2026, 11, 26, 9, 0))
		// The response and the deadline letter were queued on 23 November;
		// make them just sent, and answer each within seconds.
		resp := e.lettersOf(templates.Response)[0]
		for _, l := range []outLetter{resp, dl} {
			if _, err := e.store.db.Exec(`UPDATE outbox SET sent_at = ? WHERE message_id = ?`, e.clk.now().UTC(), l.MessageID); err != nil {
				t.Fatal(err)
			}
			e.deliver(autoAnswer("sanne@bakkerijvandijk.nl", l))
		}
		if n := len(e.lettersOf(templates.ObjectionReceived)); n != 0 {
			t.Fatalf("an auto-reply became an objection")
		}
		if got := e.complaint(c.Ref).State; got != StateResponded {
			t.Fatalf("state = %s", got)
		}
		if n := len(e.lettersOf(templates.LoopSuspected)); n != 1 {
			t.Errorf("loop reports = %d, want 1", n)
		}
		if n := len(e.lettersOf(templates.RelayToHandler)); n > 1 {
			t.Errorf("%d auto-replies relayed to the handler, want at most the first", n)
		}
		assertLoopOnTimeline(t, e, c)
	})
	t.Run("incomplete complaint", func(t *testing.T) {
		e := newEnv(t, at(2026, 11, 23, 10, 15))
		e.deliver(form("loop", "0612"))
		for i := 0; i < 20; i++ {
			reqs := e.lettersOf(templates.CompletionRequest)
			e.deliver(autoAnswer("sanne@bakkerijvandijk.nl", reqs[len(reqs)-1]))
		}
		if n := len(e.lettersOf(templates.CompletionRequest)); n > 2 {
			t.Fatalf("completion requests = %d, want at most one plus one reminder", n)
		}
		rep := e.lettersOf(templates.LoopSuspected)
		if c := e.complaint("KL-2026-0001"); len(rep) != 1 || rep[0].Rcpt != strings.Join(e.g.reportToAddrs(c), "\n") {
			t.Fatalf("loop reports = %d, want one to the handler (or the intake team while none)", len(rep))
		}
		assertLoopOnTimeline(t, e, e.complaint("KL-2026-0001"))
	})
}

func assertLoopOnTimeline(t *testing.T, e *env, c *Complaint) {
	t.Helper()
	var n int
	if err := e.store.db.Get(&n, `SELECT count(*) FROM events WHERE complaint_id = ? AND kind IN ('loop-suspected', 'completion-not-repeated')`, c.ID); err != nil || n == 0 {
		t.Errorf("no loop on the timeline (%v)", err)
	}
}

// TestReplyToDeadlineIsNotAnObjectionByItself: a plain reply to the
// objection-deadline letter, whose subject says "bezwaar", goes to the
// handler; one that says it objects is the objection.
func TestReplyToDeadlineIsNotAnObjectionByItself(t *testing.T) {
	e, c, dl := respondedEnv(t)
	if !strings.Contains(strings.ToLower(dl.Subject), "bezwaar") {
		t.Fatalf("deadline subject %q does not say bezwaar; the test proves nothing", dl.Subject)
	}
	e.deliver(reply("sanne@bakkerijvandijk.nl", dl, "Dank u, ik heb de creditnota ontvangen."))
	if got := e.complaint(c.Ref).State; got != StateResponded {
		t.Fatalf("a thank-you became an objection: state %s", got)
	}
	if n := len(e.lettersOf(templates.RelayToHandler)); n != 1 {
		t.Errorf("thank-you relayed %d times, want 1", n)
	}
	e.deliver(reply("sanne@bakkerijvandijk.nl", dl, "Ik ben het hier niet mee eens."))
	if got := e.complaint(c.Ref).State; got != StateObjection {
		t.Fatalf("a worded objection: state %s", got)
	}
}

// reportToAddrs is reportTo outside a transaction.
func (g *Gateway) reportToAddrs(c *Complaint) []string {
	return (&txn{g: g}).reportTo(c)
}

// TestCompletionRequestsCapped: however many replies leave a complaint
// incomplete, at most one completion request and one reminder go out; the
// handler (or intake team) is told once.
func TestCompletionRequestsCapped(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("cap", "0612"))
	for i := 0; i < 5; i++ {
		e.clk.set(at(2026, 11, 24+i, 9, 0)) // a day apart: not an auto-reply by timing
		reqs := e.lettersOf(templates.CompletionRequest)
		e.deliver(reply("sanne@bakkerijvandijk.nl", reqs[len(reqs)-1], fmt.Sprintf("Poging %d: ik weet het nummer niet.", i)))
	}
	if n := len(e.lettersOf(templates.CompletionRequest)); n != 2 {
		t.Fatalf("completion requests = %d, want 2", n)
	}
	rep := e.lettersOf(templates.LoopSuspected)
	if len(rep) != 1 || !strings.Contains(rep[0].Key, "completion-limit") {
		t.Fatalf("reports = %+v, want one completion-limit report", rep)
	}
}
