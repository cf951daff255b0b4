package main

// The journey tests' world: the demo mail world (mailworld.Start,
// the same one `klachtd demo` runs), the daemon wired as `klachtd demo`
// wires it but on a clock the test moves, and the people of the procedure
// with ordinary mail clients: net/smtp to send, go-imap to read their
// INBOX, go-message to read a letter as a mail program shows it.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/smtp"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	_ "github.com/emersion/go-message/charset"
	gomail "github.com/emersion/go-message/mail"

	"github.com/ingressus/klachtd/cmd/klachtd/config"
	"github.com/ingressus/klachtd/correspondence/workdays"
	"github.com/ingressus/klachtd/mailbox/mailworld"
)

// The people of the demo (demoConfig).
const (
	marieke   = "m.devries@ingressus.nl"
	jeroen    = "j.bakker@ingressus.nl"
	directie  = demoManagement
	intakeBox = demoIntake
)

// jclock is the daemon's clock in a journey.
type jclock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *jclock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// journey is one run of the procedure in its own mail world.
type journey struct {
	t      *testing.T
	world  *mailworld.World
	clk    *jclock
	dbPath string
	stop   func()
	taken  map[string]bool // "mailbox Message-ID" of the letters a step has taken
	// byText are the letters awaitText took: letters of other branches'
	// kinds, accounted for by the check that took them, not by the counts.
	byText map[string]bool
	seq    int
}

// amsterdamAt is a moment in Europe/Amsterdam.
func amsterdamAt(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, workdays.Amsterdam())
}

// newJourney starts the demo mail world and the daemon at start.
func newJourney(t *testing.T, start time.Time) *journey {
	t.Helper()
	world, err := mailworld.Start("127.0.0.1:0", "127.0.0.1:0", journeyLog())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	demo := demoConfig(world.IMAPAddr(), world.SMTPAddr())
	// The digest has its own test; a journey counts every letter, and
	// moving the clock over weeks would add a digest a day.
	demo.Digest.Daily, demo.Digest.Weekly = false, false
	demo.IMAP.PollInterval = config.Dur(time.Second)
	demo.Procedure.SchedulerInterval = config.Dur(50 * time.Millisecond)
	cfgPath := filepath.Join(dir, "klachtd.toml")
	if err := demo.WriteFile(cfgPath); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	j := &journey{t: t, world: world, clk: &jclock{t: start}, dbPath: cfg.path(cfg.Gateway.Database), taken: map[string]bool{}, byText: map[string]bool{}}
	cfg.now = j.clk.now
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := runDaemon(ctx, cfg, journeyLog(), nil); err != nil {
			t.Errorf("runDaemon: %v", err)
		}
	}()
	j.stop = func() { cancel(); <-done; world.Close() }
	t.Cleanup(j.stop)
	return j
}

// at moves the daemon's clock (never back).
func (j *journey) at(t time.Time) {
	j.clk.mu.Lock()
	defer j.clk.mu.Unlock()
	if t.Before(j.clk.t) {
		j.t.Fatalf("journey clock moved back from %v to %v", j.clk.t, t)
	}
	j.clk.t = t
}

// send hands a mail to the demo SMTP server as a mail client does.
func (j *journey) send(from string, to []string, raw string) {
	j.t.Helper()
	raw = strings.ReplaceAll(strings.ReplaceAll(raw, "\r\n", "\n"), "\n", "\r\n")
	if err := smtp.SendMail(j.world.SMTPAddr(), nil, from, to, []byte(raw)); err != nil {
		j.t.Fatalf("send from %s: %v", from, err)
	}
}

// formSpec is one submission of the web form.
type formSpec struct {
	lang                                        string // "nl" (default) or "en": the form's labels
	company, address, name, phone, avail, email string
	date, description, refs, replyTo, messageID string
	omit                                        []string // labels to leave out (field names: phone, …)
}

// sanne is the demo's complainant, every field valid.
func sanne() formSpec {
	return formSpec{company: "Bakkerij Van Dijk B.V.", address: "Hoofdstraat 12, 3011 AB Rotterdam", name: "Sanne van Dijk",
		phone: "010-1234567", avail: "ma t/m vr tussen 9:00 en 12:00", email: "sanne@bakkerijvandijk.nl", date: "23-11-2026",
		description: "De levering van 16 november was niet compleet.\nEr ontbraken twee pallets meel.", refs: "ORD-2026-1182",
		replyTo: "sanne@bakkerijvandijk.nl"}
}

