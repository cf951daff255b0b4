package correspondence

import (
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// TestCommandsAreConfirmed (issue 11 item 5): every command carried out is
// confirmed to its sender in the thread, with the new dates.
func TestCommandsAreConfirmed(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("conf", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	last := func() outLetter {
		t.Helper()
		d := e.lettersOf(templates.CommandDone)
		if len(d) == 0 {
			t.Fatal("no confirmation")
		}
		return d[len(d)-1]
	}
	steps := []struct {
		from, body string
		want       []string
	}{
		{c.Handler, "#vertraging 5 Wij wachten op de vervoerder.", []string{"29 december 2026", "5 werkdagen", "vertragingsbericht"}},
		{c.Handler, "#info Wat is het pakbonnummer?", []string{"vraag", "indiener"}},
		{c.Handler, "#notitie belde klant", []string{"notitie"}},
		{c.Handler, "#reactie\nWij crediteren de pallets.", []string{"bezwaar", "7 december 2026"}},
	}
	for i, s := range steps {
		msg := reply(s.from, note, s.body)
		e.deliver(msg)
		got := last()
		if n := len(e.lettersOf(templates.CommandDone)); n != i+1 {
			t.Fatalf("after %q: %d confirmations, want %d", s.body, n, i+1)
		}
		if got.Rcpt != s.from {
			t.Errorf("confirmation of %q went to %s, want %s", s.body, got.Rcpt, s.from)
		}
		if irt := header(got.Raw, "In-Reply-To"); irt == "" || !strings.Contains(msg, strings.Trim(irt, "<>")) {
			t.Errorf("confirmation of %q is not in the thread (In-Reply-To %q)", s.body, irt)
		}
		for _, w := range s.want {
			if !strings.Contains(got.text(), w) {
				t.Errorf("confirmation of %q lacks %q:\n%s", s.body, w, got.text())
			}
		}
	}
	// The objection; management invites and records.
	dl := e.lettersOf(templates.ObjectionDeadline)[0]
	e.clk.set(at(2026, 11, 26, 9, 0))
	e.deliver(reply("sanne@bakkerijvandijk.nl", dl, "Ik maak bezwaar."))
	dossier := e.lettersOf(templates.ObjectionDossier)[0]
	e.deliver(reply("directie@ingressus.nl", dossier, "#gesprek 03-12-2026 10:00 Kantoor Rotterdam"))
	if got := last(); got.Rcpt != "directie@ingressus.nl" || !strings.Contains(got.text(), "3 december 2026") || !strings.Contains(got.text(), "10:00") {
		t.Errorf("#gesprek confirmation = %s:\n%s", got.Rcpt, got.text())
	}
	// #verslag before the meeting: refused, with the reason.
	e.deliver(reply("directie@ingressus.nl", dossier, "#verslag opgelost"))
	nd := e.lettersOf(templates.CommandNotDone)
	if len(nd) != 1 || nd[0].Rcpt != "directie@ingressus.nl" || !strings.Contains(nd[0].text(), "3 december 2026") || !strings.Contains(nd[0].text(), "nog niet plaatsgevonden") {
		t.Fatalf("#verslag before the meeting: %+v", nd)
	}
	if n := len(e.lettersOf(templates.Record)); n != 0 {
		t.Fatal("a record was sent before the meeting")
	}
	e.clk.set(at(2026, 12, 3, 12, 0))
	e.deliver(reply("directie@ingressus.nl", dossier, "#verslag opgelost\nWij zijn eruit gekomen."))
	if got := last(); !strings.Contains(got.text(), "gesloten") {
		t.Errorf("#verslag confirmation:\n%s", got.text())
	}
}

// TestUnknownCommandListsOnlyWhatTheSenderMayUse (issue 11 item 5): a
// handler is not offered management's #gesprek and #verslag.
func TestUnknownCommandListsOnlyWhatTheSenderMayUse(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("unk", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#frobnicate"))
	e.deliver(reply("directie@ingressus.nl", note, "#frobnicate"))
	unk := e.lettersOf(templates.UnknownCommand)
	if len(unk) != 2 {
		t.Fatalf("unknown-command replies = %d", len(unk))
	}
	if h := unk[0].text(); strings.Contains(h, "#gesprek") || strings.Contains(h, "#verslag") || !strings.Contains(h, "#vertraging") {
		t.Errorf("handler's list:\n%s", h)
	}
	if m := unk[1].text(); !strings.Contains(m, "#gesprek") || !strings.Contains(m, "#verslag") {
		t.Errorf("management's list lacks its commands:\n%s", m)
	}
}
