package correspondence

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ingressus/klachtd/templates"
)

func TestCompleteFormIsAcknowledgedOnce(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	if q := e.deliver(form("a", "010-1234567")); q {
		t.Fatal("complete form quarantined")
	}
	acks := e.lettersOf(templates.Acknowledgement)
	if len(acks) != 1 {
		t.Fatalf("acknowledgements = %d, want 1", len(acks))
	}
	ack := acks[0]
	if ack.Rcpt != "sanne@bakkerijvandijk.nl" {
		t.Errorf("ack to %q", ack.Rcpt)
	}
	if !strings.Contains(ack.Subject, "KL-2026-0001") {
		t.Errorf("ack subject %q lacks the reference", ack.Subject)
	}
	body := ack.text()
	for _, want := range []string{"21 december 2026", "Hoofdstraat 12"} {
		if !strings.Contains(body, want) {
			t.Errorf("ack lacks %q", want)
		}
	}
	if !strings.Contains(body, "Marieke de Vries") && !strings.Contains(body, "Jeroen Bakker") {
		t.Error("ack names no handler")
	}
	if got := header(ack.Raw, "Auto-Submitted"); got != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", got)
	}
	if rt := header(ack.Raw, "Reply-To"); !strings.Contains(rt, "klachten+kl-2026-0001.") {
		t.Errorf("Reply-To = %q, want the per-complaint plus-address", rt)
	}
	notes := e.lettersOf(templates.HandlerNew)
	if len(notes) != 1 || !strings.Contains(notes[0].text(), "#vertraging") {
		t.Fatalf("handler notifications = %d (want 1, with the commands)", len(notes))
	}
	c := e.complaint("KL-2026-0001")
	if c.State != StateOpen || c.TermEnd != "2026-12-21" || c.AckDue != "2026-11-30" || c.DelayLatest != "2026-12-17" || c.Phone != "+31101234567" {
		t.Errorf("complaint = state %s end %s ack %s delay %s phone %s", c.State, c.TermEnd, c.AckDue, c.DelayLatest, c.Phone)
	}

	// The same mail again (a restart before the move), and again under a new
	// UIDVALIDITY: nothing more is sent.
	raw := strings.ReplaceAll(form("a", "010-1234567"), "\n", "\r\n")
	for _, in := range []Incoming{{Mailbox: "INBOX", UIDValidity: 1, UID: 1, Raw: []byte(raw)}, {Mailbox: "INBOX", UIDValidity: 2, UID: 7, Raw: []byte(raw)}} {
		if _, err := handleOne(e.g, context.Background(), in); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.letters()); n != 2 {
		t.Errorf("letters after re-delivery = %d, want 2", n)
	}
}

func TestAfterHoursCountsFromNextWorkingDay(t *testing.T) {
	e := newEnv(t, at(2026, 11, 27, 18, 30)) // Friday evening
	e.deliver(form("late", "010-1234567"))
	c := e.complaint("KL-2026-0001")
	if c.CompleteDay != "2026-11-30" {
		t.Errorf("complete day = %s, want the next working day 2026-11-30", c.CompleteDay)
	}
}

func TestIncompleteThenCompletedByReply(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("b", "0612"))
	reqs := e.lettersOf(templates.CompletionRequest)
	if len(reqs) != 1 {
		t.Fatalf("completion requests = %d, want 1", len(reqs))
	}
	if !strings.Contains(strings.ToLower(reqs[0].text()), "telefoonnummer") {
		t.Errorf("completion request does not name the phone number:\n%s", reqs[0].text())
	}
	if n := len(e.lettersOf(templates.Acknowledgement)); n != 0 {
		t.Fatalf("acknowledged while incomplete")
	}
	c := e.complaint("KL-2026-0001")
	if c.State != StateIncomplete || c.LapseDay == "" {
		t.Fatalf("state %s lapse %q", c.State, c.LapseDay)
	}
	e.clk.set(at(2026, 11, 24, 9, 0))
	e.deliver(reply("sanne@bakkerijvandijk.nl", reqs[0], "Telefoonnummer: 06-12345678"))
	c = e.complaint("KL-2026-0001")
	if c.State != StateOpen || c.Phone != "+31612345678" {
		t.Fatalf("after the reply: state %s phone %s", c.State, c.Phone)
	}
	if c.CompleteDay != "2026-11-24" || c.TermEnd != "2026-12-22" {
		t.Errorf("term counts from completion: day %s end %s", c.CompleteDay, c.TermEnd)
	}
	if n := len(e.lettersOf(templates.Acknowledgement)); n != 1 {
		t.Errorf("acknowledgements = %d, want 1", n)
	}
}

