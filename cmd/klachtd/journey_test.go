package main

// Journey tests (issue 11): every journey of procedure.md played as its
// users play it — the web form and the complainant by SMTP, handlers and
// management replying from their own mail clients, everyone reading their
// INBOX over IMAP — against the demo mail world, on a clock moved over
// weeks in seconds. Each letter is held to the letters table of
// procedure.md (journey.check and letterRules): kind, language, reference
// in the subject, required content; and each journey ends by counting every
// person's letters: exactly one per event (journey.expectLetters).

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const (
	sanneAddr = "sanne@bakkerijvandijk.nl"
	emilyAddr = "emily@smithlogistics.example"
)

// Intake of a complete form, Dutch and English: acknowledgement to the
// complainant in their language with the fields, the handler's name and
// the end date; the handler's notification with every field, the
// description verbatim, the end date, the latest day for a delay notice
// and the commands.
func TestJourneyIntakeComplete(t *testing.T) {
	for _, c := range []struct {
		name, addr string
		form       formSpec
		lang       string
		ackMust    []string
	}{
		{"dutch form", sanneAddr, sanne(), "nl", []string{"Geachte Sanne van Dijk", "Marieke de Vries", "uiterlijk op 21 december 2026",
			"Bakkerij Van Dijk B.V.", "Hoofdstraat 12, 3011 AB Rotterdam", "+31101234567", "ORD-2026-1182",
			"De levering van 16 november was niet compleet. Er ontbraken twee pallets meel.", "Wij hebben deze op 23 november 2026 ontvangen"}},
		{"english form", emilyAddr, emily(), "en", []string{"Emily Smith", "Marieke de Vries", "21 December 2026",
			"Smith Logistics Ltd", "Two pallets were missing from the delivery of 16 November.", "We received it on 23 November 2026"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
			j.submit(c.form)
			ack := j.await(c.addr, "acknowledgement")
			j.check(ack, "acknowledgement", c.lang, "KL-2026-0001", c.ackMust...)
			h, note := j.handlerOf("KL-2026-0001")
			j.check(note, "handler_new", "nl", "KL-2026-0001", c.form.company, c.form.name, c.form.avail,
				strings.Join(strings.Fields(c.form.description), " "), "21 december 2026", "17 december 2026")
			j.expectLetters(map[string]map[string]int{c.addr: {"acknowledgement": 1}, h: {"handler_new": 1},
				otherHandler(h): {}, directie: {}})
		})
	}
}

func otherHandler(h string) string {
	if h == marieke {
		return jeroen
	}
	return marieke
}

// An incomplete form: the completion request names each missing field and
// the lapse date; a reply with part of it asks again for the rest; the
// last reply completes it and the term starts that day.
func TestJourneyIncompleteCompletedByReply(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	f := sanne()
	f.omit = []string{"phone", "avail"}
	j.submit(f)
	req := j.await(sanneAddr, "completion_request")
	j.check(req, "completion_request", "nl", "KL-2026-0001", "Telefoonnummer", "Bereikbaarheid", "ontbreekt", "21 december 2026")
	j.at(amsterdamAt(2026, 11, 24, 9, 0))
	j.reply(sanneAddr, req, "Telefoonnummer: 010-1234567")
	req2 := j.await(sanneAddr, "completion_request")
	j.check(req2, "completion_request", "nl", "KL-2026-0001", "Bereikbaarheid")
	if strings.Contains(req2.flat(), "Telefoonnummer: ontbreekt") {
		t.Errorf("second completion request still asks for the phone:\n%s", req2.Text)
	}
	j.at(amsterdamAt(2026, 11, 24, 11, 0))
	j.reply(sanneAddr, req2, "Bereikbaarheid: ma-vr 9-12")
	ack := j.await(sanneAddr, "acknowledgement")
	// Complete on 24 November: twenty working days from then.
	j.check(ack, "acknowledgement", "nl", "KL-2026-0001", "24 november 2026", "22 december 2026", "+31101234567", "ma-vr 9-12")
	h, note := j.handlerOf("KL-2026-0001")
	j.check(note, "handler_new", "nl", "KL-2026-0001", "22 december 2026")
	j.expectLetters(map[string]map[string]int{sanneAddr: {"completion_request": 2, "acknowledgement": 1}, h: {"handler_new": 1}, directie: {}})
}

// An incomplete complaint with no answer lapses after twenty working days,
// not a day before, with a letter that says how to submit again.
func TestJourneyIncompleteLapses(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	f := sanne()
	f.omit = []string{"phone"}
	j.submit(f)
	j.await(sanneAddr, "completion_request")
	j.at(amsterdamAt(2026, 12, 21, 16, 0)) // the lapse day itself: not yet
	j.none(sanneAddr, "lapse")
	j.at(amsterdamAt(2026, 12, 22, 9, 0))
	lapse := j.await(sanneAddr, "lapse")
	j.check(lapse, "lapse", "nl", "KL-2026-0001", "formulier")
	j.expectLetters(map[string]map[string]int{sanneAddr: {"completion_request": 1, "lapse": 1}, marieke: {}, jeroen: {}, directie: {}})
}

