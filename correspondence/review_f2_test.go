package correspondence

import (
	"context"
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// review F2 #7: what a complainant writes beyond the `Label: value` lines
// while completing the form reaches the handler: the new-complaint letter
// shows it (procedure.md, "Never: a relayed message emptier than what was
// written").
func TestCompletionExtraTextReachesHandler(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("extra", "0612"))
	req := e.lettersOf(templates.CompletionRequest)[0]
	e.clk.set(at(2026, 11, 24, 9, 0))
	e.deliver(reply("sanne@bakkerijvandijk.nl", req,
		"Telefoonnummer: 010-4445566\n\nOverigens is de monteur vandaag weer niet gekomen. Ordernummer SRV-2211."))
	if c := e.complaint("KL-2026-0001"); c.State != StateOpen {
		t.Fatalf("state after the completion = %s, want open", c.State)
	}
	hn := e.lettersOf(templates.HandlerNew)
	if len(hn) != 1 || !strings.Contains(hn[0].text(), "SRV-2211") || !strings.Contains(hn[0].text(), "monteur vandaag") {
		t.Fatalf("new-complaint letter lacks the complainant's extra text:\n%s", hn[0].text())
	}
	if strings.Contains(hn[0].text(), "Telefoonnummer: 010-4445566") {
		t.Errorf("the field line is shown as extra text too:\n%s", hn[0].text())
	}
}

// review F2 #7: a reply that completes with field lines only adds no
// extra-text block.
func TestCompletionWithoutExtraText(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("noextra", "0612"))
	req := e.lettersOf(templates.CompletionRequest)[0]
	e.deliver(reply("sanne@bakkerijvandijk.nl", req, "Telefoonnummer: 010-4445566"))
	hn := e.lettersOf(templates.HandlerNew)
	if len(hn) != 1 || strings.Contains(hn[0].text(), "bij het aanvullen van de klacht verder") {
		t.Fatalf("new-complaint letter = %v", hn)
	}
}

// review F2 #8: an e-mail change by reply is confirmed to the old and the
// new address, and the old address keeps speaking for the complaint.
func TestEmailChangeConfirmedAndOldAddressKept(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("mail", "010-1234567"))
	ack := e.lettersOf(templates.Acknowledgement)[0]
	e.deliver(reply("sanne@bakkerijvandijk.nl", ack, "E-mailadres: s.vandijk@bakkerijvandijk.nl"))
	c := e.complaint("KL-2026-0001")
	if c.Email != "s.vandijk@bakkerijvandijk.nl" {
		t.Fatalf("email = %q, want the new address", c.Email)
	}
	conf := e.lettersOf(templates.CorrectionNotice)
	if len(conf) != 1 || !strings.Contains(conf[0].Rcpt, "s.vandijk@bakkerijvandijk.nl") || !strings.Contains(conf[0].Rcpt, "sanne@bakkerijvandijk.nl") {
		t.Fatalf("confirmation of the e-mail change = %+v, want one to both addresses", conf)
	}
	if !strings.Contains(conf[0].text(), "s.vandijk@bakkerijvandijk.nl (was: sanne@bakkerijvandijk.nl)") {
		t.Errorf("confirmation does not show the change:\n%s", conf[0].text())
	}
	told := e.lettersOf(templates.Correction)
	if len(told) != 1 || !strings.Contains(told[0].text(), "sanne@bakkerijvandijk.nl") || !strings.Contains(told[0].text(), "blijft") {
		t.Errorf("handler's letter does not say the old address keeps speaking:\n%s", told[0].text())
	}
	// The old address still completes, corrects and objects.
	e.deliver(reply("sanne@bakkerijvandijk.nl", ack, "Telefoonnummer: 010-7654321"))
	if got := e.complaint("KL-2026-0001").Phone; got != "+31107654321" {
		t.Errorf("the old address could no longer correct: phone %q", got)
	}
	if n := len(e.lettersOf(templates.RelayThirdParty)); n != 0 {
		t.Errorf("the old address was treated as a third party (%d letters)", n)
	}
}

