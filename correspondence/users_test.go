package correspondence

import (
	"strings"
	"testing"
	"time"

	"github.com/ingressus/klachtd/templates"
)

// issue 11.1: the same mail delivered twice — same Message-ID, the
// receiving server's own headers different — is one complaint; the second
// copy is stored and noted, and nothing is sent.
func TestSameMailTwiceIsOneComplaint(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	raw := form("twice", "010-1234567")
	e.deliver("Received: from mx1.example.nl by mail.ingressus.nl; Mon, 23 Nov 2026 10:13:00 +0100\n" + raw)
	before := len(e.letters())
	e.clk.set(at(2026, 11, 23, 11, 40))
	e.deliver("Received: from mx2.example.nl by mail.ingressus.nl; Mon, 23 Nov 2026 11:39:00 +0100\nX-Copied-By: rule\n" + raw)
	var n, stored int
	e.store.db.Get(&n, `SELECT count(*) FROM complaints`)
	e.store.db.Get(&stored, `SELECT count(*) FROM messages WHERE message_id = 'form-twice@web.ingressus.nl'`)
	if n != 1 || stored != 2 {
		t.Fatalf("complaints = %d, stored copies = %d; want 1 complaint and 2 stored copies", n, stored)
	}
	if got := len(e.letters()); got != before {
		t.Errorf("letters after the second copy = %d, want %d (nothing sent)", got, before)
	}
	var note string
	e.store.db.Get(&note, `SELECT note FROM messages ORDER BY id DESC LIMIT 1`)
	if !strings.Contains(note, "duplicate") {
		t.Errorf("second copy's note = %q, want it noted as a duplicate", note)
	}
}

// issue 11.1: a double submit (new Message-ID, same complainant, company and
// description within the window) is one complaint; the handler gets a note
// worded in the templates. After the window it is a new complaint.
func TestDoubleSubmitIsOneComplaint(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("first", "010-1234567"))
	acks := len(e.lettersOf(templates.Acknowledgement))
	e.clk.set(at(2026, 11, 23, 10, 21))
	e.deliver(form("second", "010-1234567"))
	var n int
	e.store.db.Get(&n, `SELECT count(*) FROM complaints`)
	if n != 1 || len(e.lettersOf(templates.Acknowledgement)) != acks {
		t.Fatalf("complaints = %d, acknowledgements = %d; want 1 and %d", n, len(e.lettersOf(templates.Acknowledgement)), acks)
	}
	notes := e.lettersOf(templates.DoubleSubmit)
	if len(notes) != 1 || notes[0].Rcpt != e.complaint("KL-2026-0001").Handler ||
		!strings.Contains(notes[0].text(), "nog eens ingediend") {
		t.Fatalf("double-submit notes = %+v, want one to the handler saying it was submitted again", notes)
	}
	e.clk.set(at(2026, 11, 23, 10, 40)) // 25 minutes after the first: outside the window
	e.deliver(form("third", "010-1234567"))
	e.store.db.Get(&n, `SELECT count(*) FROM complaints`)
	if n != 2 {
		t.Errorf("complaints after the window = %d, want 2", n)
	}
}

// issue 11.3: the acknowledgement names the day the mail arrived and, when
// the term counts from the next working day, says so; never a later date.
func TestAcknowledgementNamesArrivalDay(t *testing.T) {
	for _, c := range []struct {
		name string
		at   time.Time
		want []string
		not  []string
	}{
		{"after hours", at(2026, 12, 1, 18, 54), []string{"ontvangen op 1 december 2026, na 17:00; de termijn loopt vanaf 2 december 2026"}, []string{"op 2 december 2026 ontvangen"}},
		{"saturday", at(2026, 12, 5, 11, 0), []string{"ontvangen op zaterdag 5 december 2026, een dag waarop wij niet werken; de termijn loopt vanaf 7 december 2026"}, nil},
		{"working hours", at(2026, 12, 1, 9, 30), []string{"Wij hebben deze op 1 december 2026 ontvangen"}, []string{"termijn loopt vanaf"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, c.at)
			e.deliver(form("arrival", "010-1234567"))
			acks := e.lettersOf(templates.Acknowledgement)
			if len(acks) != 1 {
				t.Fatalf("acknowledgements = %d", len(acks))
			}
			text := strings.Join(strings.Fields(acks[0].text()), " ")
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("acknowledgement lacks %q:\n%s", w, text)
				}
			}
			for _, w := range c.not {
				if strings.Contains(text, w) {
					t.Errorf("acknowledgement has %q", w)
				}
			}
		})
	}
}

