package correspondence

import (
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// TestHandlerCommands runs each handler command through a real thread and
// checks what reaches whom — and that the command line never reaches the
// complainant.
func TestHandlerCommands(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("cmd", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	other := "j.bakker@ingressus.nl"
	if c.Handler == other {
		other = "m.devries@ingressus.nl"
	}

	e.deliver(reply(c.Handler, note, "#notitie klant was boos aan de telefoon"))
	// Only the confirmation to the handler (issue 11 item 5): a note goes
	// to no one else.
	if n, done := len(e.letters()), len(e.lettersOf(templates.CommandDone)); n != 3 || done != 1 {
		t.Errorf("#notitie caused %d letters (%d confirmations), want only the confirmation", n-2, done)
	}

	e.deliver(reply(c.Handler, note, "#info\nKunt u de pakbon van 16 november sturen?"))
	info := e.lettersOf(templates.InfoRequest)
	if len(info) != 1 || info[0].Rcpt != c.Email || !strings.Contains(info[0].text(), "pakbon van 16 november") || strings.Contains(info[0].text(), "#info") {
		t.Fatalf("#info letter = %+v", info)
	}

	e.deliver(reply(c.Handler, note, "Wij bellen u morgen."))
	relay := e.lettersOf(templates.RelayToComplainant)
	if len(relay) != 1 || !strings.Contains(relay[0].text(), "Wij bellen u morgen.") {
		t.Fatalf("plain reply not relayed: %+v", relay)
	}
	if strings.Contains(string(relay[0].Raw), c.Handler) && !e.g.set.ExposeHandlerAddress {
		t.Error("the handler's own address reached the complainant")
	}

	e.deliver(reply(c.Handler, note, "#frobnicate"))
	unk := e.lettersOf(templates.UnknownCommand)
	if len(unk) != 1 || unk[0].Rcpt != c.Handler || !strings.Contains(unk[0].text(), "#vertraging") {
		t.Fatalf("unknown command answer = %+v", unk)
	}

	e.deliver(reply(c.Handler, note, "#toewijzen Bakker"))
	if got := e.complaint("KL-2026-0001").Handler; got != "j.bakker@ingressus.nl" {
		t.Errorf("#toewijzen Bakker: handler = %s", got)
	}
	if n := len(e.lettersOf(templates.Reassigned)); n != 1 {
		t.Errorf("complainant told of the new handler %d times", n)
	}

	e.deliver(reply("j.bakker@ingressus.nl", note, "#vertraging veel"))
	if n := len(e.lettersOf(templates.DelayNotice)); n != 0 {
		t.Error("an unreadable #vertraging sent a delay notice")
	}

	e.deliver(reply("j.bakker@ingressus.nl", note, "#ingetrokken de klant trekt de klacht in"))
	closed := e.lettersOf(templates.Closed)
	if len(closed) != 1 || e.complaint("KL-2026-0001").State != StateClosed {
		t.Fatalf("#ingetrokken: %d letters, state %s", len(closed), e.complaint("KL-2026-0001").State)
	}
	for _, l := range e.letters() {
		if l.Rcpt == c.Email && strings.Contains(l.text(), "#") && strings.Contains(l.text(), "#ingetrokken") {
			t.Errorf("a command line reached the complainant in %s", l.Kind)
		}
	}
}

func TestSecondExtensionTellsManagement(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("ext", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#vertraging 3 eerste reden"))
	if n := len(e.lettersOf(templates.DelayStaffNote)); n != 0 {
		t.Fatalf("management told of the first extension")
	}
	e.deliver(reply(c.Handler, note, "#delay 4 second reason"))
	staff := e.lettersOf(templates.DelayStaffNote)
	if len(staff) != 1 || !strings.Contains(staff[0].Rcpt, "directie@") {
		t.Fatalf("management not told of the second extension: %+v", staff)
	}
	if got := e.complaint("KL-2026-0001"); got.Extensions != 2 || got.TermEnd != "2026-12-31" {
		t.Errorf("after two extensions: %d, end %s", got.Extensions, got.TermEnd)
	}
}

func TestCommandTextOnTheCommandLine(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("args", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#info Wat is uw huisnummer?"))
	if info := e.lettersOf(templates.InfoRequest); len(info) != 1 || !strings.Contains(info[0].text(), "Wat is uw huisnummer?") {
		t.Fatalf("#info with its question on the command line lost it")
	}
	e.deliver(reply(c.Handler, note, "#reactie Geachte mevrouw,\nWij crediteren alles."))
	resp := e.lettersOf(templates.Response)
	if len(resp) != 1 || !strings.Contains(resp[0].text(), "Geachte mevrouw,") || !strings.Contains(resp[0].text(), "Wij crediteren alles.") {
		t.Fatalf("#reactie lost its first line")
	}
	for _, tc := range []struct {
		args     string
		resolved bool
	}{{"opgelost", true}, {"onopgelost", false}, {"Onopgelost: geen akkoord", false}, {"", true}, {"unresolved", false}, {"het is niet opgelost", false}} {
		if got, _ := recordOutcome(tc.args); got != tc.resolved {
			t.Errorf("recordOutcome(%q) = %v, want %v", tc.args, got, tc.resolved)
		}
	}
}

func TestMeetingAndRecordAreManagements(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("mgmt", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#gesprek 03-12-2026 10:00 Rotterdam"))
	e.deliver(reply(c.Handler, note, "#verslag opgelost"))
	if n := len(e.lettersOf(templates.Invitation)) + len(e.lettersOf(templates.Record)); n != 0 {
		t.Errorf("a handler's #gesprek/#verslag sent %d letters", n)
	}
	if got := e.complaint("KL-2026-0001").State; got != StateOpen {
		t.Errorf("state = %s", got)
	}
	if n := len(e.lettersOf(templates.StaffNotice)); n != 2 {
		t.Errorf("handler told %d times, want 2", n)
	}
}
