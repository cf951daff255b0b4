package templates

import (
	"errors"
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, amsterdam()) }

const description = "Op 12 november is de levering niet gekomen.\nDe chauffeur belde niet.\n\nWij willen een vergoeding. <script>alert(1)</script> & \"meer\""

// fullData fills every field, with markup in the free text fields so
// escaping shows.
func fullData() Data {
	row := func(ref, company, handler string, end time.Time, left int, note string) DigestRow {
		return DigestRow{Ref: ref, Company: company, Handler: handler, State: "open", EndDate: end, DaysLeft: left, TermRunning: true, Note: note}
	}
	return Data{
		Ref:   "KL-2026-0001",
		State: "open",
		Complaint: Complaint{
			Company: "Bakkerij <b>De Korenschoof</b> B.V.", Address: "Dorpsstraat 1\n1234 AB Ergens",
			Name: "Anna Jansen", Phone: "+31612345678", Availability: "ma–vr 9–12",
			Email: "anna@korenschoof.example", Date: "2026-11-23", Description: description,
			References: []string{"ORD-123", "CT-9"},
		},
		Handler: "Marieke de Vries", HandlerEmail: "m.devries@ingressus.nl",
		Gateway: "klachten@ingressus.nl", Organisation: "Ingressus",
		FormURL:      "https://www.ingressus.nl/klachten",
		Received:     day(2026, 11, 23),
		Arrived:      time.Date(2026, 11, 20, 18, 54, 0, 0, amsterdam()), // a Friday after hours: the term counts from Monday
		AfterHours:   "17:00",
		EndDate:      day(2026, 12, 21),
		DelayLatest:  day(2026, 12, 17),
		DelayBy:      day(2026, 12, 16),
		ObjectionEnd: day(2027, 1, 5),
		LapseDate:    day(2026, 12, 21),
		DaysLeft:     3,
		Problems: []Problem{{Label: "Telefoonnummer", Reason: "telefoonnummer '0612' is te kort"},
			{Label: "Bereikbaarheid", Reason: "ontbreekt"}},
		DelayDays: 10, DelayReason: "Wij wachten op informatie van de vervoerder <script>.",
		OldEndDate: day(2026, 12, 7), Automatic: true, Late: true, Extensions: 2,
		Text:         "Goedemiddag,\n\nHierbij ons antwoord <script>x</script>.\n\nMet groet",
		Sender:       "Anna Jansen <anna@korenschoof.example>",
		Attachments:  []string{"foto.jpg", "bon.pdf"},
		MeetingAt:    time.Date(2027, 1, 12, 14, 30, 0, 0, amsterdam()),
		MeetingPlace: "Kantoor Ingressus, Rotterdam",
		Court:        "de rechtbank Rotterdam",
		Command:      "#foo",
		Commands:     []string{"#info", "#vertraging N reden", "#reactie"},
		Notice:       "Een mail kon niet worden verwerkt <script>.",
		Action:       "Kijk in de map Quarantaine.",
		Timeline: []Event{{At: time.Date(2026, 11, 23, 9, 12, 0, 0, amsterdam()), What: "Klacht ontvangen"},
			{At: time.Date(2026, 11, 23, 9, 13, 0, 0, amsterdam()), What: "Ontvangstbevestiging verstuurd"}},
		Dossier: &Dossier{
			Arrived: time.Date(2026, 11, 20, 18, 54, 0, 0, amsterdam()), AttachLimit: 10 << 20,
			Complaint: []Attachment{{Name: "pakbon.pdf", Size: 34567, Included: true}},
			Entries: []DossierEntry{
				{At: time.Date(2026, 11, 23, 9, 13, 0, 0, amsterdam()), Out: true, Kind: Acknowledgement, To: "anna@korenschoof.example", Subject: "Ontvangstbevestiging [KL-2026-0001]", Text: "Geachte mevrouw Jansen,\n\nHartelijk dank."},
				{At: time.Date(2026, 11, 25, 11, 0, 0, 0, amsterdam()), Kind: "complainant", From: "Anna Jansen <anna@korenschoof.example>", Subject: "Re: vraag", Text: "Hier is de foto <script>.",
					Attachments: []Attachment{{Name: "foto.jpg", Size: 12 << 20}}},
				{At: time.Date(2026, 12, 30, 10, 0, 0, 0, amsterdam()), Kind: "complainant", From: "anna@korenschoof.example", Text: "Ik ben het niet eens met de reactie.", Objection: true},
			},
			Internal: []DossierEntry{{At: time.Date(2026, 11, 23, 9, 13, 0, 0, amsterdam()), Out: true, Kind: HandlerNew, To: "m.devries@ingressus.nl"}},
			Terms: Terms{Arrived: time.Date(2026, 11, 20, 18, 54, 0, 0, amsterdam()), Received: day(2026, 11, 23), AckDue: day(2026, 11, 30),
				AckSent: time.Date(2026, 11, 23, 9, 14, 0, 0, amsterdam()), AckInTime: true, FirstEnd: day(2026, 12, 18),
				Extensions: []Extension{{At: day(2026, 12, 14), Days: 10, Reason: "Wij wachten op de vervoerder.", OldEnd: day(2026, 12, 18), NewEnd: day(2027, 1, 4)}},
				End:        day(2027, 1, 4), Responded: day(2026, 12, 22), ResponseInTime: true, ObjectionEnd: day(2027, 1, 5),
				Objected: time.Date(2026, 12, 30, 10, 0, 0, 0, amsterdam()), ObjectionInTime: true},
		},
		Digest: &DigestData{
			From: day(2026, 12, 14), To: day(2026, 12, 18),
			Findings: []Finding{{Kind: FindingTermPassed, Ref: "KL-2026-0003", Company: "Overdue", Day: day(2026, 12, 15)},
				{Kind: FindingAckLate, Ref: "KL-2026-0006", Day: day(2026, 12, 16), Due: day(2026, 12, 15)},
				{Kind: FindingUndeliverable, Letter: "acknowledgement", Rcpt: "x@example.nl", Detail: "550 no such user"},
				{Kind: FindingIntakeStopped, Day: time.Date(2026, 12, 18, 7, 30, 0, 0, amsterdam())}},
			New: []DigestRow{row("KL-2026-0010", "Acme B.V.", "Jeroen Bakker", day(2027, 1, 15), 20, "")},
			Open: []DigestRow{row("KL-2026-0001", "Bakkerij <b>", "Marieke de Vries", day(2026, 12, 21), 3, ""),
				row("KL-2026-0003", "Overdue", "Jeroen Bakker", day(2026, 12, 15), -3, "")},
			Incomplete: []DigestRow{{Ref: "KL-2026-0011", State: "incomplete", LapseDate: day(2027, 1, 12)}},
			Urgent:     []DigestRow{row("KL-2026-0002", "Urgent & Co", "Jeroen Bakker", day(2026, 12, 16), 1, "")},
			Delays: []DigestRow{{Ref: "KL-2026-0004", Company: "Delta", Handler: "Marieke de Vries", State: "open", EndDate: day(2027, 1, 8), DaysLeft: 12, TermRunning: true,
				Delay: &DigestDelay{Days: 10, Reason: "wacht op vervoerder", Automatic: true}}},
			Objections: []DigestRow{{Ref: "KL-2026-0005", Company: "Epsilon", Handler: "Jeroen Bakker", State: "objection", EndDate: day(2027, 1, 5),
				ObjectionAt: time.Date(2026, 12, 15, 9, 0, 0, 0, amsterdam()), MeetingAt: time.Date(2026, 12, 14, 10, 0, 0, 0, amsterdam()), MeetingPlace: "Rotterdam"}},
			ByState:   map[string]int{"open": 3, "incomplete": 1},
			ByHandler: map[string]int{"Marieke de Vries": 2, "Jeroen Bakker": 3},
			Received:  7, Closed: 4, MedianDays: 12.5, P90Days: 19, OnTimePercent: 95.5, ObjectionsN: 1,
		},
	}
}