// A complaint mailed directly: treated like the form; what is missing is
// asked for, but not the name, which the From display name gives (11.8).
func TestJourneyDirectMail(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	j.send("piet@jansen-bouw.nl", []string{intakeBox}, `From: Piet Jansen <piet@jansen-bouw.nl>
To: klachten@ingressus.nl
Subject: Klacht over de factuur
Message-ID: <direct-1@jansen-bouw.nl>
Content-Type: text/plain; charset=utf-8

Goedemiddag,

De factuur van november klopt niet: er staan uren op die niet gewerkt zijn.

Piet Jansen
`)
	req := j.await("piet@jansen-bouw.nl", "completion_request")
	j.check(req, "completion_request", "nl", "KL-2026-0001", "Geachte Piet Jansen", "Bedrijfsnaam", "Telefoonnummer")
	if strings.Contains(req.flat(), "Naam: ontbreekt") || strings.Contains(req.flat(), "- Naam") {
		t.Errorf("the completion request asks for the name the From header gave:\n%s", req.Text)
	}
	j.at(amsterdamAt(2026, 11, 23, 14, 0))
	j.reply("Piet Jansen <piet@jansen-bouw.nl>", req, "Bedrijfsnaam: Jansen Bouw\nAdres: Dorpsweg 3, 2991 AA Barendrecht\nTelefoonnummer: 0180-123456\nBereikbaarheid: ochtenden")
	ack := j.await("piet@jansen-bouw.nl", "acknowledgement")
	j.check(ack, "acknowledgement", "nl", "KL-2026-0001", "Piet Jansen", "Jansen Bouw", "De factuur van november klopt niet")
	j.expectLetters(map[string]map[string]int{"piet@jansen-bouw.nl": {"completion_request": 1, "acknowledgement": 1}})
}

// #info and the relay both ways, with attachments: the question goes to
// the complainant, their answer and photo to the handler, the handler's
// plain reply and file to the complainant.
func TestJourneyInfoAndRelay(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	j.submit(sanne())
	j.await(sanneAddr, "acknowledgement")
	h, note := j.handlerOf("KL-2026-0001")
	j.at(amsterdamAt(2026, 11, 24, 9, 0))
	j.reply(h, note, "#info Wat is uw klantnummer?")
	info := j.await(sanneAddr, "info_request")
	j.check(info, "info_request", "nl", "KL-2026-0001", "Wat is uw klantnummer?")
	photo := attachment{Name: "pallets.jpg", ContentType: "image/jpeg", Data: bytes.Repeat([]byte{0xff, 0xd8, 0x42}, 400)}
	j.at(amsterdamAt(2026, 11, 24, 10, 0))
	j.reply(sanneAddr, info, "Mijn klantnummer is 4711. Hierbij een foto van de levering.", photo)
	relayed := j.await(h, "relay_to_handler")
	j.check(relayed, "relay_to_handler", "nl", "KL-2026-0001", "Mijn klantnummer is 4711.", "pallets.jpg")
	hasFile(t, relayed, photo)
	pdf := attachment{Name: "creditnota.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4\n% creditnota\n")}
	j.at(amsterdamAt(2026, 11, 24, 11, 0))
	j.reply(h, relayed, "Dank u wel. Bijgaand de creditnota.", pdf)
	back := j.await(sanneAddr, "relay_to_complainant")
	j.check(back, "relay_to_complainant", "nl", "KL-2026-0001", "Dank u wel. Bijgaand de creditnota.")
	hasFile(t, back, pdf)
	if strings.Contains(back.flat(), "Mijn klantnummer is 4711") && !strings.Contains(back.Text, "> ") {
		t.Errorf("the relay repeats the complainant's own text unquoted:\n%s", back.Text)
	}
	j.expectLetters(map[string]map[string]int{sanneAddr: {"acknowledgement": 1, "info_request": 1, "relay_to_complainant": 1},
		h: {"handler_new": 1, "relay_to_handler": 1}, directie: {}})
}

// hasFile checks a relayed letter carries the file byte for byte.
func hasFile(t *testing.T, r received, want attachment) {
	t.Helper()
	for _, a := range r.Attachments {
		if a.Name == want.Name && bytes.Equal(a.Data, want.Data) {
			return
		}
	}
	var names []string
	for _, a := range r.Attachments {
		names = append(names, a.Name)
	}
	t.Errorf("%s lacks attachment %s (has %v)", r.Kind, want.Name, names)
}

