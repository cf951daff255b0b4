package correspondence

import (
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// Review #3 (procedure.md: "A refused command is kept; its sender and the
// handler are told why"): a third party's #command in the thread is
// answered to its sender too — once per sender and complaint, never to a
// machine, and not for a message without a command.
func TestThirdPartyCommandToldToItsSender(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("s", "010-1234567"))
	ack := e.lettersOf(templates.Acknowledgement)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply("Mallory <mallory@evil.example>", ack, "#sluiten\nIk trek de klacht in."))
	told := e.lettersOf(templates.CommandRefusedSender)
	if len(told) != 1 || told[0].Rcpt != "mallory@evil.example" {
		t.Fatalf("sender of the refused command told: %+v", told)
	}
	for _, want := range []string{"#sluiten", "niet uitgevoerd", "behandelaar is op de hoogte", c.Ref} {
		if !strings.Contains(told[0].text(), want) {
			t.Errorf("answer to the sender lacks %q:\n%s", want, told[0].text())
		}
	}
	if strings.Contains(told[0].text(), "Sanne") || strings.Contains(told[0].text(), c.Email) {
		t.Errorf("answer to a third party shows the complainant:\n%s", told[0].text())
	}
	// Again, and a message without a command from someone else: the
	// handler hears of each, the sender no more.
	e.deliver(reply("Mallory <mallory@evil.example>", ack, "#ingetrokken"))
	e.deliver(reply("Piet <piet@bakkerijvandijk.nl>", ack, "Ik kijk even mee."))
	if n := len(e.lettersOf(templates.CommandRefusedSender)); n != 1 {
		t.Errorf("%d answers to third parties, want 1 (once per sender)", n)
	}
	if n := len(e.lettersOf(templates.RelayThirdParty)); n != 3 {
		t.Errorf("handler told of %d third-party messages, want 3", n)
	}
	// A machine's answer in the thread is never answered.
	auto := strings.Replace(reply("Robot <robot@other.example>", ack, "#sluiten"), "Content-Type:", "Auto-Submitted: auto-replied\nContent-Type:", 1)
	e.deliver(auto)
	for _, l := range e.letters() {
		if strings.Contains(l.Rcpt, "robot@other.example") {
			t.Errorf("%s sent to a machine", l.Kind)
		}
	}
}

// Review #3: management's #verslag before the meeting is refused to
// management and the handler gets a copy.
func TestRefusedManagementCommandCopiesHandler(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("v", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#reactie\nWij crediteren de pallets."))
	dl := e.lettersOf(templates.ObjectionDeadline)[0]
	e.clk.set(at(2026, 11, 26, 9, 0))
	e.deliver(reply("sanne@bakkerijvandijk.nl", dl, "Ik maak bezwaar."))
	dossier := e.lettersOf(templates.ObjectionDossier)[0]
	e.deliver(reply("directie@ingressus.nl", dossier, "#gesprek 03-12-2026 10:00 Kantoor Rotterdam"))
	e.deliver(reply("directie@ingressus.nl", dossier, "#verslag opgelost"))
	nd := e.lettersOf(templates.CommandNotDone)
	if len(nd) != 1 {
		t.Fatalf("%d refusals, want 1", len(nd))
	}
	if !strings.Contains(nd[0].Rcpt, "directie@ingressus.nl") || !strings.Contains(nd[0].Rcpt, c.Handler) {
		t.Errorf("refusal of #verslag went to %q; want management and the handler %s", nd[0].Rcpt, c.Handler)
	}
	// A handler's own refused command goes to the handler only, once.
	e.deliver(reply(c.Handler, note, "#toevoegen geen adres"))
	nd = e.lettersOf(templates.CommandNotDone)
	if len(nd) != 2 || nd[1].Rcpt != c.Handler {
		t.Errorf("handler's refused command: %+v", nd)
	}
}

// Review #10: a handler's reply with nothing new above the quote relays
// nothing — never our own quoted notice — and the handler is told.
func TestStaffReplyWithOnlyQuoteRelaysNothing(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("q", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, ""))
	if rel := e.lettersOf(templates.RelayToComplainant); len(rel) != 0 {
		t.Fatalf("a reply of only quoted text was relayed to the complainant:\n%s", rel[0].text())
	}
	told := e.lettersOf(templates.NothingRelayed)
	if len(told) != 1 || told[0].Rcpt != c.Handler || !strings.Contains(told[0].text(), "geen nieuwe tekst") || !strings.Contains(told[0].text(), "niets doorgestuurd") {
		t.Fatalf("handler not told that nothing was relayed: %+v", told)
	}
	// A complainant's reply that reads as only a quote still reaches the
	// handler whole (never relay less than was written).
	ack := e.lettersOf(templates.Acknowledgement)[0]
	e.deliver(reply(c.Email, ack, ""))
	if n := len(e.lettersOf(templates.RelayToHandler)); n != 1 {
		t.Errorf("complainant's quote-only reply: %d relays to the handler, want 1", n)
	}
	// A handler's reply with new text is relayed as before.
	e.deliver(reply(c.Handler, note, "Wij bellen u morgen."))
	if rel := e.lettersOf(templates.RelayToComplainant); len(rel) != 1 || !strings.Contains(rel[0].text(), "Wij bellen u morgen.") {
		t.Errorf("handler's message not relayed: %+v", rel)
	}
}

// #toevoegen refuses an address of our own, as a correction does: a
// plus-address of the gateway or the intake team would let our own mail
// speak for the complainant.
func TestAddOwnAddressRefused(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("own", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	plus := strings.Replace(e.g.set.Gateway, "@", "+x@", 1)
	for i, addr := range []string{plus, e.g.set.IntakeTeam[0]} {
		e.deliver(reply(c.Handler, note, "#toevoegen "+addr))
		if nd := e.lettersOf(templates.CommandNotDone); len(nd) != i+1 {
			t.Errorf("#toevoegen %s: %d refusals, want %d", addr, len(nd), i+1)
		}
	}
	if done := e.lettersOf(templates.CommandDone); len(done) != 0 {
		t.Errorf("#toevoegen of an own address confirmed: %s", done[0].text())
	}
}