func newRenderer(t *testing.T) *Renderer {
	t.Helper()
	r, err := New("")
	if err != nil {
		t.Fatalf("New(\"\") = %v", err)
	}
	return r
}

// TestRenderAll renders every letter in both languages with full, minimal
// and empty data and checks what must never be in a letter.
func TestRenderAll(t *testing.T) {
	r := newRenderer(t)
	datas := map[string]Data{"full": fullData(), "minimal": {Ref: "KL-2026-0002"}, "empty": {}}
	for _, lang := range Languages {
		for _, name := range Names {
			for kind, d := range datas {
				l, err := r.Render(name, lang, d)
				if err != nil {
					t.Errorf("Render(%s, %s, %s) = %v", name, lang, kind, err)
					continue
				}
				where := name + "/" + lang + "/" + kind
				for part, s := range map[string]string{"subject": l.Subject, "text": l.Text, "html": l.HTML} {
					if strings.TrimSpace(s) == "" {
						t.Errorf("%s %s is empty", where, part)
					}
					for _, bad := range []string{"<no value>", "{{", "}}", "%!", "0001-01-01", "1 januari 1", "January 1"} {
						if strings.Contains(s, bad) {
							t.Errorf("%s %s contains %q", where, part, bad)
						}
					}
				}
				if strings.ContainsAny(l.Subject, "\r\n") {
					t.Errorf("%s subject %q has a line break", where, l.Subject)
				}
				if d.Ref != "" && !strings.HasPrefix(l.Subject, "["+d.Ref+"]") && !strings.HasSuffix(l.Subject, "["+d.Ref+"]") {
					t.Errorf("%s subject = %q, want it to start or end with [%s]", where, l.Subject, d.Ref)
				}
				if strings.Contains(l.Text, "\r") || strings.Contains(l.Text, "\n\n\n") || strings.Contains(l.Text, " \n") || strings.HasPrefix(l.Text, "\n") {
					t.Errorf("%s text is not normalised:\n%s", where, l.Text)
				}
				if !strings.HasPrefix(l.HTML, "<!DOCTYPE html>") || !strings.Contains(l.HTML, `<html lang="`+lang+`">`) {
					t.Errorf("%s html does not start with the layout", where)
				}
				if strings.Contains(l.HTML, "<script") || strings.Contains(l.HTML, "<b>") {
					t.Errorf("%s html contains unescaped markup from data", where)
				}
				if kind == "full" && !strings.Contains(l.Text+l.HTML, "Ingressus") {
					t.Errorf("%s has no signature", where)
				}
			}
		}
	}
}