func TestNoAddressIsQuarantined(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	raw := "From: Ingressus website <noreply@web.ingressus.nl>\nTo: klachten@ingressus.nl\nSubject: Nieuwe klacht\nMessage-ID: <x@y>\n\nBedrijfsnaam: X\nNaam: Y\n"
	if !e.deliver(raw) {
		t.Fatal("form without any address to answer was not quarantined")
	}
	alerts := e.lettersOf(templates.Alert)
	if len(alerts) != 1 || alerts[0].Rcpt != "intake@ingressus.nl" {
		t.Fatalf("alerts = %+v", alerts)
	}
	var n int
	e.store.db.Get(&n, `SELECT count(*) FROM messages WHERE outcome = 'quarantined'`)
	if n != 1 {
		t.Errorf("quarantined messages stored = %d, want 1", n)
	}
}

func TestThreadResponseObjection(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("c", "010-1234567"))
	ack := e.lettersOf(templates.Acknowledgement)[0]
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")

	e.clk.set(at(2026, 11, 24, 9, 0))
	e.deliver(reply("sanne@bakkerijvandijk.nl", ack, "Hierbij nog de pakbon: nummer PB-99812."))
	relays := e.lettersOf(templates.RelayToHandler)
	if len(relays) != 1 || relays[0].Rcpt != c.Handler || !strings.Contains(relays[0].text(), "PB-99812") {
		t.Fatalf("relay to handler = %+v", relays)
	}
	if strings.Contains(relays[0].text(), "eerder bericht") {
		t.Error("quoted history relayed to the handler")
	}

	e.deliver(reply(c.Handler, note, "#reactie\nWij crediteren de twee pallets (creditnota CR-5531)."))
	resp := e.lettersOf(templates.Response)
	if len(resp) != 1 || !strings.Contains(resp[0].text(), "CR-5531") || strings.Contains(resp[0].text(), "#reactie") {
		t.Fatalf("response = %+v", resp)
	}
	dl := e.lettersOf(templates.ObjectionDeadline)
	if len(dl) != 1 || !strings.Contains(dl[0].text(), "8 december 2026") {
		t.Fatalf("objection deadline letter missing or without 8 december 2026")
	}

	e.clk.set(at(2026, 11, 26, 9, 0))
	e.deliver(reply("sanne@bakkerijvandijk.nl", dl[0], "Ik maak bezwaar: de creditnota dekt de wachtkosten niet."))
	if n := len(e.lettersOf(templates.ObjectionReceived)); n != 1 {
		t.Fatalf("objection confirmations = %d", n)
	}
	dossier := e.lettersOf(templates.ObjectionDossier)
	if len(dossier) != 1 || !strings.Contains(dossier[0].Rcpt, "directie@ingressus.nl") {
		t.Fatalf("dossier = %+v", dossier)
	}
	if got := e.complaint("KL-2026-0001").State; got != StateObjection {
		t.Errorf("state = %s", got)
	}

	e.deliver(reply("directie@ingressus.nl", dossier[0], "#gesprek 03-12-2026 10:00 Kantoor Rotterdam"))
	inv := e.lettersOf(templates.Invitation)
	if len(inv) != 1 || !strings.Contains(string(inv[0].Raw), "text/calendar") {
		t.Fatalf("invitation with .ics missing")
	}
	if !strings.Contains(string(inv[0].Raw), `filename="uitnodiging-kl-2026-0001.ics"`) {
		t.Errorf("a Dutch invitation's .ics has no Dutch file name")
	}
	e.clk.set(at(2026, 12, 3, 11, 30)) // the record follows the conversation
	e.deliver(reply("directie@ingressus.nl", dossier[0], "#verslag onopgelost\nWij zijn het niet eens geworden."))
	rec := e.lettersOf(templates.Record)
	if len(rec) != 1 || !strings.Contains(strings.ToLower(rec[0].text()), "rechtbank") {
		t.Fatalf("record without the court")
	}
	if got := e.complaint("KL-2026-0001").State; got != StateClosed {
		t.Errorf("state after record = %s", got)
	}
	// A reply to the closed complaint: told once.
	e.deliver(reply("sanne@bakkerijvandijk.nl", rec[0], "Nog een vraag."))
	e.deliver(reply("sanne@bakkerijvandijk.nl", rec[0], "En nog een."))
	if n := len(e.lettersOf(templates.ClosedReply)); n != 1 {
		t.Errorf("closed replies = %d, want 1", n)
	}
}