// #vertraging by the handler: the complainant gets the reason, the duration
// and the new end date.
func TestJourneyDelay(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	j.submit(sanne())
	j.await(sanneAddr, "acknowledgement")
	h, note := j.handlerOf("KL-2026-0001")
	j.at(amsterdamAt(2026, 12, 10, 9, 0))
	j.reply(h, note, "#vertraging 5 wij wachten op het rapport van de vervoerder")
	delay := j.await(sanneAddr, "delay_notice")
	// 21 December + 5 working days (Christmas is not one): 29 December.
	j.check(delay, "delay_notice", "nl", "KL-2026-0001", "wij wachten op het rapport van de vervoerder", "5 werkdagen", "29 december 2026")
	{ // issue 11 items 2, 4, 5
		conf := j.awaitText(h, "29 december 2026") // 11.5: the handler hears what was done and the new end date
		j.check(conf, conf.Kind, "nl", "KL-2026-0001")
	}
	j.expectLetters(map[string]map[string]int{sanneAddr: {"acknowledgement": 1, "delay_notice": 1}, h: {"handler_new": 1}, directie: {}})
}

// Nobody acts: reminders 5 and 3 working days before the end, then on the
// last allowed day (two working days before the end) the gateway sends the
// delay notice itself and tells the handler and management.
func TestJourneyAutomaticDelay(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	j.submit(sanne())
	j.await(sanneAddr, "acknowledgement")
	h, _ := j.handlerOf("KL-2026-0001")
	j.at(amsterdamAt(2026, 12, 14, 8, 0))
	r1 := j.await(h, "reminder")
	j.check(r1, "reminder", "nl", "KL-2026-0001", "Bakkerij Van Dijk B.V.", "5 werkdagen")
	j.at(amsterdamAt(2026, 12, 16, 8, 0))
	r2 := j.await(h, "reminder")
	j.check(r2, "reminder", "nl", "KL-2026-0001", "3 werkdagen")
	j.none(sanneAddr, "delay_notice") // not before the last allowed day
	j.at(amsterdamAt(2026, 12, 17, 0, 5))
	delay := j.await(sanneAddr, "delay_notice")
	// 21 December + 10 working days (Christmas, Boxing Day, New Year's Day
	// are not): 6 January 2027.
	j.check(delay, "delay_notice", "nl", "KL-2026-0001", "10 werkdagen", "6 januari 2027", "meer tijd")
	for _, who := range []string{h, directie} {
		staff := j.await(who, "delay_auto_staff")
		j.check(staff, "delay_auto_staff", "nl", "KL-2026-0001", "6 januari 2027")
	}
	j.expectLetters(map[string]map[string]int{sanneAddr: {"acknowledgement": 1, "delay_notice": 1},
		h: {"handler_new": 1, "reminder": 2, "delay_auto_staff": 1}, directie: {"delay_auto_staff": 1}})
}

// #reactie → objection window → objection → dossier to management →
// #gesprek → invitation with .ics → #verslag, resolved and unresolved; then
// a reply after closing is answered once.
func TestJourneyObjection(t *testing.T) {
	for _, c := range []struct {
		name     string
		record   string
		resolved bool
	}{
		{"resolved", "#verslag opgelost\nIn het gesprek zijn wij overeengekomen dat Ingressus de pallets alsnog levert.", true},
		{"unresolved", "#verslag onopgelost\nWij zijn in het gesprek niet tot overeenstemming gekomen.", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
			j.submit(sanne())
			j.await(sanneAddr, "acknowledgement")
			h, note := j.handlerOf("KL-2026-0001")
			j.at(amsterdamAt(2026, 11, 26, 10, 0))
			j.reply(h, note, "#reactie Geachte mevrouw Van Dijk,\n\nWij crediteren de twee ontbrekende pallets.\n\nMet vriendelijke groet,\nMarieke de Vries")
			resp := j.await(sanneAddr, "response")
			j.check(resp, "response", "nl", "KL-2026-0001", "Wij crediteren de twee ontbrekende pallets.")
			dl := j.await(sanneAddr, "objection_deadline")
			// Ten working days after 26 November: 10 December.
			j.check(dl, "objection_deadline", "nl", "KL-2026-0001", "10 december 2026")
			{ // issue 11 items 2, 4, 5
				j.awaitText(h, "10 december 2026") // 11.5: #reactie confirmed with the objection window
			}

			j.at(amsterdamAt(2026, 11, 27, 10, 0))
			j.reply(sanneAddr, dl, "Ik ben het hier niet mee eens. Twee pallets crediteren is onvoldoende: ik maak bezwaar.")
			rec := j.await(sanneAddr, "objection_received")
			j.check(rec, "objection_received", "nl", "KL-2026-0001")
			dossier := j.await(directie, "objection_dossier")
			j.check(dossier, "objection_dossier", "nl", "KL-2026-0001", "Twee pallets crediteren is onvoldoende")
			{ // issue 11 items 2, 4, 5
				// 11.2: the whole thread in reading order, readable Dutch.
				// The dossier opens with the objection quoted; the thread
				// below it holds each text last.
				text := dossier.flat()
				order := []string{"De levering van 16 november was niet compleet", "Wij crediteren de twee ontbrekende pallets", "Twee pallets crediteren is onvoldoende"}
				last := -1
				for _, o := range order {
					i := strings.LastIndex(text, o)
					if i < last {
						t.Errorf("dossier not in reading order at %q", o)
					}
					last = i
				}
				for _, bad := range []string{"letter-queued", "registered:", "complete:"} {
					if strings.Contains(text, bad) {
						t.Errorf("dossier reads as an event log (%q)", bad)
					}
				}
			}

			j.at(amsterdamAt(2026, 11, 30, 9, 0))
			j.reply(directie, dossier, "#gesprek 14-12-2026 10:00 Kantoor Ingressus, Rotterdam")
			inv := j.await(sanneAddr, "invitation")
			j.check(inv, "invitation", "nl", "KL-2026-0001", "14 december 2026", "10:00", "Kantoor Ingressus, Rotterdam")
			var ics string
			for _, a := range inv.Attachments {
				if strings.HasPrefix(a.ContentType, "text/calendar") {
					ics = string(a.Data)
				}
			}
			if !strings.Contains(ics, "BEGIN:VEVENT") || !strings.Contains(ics, "20261214T") {
				t.Errorf("invitation's .ics = %q", ics)
			}
			j.await(directie, "invitation") // the copy to management
			{                               // issue 11 items 2, 4, 5
				j.awaitText(directie, "14 december 2026") // 11.5: #gesprek confirmed
			}

			j.at(amsterdamAt(2026, 12, 14, 11, 30))
			j.reply(directie, dossier, c.record)
			record := j.await(sanneAddr, "record")
			must := []string{"overeengekomen"}
			if !c.resolved {
				must = []string{"niet tot overeenstemming", "rechtbank", "Rotterdam"}
			}
			j.check(record, "record", "nl", "KL-2026-0001", must...)
			j.await(directie, "record")

			// After closing: one letter saying so, however often she writes.
			j.at(amsterdamAt(2026, 12, 15, 9, 0))
			j.reply(sanneAddr, record, "Dank u voor het gesprek.")
			closed := j.await(sanneAddr, "closed_reply")
			j.check(closed, "closed_reply", "nl", "KL-2026-0001")
			j.at(amsterdamAt(2026, 12, 16, 9, 0))
			j.reply(sanneAddr, record, "Nog één vraag over de levering.")
			j.expectLetters(map[string]map[string]int{
				sanneAddr: {"acknowledgement": 1, "response": 1, "objection_deadline": 1, "objection_received": 1, "invitation": 1, "record": 1, "closed_reply": 1},
				directie:  {"objection_dossier": 1, "invitation": 1, "record": 1},
				h:         {"handler_new": 1, "objection_dossier": 1, "staff_notice": 2},
			})
		})
	}
}