func TestRenderEscapesHTML(t *testing.T) {
	r := newRenderer(t)
	l, err := r.Render(Acknowledgement, "nl", fullData())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(l.HTML, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("Render(acknowledgement).HTML does not hold the escaped description")
	}
	if !strings.Contains(l.Text, "<script>alert(1)</script>") {
		t.Errorf("Render(acknowledgement).Text does not hold the description verbatim")
	}
}

// TestContent checks what procedure.md's table of letters says each letter
// must contain.
func TestContent(t *testing.T) {
	r := newRenderer(t)
	d := fullData()
	fields := []string{d.Complaint.Company, "Dorpsstraat 1", "1234 AB Ergens", d.Complaint.Name, d.Complaint.Phone,
		d.Complaint.Availability, d.Complaint.Email, "23 november 2026", "ORD-123", "CT-9"}
	tests := []struct {
		name, lang string
		want       []string // in the subject or text, ignoring case
	}{
		{CompletionRequest, "nl", []string{"Telefoonnummer: telefoonnummer '0612' is te kort", "Bereikbaarheid: ontbreekt", "Label: waarde", "21 december 2026", "zodra uw klacht compleet is", "Beantwoord deze e-mail"}},
		{Acknowledgement, "nl", append([]string{"KL-2026-0001", "Marieke de Vries", "21 december 2026", "twee werkdagen", "twintig werkdagen", "bezwaar", "directie", "Beantwoord deze e-mail", description}, fields...)},
		{Acknowledgement, "en", append([]string{"KL-2026-0001", "Marieke de Vries", "21 December 2026", "two working days", "reply to this e-mail", description}, fields...)},
		{HandlerNew, "nl", append([]string{"KL-2026-0001", description, "21 december 2026", "17 december 2026", "#info", "#vertraging N reden", "#reactie", "#notitie", "#toewijzen", "#sluiten", "Beantwoord deze e-mail om de indiener te antwoorden"}, fields...)},
		{HandlerNew, "en", append([]string{description, "21 December 2026", "17 December 2026", "#info", "#delay", "#response", "#note", "#assign", "#close", "Reply to this mail to answer the complainant"}, fields...)},
		{Reminder, "nl", []string{"KL-2026-0001", d.Complaint.Company, "3 werkdagen", "21 december 2026", "17 december 2026", "vertragingsbericht"}},
		{DelayNotice, "nl", []string{d.DelayReason, "10 werkdagen", "21 december 2026", "7 december 2026", "Beantwoord deze e-mail"}},
		{DelayNotice, "en", []string{d.DelayReason, "10 working days", "21 December 2026"}},
		{DelayAutoStaff, "nl", []string{"KL-2026-0001", d.DelayReason, "21 december 2026", "zelf een vertragingsbericht"}},
		{DelayStaffNote, "nl", []string{"te laat", "2 keer verlengd", d.DelayReason}},
		{InfoRequest, "nl", []string{"Hierbij ons antwoord", "Marieke de Vries", "Beantwoord deze e-mail"}},
		{RelayToHandler, "nl", []string{"Hierbij ons antwoord", "foto.jpg, bon.pdf", "in behandeling", "KL-2026-0001"}},
		{RelayToComplainant, "nl", []string{"Hierbij ons antwoord", "foto.jpg", "in behandeling"}},
		{Response, "nl", []string{"Hierbij ons antwoord", "bezwaar"}},
		{ObjectionDeadline, "nl", []string{"5 januari 2027", "bezwaar", "Beantwoord deze e-mail", "directie", "gesprek", "rechtbank Rotterdam"}},
		{ObjectionDeadline, "en", []string{"5 January 2027", "object", "reply to this e-mail", "management", "conversation", "rechtbank Rotterdam"}},
		{ObjectionReceived, "nl", []string{"directie", "gesprek", "nodigt u uit"}},
		{ObjectionReceived, "en", []string{"will invite you for a conversation"}},
		{ObjectionDossier, "nl", []string{"Hierbij ons antwoord", description, "#gesprek", "#verslag", "20 november 2026 om 18:54; de termijn telt vanaf 23 november 2026",
			"verstuurd op 23 november 2026, binnen vijf werkdagen", "Verlenging 1: gegeven op 14 december 2026; 10 werkdagen langer, tot en met 4 januari 2027", "Reden: Wij wachten op de vervoerder.",
			"verstuurd op 22 december 2026, binnen de termijn", "op 30 december 2026, binnen de termijn", "pakbon.pdf (34 kB, bijgevoegd)", "foto.jpg (12 MB, niet bijgevoegd)",
			"Brief aan de indiener: Ontvangstbevestiging", "Hartelijk dank.", "Bericht van de indiener (HET BEZWAAR)", "Nieuwe klacht, aan de behandelaar, aan m.devries@ingressus.nl", "Bijlagen tot samen 10 MB"}},
		{ObjectionDossier, "en", []string{"20 November 2026 at 18:54; the term counts from 23 November 2026", "within five working days", "Extension 1", "(THE OBJECTION)", "foto.jpg (12 MB, not attached)"}},
		{ObjectionLate, "nl", []string{"5 januari 2027", "directie"}},
		{ObjectionLateStaff, "nl", []string{"5 januari 2027", "#bezwaar"}},
		{Invitation, "nl", []string{"dinsdag 12 januari 2027", "14:30", "Kantoor Ingressus, Rotterdam", "agenda"}},
		{Record, "nl", []string{"Hierbij ons antwoord", "rechtbank Rotterdam"}},
		{Closing, "nl", []string{"afgesloten", "https://www.ingressus.nl/klachten"}},
		{Closed, "nl", []string{"Hierbij ons antwoord"}},
		{Lapse, "nl", []string{"vervallen", "21 december 2026", "klachtenformulier"}},
		{ClosedReply, "nl", []string{"al afgesloten", "klachtenformulier"}},
		{Reassigned, "nl", []string{"Marieke de Vries", "21 december 2026"}},
		{HandlerAssigned, "nl", []string{"Marieke de Vries", description, "#vertraging"}},
		{StaffNotice, "nl", []string{d.Notice, d.Action}},
		{UnknownCommand, "nl", []string{"#foo", "#vertraging N reden"}},
		{CommandRefused, "nl", []string{"#foo", d.Notice}},
		{Alert, "nl", []string{d.Notice, d.Action}},
	}
	for _, tt := range tests {
		l, err := r.Render(tt.name, tt.lang, d)
		if err != nil {
			t.Errorf("Render(%s, %s) = %v", tt.name, tt.lang, err)
			continue
		}
		all := strings.ToLower(l.Subject + "\n" + l.Text)
		for _, w := range tt.want {
			if !strings.Contains(all, strings.ToLower(w)) {
				t.Errorf("Render(%s, %s).Text lacks %q:\n%s", tt.name, tt.lang, w, l.Text)
			}
		}
	}
	// The record of an unresolved conversation names the court; a resolved one does not.
	d.Resolved = true
	if l, _ := r.Render(Record, "nl", d); strings.Contains(l.Text, "rechter") {
		t.Errorf("Render(record, resolved).Text names the court")
	}
}