func TestDelayCommandMovesTheEnd(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("d", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#vertraging 5 Wij wachten op een verklaring van onze vervoerder."))
	dn := e.lettersOf(templates.DelayNotice)
	if len(dn) != 1 {
		t.Fatalf("delay notices = %d", len(dn))
	}
	body := dn[0].text()
	for _, want := range []string{"vervoerder", "29 december 2026"} { // 21 Dec + 5 working days over Christmas
		if !strings.Contains(body, want) {
			t.Errorf("delay notice lacks %q", want)
		}
	}
	if strings.Contains(body, "#vertraging") {
		t.Error("command line leaked to the complainant")
	}
	if got := e.complaint("KL-2026-0001"); got.TermEnd != "2026-12-29" || got.Extensions != 1 {
		t.Errorf("term end %s extensions %d", got.TermEnd, got.Extensions)
	}
}

func TestStrangerWithReferenceIsNotRelayed(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("e", "010-1234567"))
	before := len(e.letters())
	e.deliver("From: mallory@evil.example\nTo: klachten@ingressus.nl\nSubject: Re: [KL-2026-0001] uw klacht\nMessage-ID: <m@evil>\n\n#sluiten ingetrokken\n")
	if got := e.complaint("KL-2026-0001").State; got != StateOpen {
		t.Errorf("stranger changed the state to %s", got)
	}
	ls := e.letters()[before:]
	if len(ls) != 1 || ls[0].Kind != templates.StaffNotice || !strings.Contains(ls[0].Rcpt, "ingressus.nl") {
		t.Fatalf("after a stranger's mail: %+v", ls)
	}
}