// The objection window passes: the closing letter, not a day early; an
// objection after it gets the window-passed letter, and handler and
// management are told.
func TestJourneyWindowPassed(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	j.submit(sanne())
	j.await(sanneAddr, "acknowledgement")
	h, note := j.handlerOf("KL-2026-0001")
	j.at(amsterdamAt(2026, 11, 26, 10, 0))
	j.reply(h, note, "#reactie Wij crediteren de twee ontbrekende pallets.")
	dl := j.await(sanneAddr, "objection_deadline")
	j.at(amsterdamAt(2026, 12, 10, 20, 0)) // the last day to object: still open
	j.none(sanneAddr, "closing")
	j.at(amsterdamAt(2026, 12, 11, 8, 0))
	closing := j.await(sanneAddr, "closing")
	j.check(closing, "closing", "nl", "KL-2026-0001")
	j.at(amsterdamAt(2026, 12, 14, 9, 0))
	j.reply(sanneAddr, dl, "Ik maak alsnog bezwaar tegen uw reactie.")
	late := j.await(sanneAddr, "objection_late")
	j.check(late, "objection_late", "nl", "KL-2026-0001", "10 december 2026")
	for _, who := range []string{h, directie} {
		j.check(j.await(who, "objection_late_staff"), "objection_late_staff", "nl", "KL-2026-0001", "alsnog bezwaar")
	}
	j.expectLetters(map[string]map[string]int{
		sanneAddr: {"acknowledgement": 1, "response": 1, "objection_deadline": 1, "closing": 1, "objection_late": 1},
		h:         {"handler_new": 1, "objection_late_staff": 1},
		directie:  {"objection_late_staff": 1},
	})
}

