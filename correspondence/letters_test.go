package correspondence

import (
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// plain is the text/plain part of a letter, decoded.
func plain(t *testing.T, l outLetter) string {
	t.Helper()
	return string(attachmentOf(t, l.Raw, "text/plain"))
}

// badWords may appear in no letter: the procedure's words are "indiener"
// and "vertraging", and staff letters are written in natural Dutch.
var badWords = []string{"klager", "verdaging", "Wat te doen", "Niets hoeft", "no-address", "no usable e-mail", "<no value>", "(Marieke de Vries)", "(Jeroen Bakker)"}

// TestLetterWording plays a complaint to its written record and checks the
// wording of every letter it caused (issue 11.9): one way to answer per
// letter to the complainant, none in a letter that closes the complaint
// (which offers the web form for a new one instead), and none of the
// words the procedure does not use.
func TestLetterWording(t *testing.T) {
	e, c := objectionScenario(t)
	e.g.set.FormURL = "https://www.ingressus.nl/klachten"
	dossier := e.lettersOf(templates.ObjectionDossier)[0]
	e.clk.set(at(2026, 12, 29, 9, 0))
	e.deliver(reply("directie@ingressus.nl", dossier, "#gesprek 07-01-2027 14:30 Kantoor Ingressus"))
	e.clk.set(at(2027, 1, 7, 16, 0))
	e.deliver(reply("directie@ingressus.nl", dossier, "#verslag opgelost\nWij hebben afgesproken dat de kratten worden vergoed."))
	e.deliver(reply(c.Email, e.lettersOf(templates.Record)[0], "Dank u wel, nog één vraag."))

	closing := map[string]bool{templates.Record: true, templates.Closed: true, templates.Closing: true,
		templates.Lapse: true, templates.ClosedReply: true}
	seen := map[string]bool{}
	for _, l := range e.letters() {
		text := plain(t, l)
		seen[l.Kind] = true
		for _, bad := range badWords {
			if strings.Contains(text, bad) || strings.Contains(l.Subject, bad) {
				t.Errorf("%s to %s contains %q:\n%s", l.Kind, l.Rcpt, bad, text)
			}
		}
		if l.Rcpt != c.Email && !strings.HasPrefix(l.Rcpt, c.Email+"\n") {
			continue
		}
		n := strings.Count(text, "Beantwoord deze e-mail")
		switch {
		case closing[l.Kind] && n != 0:
			t.Errorf("%s closes the complaint but says how to answer:\n%s", l.Kind, text)
		case closing[l.Kind] && !strings.Contains(text, "klachtenformulier"):
			t.Errorf("%s closes the complaint but does not offer the form for a new one:\n%s", l.Kind, text)
		case !closing[l.Kind] && n != 1:
			t.Errorf("%s says how to answer %d times, want once:\n%s", l.Kind, n, text)
		}
	}
	for _, want := range []string{templates.Acknowledgement, templates.InfoRequest, templates.DelayNotice, templates.Response,
		templates.ObjectionDeadline, templates.ObjectionReceived, templates.Invitation, templates.Record, templates.ClosedReply, templates.StaffNotice} {
		if !seen[want] {
			t.Errorf("the scenario sent no %s; the test does not cover it", want)
		}
	}
	for _, l := range e.lettersOf(templates.StaffNotice) {
		if text := plain(t, l); strings.Contains(text, "na het sluiten") && !strings.Contains(text, "U hoeft niets te doen") {
			t.Errorf("closed-reply notice does not say plainly that nothing needs doing:\n%s", text)
		}
	}
}

// TestQuarantineAlertInDutch: the intake team's alert words the reason in
// Dutch (issue 11.9: it read "in quarantaine gezet: no-address: no usable
// e-mail address to answer").
func TestQuarantineAlertInDutch(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	raw := strings.Replace(form("noaddr", "010-1234567"), "Reply-To: sanne@bakkerijvandijk.nl\n", "", 1)
	raw = strings.Replace(raw, "E-mailadres: sanne@bakkerijvandijk.nl", "E-mailadres: geen", 1)
	if !e.deliver(raw) {
		t.Fatalf("a form without any usable address was not quarantined")
	}
	alerts := e.lettersOf(templates.Alert)
	if len(alerts) != 1 {
		t.Fatalf("%d alerts, want 1", len(alerts))
	}
	text := plain(t, alerts[0])
	for _, want := range []string{"in quarantaine gezet", "geen bruikbaar e-mailadres", "quarantainemap", "niets is weggegooid"} {
		if !strings.Contains(text, want) {
			t.Errorf("alert lacks %q:\n%s", want, text)
		}
	}
	for _, bad := range badWords {
		if strings.Contains(text, bad) || strings.Contains(alerts[0].Subject, bad) {
			t.Errorf("alert contains %q:\n%s", bad, text)
		}
	}
}

// TestHandlerToldComplainantWritesEnglish: an English form gets English
// letters, and the handler is told so in Dutch (issue 11.9).
func TestHandlerToldComplainantWritesEnglish(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(`From: Ingressus website <noreply@web.ingressus.nl>
To: klachten@ingressus.nl
Subject: New complaint through the complaint form
Message-ID: <form-en@web.ingressus.nl>
Content-Type: text/plain; charset=utf-8

Company name: Harbour Logistics Ltd
Address: 1 Dock Road, Rotterdam
Name: John Smith
Phone number: +31 10 123 4567
Availability: weekdays 9-12
Email address: john@harbour.example
Date: 2026-11-23
Description of the complaint: The delivery of 16 November was incomplete.
`)
	c := e.complaint("KL-2026-0001")
	if c.Lang != "en" {
		t.Fatalf("complaint language = %q, want en", c.Lang)
	}
	ack := e.lettersOf(templates.Acknowledgement)
	if len(ack) != 1 || !strings.Contains(plain(t, ack[0]), "is being handled by") || !strings.Contains(plain(t, ack[0]), "We will assess") {
		t.Errorf("English acknowledgement does not read naturally:\n%s", plain(t, ack[0]))
	}
	note := e.lettersOf(templates.HandlerNew)
	if len(note) != 1 {
		t.Fatalf("%d handler notes", len(note))
	}
	text := plain(t, note[0])
	if !strings.Contains(text, "de indiener schrijft Engels") {
		t.Errorf("handler not told the complainant writes English:\n%s", text)
	}
	e.deliver(reply(c.Email, ack[0], "Please find the delivery note attached."))
	relay := e.lettersOf(templates.RelayToHandler)
	if len(relay) != 1 || !strings.Contains(plain(t, relay[0]), "de indiener schrijft Engels") {
		t.Errorf("relayed message does not tell the handler the complainant writes English")
	}
}

// TestNewHandlerReadsTheThread: a complaint given to another handler
// arrives with the correspondence so far, not an empty event log.
func TestNewHandlerReadsTheThread(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("assign", "010-1234567"))
	c := e.complaint("KL-2026-0001")
	note := e.lettersOf(templates.HandlerNew)[0]
	e.clk.set(at(2026, 11, 24, 10, 0))
	e.deliver(reply(c.Handler, note, "#info\nKunt u de pakbon sturen?"))
	e.clk.set(at(2026, 11, 25, 10, 0))
	e.deliver(reply(c.Email, e.lettersOf(templates.InfoRequest)[0], "De pakbon is zoek, helaas."))
	e.clk.set(at(2026, 11, 26, 10, 0))
	other := "Jeroen Bakker"
	if c.Handler == "j.bakker@ingressus.nl" {
		other = "Marieke de Vries"
	}
	e.deliver(reply(c.Handler, note, "#toewijzen "+other))
	as := e.lettersOf(templates.HandlerAssigned)
	if len(as) != 1 {
		t.Fatalf("%d assignment letters", len(as))
	}
	text := plain(t, as[0])
	for _, want := range []string{"Beste " + other + ",", "Correspondentie tot nu toe", "Brief aan de indiener: Ontvangstbevestiging",
		"Kunt u de pakbon sturen?", "Bericht van de indiener", "De pakbon is zoek, helaas."} {
		if !strings.Contains(text, want) {
			t.Errorf("assignment letter lacks %q:\n%s", want, text)
		}
	}
}