func TestDigest(t *testing.T) {
	r := newRenderer(t)
	d := fullData()
	d.Ref = ""
	for _, tt := range []struct{ lang, subject, word, finding, urgent string }{
		{"nl", "Klachtenoverzicht 14 december 2026 – 18 december 2026", "overzicht", "BEVINDINGEN", "TERMIJN LOOPT AF"},
		{"en", "Complaints digest 14 December 2026 – 18 December 2026", "digest", "FINDINGS", "TERM ENDS"},
	} {
		l, err := r.Render(Digest, tt.lang, d)
		if err != nil {
			t.Fatalf("Render(digest, %s) = %v", tt.lang, err)
		}
		if l.Subject != tt.subject || !strings.Contains(strings.ToLower(l.Subject), tt.word) {
			t.Errorf("Render(digest, %s).Subject = %q, want %q", tt.lang, l.Subject, tt.subject)
		}
		f, u := strings.Index(l.Text, tt.finding), strings.Index(l.Text, tt.urgent)
		if f < 0 || u < 0 || f > u || !strings.Contains(l.Text, "! KL-2026-0003") {
			t.Errorf("Render(digest, %s).Text: findings not first and marked:\n%s", tt.lang, l.Text)
		}
		if hf, hu := strings.Index(l.HTML, "KL-2026-0003"), strings.Index(l.HTML, "KL-2026-0002"); hf < 0 || hf > hu {
			t.Errorf("Render(digest, %s).HTML: findings not before the urgent rows", tt.lang)
		}
		for _, rows := range [][]DigestRow{d.Digest.New, d.Digest.Open, d.Digest.Urgent, d.Digest.Delays, d.Digest.Objections} {
			for _, row := range rows {
				date := formatDate(tt.lang, row.EndDate, false)
				for _, part := range []string{l.Text, l.HTML} {
					if !strings.Contains(part, row.Ref) || !strings.Contains(part, date) {
						t.Errorf("Render(digest, %s) lacks row %s with its end date %s", tt.lang, row.Ref, date)
					}
				}
				line := l.Text[strings.Index(l.Text, "- "+row.Ref):]
				line = line[:strings.Index(line, "\n")]
				if !strings.Contains(line, row.Handler) || !strings.Contains(line, date) {
					t.Errorf("Render(digest, %s) text row %q lacks handler or end date", tt.lang, line)
				}
			}
		}
	}
	// Empty lists say so.
	d.Digest = &DigestData{From: day(2026, 12, 14), To: day(2026, 12, 18)}
	l, err := r.Render(Digest, "nl", d)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(l.Text, "  geen"); n < 9 {
		t.Errorf("Render(digest, empty).Text says \"geen\" %d times, want every section:\n%s", n, l.Text)
	}
}

