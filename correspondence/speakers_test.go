package correspondence

import (
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// respondedEnv is a complaint that has had its substantive response: the
// objection-deadline letter is out.
func respondedEnv(t *testing.T) (*env, *Complaint, outLetter) {
	t.Helper()
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("obj", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#reactie\nWij crediteren de twee pallets."))
	dl := e.lettersOf(templates.ObjectionDeadline)
	if len(dl) != 1 {
		t.Fatalf("objection-deadline letters = %d", len(dl))
	}
	e.clk.set(at(2026, 11, 26, 9, 0))
	return e, c, dl[0]
}

// TestCCColleagueCannotObject (issue 10 item 4): a colleague on CC who
// replies to all "Ik maak bezwaar" is relayed to the handler as from that
// colleague, named — not as the complainant, not as an objection; the
// handler can adopt it with #bezwaar.
func TestCCColleagueCannotObject(t *testing.T) {
	e, c, dl := respondedEnv(t)
	colleague := "Piet Collega <piet@bakkerijvandijk.nl>"
	e.deliver(reply(colleague, dl, "Ik maak bezwaar, dit is onvoldoende."))
	if n := len(e.lettersOf(templates.ObjectionReceived)); n != 0 {
		t.Fatalf("a colleague's reply registered as the objection (%d confirmations)", n)
	}
	if got := e.complaint(c.Ref).State; got != StateResponded {
		t.Fatalf("state = %s, want responded", got)
	}
	if n := len(e.lettersOf(templates.RelayToHandler)); n != 0 {
		t.Errorf("a colleague's reply was relayed as the complainant's (%d)", n)
	}
	rel := e.lettersOf(templates.RelayThirdParty)
	if len(rel) != 1 || rel[0].Rcpt != c.Handler {
		t.Fatalf("third-party relays = %+v, want one to the handler", rel)
	}
	body := rel[0].text()
	for _, want := range []string{"Piet Collega", "piet@bakkerijvandijk.nl", "onvoldoende", "#bezwaar", "niet de indiener"} {
		if !strings.Contains(body, want) {
			t.Errorf("relay lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "Bericht van de indiener") || strings.Contains(rel[0].Subject, "indiener:") {
		t.Errorf("relay speaks of the complainant: %s", rel[0].Subject)
	}
	// The handler adopts it.
	e.deliver(reply(c.Handler, rel[0], "#bezwaar"))
	if got := e.complaint(c.Ref).State; got != StateObjection {
		t.Fatalf("after #bezwaar: state %s", got)
	}
	dossier := e.lettersOf(templates.ObjectionDossier)
	if len(dossier) != 1 || !strings.Contains(dossier[0].text(), "onvoldoende") {
		t.Fatalf("dossier does not hold the adopted objection: %+v", dossier)
	}
	if done := e.lettersOf(templates.CommandDone); len(done) == 0 || !strings.Contains(done[len(done)-1].text(), "piet@bakkerijvandijk.nl") {
		t.Errorf("#bezwaar confirmation does not name whose message was adopted")
	}
}

// TestAddedAddressActsForComplainant: after #toevoegen, the colleague's
// objection counts.
func TestAddedAddressActsForComplainant(t *testing.T) {
	e, c, dl := respondedEnv(t)
	e.deliver(reply(c.Handler, dl, "#toevoegen piet@bakkerijvandijk.nl"))
	done := e.lettersOf(templates.CommandDone)
	if len(done) != 2 || !strings.Contains(done[1].text(), "piet@bakkerijvandijk.nl") {
		t.Fatalf("#toevoegen not confirmed: %+v", done)
	}
	e.deliver(reply("Piet Collega <piet@bakkerijvandijk.nl>", dl, "Ik maak bezwaar: dit is onvoldoende."))
	if got := e.complaint(c.Ref).State; got != StateObjection {
		t.Fatalf("added address's objection: state %s", got)
	}
	e.deliver(reply(c.Handler, dl, "#toevoegen geen adres"))
	if nd := e.lettersOf(templates.CommandNotDone); len(nd) != 1 {
		t.Errorf("#toevoegen without an address: %d refusals, want 1", len(nd))
	}
}

// TestStrangerCommandInThreadRefused (issue 11 item 4): someone who is not
// the complainant or staff answers the thread with #sluiten: not carried
// out, nothing relayed as from the complainant, the mail kept, the handler
// told that a command was refused and by whom.
func TestStrangerCommandInThreadRefused(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("s", "010-1234567"))
	ack := e.lettersOf(templates.Acknowledgement)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply("Mallory <mallory@evil.example>", ack, "#sluiten\nIk trek de klacht in."))
	if got := e.complaint(c.Ref).State; got != StateOpen {
		t.Fatalf("a stranger's #sluiten was carried out: state %s", got)
	}
	if n := len(e.lettersOf(templates.RelayToHandler)) + len(e.lettersOf(templates.Closed)); n != 0 {
		t.Fatalf("stranger's mail relayed as the complainant's or closed the complaint (%d letters)", n)
	}
	rel := e.lettersOf(templates.RelayThirdParty)
	if len(rel) != 1 || rel[0].Rcpt != c.Handler {
		t.Fatalf("handler not told: %+v", rel)
	}
	for _, want := range []string{"#sluiten", "niet uitgevoerd", "mallory@evil.example", "Mallory"} {
		if !strings.Contains(rel[0].text(), want) {
			t.Errorf("notice lacks %q:\n%s", want, rel[0].text())
		}
	}
	var kept int
	_ = e.store.db.Get(&kept, `SELECT count(*) FROM messages WHERE from_addr = 'mallory@evil.example' AND complaint_id = ?`, c.ID)
	if kept != 1 {
		t.Errorf("stranger's mail kept %d times, want 1", kept)
	}
}

// TestDisplayNameIsNeverTheRecipient (issue 10 item 5): a display name
// that looks like an address is never written to.
func TestDisplayNameIsNeverTheRecipient(t *testing.T) {
	for _, tc := range []struct{ name, field, replyTo string }{
		{"reply-to unquoted", "", "x9@evil.test <sanne@bakkerijvandijk.nl>"},
		{"reply-to encoded word", "", "=?utf-8?q?x9@evil.test?= <sanne@bakkerijvandijk.nl>"},
		{"form field", "E-mailadres: x9@evil.test <sanne@bakkerijvandijk.nl>\n", "sanne@bakkerijvandijk.nl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, at(2026, 11, 23, 10, 15))
			raw := strings.Replace(form("dn", "010-1234567"), "E-mailadres: sanne@bakkerijvandijk.nl\n", tc.field, 1)
			raw = strings.Replace(raw, "Reply-To: sanne@bakkerijvandijk.nl", "Reply-To: "+tc.replyTo, 1)
			e.deliver(raw)
			for _, l := range e.letters() {
				if strings.Contains(l.Rcpt, "evil.test") {
					t.Fatalf("%s went to %s", l.Kind, l.Rcpt)
				}
			}
			if c := e.complaint("KL-2026-0001"); c.Email != "sanne@bakkerijvandijk.nl" {
				t.Errorf("complainant's address = %q, want sanne@bakkerijvandijk.nl", c.Email)
			}
		})
	}
}
