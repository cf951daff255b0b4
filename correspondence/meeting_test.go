package correspondence

import (
	"context"
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// icsValue is the value of the ics property name in raw's calendar
// attachment.
func icsValue(t *testing.T, raw []byte, name string) string {
	t.Helper()
	for _, p := range parseICS(t, attachmentOf(t, raw, "text/calendar")) {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// Review #4: a #gesprek at a moment already past is refused with the
// reason; nothing goes to the complainant.
func TestMeetingInThePastRefused(t *testing.T) {
	e, _ := objectionScenario(t)
	dossier := e.lettersOf(templates.ObjectionDossier)[0]
	e.clk.set(at(2026, 12, 29, 9, 0))
	e.deliver(reply("directie@ingressus.nl", dossier, "#gesprek 28-12-2026 10:00 Kantoor Rotterdam"))
	if n := len(e.lettersOf(templates.Invitation)); n != 0 {
		t.Fatalf("%d invitations to a meeting in the past", n)
	}
	nd := e.lettersOf(templates.CommandNotDone)
	if len(nd) != 1 || !strings.HasPrefix(nd[0].Rcpt, "directie@ingressus.nl") {
		t.Fatalf("refusal: %+v", nd)
	}
	for _, want := range []string{"28 december 2026", "10:00", "verleden"} {
		if !strings.Contains(nd[0].text(), want) {
			t.Errorf("refusal lacks %q:\n%s", want, nd[0].text())
		}
	}
}

// Review #4 and #12: a second #gesprek moves the conversation: the .ics
// keeps its UID with SEQUENCE one higher, the letter says it replaces the
// earlier invitation and carries the text written under the command.
func TestSecondMeetingReschedules(t *testing.T) {
	e, _ := objectionScenario(t)
	dossier := e.lettersOf(templates.ObjectionDossier)[0]
	e.clk.set(at(2026, 12, 29, 9, 0))
	e.deliver(reply("directie@ingressus.nl", dossier, "#gesprek 07-01-2027 14:30 Kantoor Rotterdam"))
	e.deliver(reply("directie@ingressus.nl", dossier, "#gesprek 08-01-2027 10:00 Kantoor Rotterdam\nHelaas moeten wij het gesprek een dag verplaatsen."))
	inv := e.lettersOf(templates.Invitation)
	if len(inv) != 2 {
		t.Fatalf("%d invitations, want 2", len(inv))
	}
	uid0, uid1 := icsValue(t, inv[0].Raw, "UID"), icsValue(t, inv[1].Raw, "UID")
	if uid0 == "" || uid0 != uid1 {
		t.Errorf("UIDs %q and %q: a calendar would keep both events", uid0, uid1)
	}
	if s0, s1 := icsValue(t, inv[0].Raw, "SEQUENCE"), icsValue(t, inv[1].Raw, "SEQUENCE"); s0 != "0" || s1 != "1" {
		t.Errorf("SEQUENCE %s then %s, want 0 then 1", s0, s1)
	}
	if strings.Contains(inv[0].text(), "vervangt") {
		t.Errorf("first invitation says it replaces another:\n%s", inv[0].text())
	}
	for _, want := range []string{"vervangt de eerdere uitnodiging", "8 januari 2027", "Helaas moeten wij het gesprek een dag verplaatsen."} {
		if !strings.Contains(inv[1].text(), want) {
			t.Errorf("second invitation lacks %q:\n%s", want, inv[1].text())
		}
	}
}

// Review #12: the reason under #toewijzen reaches the new handler and the
// timeline, and the old handler who gave the command gets one mail.
func TestReassignKeepsReasonOneMailForOldHandler(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("assign", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	old := c.Handler
	before := len(e.letters())
	e.deliver(reply(old, note, "#toewijzen Jeroen\nJeroen kent deze klant beter."))
	c = e.complaint(c.Ref)
	if c.Handler != "j.bakker@ingressus.nl" {
		t.Fatalf("handler %s after #toewijzen Jeroen", c.Handler)
	}
	toOld := 0
	for _, l := range e.letters()[before:] {
		if strings.Contains(l.Rcpt, old) {
			toOld++
		}
	}
	if toOld != 1 {
		t.Errorf("old handler got %d mails for the reassignment, want 1", toOld)
	}
	as := e.lettersOf(templates.HandlerAssigned)
	if len(as) != 1 || !strings.Contains(as[0].text(), "Jeroen kent deze klant beter.") {
		t.Fatalf("new handler's notice lacks the reason: %+v", as)
	}
	if re := e.lettersOf(templates.Reassigned); len(re) != 1 || strings.Contains(re[0].text(), "kent deze klant") {
		t.Errorf("complainant's letter: %d, or it shows the internal reason", len(re))
	}
	tl, err := e.g.Timeline(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, en := range tl {
		if en.Type == "event" && strings.Contains(en.Detail, "Jeroen kent deze klant beter.") {
			found = true
		}
	}
	if !found {
		t.Errorf("reason not in the timeline")
	}
}