// Corrections (11.7): the complainant's `Label: value` line updates the
// record and the handler is told; the handler's #wijzig is validated and
// confirmed; `klachtd show` has the new values.
func TestJourneyCorrections(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	j.submit(sanne())
	ack := j.await(sanneAddr, "acknowledgement")
	h, note := j.handlerOf("KL-2026-0001")
	j.at(amsterdamAt(2026, 11, 24, 9, 0))
	j.reply(sanneAddr, ack, "Mijn telefoonnummer was verkeerd.\n\nTelefoonnummer: 010-7654321")
	told := j.await(h, "correction")
	j.check(told, "correction", "nl", "KL-2026-0001", "+31107654321 (was: +31101234567)", "Mijn telefoonnummer was verkeerd.")
	j.at(amsterdamAt(2026, 11, 24, 10, 0))
	j.reply(h, note, "#wijzig bereikbaarheid di en do 13-17 uur")
	conf := j.await(h, "correction")
	j.check(conf, "correction", "nl", "KL-2026-0001", "is doorgevoerd", "di en do 13-17 uur")
	j.reply(h, note, "#wijzig telefoon 0612")
	refused := j.await(h, "correction")
	j.check(refused, "correction", "nl", "KL-2026-0001", "niet doorgevoerd")
	j.settle()
	out, err := cli(t, "show", "KL-2026-0001", "--json", "--config", filepath.Join(filepath.Dir(j.dbPath), "klachtd.toml"))
	if err != nil {
		t.Fatalf("show: %v", err)
	}
	var shown struct {
		Complaint struct {
			Phone        string `json:"Phone"`
			Availability string `json:"Availability"`
		} `json:"complaint"`
	}
	if err := json.Unmarshal([]byte(out), &shown); err != nil || shown.Complaint.Phone != "+31107654321" || shown.Complaint.Availability != "di en do 13-17 uur" {
		t.Errorf("show after the corrections = %+v (%v)\n%s", shown, err, out)
	}
	j.expectLetters(map[string]map[string]int{sanneAddr: {"acknowledgement": 1}, h: {"handler_new": 1, "correction": 3}, directie: {}})
}

// Duplicates (11.1): the same form mail delivered twice (the demo server
// writes its own Received line, so the bytes differ) is one complaint; a
// double submit minutes later is one complaint and the handler sees a
// note; every copy is kept in the processed folder.
func TestJourneyDuplicates(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	f := sanne()
	f.messageID = "same-submission@web.ingressus.nl"
	raw := j.submit(f)
	j.await(sanneAddr, "acknowledgement")
	h, _ := j.handlerOf("KL-2026-0001")
	j.at(amsterdamAt(2026, 11, 23, 10, 16))
	j.send(demoFormSender, []string{intakeBox}, raw) // a retried delivery
	j.settle()
	j.at(amsterdamAt(2026, 11, 23, 10, 19))
	f.messageID = "" // pressed "send" again: a new Message-ID
	j.submit(f)
	ds := j.await(h, "double_submit")
	j.check(ds, "double_submit", "nl", "KL-2026-0001", "nog eens ingediend")
	j.expectLetters(map[string]map[string]int{sanneAddr: {"acknowledgement": 1}, h: {"handler_new": 1, "double_submit": 1},
		otherHandler(h): {}, directie: {}})
	if n := len(j.folder(intakeBox, "Verwerkt")); n != 3 {
		t.Errorf("processed folder has %d mails, want all 3 copies kept", n)
	}
}

// One address rule (11.8): a form whose e-mail field is invalid but whose
// Reply-To is usable is registered and the complainant asked to confirm;
// `klachtd parse` shows the same address.
func TestJourneyAddressRule(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	f := sanne()
	f.email = "sanne@bakkerijvandijk"
	raw := j.submit(f)
	ack := j.await(sanneAddr, "acknowledgement")
	j.check(ack, "acknowledgement", "nl", "KL-2026-0001", "('sanne@bakkerijvandijk') is geen geldig adres", "Wij schrijven u daarom op sanne@bakkerijvandijk.nl")
	j.expectLetters(map[string]map[string]int{sanneAddr: {"acknowledgement": 1}, directie: {}})
	if n := len(j.folder(intakeBox, "Quarantaine")); n != 0 {
		t.Errorf("quarantine has %d mails", n)
	}
	path := filepath.Join(t.TempDir(), "form.eml")
	if err := os.WriteFile(path, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := cli(t, "parse", path)
	if err != nil || !regexp.MustCompile(`(?m)^email:\s+sanne@bakkerijvandijk\.nl$`).MatchString(out) {
		t.Errorf("klachtd parse = %v\n%s", err, out)
	}
}

// The receipt date (11.3): a form at 18:54 says it arrived that day, after
// 17:00, and that the term counts from the next working day.
func TestJourneyAfterHours(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 12, 1, 18, 54))
	j.submit(sanne())
	ack := j.await(sanneAddr, "acknowledgement")
	// Twenty working days from 2 December (25 and 26 December are not
	// working days): 31 December.
	j.check(ack, "acknowledgement", "nl", "KL-2026-0001", "ontvangen op 1 december 2026, na 17:00; de termijn loopt vanaf 2 december 2026", "31 december 2026")
	if strings.Contains(ack.flat(), "op 2 december 2026 ontvangen") {
		t.Errorf("acknowledgement names a receipt date after the arrival:\n%s", ack.Text)
	}
}

