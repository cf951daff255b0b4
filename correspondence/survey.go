package correspondence

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/ingressus/klachtd/templates"
	"github.com/jmoiron/sqlx"
)

// SurveySettings switch on the satisfaction question (ISO 10002): one
// letter, AfterWorkdays working days after a complaint is closed.
type SurveySettings struct {
	Enabled       bool
	AfterWorkdays int
}

// surveyWindow is how many working days past its day a satisfaction
// question may still go out (after downtime). A complaint closed longer
// ago — before the survey was switched on, say — is not asked: a question
// about a complaint of last year would puzzle more than it tells.
const surveyWindow = 10

// noMailEvents are the event kinds after which the complainant's address
// gets no satisfaction question: a bounce, or the complainant asked not to
// be mailed (a "no-mail" event; the survey reply itself can record one).
var noMailEvents = []string{"bounce", "no-mail"}

// dueSurveys queues the satisfaction question of each complaint closed
// AfterWorkdays working days ago, once per complaint; an address that
// bounced or asked for no mail is recorded as skipped and never written.
func (t *txn) dueSurveys() error {
	g := t.g
	if !g.set.Survey.Enabled {
		return nil
	}
	var cs []Complaint
	if err := t.tx.Select(&cs, t.q().SurveysDue); err != nil {
		return fmt.Errorf("surveys due: %w", err)
	}
	today := t.today()
	for i := range cs {
		c := &cs[i]
		day := g.cal.Add(g.day(c.ClosedDay), g.set.Survey.AfterWorkdays)
		if today.Before(day) || today.After(g.cal.Add(day, surveyWindow)) {
			continue
		}
		skip := ""
		if c.Undeliverable {
			skip = "undeliverable"
		} else {
			var n int
			// sqlx.In expands the IN (?) to one placeholder per kind.
			q, args, err := sqlx.In(t.q().CountNoMailEvents, c.ID, noMailEvents)
			if err != nil {
				return fmt.Errorf("survey %s: %w", c.Ref, err)
			}
			if err := t.tx.Get(&n, t.tx.Rebind(q), args...); err != nil {
				return fmt.Errorf("survey %s: %w", c.Ref, err)
			}
			if n > 0 {
				skip = "bounced or asked for no mail"
			}
		}
		if _, err := t.tx.Exec(t.q().InsertSurvey, c.ID, t.now.UTC(), skip); err != nil {
			return fmt.Errorf("survey %s: %w", c.Ref, err)
		}
		if skip != "" {
			t.event(c.ID, "survey-skipped", skip, false, 0)
			continue
		}
		if err := t.enter(c, onSurveyDay); err != nil {
			return err
		}
		if _, err := t.queueDue(c, today.After(day), letter{name: templates.Survey, key: "survey:" + c.Ref,
			to: []string{c.Email}, c: c, data: g.baseData(c, t.now)}); err != nil {
			return err
		}
	}
	return nil
}

// surveyReply takes a complainant's answer to the satisfaction question of
// a closed complaint: the score is recorded and nothing else happens — no
// letter, no relay, no objection. It reports false when the mail is not an
// answer (no question pending, or neither a reply to the question nor a
// readable score), so the closed-complaint handling goes on.
func (h *handling) surveyReply(c *Complaint) (bool, error) {
	var s []struct {
		Skipped string `db:"skipped"`
		Score   int    `db:"score"`
	}
	if err := h.tx.Select(&s, h.q().SurveyOf, c.ID); err != nil {
		return false, fmt.Errorf("survey reply %s: %w", c.Ref, err)
	}
	if len(s) == 0 || s[0].Skipped != "" {
		return false, nil
	}
	toSurvey := false
	for _, id := range append(append([]string{}, h.msg.InReplyTo...), h.msg.References...) {
		var n int
		if err := h.tx.Get(&n, h.q().CountSurveyLetters, id, c.ID, templates.Survey); err != nil {
			return false, fmt.Errorf("survey reply %s: %w", c.Ref, err)
		}
		if n > 0 {
			toSurvey = true
		}
	}
	text := h.text()
	score, ok := SurveyScore(text)
	if !toSurvey && (!ok || s[0].Score != 0 || len(text) > 500) {
		return false, nil
	}
	if err := h.enter(c, onSurveyAnswer); err != nil {
		return false, err
	}
	if asksNoMail(text) {
		h.event(c.ID, "no-mail", "the complainant asked not to be mailed (in reply to the satisfaction question)", false, h.row)
	}
	if !ok {
		h.event(c.ID, "survey-unreadable", "reply to the satisfaction question without a score", false, h.row)
		return true, nil
	}
	if s[0].Score != 0 {
		h.event(c.ID, "survey-again", fmt.Sprintf("score=%d ignored; the first answer (%d) counts", score, s[0].Score), false, h.row)
		return true, nil
	}
	if _, err := h.tx.Exec(h.q().AnswerSurvey, score, h.now.UTC(), c.ID); err != nil {
		return false, fmt.Errorf("survey reply %s: %w", c.Ref, err)
	}
	h.event(c.ID, "survey-answer", "score="+strconv.Itoa(score), false, h.row)
	return true, nil
}