func TestLang(t *testing.T) {
	r := newRenderer(t)
	for in, want := range map[string]string{"": "nl", "nl": "nl", "NL-nl": "nl", "en": "en", "en-GB": "en", "en_US": "en", "de": "nl", "fr": "nl"} {
		if got := Lang(in); got != want {
			t.Errorf("Lang(%q) = %q, want %q", in, got, want)
		}
	}
	l, err := r.Render(Acknowledgement, "de", Data{Ref: "KL-1"})
	if err != nil || !strings.HasPrefix(l.Subject, "Ontvangstbevestiging") {
		t.Errorf("Render(acknowledgement, de) = %q, %v, want the Dutch letter", l.Subject, err)
	}
	if _, err := r.Render("nope", "nl", Data{}); !errors.Is(err, ErrUnknownLetter) {
		t.Errorf("Render(nope) = %v, want ErrUnknownLetter", err)
	}
}

func TestSubjectLine(t *testing.T) {
	for _, tt := range []struct{ in, ref, want string }{
		{"Ontvangstbevestiging", "KL-1", "Ontvangstbevestiging [KL-1]"},
		{"[KL-1] Al erin", "KL-1", "[KL-1] Al erin"},
		{"Al erin [KL-1]", "KL-1", "Al erin [KL-1]"},
		{"  twee\r\nregels\t ", "", "twee regels"},
		{"", "KL-1", "[KL-1]"},
		{"x", "KL-1\r\nBcc: a@b", "x [KL-1 Bcc: a@b]"},
	} {
		if got := subjectLine(tt.in, tt.ref); got != tt.want {
			t.Errorf("subjectLine(%q, %q) = %q, want %q", tt.in, tt.ref, got, tt.want)
		}
	}
}