// A stranger (a colleague on CC) writes `#sluiten` into the thread: not
// carried out, nothing relayed as from the complainant, the handler told
// that a command was refused and by whom (11.4, another branch).
func TestJourneyStrangersCommand(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	j.submit(sanne())
	ack := j.await(sanneAddr, "acknowledgement")
	h, _ := j.handlerOf("KL-2026-0001")
	j.at(amsterdamAt(2026, 11, 24, 9, 0))
	j.reply("Kees Collega <kees@bakkerijvandijk.nl>", ack, "#sluiten opgelost\nDe klacht is wat ons betreft klaar.")
	j.settle()
	out, err := cli(t, "list", "--json", "--config", filepath.Join(filepath.Dir(j.dbPath), "klachtd.toml"))
	if err != nil || !strings.Contains(out, `"state":"open"`) {
		t.Errorf("a stranger's #sluiten changed the complaint: %v\n%s", err, out)
	}
	for _, r := range j.inbox(sanneAddr) {
		if r.Kind == "closed" {
			t.Errorf("the complainant was told the complaint is closed")
		}
	}
	{ // issue 11 items 2, 4, 5
		// The notice quotes the refused command line (the commands list in
		// every staff letter has "#sluiten reden", not this).
		told := j.awaitText(h, "#sluiten opgelost")
		if !strings.Contains(told.flat(), "kees@bakkerijvandijk.nl") && !strings.Contains(told.flat(), "Kees Collega") {
			t.Errorf("the handler's notice does not say who sent the refused command:\n%s", told.Text)
		}
		j.settle()
		for _, r := range j.inbox(h) {
			if strings.Contains(r.flat(), "De klacht is wat ons betreft klaar") && strings.Contains(strings.ToLower(r.Subject), "indiener") &&
				!strings.Contains(strings.ToLower(r.Subject), "niet de indiener") {
				t.Errorf("the stranger's mail reached the handler as the complainant's: %s", r.Subject)
			}
		}
	}
}

// A late objection the handler or management adopts with #bezwaar, as the
// window-passed staff letter offers: it becomes an objection after all.
func TestJourneyLateObjectionAdopted(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	j.submit(sanne())
	j.await(sanneAddr, "acknowledgement")
	h, note := j.handlerOf("KL-2026-0001")
	j.at(amsterdamAt(2026, 11, 26, 10, 0))
	j.reply(h, note, "#reactie Wij crediteren de twee ontbrekende pallets.")
	dl := j.await(sanneAddr, "objection_deadline")
	j.at(amsterdamAt(2026, 12, 11, 8, 0))
	j.await(sanneAddr, "closing")
	j.at(amsterdamAt(2026, 12, 11, 9, 0))
	j.reply(sanneAddr, dl, "Ik maak bezwaar; ik was met vakantie en las uw brief te laat.")
	j.await(sanneAddr, "objection_late")
	staff := j.await(directie, "objection_late_staff")
	j.await(h, "objection_late_staff")
	j.at(amsterdamAt(2026, 12, 11, 10, 0))
	j.reply(directie, staff, "#bezwaar")
	j.check(j.await(sanneAddr, "objection_received"), "objection_received", "nl", "KL-2026-0001")
	dossier := j.await(directie, "objection_dossier")
	j.check(dossier, "objection_dossier", "nl", "KL-2026-0001", "ik was met vakantie")
	j.expectLetters(map[string]map[string]int{
		sanneAddr: {"acknowledgement": 1, "response": 1, "objection_deadline": 1, "closing": 1, "objection_late": 1, "objection_received": 1},
		directie:  {"objection_late_staff": 1, "objection_dossier": 1},
		h:         {"handler_new": 1, "objection_late_staff": 1, "objection_dossier": 1},
	})
}

// An English complainant through the whole procedure: every letter to her
// in English, the staff's in Dutch.
func TestJourneyEnglish(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	f := emily()
	f.omit = []string{"phone"}
	j.submit(f)
	req := j.await(emilyAddr, "completion_request")
	j.check(req, "completion_request", "en", "KL-2026-0001", "Phone number", "21 December 2026")
	j.at(amsterdamAt(2026, 11, 23, 15, 0))
	j.reply(emilyAddr, req, "Phone number: +44 20 7946 0958")
	j.check(j.await(emilyAddr, "acknowledgement"), "acknowledgement", "en", "KL-2026-0001", "21 December 2026")
	h, note := j.handlerOf("KL-2026-0001")
	j.at(amsterdamAt(2026, 11, 24, 9, 0))
	j.reply(h, note, "#vertraging 3 we are waiting for the carrier's report")
	j.check(j.await(emilyAddr, "delay_notice"), "delay_notice", "en", "KL-2026-0001", "we are waiting for the carrier's report", "3 working days", "24 December 2026")
	j.at(amsterdamAt(2026, 11, 26, 10, 0))
	j.reply(h, note, "#response Dear Ms Smith, we will credit the two missing pallets.")
	j.check(j.await(emilyAddr, "response"), "response", "en", "KL-2026-0001", "we will credit the two missing pallets")
	j.check(j.await(emilyAddr, "objection_deadline"), "objection_deadline", "en", "KL-2026-0001", "10 December 2026")
	j.at(amsterdamAt(2026, 12, 11, 8, 0))
	j.check(j.await(emilyAddr, "closing"), "closing", "en", "KL-2026-0001")
	j.expectLetters(map[string]map[string]int{
		emilyAddr: {"completion_request": 1, "acknowledgement": 1, "delay_notice": 1, "response": 1, "objection_deadline": 1, "closing": 1},
		h:         {"handler_new": 1}, directie: {},
	})
}