// emily fills in the English form.
func emily() formSpec {
	return formSpec{lang: "en", company: "Smith Logistics Ltd", address: "1 Harbour Road, 3011 AB Rotterdam", name: "Emily Smith",
		phone: "+44 20 7946 0958", avail: "weekdays 9-12", email: "emily@smithlogistics.example", date: "2026-11-23",
		description: "Two pallets were missing from the delivery of 16 November.", replyTo: "emily@smithlogistics.example"}
}

// submit sends the web form's notification mail, from the form's sender
// to the intake address, as the company web site does.
func (j *journey) submit(f formSpec) string {
	j.t.Helper()
	j.seq++
	if f.messageID == "" {
		f.messageID = fmt.Sprintf("form-%d-%d@web.ingressus.nl", j.seq, time.Now().UnixNano())
	}
	labels := map[string]string{"company": "Bedrijfsnaam", "address": "Adres", "name": "Naam", "phone": "Telefoonnummer",
		"avail": "Bereikbaarheid", "email": "E-mailadres", "date": "Datum", "description": "Omschrijving van de klacht", "refs": "Referentienummers"}
	subject := "Nieuwe klacht via het klachtenformulier"
	if f.lang == "en" {
		labels = map[string]string{"company": "Company name", "address": "Address", "name": "Name", "phone": "Phone number",
			"avail": "Availability", "email": "Email address", "date": "Date", "description": "Description of the complaint", "refs": "Reference numbers"}
		subject = "New complaint via the complaint form"
	}
	var body strings.Builder
	for _, k := range []struct{ key, v string }{{"company", f.company}, {"address", f.address}, {"name", f.name}, {"phone", f.phone},
		{"avail", f.avail}, {"email", f.email}, {"date", f.date}, {"description", f.description}, {"refs", f.refs}} {
		if k.v == "" || contains(f.omit, k.key) {
			continue
		}
		fmt.Fprintf(&body, "%s: %s\n", labels[k.key], k.v)
	}
	raw := fmt.Sprintf("From: Ingressus website <%s>\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <%s>\n", demoFormSender, intakeBox, subject,
		j.clk.now().Format(time.RFC1123Z), f.messageID)
	if f.replyTo != "" {
		raw += "Reply-To: " + f.replyTo + "\n"
	}
	raw += "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + body.String()
	j.send(demoFormSender, []string{intakeBox}, raw)
	return raw
}

// containsAny: a rule "a|b" is met by either wording.
func containsAny(text string, alts []string) bool {
	for _, a := range alts {
		if strings.Contains(text, a) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// attachment is a file a person attaches to a mail.
type attachment struct {
	Name, ContentType string
	Data              []byte
}

// received is a letter as a mail program shows it.
type received struct {
	Mailbox, Kind, Ref, Subject, From, To, Cc, ReplyTo, MessageID string
	Lang                                                          string // the HTML part's lang
	Text, HTML                                                    string
	Attachments                                                   []attachment
}

// flat is the letter's text with every run of white space one space: a
// phrase wrapped over two lines is still found.
func (r received) flat() string { return strings.Join(strings.Fields(r.Text), " ") }

var htmlLangRe = regexp.MustCompile(`<html lang="([a-z]+)"`)

// inbox reads a person's INBOX with an IMAP client (read-only).
func (j *journey) inbox(user string) []received {
	j.t.Helper()
	return j.folder(user, "INBOX")
}

func (j *journey) folder(user, folder string) []received {
	j.t.Helper()
	c, err := imapclient.DialInsecure(j.world.IMAPAddr(), nil)
	if err != nil {
		j.t.Fatalf("imap dial: %v", err)
	}
	defer c.Close()
	if err := c.Login(user, "demo").Wait(); err != nil {
		j.t.Fatalf("imap login %s: %v", user, err)
	}
	defer func() { _ = c.Logout().Wait() }()
	sel, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil // no such folder yet
	}
	if sel.NumMessages == 0 {
		return nil
	}
	msgs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil {
		j.t.Fatalf("imap fetch %s/%s: %v", user, folder, err)
	}
	var out []received
	for _, m := range msgs {
		if len(m.BodySection) == 0 {
			continue
		}
		out = append(out, readLetter(j.t, user, m.BodySection[0].Bytes))
	}
	return out
}

// readLetter parses one mail the way a mail program does.
func readLetter(t *testing.T, mailbox string, raw []byte) received {
	t.Helper()
	mr, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read letter in %s: %v\n%s", mailbox, err, raw)
	}
	h := mr.Header
	r := received{Mailbox: mailbox, Kind: h.Get("X-Klachtd-Letter"), Ref: h.Get("X-Klachtd-Ref"), From: h.Get("From"),
		To: h.Get("To"), Cc: h.Get("Cc"), ReplyTo: h.Get("Reply-To")}
	r.Subject, _ = h.Subject()
	r.MessageID, _ = h.MessageID()
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read part of %q in %s: %v", r.Subject, mailbox, err)
		}
		body, _ := io.ReadAll(p.Body)
		switch ph := p.Header.(type) {
		case *gomail.InlineHeader:
			ct, _, _ := ph.ContentType()
			switch {
			case ct == "text/plain" && r.Text == "":
				r.Text = string(body)
			case ct == "text/html" && r.HTML == "":
				r.HTML = string(body)
				if m := htmlLangRe.FindStringSubmatch(r.HTML); m != nil {
					r.Lang = m[1]
				}
			default:
				r.Attachments = append(r.Attachments, attachment{ContentType: ct, Data: body})
			}
		case *gomail.AttachmentHeader:
			name, _ := ph.Filename()
			ct, _, _ := ph.ContentType()
			r.Attachments = append(r.Attachments, attachment{Name: name, ContentType: ct, Data: body})
		}
	}
	return r
}