func TestNormaliseText(t *testing.T) {
	in := "\n\nA  \r\nB\t\r\n\r\n\r\n\nC\rD\n\n"
	if got, want := normaliseText(in), "A\nB\n\nC\nD\n"; got != want {
		t.Errorf("normaliseText(%q) = %q, want %q", in, got, want)
	}
}

func TestFuncs(t *testing.T) {
	nl, en := funcMap("nl"), funcMap("en")
	at := time.Date(2026, 12, 21, 13, 5, 0, 0, time.UTC) // 14:05 in Amsterdam
	tests := []struct{ got, want string }{
		{nl["date"].(func(time.Time) string)(at), "21 december 2026"},
		{en["date"].(func(time.Time) string)(at), "21 December 2026"},
		{nl["longdate"].(func(time.Time) string)(at), "maandag 21 december 2026"},
		{nl["datetime"].(func(time.Time) string)(at), "21 december 2026 om 14:05"},
		{en["datetime"].(func(time.Time) string)(at), "21 December 2026 at 14:05"},
		{nl["date"].(func(time.Time) string)(time.Time{}), "onbekend"},
		{nl["date"].(func(time.Time) string)(time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC)), "2 maart 2026"},
		{nl["workdays"].(func(int) string)(1), "1 werkdag"},
		{en["workdays"].(func(int) string)(20), "20 working days"},
		{nl["num"].(func(float64) string)(12.25), "12,2"},
		{en["num"].(func(float64) string)(95.5), "95.5"},
		{nl["state"].(func(string) string)("incomplete"), "onvolledig"},
		{nl["state"].(func(string) string)("iets"), "iets"},
		{strings.Join(lines("a\r\nb\rc\n"), "|"), "a|b|c"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d = %q, want %q", i, tt.got, tt.want)
		}
	}
}