// Every second extension is told to management; each extension is a new
// delay notice.
func TestJourneySecondExtension(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	j.submit(sanne())
	j.await(sanneAddr, "acknowledgement")
	h, note := j.handlerOf("KL-2026-0001")
	j.at(amsterdamAt(2026, 12, 1, 9, 0))
	j.reply(h, note, "#vertraging 5 wij wachten op de vervoerder")
	j.check(j.await(sanneAddr, "delay_notice"), "delay_notice", "nl", "KL-2026-0001", "29 december 2026")
	j.at(amsterdamAt(2026, 12, 2, 9, 0))
	j.reply(h, note, "#vertraging 5 de vervoerder vraagt meer tijd")
	// 29 December + 5 working days (1 January is not one): 6 January 2027.
	j.check(j.await(sanneAddr, "delay_notice"), "delay_notice", "nl", "KL-2026-0001", "de vervoerder vraagt meer tijd", "6 januari 2027")
	j.await(directie, "delay_staff_note")
	j.expectLetters(map[string]map[string]int{sanneAddr: {"acknowledgement": 1, "delay_notice": 2}, h: {"handler_new": 1},
		directie: {"delay_staff_note": 1}})
}

// #toewijzen: the complainant hears who handles it now, the new handler
// gets the complaint; #sluiten and #ingetrokken close it with a letter.
func TestJourneyAssignAndClose(t *testing.T) {
	for _, c := range []struct{ name, command, must string }{
		{"close", "#sluiten opgelost na telefonisch overleg", "opgelost na telefonisch overleg"},
		{"withdrawn", "#ingetrokken", "ingetrokken"},
	} {
		t.Run(c.name, func(t *testing.T) {
			j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
			j.submit(sanne())
			j.await(sanneAddr, "acknowledgement")
			h, note := j.handlerOf("KL-2026-0001")
			other := otherHandler(h)
			j.at(amsterdamAt(2026, 11, 24, 9, 0))
			j.reply(h, note, "#toewijzen "+other)
			j.check(j.await(sanneAddr, "reassigned"), "reassigned", "nl", "KL-2026-0001")
			assigned := j.await(other, "handler_assigned")
			j.check(assigned, "handler_assigned", "nl", "KL-2026-0001", "Bakkerij Van Dijk B.V.")
			j.at(amsterdamAt(2026, 11, 25, 9, 0))
			j.reply(other, assigned, c.command)
			j.check(j.await(sanneAddr, "closed"), "closed", "nl", "KL-2026-0001", c.must)
			j.expectLetters(map[string]map[string]int{sanneAddr: {"acknowledgement": 1, "reassigned": 1, "closed": 1},
				h:     {"handler_new": 1}, // the former handler gave the command: its confirmation is their one mail (review #12)
				other: {"handler_assigned": 1}})
		})
	}
}

// An unknown command is answered to its sender with the list of commands;
// an auto-reply from the complainant is never answered (RFC 3834).
func TestJourneyUnknownCommandAndAutoReply(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	j.submit(sanne())
	ack := j.await(sanneAddr, "acknowledgement")
	h, note := j.handlerOf("KL-2026-0001")
	j.at(amsterdamAt(2026, 11, 24, 9, 0))
	j.reply(h, note, "#verdaging 5 reden")
	j.check(j.await(h, "unknown_command"), "unknown_command", "nl", "KL-2026-0001", "#vertraging", "#reactie")
	j.send(sanneAddr, []string{strings.TrimSuffix(strings.TrimPrefix(ack.ReplyTo, "<"), ">")}, `From: Sanne van Dijk <sanne@bakkerijvandijk.nl>
To: `+ack.ReplyTo+`
Subject: Automatisch antwoord: `+ack.Subject+`
Auto-Submitted: auto-replied
In-Reply-To: <`+ack.MessageID+`>
Message-ID: <ooo-1@bakkerijvandijk.nl>
Content-Type: text/plain; charset=utf-8

Ik ben afwezig tot 1 december.
`)
	j.expectLetters(map[string]map[string]int{sanneAddr: {"acknowledgement": 1}, h: {"handler_new": 1, "unknown_command": 1}, directie: {}})
}