var surveyDigitRe = regexp.MustCompile(`(?:^|[^\d,.])([1-5])(?:\s*(?:/|van|uit|out of|of)\s*5)?(?:$|[^\d,.])`)

// surveyWords are answers in words, longest first so that "zeer
// tevreden" is read before "tevreden" and "niet goed" before "goed".
var surveyWords = []struct {
	word  string
	score int
}{
	{"zeer ontevreden", 1}, {"heel ontevreden", 1}, {"zeer slecht", 1}, {"very dissatisfied", 1}, {"very poor", 1}, {"very bad", 1},
	{"zeer tevreden", 5}, {"heel tevreden", 5}, {"zeer goed", 5}, {"heel goed", 5}, {"very satisfied", 5}, {"very good", 5},
	{"niet tevreden", 2}, {"niet goed", 2}, {"not satisfied", 2}, {"dissatisfied", 2},
	{"ontevreden", 2}, {"uitstekend", 5}, {"excellent", 5}, {"perfect", 5},
	{"slecht", 1}, {"matig", 2}, {"poor", 2}, {"bad", 1},
	{"redelijk", 3}, {"neutraal", 3}, {"gaat wel", 3}, {"neutral", 3}, {"average", 3}, {"okay", 3}, {"ok", 3},
	{"tevreden", 4}, {"goed", 4}, {"prima", 4}, {"satisfied", 4}, {"good", 4},
}

var wordBoundary = func(r rune) bool { return !(r >= 'a' && r <= 'z' || r == '-') }

// SurveyScore reads a satisfaction answer from the first line of a reply
// that says something: a digit 1 to 5 ("4", "een 4", "4/5", "cijfer: 4")
// or words ("goed", "zeer tevreden", "slecht", "good"). ok is false when
// there is no score, or more than one digit (a phone number, a date).
func SurveyScore(text string) (score int, ok bool) {
	line := ""
	for l := range strings.SplitSeq(text, "\n") {
		if strings.TrimSpace(l) != "" {
			line = strings.TrimRight(strings.ToLower(strings.TrimSpace(l)), ".!?")
			break
		}
	}
	if line == "" {
		return 0, false
	}
	if ms := surveyDigitRe.FindAllStringSubmatch(line, -1); len(ms) == 1 {
		n, _ := strconv.Atoi(ms[0][1])
		return n, true
	} else if len(ms) > 1 {
		return 0, false
	}
	if strings.ContainsAny(line, "0123456789") {
		return 0, false // "10", "6": not on the scale
	}
	padded := " " + strings.Join(strings.FieldsFunc(line, wordBoundary), " ") + " "
	for _, w := range surveyWords {
		if strings.Contains(padded, " "+w.word+" ") {
			return w.score, true
		}
	}
	return 0, false
}

// asksNoMail: the answer asks us not to write again.
func asksNoMail(text string) bool {
	t := strings.ToLower(text)
	for _, s := range []string{"geen mail meer", "niet meer mailen", "geen e-mail meer", "uitschrijven", "unsubscribe", "do not email", "don't email", "no more email"} {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}