// TestGolden pins a few letters byte for byte; run with -update after a
// deliberate change and read the diff.
func TestGolden(t *testing.T) {
	r := newRenderer(t)
	d := fullData()
	for _, c := range []struct{ name, lang string }{
		{Acknowledgement, "nl"}, {Acknowledgement, "en"}, {DelayNotice, "nl"}, {DelayNotice, "en"},
		{Digest, "nl"}, {Digest, "en"},
	} {
		d := d
		if c.name == Digest {
			d.Ref = ""
		}
		l, err := r.Render(c.name, c.lang, d)
		if err != nil {
			t.Fatalf("Render(%s, %s) = %v", c.name, c.lang, err)
		}
		got := "Subject: " + l.Subject + "\n\n" + l.Text + "\n==== HTML ====\n" + l.HTML
		file := filepath.Join("testdata", c.name+"."+c.lang+".golden")
		if *update {
			if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if got != string(want) {
			t.Errorf("Render(%s, %s) differs from %s (run go test -update and check the diff):\n%s", c.name, c.lang, file, got)
		}
	}
}

func TestOverride(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "nl"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "nl", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("acknowledgement.txt.tmpl", `{{define "subject"}}Eigen onderwerp{{end}}{{define "text"}}Eigen tekst voor {{.Complaint.Name}}.{{end}}`)
	write("acknowledgement.html.tmpl", `{{define "body"}}<p>Eigen HTML voor {{.Complaint.Name}}</p>{{end}}`)
	r, err := New(dir)
	if err != nil {
		t.Fatalf("New(%s) = %v", dir, err)
	}
	d := fullData()
	l, err := r.Render(Acknowledgement, "nl", d)
	if err != nil {
		t.Fatal(err)
	}
	if l.Subject != "Eigen onderwerp [KL-2026-0001]" || l.Text != "Eigen tekst voor Anna Jansen.\n" ||
		!strings.Contains(l.HTML, "<p>Eigen HTML voor Anna Jansen</p>") || !strings.Contains(l.HTML, "klachtenafhandeling") {
		t.Errorf("Render with override = %+v", l)
	}
	if l, _ := r.Render(Acknowledgement, "en", d); !strings.HasPrefix(l.Subject, "Acknowledgement") {
		t.Errorf("Render(en) with an nl override = %q, want the embedded English letter", l.Subject)
	}
	if l, _ := r.Render(DelayNotice, "nl", d); !strings.HasPrefix(l.Subject, "Vertraging") {
		t.Errorf("Render(delay_notice) with another override = %q, want the embedded letter", l.Subject)
	}

	// A broken template fails New, not the first letter.
	write("reminder.txt.tmpl", `{{define "subject"}}x{{end}}{{define "text"}}{{.Nope}}{{end}}`)
	if _, err := New(dir); err == nil || !strings.Contains(err.Error(), "reminder") {
		t.Errorf("New with a template using an unknown field = %v, want an error naming reminder", err)
	}
	write("reminder.txt.tmpl", `{{define "subject"}}x{{end}}{{define "text"}}{{if}}{{end}}`)
	if _, err := New(dir); err == nil {
		t.Errorf("New with a syntax error = nil, want an error")
	}
	write("reminder.txt.tmpl", `{{define "subject"}}x{{end}}`)
	if _, err := New(dir); err == nil || !strings.Contains(err.Error(), `"text"`) {
		t.Errorf("New with a letter without text = %v, want an error", err)
	}
	if _, err := New(filepath.Join(dir, "missing")); err == nil {
		t.Errorf("New(missing folder) = nil, want an error")
	}
}

func TestRenderConcurrent(t *testing.T) {
	r := newRenderer(t)
	d := fullData()
	done := make(chan error)
	for i := 0; i < 8; i++ {
		go func(i int) {
			_, err := r.Render(Names[i%len(Names)], Languages[i%2], d)
			done <- err
		}(i)
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Errorf("concurrent Render = %v", err)
		}
	}
}