// await waits for the next letter of kind in user's INBOX that no step has
// taken yet, and takes it. It fails after a generous deadline: this is a
// wait for the daemon, not a timed assertion.
func (j *journey) await(user, kind string) received {
	j.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		in := j.inbox(user)
		for _, r := range in {
			if r.Kind == kind && !j.taken[user+" "+r.MessageID] {
				j.taken[user+" "+r.MessageID] = true
				return r
			}
		}
		if time.Now().After(deadline) {
			var kinds []string
			for _, r := range in {
				kinds = append(kinds, r.Kind)
			}
			j.t.Fatalf("%s never got a %s letter; INBOX has %v", user, kind, kinds)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// settle waits until the daemon has nothing left to do with what it has:
// the intake INBOX is empty (every mail handled and moved) and no letter is
// waiting in the outbox.
func (j *journey) settle() {
	j.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+j.dbPath+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		j.t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		// The intake folder first: the daemon moves a mail only after the
		// commit that queued its letters, so once the folder is empty the
		// count below sees them. (Counting first let a commit and its move
		// both land between the count and the look at the folder.)
		empty := len(j.inbox(intakeBox)) == 0
		var queued int
		err := db.QueryRow(`SELECT count(*) FROM outbox WHERE state = 'queued'`).Scan(&queued)
		if empty && err == nil && queued == 0 {
			return
		}
		if time.Now().After(deadline) {
			j.t.Fatalf("the daemon did not settle: %d letters queued (err %v), %d mails in the intake INBOX", queued, err, len(j.inbox(intakeBox)))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// count tells how many letters of each kind each person got, after the
// daemon settled: exactly one letter per event.
func (j *journey) expectLetters(want map[string]map[string]int) {
	j.t.Helper()
	j.settle()
	for user, kinds := range want {
		got := map[string]int{}
		for _, r := range j.inbox(user) {
			if (knownKinds[r.Kind] || r.Kind == "") && !j.byText[user+" "+r.MessageID] {
				got[r.Kind]++
			}
		}
		if fmt.Sprint(sortedCounts(got)) != fmt.Sprint(sortedCounts(kinds)) {
			j.t.Errorf("%s got letters %v, want %v (one letter per event)", user, sortedCounts(got), sortedCounts(kinds))
		}
	}
}

func sortedCounts(m map[string]int) []string {
	var out []string
	for k, v := range m {
		if v > 0 {
			out = append(out, fmt.Sprintf("%s×%d", k, v))
		}
	}
	sort.Strings(out)
	return out
}

// reply answers letter r from a person's mail client: to its Reply-To,
// "Re:" subject, In-Reply-To and References, the letter quoted below, and
// any attachments.
func (j *journey) reply(from string, r received, body string, files ...attachment) {
	j.t.Helper()
	to := r.ReplyTo
	if a, err := gomail.ParseAddress(to); err == nil {
		to = a.Address
	}
	j.seq++
	quoted := "> " + strings.ReplaceAll(strings.TrimSpace(r.Text), "\n", "\n> ")
	head := fmt.Sprintf("From: %s\nTo: %s\nSubject: Re: %s\nDate: %s\nMessage-ID: <reply-%d-%d@client.example>\nIn-Reply-To: <%s>\nReferences: <%s>\nMIME-Version: 1.0\n",
		from, to, mime.QEncoding.Encode("utf-8", r.Subject), j.clk.now().Format(time.RFC1123Z), j.seq, time.Now().UnixNano(), r.MessageID, r.MessageID)
	text := body + "\n\nOp " + j.clk.now().Format("2-1-2006 15:04") + " schreef Ingressus Klachten <" + intakeBox + ">:\n" + quoted + "\n"
	var raw string
	if len(files) == 0 {
		raw = head + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + text
	} else {
		b := fmt.Sprintf("mix-%d", j.seq)
		raw = head + "Content-Type: multipart/mixed; boundary=\"" + b + "\"\n\n--" + b +
			"\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + text
		for _, f := range files {
			raw += "\n--" + b + "\nContent-Type: " + f.ContentType + "\nContent-Disposition: attachment; filename=\"" + f.Name +
				"\"\nContent-Transfer-Encoding: base64\n\n" + wrap76(base64.StdEncoding.EncodeToString(f.Data)) + "\n"
		}
		raw += "\n--" + b + "--\n"
	}
	envFrom := from
	if a, err := gomail.ParseAddress(from); err == nil {
		envFrom = a.Address
	}
	j.send(envFrom, []string{to}, raw)
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

// check holds a letter to the letters table of procedure.md: its kind, its
// language, the reference in its subject, the phrases the table requires
// of every letter of its kind (letterRules) and the journey's own musts.
func (j *journey) check(r received, kind, lang, ref string, musts ...string) {
	j.t.Helper()
	if r.Kind != kind {
		j.t.Errorf("%s: letter kind %q, want %q", r.Subject, r.Kind, kind)
	}
	if r.Lang != lang {
		j.t.Errorf("%s (%s): language %q, want %q", r.Subject, kind, r.Lang, lang)
	}
	if ref != "" && !strings.Contains(r.Subject, "["+ref+"]") {
		j.t.Errorf("%s: subject %q lacks [%s]", kind, r.Subject, ref)
	}
	if os.Getenv("KLACHTD_JOURNEY_DUMP") != "" {
		j.t.Logf("=== %s to %s (%s): %s\n%s", kind, r.Mailbox, r.Lang, r.Subject, r.Text)
	}
	text := r.flat()
	// Review #7: dates are written out in every letter, never ISO only.
	if m := isoDate.FindString(text); m != "" {
		j.t.Errorf("%s (%s) to %s shows the ISO date %s:\n%s", kind, lang, r.Mailbox, m, r.Text)
	}
	for _, m := range append(append([]string{}, letterRules[kind+"."+lang]...), musts...) {
		if !containsAny(text, strings.Split(m, "|")) {
			j.t.Errorf("%s (%s) to %s lacks %q:\n%s", kind, lang, r.Mailbox, m, r.Text)
		}
	}
}

// isoDate is a date written as 2026-12-31: letters write dates out.
var isoDate = regexp.MustCompile(`\b20\d\d-[01]\d-[0-3]\d\b`)

// letterRules are the table's "must contain" as phrases of the letters,
// per kind and language. Dates, names and texts that differ per journey
// are the journeys' own musts.
var letterRules = map[string][]string{
	// each missing or invalid field and why; how (Label: value); the term
	// starts when complete; the lapse date (the journey's must).
	"completion_request.nl": {"ontbreekt|ongeldig|niet juist", "Label: waarde", "gaat in zodra uw klacht compleet is", "vervalt"},
	"completion_request.en": {"eply to this e-mail", "Label: value", "complete"},
	// the fields as received; the procedure; the handler's name and the end
	// date (the journey's musts); the delay-notice promise.
	"acknowledgement.nl": {"Bedrijfsnaam:", "Telefoonnummer:", "E-mailadres:", "Omschrijving", "twintig werkdagen",
		"uiterlijk twee werkdagen voor die datum bericht, met de reden en de duur van de vertraging", "bezwaar", "directie", "Beantwoord deze e-mail"},
	"acknowledgement.en": {"twenty working days", "at least two working days before that date", "eply to this e-mail"},
	// every field, verbatim description, end date, latest delay day, commands.
	"handler_new.nl": {"Einde behandeltermijn", "Uiterlijk een vertraging melden op", "#vertraging", "#reactie", "#info",
		// review #13: every command a handler may use; review #5: when it arrived.
		"#bezwaar", "#toevoegen", "#wijzig", "#bewaren", "Ontvangen: "},
	// reference, company, days left, what happens if nothing is done.
	"reminder.nl": {"werkdagen", "niets doet", "vertragingsbericht"},
	// the reason, the duration, the new end date.
	"delay_notice.nl": {"reden", "verlengd", "werkdagen", "uiterlijk op"},
	"delay_notice.en": {"reason", "working days"},
	// which complaint, why, the new end date.
	"delay_auto_staff.nl": {"zelf een vertragingsbericht", "Nieuwe einddatum"},
	"info_request.nl":     {"vraag"},
	// the new text, attachments, the reference and state.
	"relay_to_handler.nl":     {"Status:", "#bezwaar", "#wijzig"},
	"relay_to_complainant.nl": {"Status van uw klacht"},
	"response.nl":             {"inhoudelijke reactie"},
	"response.en":             {"response"},
	// the last day, how, what follows (conversation; court in Rotterdam).
	"objection_deadline.nl": {"Laatste dag om bezwaar te maken", "Beantwoord deze e-mail", "gesprek", "rechtbank Rotterdam"},
	"objection_deadline.en": {"objection", "management", "Rotterdam"},
	"objection_received.nl": {"directie", "gesprek"},
	"invitation.nl":         {"Datum:", "Tijd:", "Plaats:"},
	"record.nl":             {"verslag", "Uitkomst"},
	"closing.nl":            {"sluiten uw klacht|afgesloten|gesloten"},
	"closing.en":            {"close"},
	"lapse.nl":              {"vervallen", "opnieuw in via ons digitale klachtenformulier"},
	"objection_late.nl":     {"termijn", "De directie en de behandelaar zijn over uw bericht geïnformeerd"},
	"closed_reply.nl":       {"al afgesloten", "nieuwe klacht"},
	"closed.nl":             {"sluiten|afgesloten|gesloten"},
	"reassigned.nl":         {"behandeld door"},
}

// handlerOf finds which handler the complaint went to: the one whose INBOX
// got its handler_new letter.
func (j *journey) handlerOf(ref string) (string, received) {
	j.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, h := range []string{marieke, jeroen} {
			for _, r := range j.inbox(h) {
				if r.Kind == "handler_new" && r.Ref == ref && !j.taken[h+" "+r.MessageID] {
					j.taken[h+" "+r.MessageID] = true
					return h, r
				}
			}
		}
		if time.Now().After(deadline) {
			j.t.Fatalf("no handler got a handler_new letter for %s", ref)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// journeyLog is the daemon's log in a journey: KLACHTD_JOURNEY_LOG=1 shows it.
func journeyLog() *slog.Logger {
	if os.Getenv("KLACHTD_JOURNEY_LOG") != "" {
		return newLogger(os.Stderr, "info")
	}
	return newLogger(io.Discard, "error")
}

// awaitText waits for a letter to user, of any kind, that no step has taken
// and whose text has phrase: for letters found by what they say (command
// confirmations, refusal notices) rather than by their kind.
func (j *journey) awaitText(user, phrase string) received {
	j.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		in := j.inbox(user)
		for _, r := range in {
			if !j.taken[user+" "+r.MessageID] && strings.Contains(r.flat(), phrase) {
				j.taken[user+" "+r.MessageID] = true
				j.byText[user+" "+r.MessageID] = true
				return r
			}
		}
		if time.Now().After(deadline) {
			var subjects []string
			for _, r := range in {
				subjects = append(subjects, r.Kind+": "+r.Subject)
			}
			j.t.Fatalf("%s never got a letter saying %q; INBOX has %v", user, phrase, subjects)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// none checks, once the daemon settled, that user has no letter of kind.
func (j *journey) none(user, kind string) {
	j.t.Helper()
	j.settle()
	for _, r := range j.inbox(user) {
		if r.Kind == kind {
			j.t.Errorf("%s got a %s letter too early or twice: %s", user, kind, r.Subject)
		}
	}
}

// knownKinds are the letter kinds this suite counts: the letters of
// issue 11's time, written out (not templates.Names) so that a kind another
// branch adds (a command confirmation, say) is not counted by expectLetters
// until its journey declares it; the journeys find those letters by their
// text (awaitText).
var knownKinds = map[string]bool{}

func init() {
	for _, n := range []string{"completion_request", "acknowledgement", "handler_new", "reminder", "delay_notice",
		"delay_auto_staff", "delay_staff_note", "info_request", "relay_to_handler", "relay_to_complainant", "response",
		"objection_deadline", "objection_received", "objection_dossier", "objection_late", "objection_late_staff",
		"invitation", "record", "closing", "closed", "lapse", "closed_reply", "reassigned", "handler_assigned",
		"staff_notice", "unknown_command", "command_refused", "alert", "digest", "double_submit", "correction"} {
		knownKinds[n] = true
	}
}
