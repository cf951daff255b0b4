package templates

import (
	"bytes"
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The reviewer's findings on the letters' wording (review #2, #5–#8, #11,
// #13–#15): each test fails on the wording before the fix.

func render(t *testing.T, r *Renderer, name, lang string, d Data) Letter {
	t.Helper()
	l, err := r.Render(name, lang, d)
	if err != nil {
		t.Fatalf("Render(%s, %s) = %v", name, lang, err)
	}
	return l
}

func wantIn(t *testing.T, what, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

func wantNotIn(t *testing.T, what, text string, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(text, w) {
			t.Errorf("%s holds %q:\n%s", what, w, text)
		}
	}
}

// Review #2: a reply in the objection window is relayed with the hint to
// register it with #bezwaar, and with the objection deadline instead of
// the handling term's end.
func TestRelayInObjectionWindow(t *testing.T) {
	r := newRenderer(t)
	d := fullData()
	d.State = "responded"
	for lang, want := range map[string][]string{
		"nl": {"Is dit bezwaar? Antwoord dan met #bezwaar", "om het als bezwaar te registreren", "Bezwaartermijn: tot en met 5 januari 2027", "#bezwaar "},
		"en": {"Is this an objection? Then reply with #objection", "Objection window: until and including 5 January 2027", "#objection "},
	} {
		l := render(t, r, RelayToHandler, lang, d)
		wantIn(t, "relay_to_handler "+lang, l.Text, want...)
		wantIn(t, "relay_to_handler html "+lang, l.HTML, map[string]string{"nl": "#bezwaar op de eerste regel", "en": "#objection on the first line"}[lang])
		wantNotIn(t, "relay_to_handler "+lang, l.Text, "21 december 2026", "21 December 2026")
	}
	// While the term runs: no hint, the term's end.
	d.State = "open"
	l := render(t, r, RelayToHandler, "nl", d)
	wantIn(t, "relay_to_handler open", l.Text, "Einde behandeltermijn: 21 december 2026")
	wantNotIn(t, "relay_to_handler open", l.Text, "Is dit bezwaar?")
}

// Review #5: staff letters say when the mail arrived and why the term
// counts from a later day.
func TestHandlerLettersShowArrival(t *testing.T) {
	r := newRenderer(t)
	d := fullData()
	d.Arrived = time.Date(2026, 12, 1, 21, 57, 0, 0, amsterdam())
	d.Received = day(2026, 12, 2)
	for _, name := range []string{HandlerNew, HandlerAssigned} {
		l := render(t, r, name, "nl", d)
		wantIn(t, name+" nl", l.Text, "Ontvangen: 1 december 2026 om 21:57 (na 17:00; de termijn loopt vanaf 2 december 2026)")
		wantIn(t, name+" nl html", l.HTML, "1 december 2026 om 21:57 (na 17:00; de termijn loopt vanaf 2 december 2026)")
		l = render(t, r, name, "en", d)
		wantIn(t, name+" en", l.Text, "Received: 1 December 2026 at 21:57 (after 17:00; the term runs from 2 December 2026)")
	}
	// Arrived on the day it counts from: just the moment.
	d.Arrived = time.Date(2026, 12, 2, 10, 5, 0, 0, amsterdam())
	l := render(t, r, HandlerNew, "nl", d)
	wantIn(t, "handler_new same day", l.Text, "Ontvangen: 2 december 2026 om 10:05\n")
}

// Review #6 and #7: the form's date is written out, and an assumed date
// says so.
func TestFormDateWrittenAndAssumed(t *testing.T) {
	r := newRenderer(t)
	d := fullData()
	iso := regexp.MustCompile(`\b20\d\d-\d\d-\d\d\b`)
	for _, lang := range Languages {
		for _, name := range []string{Acknowledgement, HandlerNew, HandlerAssigned, ObjectionDossier, DelayNotice, ObjectionDeadline, Correction} {
			l := render(t, r, name, lang, d)
			if m := iso.FindString(l.Text + l.HTML); m != "" {
				t.Errorf("Render(%s, %s) shows the ISO date %s:\n%s", name, lang, m, l.Text)
			}
		}
	}
	wantIn(t, "acknowledgement nl", render(t, r, Acknowledgement, "nl", d).Text, "Datum van indienen: 23 november 2026\n")
	wantIn(t, "acknowledgement en", render(t, r, Acknowledgement, "en", d).Text, "Date of submission: 23 November 2026\n")
	d.Complaint.Date = "2026-12-01"
	d.Complaint.DateAssumed = true
	wantIn(t, "handler_new nl", render(t, r, HandlerNew, "nl", d).Text,
		"Datum van indienen: niet ingevuld; wij gaan uit van 1 december 2026, de dag van ontvangst")
	wantIn(t, "acknowledgement en", render(t, r, Acknowledgement, "en", d).Text,
		"Date of submission: not filled in; we take 1 December 2026, the day we received it")
	// A date that could not be read is shown as it was written.
	d.Complaint.Date, d.Complaint.DateAssumed = "ergens in november", false
	wantIn(t, "acknowledgement nl", render(t, r, Acknowledgement, "nl", d).Text, "Datum van indienen: ergens in november\n")
}

// Review #8: every letter has a readable name in the dossier, in both
// languages.
func TestEveryLetterHasAName(t *testing.T) {
	r := newRenderer(t)
	for _, lang := range Languages {
		for _, name := range Names {
			for _, tpl := range []interface {
				Execute(*bytes.Buffer, string, any) error
			}{textExec{r.sets[lang][name]}, htmlExec{r.sets[lang][name]}} {
				var b bytes.Buffer
				if err := tpl.Execute(&b, "lettername", name); err != nil {
					t.Fatalf("lettername %s/%s: %v", lang, name, err)
				}
				got := b.String()
				if got == "" || strings.Contains(got, "("+name+")") || strings.HasPrefix(got, "Brief (") || strings.HasPrefix(got, "Letter (") {
					t.Errorf("lettername %q in %s is %q: no name of its own", name, lang, got)
				}
			}
		}
	}
}

type textExec struct{ s *set }

func (e textExec) Execute(b *bytes.Buffer, name string, d any) error {
	return e.s.text.ExecuteTemplate(b, name, d)
}

type htmlExec struct{ s *set }

func (e htmlExec) Execute(b *bytes.Buffer, name string, d any) error {
	return e.s.html.ExecuteTemplate(b, name, d)
}

// Review #13: the handler's letters list every command a handler may use,
// and none that only management may.
func TestHandlerCommandLists(t *testing.T) {
	r := newRenderer(t)
	d := fullData()
	want := map[string][]string{
		"nl": {"#info", "#vertraging", "#reactie", "#notitie", "#toewijzen", "#bezwaar", "#toevoegen", "#wijzig", "#bewaren", "#sluiten", "#ingetrokken"},
		"en": {"#info", "#delay", "#response", "#note", "#assign", "#objection", "#adduser", "#change", "#hold", "#close", "#withdrawn"},
	}
	for _, name := range []string{HandlerNew, HandlerAssigned, RelayToHandler} {
		for lang, w := range want {
			l := render(t, r, name, lang, d)
			wantIn(t, name+" "+lang, l.Text, w...)
			wantIn(t, name+" html "+lang, l.HTML, w...)
			wantNotIn(t, name+" "+lang, l.Text, "#gesprek", "#verslag", "#meeting", "#record")
		}
	}
}

// Review #14: a notice about a closed complaint shows no handling term.
func TestClosedNoticeShowsNoTerm(t *testing.T) {
	r := newRenderer(t)
	d := fullData()
	d.State = "closed"
	d.About = Notice{Kind: NoticeFinished}
	for _, lang := range Languages {
		l := render(t, r, StaffNotice, lang, d)
		wantNotIn(t, "staff_notice "+lang, l.Text+l.HTML, "21 december 2026", "21 December 2026", "behandeltermijn", "handling term")
	}
}

// Review #15: the attachments list ends with a blank line before what
// follows; the invitation's calendar file has a name in the letter's
// language.
func TestAttachmentsBlankLineAndCalendarFile(t *testing.T) {
	r := newRenderer(t)
	d := fullData()
	d.Files = []Attachment{{Name: "foto.jpg", Size: 2048, Included: true}}
	for _, name := range []string{RelayToHandler, RelayThirdParty} {
		wantIn(t, name, render(t, r, name, "nl", d).Text, "Bijlagen:\n- foto.jpg (2 kB)\n\nStatus:")
	}
	d.Files = nil
	wantIn(t, RelayToHandler, render(t, r, RelayToHandler, "en", d).Text, "Attachments: foto.jpg, bon.pdf\n\nState:")
	if got := render(t, r, Invitation, "nl", d).CalendarFile; got != "uitnodiging-kl-2026-0001" {
		t.Errorf("invitation nl CalendarFile = %q, want uitnodiging-kl-2026-0001", got)
	}
	if got := render(t, r, Invitation, "en", d).CalendarFile; got != "invitation-kl-2026-0001" {
		t.Errorf("invitation en CalendarFile = %q, want invitation-kl-2026-0001", got)
	}
}

// Review #15: a long subject with non-ASCII text is encoded and folded so
// that the first encoded word is on the Subject line: a decoder gives the
// subject back without a leading space.
func TestLongSubjectFolding(t *testing.T) {
	for _, subj := range []string{
		"Klachtenoverzicht 14 december 2026 – 18 december 2026: 3 nieuw, 2 urgent, 1 bezwaar bij de directie",
		"Klachtenoverzicht 14 december 2026 tot en met 18 december 2026: 3 nieuw, 2 urgent, 1 bezwaar",
		"Kort – onderwerp",
		"Plain =?subject?= with an encoded-word look",
	} {
		raw, err := Compose(Envelope{From: "klachten@ingressus.nl", To: []string{"directie@ingressus.nl"}, MessageID: "x@ingressus.nl", Date: day(2026, 12, 18)},
			Letter{Subject: subj, Text: "x\n"})
		if err != nil {
			t.Fatal(err)
		}
		head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
		var lines []string
		in := false
		for _, l := range strings.Split(string(head), "\r\n") {
			if strings.HasPrefix(l, "Subject:") {
				in = true
			} else if in && !strings.HasPrefix(l, " ") {
				break
			}
			if in {
				lines = append(lines, l)
			}
		}
		if len(lines) == 0 || strings.TrimSpace(strings.TrimPrefix(lines[0], "Subject:")) == "" {
			t.Errorf("subject %q: the Subject line holds no text: %q", subj, lines)
		}
		for _, l := range lines {
			if len(l) > 78 {
				t.Errorf("subject %q: line of %d characters: %q", subj, len(l), l)
			}
		}
		m, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		got, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if err != nil || got != subj {
			t.Errorf("subject decodes to %q (%v), want %q", got, err, subj)
		}
	}
}

// Review #11: #toewijzen with a name that is no handler names the known
// handlers.
func TestAssignUnknownHandler(t *testing.T) {
	r := newRenderer(t)
	d := fullData()
	d.Act = &ActData{Command: "toewijzen", Name: "assign", Reason: "unknown-handler", Args: "Klaas", Handlers: []string{"Marieke de Vries", "Jeroen Bakker"}}
	wantIn(t, "command_not_done nl", render(t, r, CommandNotDone, "nl", d).Text, "Klaas is geen behandelaar. Bekende behandelaars: Marieke de Vries, Jeroen Bakker.")
	d.Act.Command = "assign"
	wantIn(t, "command_not_done en", render(t, r, CommandNotDone, "en", d).Text, "Klaas is not a handler. Known handlers: Marieke de Vries, Jeroen Bakker.")
}

// Review #7: no letter shows a date in ISO form only, in any language —
// the corrected form date included.
func TestNoISODatesInAnyLetter(t *testing.T) {
	r := newRenderer(t)
	d := fullData()
	d.Changes = []Change{{Label: "Datum van indienen", Old: "2026-11-23", New: "2026-11-20"}}
	d.Act = &ActData{Command: "reactie", Name: "response"}
	iso := regexp.MustCompile(`\b20\d\d-[01]\d-[0-3]\d\b`)
	for _, lang := range Languages {
		for _, name := range Names {
			l := render(t, r, name, lang, d)
			if m := iso.FindString(l.Subject + "\n" + l.Text + l.HTML); m != "" {
				t.Errorf("Render(%s, %s) shows the ISO date %s:\n%s", name, lang, m, l.Text)
			}
		}
	}
	wantIn(t, "correction nl", render(t, r, Correction, "nl", d).Text, "Datum van indienen: 20 november 2026 (was: 23 november 2026)")
}

// Review #14: a complaint handed to another handler after the response
// shows the objection window, not the handling term and delay day that no
// longer apply.
func TestAssignedAfterResponseShowsObjectionWindow(t *testing.T) {
	r := newRenderer(t)
	d := fullData()
	d.State = "responded"
	l := render(t, r, HandlerAssigned, "nl", d)
	wantIn(t, "handler_assigned responded", l.Text, "Bezwaartermijn: tot en met 5 januari 2027")
	wantNotIn(t, "handler_assigned responded", l.Text+l.HTML, "Einde behandeltermijn", "Uiterlijk een vertraging melden op")
	d.State = "open"
	l = render(t, r, HandlerAssigned, "en", d)
	wantIn(t, "handler_assigned open", l.Text, "End of the handling term: 21 December 2026", "Latest day to give a delay: 16 December 2026")
}

// A question or a new handler after the substantive response must not
// promise a response that was already sent: the letter names the objection
// window instead (or, with management, the objection's course).
func TestLettersAfterResponseNameNoHandlingTerm(t *testing.T) {
	r := newRenderer(t)
	d := fullData()
	for _, name := range []string{InfoRequest, Reassigned} {
		for _, lang := range []string{"nl", "en"} {
			d.State = "responded"
			l := render(t, r, name, lang, d)
			for what, text := range map[string]string{"text": l.Text, "html": l.HTML} {
				wantNotIn(t, name+" "+lang+" "+what, text, "inhoudelijke reactie uiterlijk", "substantive response by")
				wantIn(t, name+" "+lang+" "+what, text, map[string]string{"nl": "5 januari 2027", "en": "5 January 2027"}[lang])
			}
			d.State = "objection"
			l = render(t, r, name, lang, d)
			wantNotIn(t, name+" "+lang+" objection", l.Text, "inhoudelijke reactie uiterlijk", "substantive response by")
			d.State = "open"
			l = render(t, r, name, lang, d)
			wantIn(t, name+" "+lang+" open", l.Text, map[string]string{"nl": "inhoudelijke reactie uiterlijk op 21 december 2026", "en": "substantive response by 21 December 2026"}[lang])
		}
	}
}