// noticeCases are one notice of every kind the gateway sends, with the data
// its call site passes.
func noticeCases() []struct {
	name, letter string
	d            Data
} {
	base := fullData()
	base.Notice, base.Action, base.Text, base.Command = "", "", "", ""
	with := func(letter string, n Notice, mod func(*Data)) struct {
		name, letter string
		d            Data
	} {
		d := base
		d.About = n
		if mod != nil {
			mod(&d)
		}
		name := n.Kind
		if n.Reason != "" {
			name += "/" + n.Reason
		}
		return struct {
			name, letter string
			d            Data
		}{name, letter, d}
	}
	since := time.Date(2026, 12, 1, 18, 54, 0, 0, amsterdam())
	noRef := func(d *Data) { d.Ref, d.Complaint, d.Handler, d.State = "", Complaint{}, "", "" }
	return []struct {
		name, letter string
		d            Data
	}{
		with(StaffNotice, Notice{Kind: NoticeClosedReply}, func(d *Data) { d.Text = "Ik wil toch nog iets zeggen." }),
		with(StaffNotice, Notice{Kind: NoticeFinished}, func(d *Data) { d.Command, d.State = "#vertraging", "closed" }),
		with(StaffNotice, Notice{Kind: NoticeManagementOnly, Managers: []string{"directie@ingressus.nl"}}, func(d *Data) { d.Command = "#gesprek" }),
		with(StaffNotice, Notice{Kind: NoticeUsage, Args: "veel", Usage: "delay"}, func(d *Data) { d.Command = "#vertraging" }),
		with(StaffNotice, Notice{Kind: NoticeUsage, Args: "morgen", Usage: "meeting"}, func(d *Data) { d.Command = "#gesprek" }),
		with(StaffNotice, Notice{Kind: NoticeStranger, From: "piet@elders.example", Subject: "Re: KL-2026-0001"}, nil),
		with(StaffNotice, Notice{Kind: NoticeBounce, Rcpt: "anna@korenschoof.example", ToComplainant: true}, nil),
		// review F3 #13: which letter, the server's reason, the consequence.
		with(StaffNotice, Notice{Kind: NoticeBounce, Rcpt: "anna@korenschoof.example", ToComplainant: true, Letter: CompletionRequest,
			Subject: "Uw klacht is nog niet compleet [KL-2026-0001]", Sent: since, Status: "5.2.2", Detail: "552 5.2.2 Mailbox full", Transient: true},
			func(d *Data) {
				d.State, d.LapseDate, d.Complaint.Phone, d.Complaint.Address = "incomplete", time.Date(2026, 12, 31, 0, 0, 0, 0, amsterdam()), "", ""
			}),
		with(StaffNotice, Notice{Kind: NoticeBounce, Rcpt: "m.devries@ingressus.nl", Letter: HandlerNew, Subject: "Nieuwe klacht [KL-2026-0001]",
			Sent: since, Status: "5.1.1", Detail: "550 5.1.1 user unknown"}, nil),
		with(StaffNotice, Notice{Kind: NoticeUndeliverable, Subject: "Reactie op uw klacht [KL-2026-0001]", Letter: Response, Rcpt: "anna@korenschoof.example", Detail: "550 5.1.1 user unknown"}, nil),
		with(CommandRefused, Notice{Kind: NoticeUnverified, From: "m.devries@ingressus.nl", Detail: "geen DKIM-handtekening"}, func(d *Data) { d.Command = "#sluiten" }),
		with(Alert, Notice{Kind: AlertQuarantine, From: "anna@korenschoof.example", Subject: "Klacht", Reason: ReasonNoAddress}, noRef),
		with(Alert, Notice{Kind: AlertQuarantine, From: "x@example.org", Subject: "?", Reason: ReasonUnparseable, Detail: "malformed MIME header line"}, noRef),
		with(Alert, Notice{Kind: AlertQuarantine, Reason: ReasonUnreadable, Detail: "NO [UNAVAILABLE]"}, noRef),
		with(Alert, Notice{Kind: AlertQuarantine, From: "big@example.org", Subject: "Foto's", Reason: ReasonOversize, Size: 31 << 20}, noRef),
		with(Alert, Notice{Kind: AlertIntakeStopped, Since: since, Detail: "dial tcp 127.0.0.1:993: connection refused"}, noRef),
	}
}

// TestNotices: every notice kind is worded, in the letter's language, with
// no code or English reason showing through, and is pinned by a golden
// file per language (run with -update after a deliberate change).
func TestNotices(t *testing.T) {
	r := newRenderer(t)
	for _, lang := range Languages {
		var all strings.Builder
		for _, c := range noticeCases() {
			l, err := r.Render(c.letter, lang, c.d)
			if err != nil {
				t.Fatalf("Render(%s %s, %s) = %v", c.letter, c.name, lang, err)
			}
			text := l.Subject + "\n" + l.Text
			bads := []string{"no-address", "unparseable", "oversize", "Wat te doen", "Niets hoeft", "klager", "verdaging", ": de klacht is afgesloten:"}
			if lang == "nl" {
				bads = append(bads, "no usable e-mail", "could not", "Reason")
			}
			if c.d.Handler != "" {
				bads = append(bads, "("+c.d.Handler+")")
			}
			for _, bad := range bads {
				if strings.Contains(text, bad) {
					t.Errorf("%s %s (%s) contains %q:\n%s", c.letter, c.name, lang, bad, text)
				}
			}
			if lang == "nl" && c.letter == Alert && c.d.About.Reason == ReasonNoAddress && !strings.Contains(text, "geen bruikbaar e-mailadres") {
				t.Errorf("no-address alert does not say so in Dutch:\n%s", text)
			}
			if !strings.Contains(l.HTML, html.EscapeString(strings.SplitN(l.Text, "\n", 2)[0][:8])) {
				t.Errorf("%s %s (%s): the HTML part does not say what the text part says", c.letter, c.name, lang)
			}
			fmt.Fprintf(&all, "==== %s %s\nSubject: %s\n\n%s\n", c.letter, c.name, l.Subject, l.Text)
		}
		file := filepath.Join("testdata", "notices."+lang+".golden")
		if *update {
			if err := os.WriteFile(file, []byte(all.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if all.String() != string(want) {
			t.Errorf("notices (%s) differ from %s (run go test -update and check the diff):\n%s", lang, file, all.String())
		}
	}
}