// review F2 #9: a refused correction is called so in the subject and says
// what to do; the complainant whose correction was refused is told why.
func TestRefusedCorrectionSaysSo(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("refuse", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	ack := e.lettersOf(templates.Acknowledgement)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#wijzig telefoon 0612"))
	conf := e.lettersOf(templates.Correction)
	if len(conf) != 1 {
		t.Fatalf("letters to the handler = %d", len(conf))
	}
	if s := conf[0].Subject; !strings.Contains(s, "niet doorgevoerd") || strings.Contains(s, "Gegevens gecorrigeerd") {
		t.Errorf("subject of a refused #wijzig = %q", s)
	}
	if txt := conf[0].text(); strings.Contains(txt, "U hoeft niets meer te doen") || !strings.Contains(txt, "#wijzig telefoon") {
		t.Errorf("refused #wijzig does not say what to do:\n%s", txt)
	}
	if n := len(e.lettersOf(templates.CorrectionNotice)); n != 0 {
		t.Errorf("the complainant was told of the handler's refused #wijzig (%d)", n)
	}

	e.deliver(reply("sanne@bakkerijvandijk.nl", ack, "Telefoonnummer: 12"))
	if got := e.complaint("KL-2026-0001").Phone; got != "+31101234567" {
		t.Fatalf("an invalid correction was applied: %q", got)
	}
	told := e.lettersOf(templates.CorrectionNotice)
	if len(told) != 1 || told[0].Rcpt != "sanne@bakkerijvandijk.nl" {
		t.Fatalf("complainant's letters about her refused correction = %+v", told)
	}
	if txt := told[0].text(); !strings.Contains(txt, "niet doorgevoerd") || !strings.Contains(txt, "'12'") || !strings.Contains(txt, "Telefoonnummer:") {
		t.Errorf("the complainant's letter does not say what and why:\n%s", txt)
	}
	conf = e.lettersOf(templates.Correction)
	if len(conf) != 2 || !strings.Contains(conf[1].Subject, "niet doorgevoerd") || !strings.Contains(conf[1].text(), "De indiener heeft bericht") {
		t.Errorf("handler's letter about the refused correction = %q\n%s", conf[1].Subject, conf[1].text())
	}
}

// review F2 #10: an address added with #toevoegen corrects the record, as
// the confirmation promises.
func TestAddedAddressCorrects(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("added", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	ack := e.lettersOf(templates.Acknowledgement)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#toevoegen Nachtwaker <waker@nacht.nl>"))
	e.deliver(reply("Waker <waker@nacht.nl>", ack, "Telefoonnummer: 020-1112223"))
	if got := e.complaint("KL-2026-0001").Phone; got != "+31201112223" {
		t.Fatalf("phone after the added address's correction = %q", got)
	}
	var hist string
	e.store.db.Get(&hist, `SELECT detail FROM events WHERE kind = 'corrected'`)
	if !strings.Contains(hist, "waker@nacht.nl") {
		t.Errorf("history = %q, want who corrected", hist)
	}
	if n := len(e.lettersOf(templates.Correction)); n != 1 {
		t.Errorf("correction letters = %d, want 1", n)
	}
}

// review F2 #14: the objection dossier shows the fields as received and
// each correction (who, when, old → new), the handler's #wijzig too.
func TestDossierShowsCorrections(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("dcorr", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	ack := e.lettersOf(templates.Acknowledgement)[0]
	c := e.complaint("KL-2026-0001")
	e.clk.set(at(2026, 11, 24, 9, 0))
	e.deliver(reply("sanne@bakkerijvandijk.nl", ack, "Telefoonnummer: 010-7654321"))
	e.clk.set(at(2026, 11, 25, 9, 0))
	e.deliver(reply(c.Handler, note, "#wijzig bedrijfsnaam Bakkerij Van Dijk Holding B.V."))
	e.clk.set(at(2026, 11, 26, 9, 0))
	e.deliver(reply(c.Handler, note, "#reactie\nWij hebben de levering nagekeken."))
	dl := e.lettersOf(templates.ObjectionDeadline)[0]
	e.clk.set(at(2026, 11, 27, 9, 0))
	e.deliver(reply("sanne@bakkerijvandijk.nl", dl, "Ik ben het hier niet mee eens, ik maak bezwaar."))
	ds := e.lettersOf(templates.ObjectionDossier)
	if len(ds) != 1 {
		t.Fatalf("dossiers = %d", len(ds))
	}
	txt := ds[0].text()
	_, asReceived, _ := strings.Cut(txt, "ZOALS ONTVANGEN")
	asReceived, _, _ = strings.Cut(asReceived, "4. CORRESPONDENTIE")
	if !strings.Contains(asReceived, "Bedrijfsnaam: Bakkerij Van Dijk B.V.") || !strings.Contains(asReceived, "Telefoonnummer: +31101234567") {
		t.Errorf("section 3 does not show the fields as received:\n%s", asReceived)
	}
	_, thread, _ := strings.Cut(txt, "4. CORRESPONDENTIE")
	for _, want := range []string{"Correctie door de indiener", "Telefoonnummer: +31107654321 (was: +31101234567)",
		"Correctie door Marieke de Vries", "Bedrijfsnaam: Bakkerij Van Dijk Holding B.V. (was: Bakkerij Van Dijk B.V.)"} {
		if !strings.Contains(thread, want) {
			t.Errorf("dossier thread lacks %q:\n%s", want, thread)
		}
	}
	if i, j := strings.Index(thread, "Correctie door de indiener"), strings.Index(thread, "Correctie door Marieke"); i > j {
		t.Errorf("corrections out of reading order")
	}
	if testing.Verbose() {
		t.Log(txt)
	}
	_ = context.Background()
}

// review F2 #7: extraText keeps what is not a field line, and only that.
func TestExtraText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Adres: Industrieweg 4\n3044 AS Rotterdam\nTelefoonnummer: 010-4445566\nBereikbaarheid: ma-vr 8-16\n\nOverigens is de monteur vandaag wéér niet gekomen, dat is de derde keer. Ordernummer SRV-2211.",
			"Overigens is de monteur vandaag wéér niet gekomen, dat is de derde keer. Ordernummer SRV-2211."},
		{"Telefoonnummer: 010-4445566", ""},
		{"Beste,\n\nPhone number: 020 1112223\nE-mail address: a@b.nl\n\nMet vriendelijke groet,\nKarin", "Beste,\n\nMet vriendelijke groet,\nKarin"},
		{"Let op: de monteur kwam niet.\nTelefoon: 010-4445566", "Let op: de monteur kwam niet."},
	} {
		if got := extraText(tc.in); got != tc.want {
			t.Errorf("extraText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
