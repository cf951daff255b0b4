package correspondence

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ingressus/klachtd/correspondence/workdays"
	"github.com/ingressus/klachtd/templates"
)

// closedComplaint registers a complaint from addr, responds at once and
// lets the objection window pass: closed on 8 December 2026.
func surveyClosedComplaint(t *testing.T, e *env, id, addr string) *Complaint {
	t.Helper()
	e.clk.set(at(2026, 11, 23, 10, 15))
	before := len(e.lettersOf(templates.HandlerNew))
	e.deliver(strings.ReplaceAll(form(id, "010-1234567"), "sanne@bakkerijvandijk.nl", addr))
	note := e.lettersOf(templates.HandlerNew)[before]
	var ref string
	e.store.db.Get(&ref, `SELECT ref FROM complaints WHERE email = ?`, addr)
	c := e.complaint(ref)
	e.deliver(reply(c.Handler, note, "#reactie\nWij crediteren de levering."))
	return c
}

func runDay(t *testing.T, e *env, d time.Time) {
	t.Helper()
	e.clk.set(d)
	if _, err := e.g.RunDue(context.Background(), d); err != nil {
		t.Fatal(err)
	}
}

// TestSurvey: off by default; when on, one question N working days after
// closing, never to an address that bounced; the answer is read (a digit or
// words), starts nothing else, and is counted in the report.
func TestSurvey(t *testing.T) {
	set := testSettings()
	set.Survey = SurveySettings{Enabled: true, AfterWorkdays: 3}
	e := newEnvAt(t, filepath.Join(t.TempDir(), "s.db"), at(2026, 11, 23, 10, 15), set)
	a := surveyClosedComplaint(t, e, "s1", "anna@example.com")
	b := surveyClosedComplaint(t, e, "s2", "bert@example.com")
	x := surveyClosedComplaint(t, e, "s3", "xavier@example.com")
	mustExec(t, e, `UPDATE complaints SET undeliverable = 1 WHERE id = ?`, x.ID) // a letter to xavier bounced
	runDay(t, e, at(2026, 12, 8, 9, 0))                                          // the window ended on 7 December: closed today
	if got := e.complaint(a.Ref).State; got != StateClosed {
		t.Fatalf("state %s, want closed", got)
	}
	runDay(t, e, at(2026, 12, 10, 9, 0)) // 2 working days after closing
	if n := len(e.lettersOf(templates.Survey)); n != 0 {
		t.Fatalf("survey sent after 2 working days: %d", n)
	}
	runDay(t, e, at(2026, 12, 11, 9, 0)) // 3 working days
	runDay(t, e, at(2026, 12, 11, 15, 0))
	runDay(t, e, at(2026, 12, 14, 9, 0))
	surveys := e.lettersOf(templates.Survey)
	if len(surveys) != 2 {
		t.Fatalf("survey letters = %d, want 2 (one each, none to the bounced address)", len(surveys))
	}
	for _, s := range surveys {
		if s.Rcpt == x.Email {
			t.Error("a survey went to an address that bounced")
		}
		if !strings.Contains(s.text(), "Hoe tevreden bent u over de afhandeling van uw klacht? Antwoord met een cijfer van 1 tot 5") {
			t.Errorf("survey letter wording:\n%s", s.text())
		}
	}
	letters := len(e.letters())
	e.clk.set(at(2026, 12, 14, 11, 0))
	e.deliver(reply(a.Email, surveys[0], "4\nPrima geholpen, maar het duurde wat lang."))
	e.deliver(reply(b.Email, surveys[1], "Eerlijk gezegd slecht. Ik ben het er niet mee eens."))
	e.deliver(reply(a.Email, surveys[0], "1")) // a second answer: the first counts
	if n := len(e.letters()); n != letters {
		for _, l := range e.letters()[letters:] {
			t.Errorf("a survey answer caused a %s letter to %s", l.Kind, l.Rcpt)
		}
	}
	if e.complaint(b.Ref).State != StateClosed {
		t.Error("a survey answer reopened the complaint")
	}
	r, err := e.g.BuildReport(context.Background(), workdays.Date(2026, 11, 1), workdays.Date(2026, 11, 30))
	if err != nil {
		t.Fatal(err)
	}
	f := r.Total.Figures
	if f.SurveySent != 2 || f.SurveyAnswers != 2 || f.SurveyMean != 2.5 || r.SurveyScores != [5]int{1, 0, 0, 1, 0} {
		t.Errorf("survey figures: sent %d, answers %d, mean %v, scores %v; want 2, 2, 2.5, [1 0 0 1 0]", f.SurveySent, f.SurveyAnswers, f.SurveyMean, r.SurveyScores)
	}
	l, err := e.g.RenderReport(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(l.Text, "Tevredenheid (gemiddeld, 1–5): 2,5 uit 2 antwoorden op 2 vragen") {
		t.Errorf("report text lacks the satisfaction line:\n%s", l.Text)
	}
}

func TestSurveyOffByDefault(t *testing.T) {
	if DefaultSettings().Survey.Enabled {
		t.Fatal("the survey is on by default")
	}
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	surveyClosedComplaint(t, e, "off", "anna@example.com")
	for _, d := range []time.Time{at(2026, 12, 8, 9, 0), at(2026, 12, 11, 9, 0), at(2026, 12, 16, 9, 0)} {
		runDay(t, e, d)
	}
	if n := len(e.lettersOf(templates.Survey)); n != 0 {
		t.Errorf("survey letters = %d with the survey off", n)
	}
}

func TestSurveyScore(t *testing.T) {
	for _, tc := range []struct {
		in    string
		score int
		ok    bool
	}{
		{"4", 4, true}, {"  5\nheel fijn", 5, true}, {"Een 3.", 3, true}, {"4/5", 4, true}, {"cijfer: 2", 2, true},
		{"goed", 4, true}, {"Zeer tevreden!", 5, true}, {"slecht", 1, true}, {"niet goed", 2, true}, {"ontevreden", 2, true},
		{"redelijk", 3, true}, {"Good", 4, true}, {"very poor", 1, true}, {"ok", 3, true},
		{"", 0, false}, {"7", 0, false}, {"10", 0, false}, {"3 of 4", 0, false}, {"bel mij op 06-12345678", 0, false},
		{"wanneer komt de creditnota?", 0, false}, {"goedemorgen", 0, false},
	} {
		score, ok := SurveyScore(tc.in)
		if score != tc.score || ok != tc.ok {
			t.Errorf("SurveyScore(%q) = %d, %v, want %d, %v", tc.in, score, ok, tc.score, tc.ok)
		}
	}
}

// FuzzSurveyScore: any reply gives a score on the scale or none, never a
// panic.
func FuzzSurveyScore(f *testing.F) {
	for _, s := range []string{"4", "zeer tevreden", "3/5\nprima", "bel 06-12345678", "", "\x00\xff5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		score, ok := SurveyScore(s)
		if ok != (score >= 1 && score <= 5) {
			t.Errorf("SurveyScore(%q) = %d, %v", s, score, ok)
		}
	})
}