func TestForgedHandlerCommandRefused(t *testing.T) {
	set := testSettings()
	set.TrustFrom = false
	set.AuthServID = "mx.ingressus.nl"
	e := newEnvAt(t, t.TempDir()+"/k.db", at(2026, 11, 23, 10, 15), set)
	e.deliver(form("f", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	forged := "Authentication-Results: mx.ingressus.nl; dmarc=fail header.from=ingressus.nl\n" + reply(c.Handler, note, "#sluiten")
	e.deliver(forged)
	if got := e.complaint("KL-2026-0001").State; got != StateOpen {
		t.Fatalf("forged command carried out: state %s", got)
	}
	if n := len(e.lettersOf(templates.SenderUnverified)); n != 1 {
		t.Fatalf("sender_unverified letters = %d", n)
	}
	genuine := "Authentication-Results: mx.ingressus.nl; dkim=pass header.d=ingressus.nl; dmarc=pass header.from=ingressus.nl\n" + reply(c.Handler, note, "#sluiten opgelost per telefoon")
	e.deliver(genuine)
	if got := e.complaint("KL-2026-0001").State; got != StateClosed {
		t.Fatalf("genuine command not carried out: state %s", got)
	}
}

func TestMachineMailIsNeverAnswered(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("g", "010-1234567"))
	ack := e.lettersOf(templates.Acknowledgement)[0]
	before := len(e.letters())
	ooo := "Auto-Submitted: auto-replied\n" + reply("sanne@bakkerijvandijk.nl", ack, "Ik ben afwezig tot 1 december.")
	e.deliver(ooo)
	if n := len(e.letters()); n != before {
		t.Fatalf("an auto-reply caused %d letters", n-before)
	}
}

func TestTimelineAndExport(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("h", "010-1234567"))
	c := e.complaint("KL-2026-0001")
	tl, err := e.g.Timeline(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	var in, out int
	for _, x := range tl {
		switch x.Type {
		case "mail-in":
			in++
		case "mail-out":
			out++
		}
	}
	if in != 1 || out != 2 {
		t.Errorf("timeline has %d mails in, %d out; want 1 and 2", in, out)
	}
	var b strings.Builder
	n, err := e.g.ExportMbox(context.Background(), c, &b)
	if err != nil || n != 3 {
		t.Fatalf("export = %d, %v", n, err)
	}
	if strings.Count(b.String(), "\nFrom ") != 2 || !strings.HasPrefix(b.String(), "From ") {
		t.Error("mbox does not separate three messages with From lines")
	}
}

var _ = time.Second

// writeBrokenOverride makes a template folder whose acknowledgement fails
// at render time (not at parse time: it calls a method on a missing value
// only when a reference is set).
func writeBrokenOverride(t *testing.T) string {
	dir := t.TempDir()
	nl := filepath.Join(dir, "nl")
	os.MkdirAll(nl, 0o700)
	src := `{{define "subject"}}Ontvangstbevestiging [{{.Ref}}]{{end}}{{define "text"}}{{if .Ref}}{{index .Complaint.References 99}}{{end}}{{end}}`
	os.WriteFile(filepath.Join(nl, "acknowledgement.txt.tmpl"), []byte(src), 0o600)
	return dir
}

func TestPoisonMailIsQuarantinedAfterRetries(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	// A template set that fails for the acknowledgement makes every attempt
	// at this mail fail; after maxAttempts it must be quarantined.
	bad, err := templates.New(writeBrokenOverride(t))
	if err != nil {
		t.Fatalf("override: %v", err)
	}
	e.g.tpl = bad
	raw := []byte(strings.ReplaceAll(form("poison", "010-1234567"), "\n", "\r\n"))
	in := Incoming{Mailbox: "INBOX", UIDValidity: 1, UID: 1, Raw: raw}
	for i := 1; i < maxAttempts; i++ {
		if _, err := handleOne(e.g, context.Background(), in); err == nil {
			t.Fatalf("attempt %d succeeded with a broken template", i)
		}
	}
	q, err := handleOne(e.g, context.Background(), in)
	if err != nil || !q {
		t.Fatalf("attempt %d = %v, %v; want quarantined", maxAttempts, q, err)
	}
	var n int
	e.store.db.Get(&n, `SELECT count(*) FROM messages WHERE outcome = 'quarantined' AND note LIKE 'handling-failed%'`)
	if n != 1 {
		t.Errorf("quarantined rows = %d, want 1", n)
	}
}

func TestEnglishFormGetsEnglishLetters(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	en := `From: Website <noreply@web.ingressus.nl>
To: klachten@ingressus.nl
Subject: New complaint
Message-ID: <en-1@web>
Content-Type: text/plain; charset=utf-8

Company name: Acme Ltd
Address: 1 Main Street, London
Name: John Smith
Phone number: +44 20 7946 0958
Availability: weekdays 9-17
Email address: john@acme.example
Date: 2026-11-23
Description: The delivery was late.
`
	e.deliver(en)
	acks := e.lettersOf(templates.Acknowledgement)
	if len(acks) != 1 {
		t.Fatalf("acknowledgements = %d", len(acks))
	}
	if !strings.Contains(acks[0].text(), "21 December 2026") {
		t.Errorf("English acknowledgement lacks the English date:\n%s", acks[0].text())
	}
	if notes := e.lettersOf(templates.HandlerNew); len(notes) != 1 || !strings.Contains(notes[0].text(), "21 december 2026") {
		t.Error("the handler's notification should stay in the staff language (nl)")
	}
}

func TestNoObjectionIsNotAnObjection(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("noobj", "010-1234567"))
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, e.lettersOf(templates.HandlerNew)[0], "#reactie\nWij crediteren alles."))
	dl := e.lettersOf(templates.ObjectionDeadline)[0]
	e.deliver(reply(c.Email, dl, "Dank u wel, ik heb geen bezwaar meer. Fijn opgelost."))
	if got := e.complaint("KL-2026-0001").State; got != StateResponded {
		t.Errorf("'geen bezwaar' made the state %s", got)
	}
	if n := len(e.lettersOf(templates.RelayToHandler)); n != 1 {
		t.Errorf("'geen bezwaar' was not relayed to the handler (%d relays)", n)
	}
}