// Management's digest (11.6) after an objection and an invitation, sent
// with `klachtd digest --send` as an operator does: the figures right,
// Dutch throughout, dates written out.
func TestJourneyDigest(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	j.submit(sanne())
	j.await(sanneAddr, "acknowledgement")
	h, note := j.handlerOf("KL-2026-0001")
	j.at(amsterdamAt(2026, 11, 26, 10, 0))
	j.reply(h, note, "#reactie Wij crediteren de twee ontbrekende pallets.")
	dl := j.await(sanneAddr, "objection_deadline")
	j.at(amsterdamAt(2026, 11, 27, 10, 0))
	j.reply(sanneAddr, dl, "Dat is onvoldoende; ik maak bezwaar.")
	dossier := j.await(directie, "objection_dossier")
	j.at(amsterdamAt(2026, 11, 27, 11, 0))
	j.reply(directie, dossier, "#gesprek 14-12-2026 10:00 Rotterdam")
	j.await(sanneAddr, "invitation")
	j.settle()
	cfg := filepath.Join(filepath.Dir(j.dbPath), "klachtd.toml")
	if out, err := cli(t, "digest", "--send", "--at", "2026-11-30 08:00", "--days", "7", "--config", cfg); err != nil {
		t.Fatalf("digest --send: %v\n%s", err, out)
	}
	d := j.await(directie, "digest")
	// Handling time 23 → 26 November: 3 working days; one objection; the
	// complaint responded, so no days left.
	j.check(d, "digest", "nl", "", "Ontvangen: 1", "Doorlooptijd (mediaan): 3,0 werkdagen", "Op tijd afgehandeld: 100,0%", "Bezwaren: 1",
		"gesprek op 14 december 2026 om 10:00 in Rotterdam", "bezwaar ontvangen op 27 november 2026", "bezwaar bij de directie")
	if m := regexp.MustCompile(`\d{4}-\d{2}-\d{2}`).FindString(d.Text); m != "" {
		t.Errorf("digest has an ISO date %q:\n%s", m, d.Text)
	}
	for _, line := range strings.Split(d.Text, "\n") {
		if strings.Contains(line, "KL-2026-0001") && (strings.Contains(line, "nog ") || strings.Contains(line, "over tijd")) {
			t.Errorf("a responded complaint shown with days left: %s", line)
		}
	}
}

// Review F1 #1, #2, #3, #11: while the objection is with management, a
// second #reactie and a #vertraging are refused to the handler, a
// #verslag with no conversation and a #gesprek on Eerste Kerstdag to
// management; the complainant gets none of it, and no closing letter
// "without objection" when the window would have ended.
func TestJourneyNotNowDuringObjection(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	j.submit(sanne())
	j.await(sanneAddr, "acknowledgement")
	h, note := j.handlerOf("KL-2026-0001")
	j.at(amsterdamAt(2026, 11, 26, 10, 0))
	j.reply(h, note, "#reactie Wij crediteren de twee ontbrekende pallets.")
	dl := j.await(sanneAddr, "objection_deadline")
	j.at(amsterdamAt(2026, 11, 27, 10, 0))
	j.reply(sanneAddr, dl, "Ik ben het hier niet mee eens: ik maak bezwaar.")
	j.await(sanneAddr, "objection_received")
	dossier := j.await(directie, "objection_dossier")

	j.at(amsterdamAt(2026, 11, 30, 9, 0))
	j.reply(h, note, "#reactie\nNog een reactie.")
	j.awaitText(h, "Een klacht krijgt één inhoudelijke reactie")
	j.reply(h, note, "#vertraging 5 Nog even wachten.")
	j.awaitText(h, "geen behandeltermijn meer om te verlengen")
	j.reply(directie, dossier, "#verslag opgelost\nWij hebben gesproken.")
	j.awaitText(directie, "nog geen gesprek met de indiener gepland")
	j.reply(directie, dossier, "#gesprek 25-12-2026 10:00 Kantoor Rotterdam")
	j.awaitText(directie, "geen werkdag (Eerste Kerstdag)")

	j.at(amsterdamAt(2026, 12, 11, 8, 0)) // the day after the window
	j.expectLetters(map[string]map[string]int{
		sanneAddr: {"acknowledgement": 1, "response": 1, "objection_deadline": 1, "objection_received": 1},
		directie:  {"objection_dossier": 1},
	})
}

// Review F2 #8 and #9: Sanne changes her e-mail address by reply, with an
// invalid phone number in the same mail. Both her old and her new address
// hear what changed and what was not (and why); her old address still
// speaks for the complaint afterwards.
func TestJourneyEmailChangeByReply(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	j.submit(sanne())
	ack := j.await(sanneAddr, "acknowledgement")
	h, _ := j.handlerOf("KL-2026-0001")
	const newAddr = "s.vandijk@bakkerijvandijk.nl"
	j.at(amsterdamAt(2026, 11, 24, 9, 0))
	j.reply(sanneAddr, ack, "Telefoonnummer: 12\nE-mailadres: "+newAddr)
	for _, user := range []string{sanneAddr, newAddr} {
		n := j.await(user, "correction_notice")
		j.check(n, "correction_notice", "nl", "KL-2026-0001", newAddr+" (was: "+sanneAddr+")", "niet doorgevoerd", "telefoonnummer '12' is te kort")
	}
	told := j.await(h, "correction")
	j.check(told, "correction", "nl", "KL-2026-0001", "Niet doorgevoerd:", "blijft namens de indiener schrijven")
	j.at(amsterdamAt(2026, 11, 24, 10, 0))
	j.reply(sanneAddr, ack, "Ik stuur de foto's van de pallets morgen.")
	relayed := j.await(h, "relay_to_handler")
	j.check(relayed, "relay_to_handler", "nl", "KL-2026-0001", "foto's van de pallets")
	j.none(h, "relay_third_party")
}
