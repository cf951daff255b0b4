package correspondence

import (
	"context"
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// Review F1: commands the procedure does not allow now are refused to
// their sender with why; nothing reaches the complainant, the state stays.

// counts is how many letters of each kind the outbox holds.
func (e *env) counts() map[string]int {
	n := map[string]int{}
	for _, l := range e.letters() {
		n[l.Kind]++
	}
	return n
}

// F1 #1: a second #reactie while the objection is with management is
// refused: no false confirmation, no state change, and no closing letter
// "without objection" when the window ends.
func TestSecondResponseRefusedDuringObjection(t *testing.T) {
	e, c := objectionScenario(t)
	if c.State != StateObjection {
		t.Fatalf("state %s before the second #reactie, want objection", c.State)
	}
	note := e.lettersOf(templates.HandlerNew)[0]
	before := e.counts()
	e.clk.set(at(2026, 12, 29, 9, 0))
	e.deliver(reply(c.Handler, note, "#reactie\nNog een reactie."))
	after := e.counts()
	for _, k := range []string{templates.Response, templates.ObjectionDeadline, templates.CommandDone} {
		if after[k] != before[k] {
			t.Errorf("%s: %d letters after the second #reactie, want %d", k, after[k], before[k])
		}
	}
	if got := e.complaint(c.Ref); got.State != StateObjection || got.ObjectionEnd != c.ObjectionEnd {
		t.Errorf("state %s, objection end %s after the refused #reactie; want objection, %s", got.State, got.ObjectionEnd, c.ObjectionEnd)
	}
	nd := e.lettersOf(templates.CommandNotDone)
	if len(nd) != 1 || nd[0].Rcpt != c.Handler {
		t.Fatalf("refusal of the second #reactie: %+v", nd)
	}
	for _, want := range []string{"#reactie is niet uitgevoerd", "al op 21 december 2026", "bezwaar", "Er is niets aan de indiener gestuurd"} {
		if !strings.Contains(nd[0].text(), want) {
			t.Errorf("refusal lacks %q:\n%s", want, nd[0].text())
		}
	}
	due, err := e.g.RunDue(context.Background(), at(2027, 1, 20, 9, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range due {
		if d.Letter == templates.Closing {
			t.Errorf("closing letter \"without objection\" due for %s, who objected", d.Ref)
		}
	}
}

// F1 #1: in the objection window too, a response is given once.
func TestSecondResponseRefusedInWindow(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("r2", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#reactie\nWij crediteren de pallets."))
	e.clk.set(at(2026, 11, 24, 10, 0))
	e.deliver(reply(c.Handler, note, "#response\nA second answer."))
	if n := len(e.lettersOf(templates.Response)); n != 1 {
		t.Errorf("%d responses sent, want 1", n)
	}
	if n := len(e.lettersOf(templates.CommandDone)); n != 1 {
		t.Errorf("%d confirmations, want 1 (the first #reactie only)", n)
	}
	if nd := e.lettersOf(templates.CommandNotDone); len(nd) != 1 || !strings.Contains(nd[0].text(), "al op 23 november 2026") {
		t.Errorf("second response not refused with the date: %+v", nd)
	}
}

// F1 #2: #vertraging after the response is refused: no delay notice
// promising a response already sent.
func TestDelayAfterResponseRefused(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("d2", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#reactie\nWij bieden excuses aan."))
	c = e.complaint(c.Ref)
	e.deliver(reply(c.Handler, note, "#vertraging 3 Na de reactie nog een vertraging."))
	if n := len(e.lettersOf(templates.DelayNotice)); n != 0 {
		t.Fatalf("%d delay notices after the response", n)
	}
	if got := e.complaint(c.Ref); got.TermEnd != c.TermEnd || got.Extensions != 0 || got.State != StateResponded {
		t.Errorf("after the refused delay: term %s ext %d state %s; want %s 0 responded", got.TermEnd, got.Extensions, got.State, c.TermEnd)
	}
	nd := e.lettersOf(templates.CommandNotDone)
	if len(nd) != 1 {
		t.Fatalf("refusals: %+v", nd)
	}
	for _, want := range []string{"#vertraging is niet uitgevoerd", "al op 23 november 2026", "geen behandeltermijn meer"} {
		if !strings.Contains(nd[0].text(), want) {
			t.Errorf("refusal lacks %q:\n%s", want, nd[0].text())
		}
	}
}

// F1 #3: #verslag without a #gesprek is refused; nothing closes.
func TestRecordWithoutMeetingRefused(t *testing.T) {
	e, c := objectionScenario(t)
	dossier := e.lettersOf(templates.ObjectionDossier)[0]
	e.clk.set(at(2026, 12, 29, 9, 0))
	e.deliver(reply("directie@ingressus.nl", dossier, "#verslag opgelost\nWij hebben gesproken."))
	if n := len(e.lettersOf(templates.Record)); n != 0 {
		t.Fatalf("%d records of a conversation never planned", n)
	}
	if got := e.complaint(c.Ref); got.State != StateObjection {
		t.Errorf("state %s, want objection", got.State)
	}
	nd := e.lettersOf(templates.CommandNotDone)
	if len(nd) != 1 || !strings.HasPrefix(nd[0].Rcpt, "directie@ingressus.nl") {
		t.Fatalf("refusal: %+v", nd)
	}
	for _, want := range []string{"nog geen gesprek", "#gesprek"} {
		if !strings.Contains(nd[0].text(), want) {
			t.Errorf("refusal lacks %q:\n%s", want, nd[0].text())
		}
	}
	// Invited, and after the meeting: the record goes.
	e.deliver(reply("directie@ingressus.nl", dossier, "#gesprek 05-01-2027 10:00 Kantoor Rotterdam"))
	e.clk.set(at(2027, 1, 5, 12, 0))
	e.deliver(reply("directie@ingressus.nl", dossier, "#verslag opgelost\nWij hebben gesproken."))
	if n := len(e.lettersOf(templates.Record)); n != 1 {
		t.Errorf("%d records after the meeting, want 1", n)
	}
}

// F1 #4: the handler's last day for #vertraging is the working day before
// the gateway's own notice, which goes at the start of the last allowed day.
func TestHandlerDelayDeadlineBeforeAutomaticNotice(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("d4", "010-1234567"))
	c := e.complaint("KL-2026-0001")
	if c.DelayLatest != "2026-12-17" {
		t.Fatalf("delay latest %s", c.DelayLatest)
	}
	hn := e.lettersOf(templates.HandlerNew)[0].text()
	for _, want := range []string{"Uiterlijk een vertraging melden op: 16 december 2026", "geef dan uiterlijk op 16 december 2026 een vertraging op", "op 17 december 2026 zelf een vertragingsbericht"} {
		if !strings.Contains(hn, want) {
			t.Errorf("new-complaint letter lacks %q:\n%s", want, hn)
		}
	}
	// Through the handler's last day no automatic notice is due.
	due, err := e.g.PreviewDue(context.Background(), at(2026, 12, 16, 23, 59))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range due {
		if d.Letter == templates.DelayNotice {
			t.Errorf("automatic delay notice due on the handler's last day")
		}
	}
	if _, err := e.g.RunDue(context.Background(), at(2026, 12, 15, 9, 0)); err != nil {
		t.Fatal(err)
	}
	rem := e.lettersOf(templates.Reminder)
	if len(rem) == 0 || !strings.Contains(rem[len(rem)-1].text(), "uiterlijk op 16 december 2026 een vertraging op") {
		t.Errorf("reminder does not give the handler's last day (%d reminders)", len(rem))
	}
}

// F1 #6: an empty #info is refused like an empty #reactie.
func TestEmptyInfoRefused(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("i6", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#info"))
	if n := len(e.lettersOf(templates.InfoRequest)); n != 0 {
		t.Fatalf("%d empty questions sent to the complainant", n)
	}
	if n := len(e.lettersOf(templates.CommandDone)); n != 0 {
		t.Errorf("empty #info confirmed")
	}
	ns := e.lettersOf(templates.StaffNotice)
	if len(ns) != 1 || !strings.Contains(ns[0].text(), "#info, met daaronder uw vraag") {
		t.Fatalf("empty #info not answered with how to write it: %+v", ns)
	}
}

// F1 #6: a relayed message without text says so in words, not "geen".
func TestRelayWithoutTextSaysSo(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("t6", "010-1234567"))
	ack := e.lettersOf(templates.Acknowledgement)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(replyWithFile(c.Email, ack, "", "pakbon.pdf", "JVBERi0xLjQKJSVFT0YK"))
	rel := e.lettersOf(templates.RelayToHandler)
	if len(rel) != 1 {
		t.Fatalf("%d relays to the handler", len(rel))
	}
	txt := rel[0].text()
	if strings.Contains(txt, "----------\r\ngeen\r\n----------") || strings.Contains(txt, "<em>geen</em>") {
		t.Errorf("relay shows the bare placeholder:\n%s", txt)
	}
	if !strings.Contains(txt, "Het bericht bevat geen tekst, alleen de bijlage hieronder.") {
		t.Errorf("relay does not say the message has no text:\n%s", txt)
	}
}

// F1 #11: a meeting on a day that is not a working day is refused with
// the reason; nothing goes to the complainant.
func TestMeetingOnNonWorkingDayRefused(t *testing.T) {
	e, _ := objectionScenario(t)
	dossier := e.lettersOf(templates.ObjectionDossier)[0]
	e.clk.set(at(2026, 12, 29, 9, 0))
	for _, tc := range []struct{ cmd, want string }{
		{"#gesprek 01-01-2027 10:00 Kantoor Rotterdam", "1 januari 2027 is geen werkdag (Nieuwjaarsdag)"},
		{"#gesprek 09-01-2027 10:00 Kantoor Rotterdam", "zaterdag 9 januari 2027 is geen werkdag"},
	} {
		before := len(e.lettersOf(templates.CommandNotDone))
		e.deliver(reply("directie@ingressus.nl", dossier, tc.cmd))
		nd := e.lettersOf(templates.CommandNotDone)
		if len(nd) != before+1 {
			t.Fatalf("%s: not refused", tc.cmd)
		}
		if !strings.Contains(nd[before].text(), tc.want) {
			t.Errorf("%s: refusal lacks %q:\n%s", tc.cmd, tc.want, nd[before].text())
		}
	}
	if n := len(e.lettersOf(templates.Invitation)); n != 0 {
		t.Errorf("%d invitations to a meeting on a non-working day", n)
	}
}
