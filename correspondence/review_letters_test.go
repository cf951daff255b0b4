package correspondence

import (
	"regexp"
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// TestLettersArrivalAndAssumedDate (review #5, #6): a form without a date
// that arrives after hours: the handler's letter says when it arrived and
// from when the term counts, and every letter that shows the fields says
// the date was not filled in and which day is assumed.
func TestLettersArrivalAndAssumedDate(t *testing.T) {
	e := newEnv(t, at(2026, 12, 1, 21, 57)) // a Tuesday, after 17:00
	e.deliver(strings.Replace(form("nodate", "010-1234567"), "Datum: 23-11-2026\n", "", 1))
	hn := e.lettersOf(templates.HandlerNew)
	ack := e.lettersOf(templates.Acknowledgement)
	if len(hn) != 1 || len(ack) != 1 {
		t.Fatalf("handler_new %d, acknowledgement %d; want one each", len(hn), len(ack))
	}
	if got := hn[0].text(); !strings.Contains(got, "Ontvangen: 1 december 2026 om 21:57 (na 17:00; de termijn loopt vanaf 2 december 2026)") {
		t.Errorf("handler_new does not say when the mail arrived:\n%s", got)
	}
	const assumed = "Datum van indienen: niet ingevuld; wij gaan uit van 1 december 2026, de dag van ontvangst"
	for _, l := range []outLetter{hn[0], ack[0]} {
		if got := l.text(); !strings.Contains(got, assumed) {
			t.Errorf("%s does not say the date was assumed:\n%s", l.Kind, got)
		}
	}
}

// TestAssignUnknownHandlerNamesHandlers (review #11): #toewijzen with a
// name that is no handler is answered with the handlers there are.
func TestAssignUnknownHandlerNamesHandlers(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("assign", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#toewijzen Klaas"))
	nd := e.lettersOf(templates.CommandNotDone)
	if len(nd) != 1 || nd[0].Rcpt != c.Handler {
		t.Fatalf("command_not_done = %+v", nd)
	}
	if got := nd[0].text(); !strings.Contains(got, "Klaas is geen behandelaar. Bekende behandelaars: Marieke de Vries, Jeroen Bakker.") {
		t.Errorf("answer to #toewijzen Klaas:\n%s", got)
	}
	if got := e.complaint("KL-2026-0001").Handler; got != c.Handler {
		t.Errorf("handler changed to %s", got)
	}
}

// TestDossierShowsThirdPartyTextAsWritten (review #8): a third party's
// mail that starts with a #command is shown in the objection dossier as it
// was written, command line included, never empty.
func TestDossierShowsThirdPartyTextAsWritten(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("tp", "010-1234567"))
	ack := e.lettersOf(templates.Acknowledgement)[0]
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.clk.set(at(2026, 11, 24, 9, 0))
	e.deliver(reply("piet@elders.example", ack, "#bezwaar"))
	if n := len(e.lettersOf(templates.RelayThirdParty)); n != 1 {
		t.Fatalf("third-party relays = %d, want 1", n)
	}
	e.deliver(reply(c.Handler, note, "#reactie\nWij crediteren de twee pallets."))
	dl := e.lettersOf(templates.ObjectionDeadline)
	if len(dl) != 1 {
		t.Fatalf("objection deadline letters = %d", len(dl))
	}
	e.clk.set(at(2026, 11, 26, 9, 0))
	e.deliver(reply("sanne@bakkerijvandijk.nl", dl[0], "Ik maak bezwaar: de creditnota dekt de wachtkosten niet."))
	ds := e.lettersOf(templates.ObjectionDossier)
	if len(ds) != 1 {
		t.Fatalf("dossiers = %d", len(ds))
	}
	text := ds[0].text()
	i := strings.Index(text, "piet@elders.example, die geen partij is bij de klacht")
	if i < 0 {
		t.Fatalf("dossier does not list the third party's mail:\n%s", text)
	}
	if rest := text[i:]; !strings.Contains(rest[:min(len(rest), 200)], "#bezwaar") {
		t.Errorf("the third party's text is not shown as written:\n%s", rest[:min(len(rest), 400)])
	}
}

// TestReplyInObjectionWindowRelayedWithHint (review #2): a reply in the
// objection window that is not clearly an objection reaches the handler
// with the hint to register it with #bezwaar and the objection deadline,
// not the handling term's end.
func TestReplyInObjectionWindowRelayedWithHint(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("ow", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.clk.set(at(2026, 11, 24, 9, 0))
	e.deliver(reply(c.Handler, note, "#reactie\nWij crediteren de twee pallets."))
	dl := e.lettersOf(templates.ObjectionDeadline)
	if len(dl) != 1 {
		t.Fatalf("objection deadline letters = %d", len(dl))
	}
	e.clk.set(at(2026, 11, 25, 9, 0))
	e.deliver(reply("sanne@bakkerijvandijk.nl", dl[0], "Dank u. Wanneer komt de creditnota?"))
	relays := e.lettersOf(templates.RelayToHandler)
	if len(relays) != 1 {
		t.Fatalf("relays = %d, want 1 (objections: %d)", len(relays), len(e.lettersOf(templates.ObjectionDossier)))
	}
	text := relays[0].text()
	end := e.complaint("KL-2026-0001").ObjectionEnd
	for _, w := range []string{"Is dit bezwaar? Antwoord dan met #bezwaar", "om het als bezwaar te registreren", "Bezwaartermijn: tot en met 8 december 2026", "#bezwaar "} {
		if !strings.Contains(text, w) {
			t.Errorf("relay in the objection window (ends %s) lacks %q:\n%s", end, w, text)
		}
	}
	if strings.Contains(text, "Einde behandeltermijn") {
		t.Errorf("relay in the objection window shows the handling term's end:\n%s", text)
	}
}

// TestHandlerCommandListMatchesTable (review #13): the handler's letters
// list every command of the parser's table a handler may use (Dutch and
// English words), none that only management may; the answer to an unknown
// command lists the same.
func TestHandlerCommandListMatchesTable(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("cl", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#frobnicate"))
	unk := e.lettersOf(templates.UnknownCommand)
	if len(unk) != 1 {
		t.Fatalf("unknown command answers = %d", len(unk))
	}
	all := commandsFor("nl", true)
	mine := commandsFor("nl", false)
	for _, l := range []outLetter{note, unk[0]} {
		text := l.text()
		for _, line := range all {
			word := strings.Fields(line)[0] // "#wijzig"
			handlerMay := false
			for _, m := range mine {
				handlerMay = handlerMay || m == line
			}
			if got := regexp.MustCompile(regexp.QuoteMeta(word) + `\b`).MatchString(text); got != handlerMay {
				t.Errorf("%s: lists %s = %v, want %v:\n%s", l.Kind, word, got, handlerMay, text)
			}
		}
	}
}