// issue 11.8: a form whose e-mail field is invalid but whose Reply-To is
// usable is registered (not quarantined), and the complainant is asked to
// confirm the address.
func TestInvalidFormAddressUsesReplyTo(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	raw := strings.Replace(form("badaddr", "010-1234567"), "E-mailadres: sanne@bakkerijvandijk.nl", "E-mailadres: sanne@bakkerijvandijk", 1)
	if q := e.deliver(raw); q {
		t.Fatal("quarantined a form whose Reply-To is usable")
	}
	c := e.complaint("KL-2026-0001")
	if c.Email != "sanne@bakkerijvandijk.nl" || c.State != StateOpen {
		t.Fatalf("complaint email %q state %q, want the Reply-To and open", c.Email, c.State)
	}
	acks := e.lettersOf(templates.Acknowledgement)
	if len(acks) != 1 || !strings.Contains(acks[0].text(), "sanne@bakkerijvandijk') is geen geldig adres") {
		t.Fatalf("acknowledgement does not ask to confirm the address: %v", acks)
	}
}

// issue 11.8: a complaint mailed directly takes the name from the From
// display name instead of asking for it.
func TestDirectMailNameFromDisplayName(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(`From: Piet Jansen <piet@jansen-bouw.nl>
To: klachten@ingressus.nl
Subject: Klacht over de factuur
Message-ID: <direct-1@jansen-bouw.nl>
Content-Type: text/plain; charset=utf-8

Goedemiddag, de factuur van november klopt niet: er staan uren op die niet gewerkt zijn.
`)
	c := e.complaint("KL-2026-0001")
	if c.Name != "Piet Jansen" {
		t.Fatalf("name = %q, want the From display name", c.Name)
	}
	reqs := e.lettersOf(templates.CompletionRequest)
	if len(reqs) != 1 || strings.Contains(reqs[0].text(), "Naam: ontbreekt") || strings.Contains(reqs[0].text(), "Naam") && strings.Contains(reqs[0].text(), "Naam (ontbreekt)") {
		t.Fatalf("completion request asks for the name: %v", reqs)
	}
}

// issue 11.1: a double submit of an incomplete form that now has what was
// missing completes the first complaint; still one complaint.
func TestDoubleSubmitCompletesIncomplete(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(strings.Replace(form("inc1", "010-1234567"), "Telefoonnummer: 010-1234567\n", "", 1))
	if got := e.complaint("KL-2026-0001").State; got != StateIncomplete {
		t.Fatalf("state = %s", got)
	}
	e.clk.set(at(2026, 11, 23, 10, 18))
	e.deliver(form("inc2", "010-1234567"))
	var n int
	e.store.db.Get(&n, `SELECT count(*) FROM complaints`)
	c := e.complaint("KL-2026-0001")
	if n != 1 || c.State != StateOpen || c.Phone != "+31101234567" || len(e.lettersOf(templates.Acknowledgement)) != 1 {
		t.Errorf("complaints %d, state %s, phone %q, acks %d; want 1 open complaint with the phone, acknowledged once",
			n, c.State, c.Phone, len(e.lettersOf(templates.Acknowledgement)))
	}
}

// issue 11.8: when the form's address is invalid and fields are missing,
// the completion request asks to confirm the address it is sent to.
func TestCompletionRequestAsksToConfirmAddress(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	raw := strings.Replace(form("badinc", ""), "E-mailadres: sanne@bakkerijvandijk.nl", "E-mailadres: sanne@@bakkerijvandijk.nl", 1)
	if q := e.deliver(raw); q {
		t.Fatal("quarantined")
	}
	reqs := e.lettersOf(templates.CompletionRequest)
	if len(reqs) != 1 || !strings.Contains(reqs[0].text(), "sanne@@bakkerijvandijk.nl') is geen geldig adres") ||
		strings.Contains(reqs[0].text(), "- E-mailadres") {
		t.Fatalf("completion request = %v", reqs)
	}
}

// issue 11.3: a form without a date sent after hours is dated the day it
// arrived, not the next working day.
func TestAssumedDateIsArrivalDay(t *testing.T) {
	e := newEnv(t, at(2026, 12, 1, 18, 54))
	e.deliver(strings.Replace(form("nodate", "010-1234567"), "Datum: 23-11-2026\n", "", 1))
	c := e.complaint("KL-2026-0001")
	if c.FormDate != "2026-12-01" || c.CompleteDay != "2026-12-02" {
		t.Errorf("form date %s, term from %s; want 2026-12-01 and 2026-12-02", c.FormDate, c.CompleteDay)
	}
}
