package correspondence

import (
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// Review 2: commands the procedure allows only later in a complaint's
// life are refused before it, with why; nothing reaches the complainant.

// Review 2 #2: #bezwaar before the substantive response is refused: an
// objection is made in the window after the response (procedure.md §4),
// so a correction or a question is never registered as "the objection".
func TestObjectionBeforeResponseRefused(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("ob1", "010-1234567"))
	ack := e.lettersOf(templates.Acknowledgement)[0]
	c := e.complaint("KL-2026-0001")
	e.clk.set(at(2026, 11, 24, 9, 0))
	e.deliver(reply("sanne@bakkerijvandijk.nl", ack, "Ik ben het er niet mee eens."))
	relay := e.lettersOf(templates.RelayToHandler)
	if len(relay) != 1 {
		t.Fatalf("relays to the handler: %d, want 1", len(relay))
	}
	e.deliver(reply(c.Handler, relay[0], "#bezwaar"))
	for _, k := range []string{templates.ObjectionReceived, templates.ObjectionDossier, templates.CommandDone} {
		if n := len(e.lettersOf(k)); n != 0 {
			t.Errorf("%d %s letters after #bezwaar before the response", n, k)
		}
	}
	if got := e.complaint(c.Ref).State; got != StateOpen {
		t.Errorf("state %s after the refused #bezwaar, want open", got)
	}
	nd := e.lettersOf(templates.CommandNotDone)
	if len(nd) != 1 || nd[0].Rcpt != c.Handler {
		t.Fatalf("refusal of #bezwaar: %+v", nd)
	}
	for _, want := range []string{"#bezwaar is niet uitgevoerd", "nog geen inhoudelijke reactie", "pas daarna", "Er is niets aan de indiener gestuurd"} {
		if !strings.Contains(nd[0].text(), want) {
			t.Errorf("refusal lacks %q:\n%s", want, nd[0].text())
		}
	}
}

// Review 2 #2: a second #bezwaar while the objection is with management
// is refused with that, not confirmed as done.
func TestSecondObjectionRefused(t *testing.T) {
	e, c := objectionScenario(t)
	before := e.counts()
	note := e.lettersOf(templates.HandlerNew)[0]
	e.clk.set(at(2026, 12, 29, 9, 0))
	e.deliver(reply(c.Handler, note, "#bezwaar"))
	after := e.counts()
	for _, k := range []string{templates.ObjectionReceived, templates.ObjectionDossier, templates.CommandDone} {
		if after[k] != before[k] {
			t.Errorf("%s: %d letters after a second #bezwaar, want %d", k, after[k], before[k])
		}
	}
	nd := e.lettersOf(templates.CommandNotDone)
	if len(nd) != 1 {
		t.Fatalf("refusal of the second #bezwaar: %+v", nd)
	}
	for _, want := range []string{"#bezwaar is niet uitgevoerd", "al bezwaar gemaakt", "directie"} {
		if !strings.Contains(nd[0].text(), want) {
			t.Errorf("refusal lacks %q:\n%s", want, nd[0].text())
		}
	}
}

// Review 2 #3: #reactie on an incomplete complaint is refused: the
// handling starts when the complaint is complete (§1), so no response, no
// objection window and no closing letter before the acknowledgement.
func TestResponseOnIncompleteRefused(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("inc", "0612"))
	req := e.lettersOf(templates.CompletionRequest)
	if len(req) != 1 {
		t.Fatalf("completion requests: %d, want 1", len(req))
	}
	c := e.complaint("KL-2026-0001")
	if c.State != StateIncomplete || c.Handler == "" {
		t.Fatalf("state %s handler %q, want incomplete with a handler", c.State, c.Handler)
	}
	e.deliver(reply(c.Handler, req[0], "#reactie\nWij leveren nieuwe tegels."))
	for _, k := range []string{templates.Response, templates.ObjectionDeadline, templates.CommandDone} {
		if n := len(e.lettersOf(k)); n != 0 {
			t.Errorf("%d %s letters after #reactie on an incomplete complaint", n, k)
		}
	}
	if got := e.complaint(c.Ref); got.State != StateIncomplete || got.ObjectionEnd != "" || got.RespondedDay != "" {
		t.Errorf("after the refused #reactie: state %s, objection end %q, responded %q; want incomplete, none", got.State, got.ObjectionEnd, got.RespondedDay)
	}
	nd := e.lettersOf(templates.CommandNotDone)
	if len(nd) != 1 || nd[0].Rcpt != c.Handler {
		t.Fatalf("refusal of #reactie: %+v", nd)
	}
	for _, want := range []string{"#reactie is niet uitgevoerd", "nog niet compleet", "Er is niets aan de indiener gestuurd"} {
		if !strings.Contains(nd[0].text(), want) {
			t.Errorf("refusal lacks %q:\n%s", want, nd[0].text())
		}
	}
}

// Review 2 #10: a #gesprek whose date or time does not exist is refused
// with what is wrong and how to write it, to its sender and the handler,
// not with "could not be read".
func TestMeetingImpossibleDateOrTimeRefused(t *testing.T) {
	e, c := objectionScenario(t)
	dossier := e.lettersOf(templates.ObjectionDossier)[0]
	e.clk.set(at(2026, 12, 29, 9, 0))
	for _, tc := range []struct{ cmd, want string }{
		{"#gesprek 32-12-2026 10:00", "32-12-2026 is geen bestaande datum"},
		{"#gesprek 31-02-2027 10:00", "31-02-2027 is geen bestaande datum"},
		{"#gesprek 14-01-2027 25:00 Kantoor", "25:00 is geen geldige tijd"},
	} {
		before := len(e.lettersOf(templates.CommandNotDone))
		notices := len(e.lettersOf(templates.StaffNotice))
		e.deliver(reply("directie@ingressus.nl", dossier, tc.cmd))
		nd := e.lettersOf(templates.CommandNotDone)
		if len(nd) != before+1 || len(e.lettersOf(templates.StaffNotice)) != notices {
			t.Fatalf("%s: %d refusals, %d usage notices; want one refusal with the reason", tc.cmd, len(nd)-before, len(e.lettersOf(templates.StaffNotice))-notices)
		}
		text := nd[before].text()
		for _, want := range []string{tc.want, "14-12-2026 10:00", "Er is geen uitnodiging naar de indiener gestuurd"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: refusal lacks %q:\n%s", tc.cmd, want, text)
			}
		}
		if !strings.Contains(header(nd[before].Raw, "Cc"), c.Handler) {
			t.Errorf("%s: the handler is not told: Cc %q", tc.cmd, header(nd[before].Raw, "Cc"))
		}
	}
	if n := len(e.lettersOf(templates.Invitation)); n != 0 {
		t.Errorf("%d invitations for a date or time that does not exist", n)
	}
}