func TestAssignmentBalancesWithinABatch(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	var ins []Incoming
	for i := 0; i < 10; i++ {
		raw := strings.ReplaceAll(strings.ReplaceAll(form(fmt.Sprint("bal", i), "010-1234567"), "sanne@", fmt.Sprintf("k%d@", i)), "\n", "\r\n")
		ins = append(ins, Incoming{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i + 1), Raw: []byte(raw)})
	}
	if _, err := e.g.Handle(context.Background(), ins); err != nil {
		t.Fatal(err)
	}
	var per []int
	e.store.db.Select(&per, `SELECT count(*) FROM complaints GROUP BY handler`)
	if len(per) != 2 || per[0] != 5 || per[1] != 5 {
		t.Errorf("10 complaints in one batch split %v over the handlers, want 5 and 5", per)
	}
}

// One path for a batch: a mail that fails in a batch costs the mails
// before it nothing, counts one failure per call, and is quarantined on
// its maxAttempts-th call; the mails behind it then go through.
func TestPoisonMailInABatch(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	bad, err := templates.New(writeBrokenOverride(t))
	if err != nil {
		t.Fatalf("override: %v", err)
	}
	e.g.tpl = bad // every acknowledgement fails: the form is the poison
	direct := func(i int) []byte {
		return fmt.Appendf(nil, "From: Jan %d <jan%d@example.nl>\r\nTo: klachten@ingressus.nl\r\nSubject: klacht\r\nMessage-ID: <direct%d@example.nl>\r\n\r\nMijn levering is niet gekomen.\r\n", i, i, i)
	}
	ins := []Incoming{
		{Mailbox: "INBOX", UIDValidity: 1, UID: 1, Raw: direct(1)},
		{Mailbox: "INBOX", UIDValidity: 1, UID: 2, Raw: []byte(strings.ReplaceAll(form("poison", "010-1234567"), "\n", "\r\n"))},
		{Mailbox: "INBOX", UIDValidity: 1, UID: 3, Raw: direct(3)},
	}
	for i := 1; i < maxAttempts; i++ {
		if _, err := e.g.Handle(context.Background(), ins); err == nil {
			t.Fatalf("call %d succeeded with a broken template", i)
		}
	}
	q, err := e.g.Handle(context.Background(), ins)
	if err != nil || !slices.Equal(q, []bool{false, true, false}) {
		t.Fatalf("call %d = %v, %v; want [false true false]", maxAttempts, q, err)
	}
	var n int
	e.store.db.Get(&n, `SELECT count(*) FROM complaints`)
	if n != 2 {
		t.Errorf("%d complaints, want the two direct mails'", n)
	}
}
