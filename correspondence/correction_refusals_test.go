package correspondence

import (
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// review 2 #1: a correction of the e-mail address to one of our own
// addresses (the gateway or a plus-address of it, a handler, management,
// the intake team) is refused with why, by reply and by #wijzig: letters
// to it would never reach the complainant.
func TestCorrectionToOwnAddressRefused(t *testing.T) {
	for _, addr := range []string{"j.bakker@ingressus.nl", "klachten@ingressus.nl", "klachten+kl-2026-0001@ingressus.nl",
		"directie@ingressus.nl", "intake@ingressus.nl"} {
		e := newEnv(t, at(2026, 11, 23, 10, 15))
		e.deliver(form("own", "010-1234567"))
		ack := e.lettersOf(templates.Acknowledgement)[0]
		e.deliver(reply("sanne@bakkerijvandijk.nl", ack, "E-mailadres: "+addr))
		if got := e.complaint("KL-2026-0001").Email; got != "sanne@bakkerijvandijk.nl" {
			t.Fatalf("%s: e-mail after the correction = %q, want it unchanged", addr, got)
		}
		staff := e.lettersOf(templates.Correction)
		if len(staff) != 1 || !strings.Contains(staff[0].text(), "is een adres van Ingressus zelf") {
			t.Fatalf("%s: handler's letters = %v", addr, staff)
		}
		told := e.lettersOf(templates.CorrectionNotice)
		if len(told) != 1 || told[0].Rcpt != "sanne@bakkerijvandijk.nl" || !strings.Contains(told[0].text(), "is een adres van Ingressus zelf") {
			t.Fatalf("%s: complainant's letters = %v", addr, told)
		}
	}
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("own2", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#wijzig email m.devries@ingressus.nl"))
	if got := e.complaint("KL-2026-0001").Email; got != "sanne@bakkerijvandijk.nl" {
		t.Fatalf("#wijzig email to a handler applied: %q", got)
	}
	conf := e.lettersOf(templates.Correction)
	if len(conf) != 1 || !strings.Contains(conf[0].text(), "is een adres van Ingressus zelf") ||
		strings.Contains(conf[0].text(), "U hoeft niets meer te doen") {
		t.Fatalf("#wijzig refusal = %v", conf)
	}
	if n := len(e.lettersOf(templates.CorrectionNotice)); n != 0 {
		t.Errorf("%d letters to the complainant about a handler's refused value", n)
	}
}

// review 2 #4: an invalid e-mail address in a reply is refused and told
// to the complainant and the handler, like an invalid phone number; alone
// in the reply too.
func TestInvalidEmailCorrectionTold(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("inv", "010-1234567"))
	ack := e.lettersOf(templates.Acknowledgement)[0]
	e.deliver(reply("sanne@bakkerijvandijk.nl", ack, "E-mailadres: karin@@mulderbv"))
	if got := e.complaint("KL-2026-0001").Email; got != "sanne@bakkerijvandijk.nl" {
		t.Fatalf("e-mail = %q", got)
	}
	staff := e.lettersOf(templates.Correction)
	if len(staff) != 1 || !strings.Contains(staff[0].text(), "karin@@mulderbv") {
		t.Fatalf("handler's letters = %v (relayed: %d)", staff, len(e.lettersOf(templates.RelayToHandler)))
	}
	told := e.lettersOf(templates.CorrectionNotice)
	if len(told) != 1 || !strings.Contains(told[0].text(), "karin@@mulderbv") {
		t.Fatalf("complainant's letters = %v", told)
	}
	e.deliver(reply("sanne@bakkerijvandijk.nl", ack, "Telefoonnummer: 12\nE-mailadres: not-an-address"))
	told = e.lettersOf(templates.CorrectionNotice)
	if len(told) != 2 || !strings.Contains(told[1].text(), "not-an-address") || !strings.Contains(told[1].text(), "'12'") {
		t.Fatalf("complainant's letters = %v", told)
	}
}

// review 2 #5: `#wijzig email <invalid>` names the field and why, and what
// to do; it does not say there is nothing more to do.
func TestHandlerInvalidEmailChangeHasReason(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("inv2", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#wijzig email jane@@acme"))
	conf := e.lettersOf(templates.Correction)
	if len(conf) != 1 {
		t.Fatalf("letters = %v", conf)
	}
	txt := conf[0].text()
	if !strings.Contains(txt, "E-mailadres: ") || !strings.Contains(txt, "jane@@acme") || !strings.Contains(txt, "#wijzig email naam@voorbeeld.nl") ||
		strings.Contains(txt, "U hoeft niets meer te doen") {
		t.Fatalf("refusal text:\n%s", txt)
	}
}

// review 2 #12: the complainant changed her address and objected from the
// old one, which she was told she could keep using: the confirmation goes
// to the new address and also to the one she wrote from.
func TestObjectionFromFormerAddressConfirmedThere(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("former", "010-1234567"))
	ack := e.lettersOf(templates.Acknowledgement)[0]
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply("sanne@bakkerijvandijk.nl", ack, "E-mailadres: sanne.nieuw@bakkerijvandijk.nl"))
	if got := e.complaint("KL-2026-0001").Email; got != "sanne.nieuw@bakkerijvandijk.nl" {
		t.Fatalf("e-mail = %q", got)
	}
	e.deliver(reply(c.Handler, note, "#reactie\nWij crediteren de pallets."))
	dl := e.lettersOf(templates.ObjectionDeadline)
	if len(dl) != 1 {
		t.Fatalf("objection deadline letters = %d", len(dl))
	}
	e.clk.set(at(2026, 11, 26, 9, 0))
	e.deliver(reply("sanne@bakkerijvandijk.nl", dl[0], "Ik maak bezwaar: de creditnota dekt de kosten niet."))
	got := e.lettersOf(templates.ObjectionReceived)
	if len(got) != 1 {
		t.Fatalf("objection confirmations = %d", len(got))
	}
	head, _, _ := strings.Cut(string(got[0].Raw), "\r\n\r\n")
	if !strings.Contains(got[0].Rcpt, "sanne.nieuw@bakkerijvandijk.nl") ||
		!(strings.Contains(got[0].Rcpt, "sanne@bakkerijvandijk.nl") && strings.Contains(head, "sanne@bakkerijvandijk.nl")) {
		t.Fatalf("confirmation to %q, header:\n%s", got[0].Rcpt, head)
	}
}
