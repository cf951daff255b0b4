package correspondence

import (
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// issue 11.7: a complainant's `Label: value` lines in a reply after
// registration update the record; the old value stays in the history and
// the handler is told (not a plain relay).
func TestComplainantCorrectsAField(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("corr", "010-1234567"))
	ack := e.lettersOf(templates.Acknowledgement)[0]
	e.clk.set(at(2026, 11, 24, 9, 0))
	e.deliver(reply("sanne@bakkerijvandijk.nl", ack, "Mijn nummer klopt niet.\n\nTelefoonnummer: 010-7654321"))
	c := e.complaint("KL-2026-0001")
	if c.Phone != "+31107654321" {
		t.Fatalf("phone = %q, want the corrected +31107654321", c.Phone)
	}
	var hist string
	e.store.db.Get(&hist, `SELECT detail FROM events WHERE kind = 'corrected'`)
	if !strings.Contains(hist, "+31101234567") || !strings.Contains(hist, "+31107654321") {
		t.Errorf("history = %q, want old and new value", hist)
	}
	told := e.lettersOf(templates.Correction)
	if len(told) != 1 || told[0].Rcpt != c.Handler || !strings.Contains(told[0].text(), "+31107654321 (was: +31101234567)") ||
		!strings.Contains(told[0].text(), "Mijn nummer klopt niet.") {
		t.Fatalf("handler's correction letters = %v", told)
	}
	if n := len(e.lettersOf(templates.RelayToHandler)); n != 0 {
		t.Errorf("the correction was also relayed (%d): two letters for one event", n)
	}
}

// issue 11.7: a handler corrects with #wijzig veld waarde, validated like
// the form, and gets a confirmation; an invalid value is refused with why.
func TestHandlerChangeCommand(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("wijzig", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#wijzig telefoon 010-7654321"))
	if got := e.complaint("KL-2026-0001").Phone; got != "+31107654321" {
		t.Fatalf("phone after #wijzig = %q", got)
	}
	conf := e.lettersOf(templates.Correction)
	if len(conf) != 1 || conf[0].Rcpt != c.Handler || !strings.Contains(conf[0].text(), "is doorgevoerd") {
		t.Fatalf("confirmation = %v", conf)
	}
	e.deliver(reply(c.Handler, note, "#change phone 0612"))
	if got := e.complaint("KL-2026-0001").Phone; got != "+31107654321" {
		t.Errorf("an invalid #change was applied: %q", got)
	}
	conf = e.lettersOf(templates.Correction)
	if len(conf) != 2 || !strings.Contains(conf[1].text(), "niet doorgevoerd") {
		t.Fatalf("refusal = %v", conf)
	}
	e.deliver(reply(c.Handler, note, "#wijzig naam Sanne de Vries-van Dijk"))
	if got := e.complaint("KL-2026-0001").Name; got != "Sanne de Vries-van Dijk" {
		t.Errorf("name after #wijzig = %q", got)
	}
}

// issue 11.7: only the complainant's own address corrects the record; a
// colleague's `Label: value` lines change nothing.
func TestStrangerCannotCorrect(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("strange", "010-1234567"))
	ack := e.lettersOf(templates.Acknowledgement)[0]
	e.deliver(reply("kees@bakkerijvandijk.nl", ack, "Telefoonnummer: 010-7654321"))
	if got := e.complaint("KL-2026-0001").Phone; got != "+31101234567" {
		t.Errorf("a stranger's correction was applied: phone %q", got)
	}
	if n := len(e.lettersOf(templates.Correction)); n != 0 {
		t.Errorf("%d correction letters for a stranger's mail", n)
	}
}
