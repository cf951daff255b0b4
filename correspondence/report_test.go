package correspondence

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ingressus/klachtd/correspondence/workdays"
	"github.com/ingressus/klachtd/templates"
)

// simComplaint is the test's own ledger of one complaint: what the test did
// to it and what the procedure's rules make of that, worked out here
// without reading the report's code.
type simComplaint struct {
	ref, company, email, category, handler string
	month                                  string
	intake                                 time.Time // day of the form
	incomplete                             bool      // the form lacked a valid phone number
	supplyAfter                            int       // working days after intake the complainant supplies it; -1 never
	complete                               time.Time // zero: never complete
	behave                                 string    // early, late, delay, never, withdraw
	actDay, delayDay, delayN               int       // working days after completion
	objectAfter                            int       // working days after the response; -1 none
	resolved                               bool

	end                     time.Time // (extended) term end as the rules give it
	autoDelays, handlerDels int
	responded, objected     time.Time
	meetingDay, recordDay   time.Time
	state                   string // open, responded, objection, closed, withdrawn, lapsed, incomplete
	lapseDay                time.Time
	ackDays                 int  // working days complete → acknowledgement; -1: failed
	ackLate                 bool // the outbox delivered it after the acknowledgement term
	surveyScore             int  // the answer the report must count; 0 none
	tagged                  bool
	closedDay, surveyDay    time.Time
	answer                  string // what the complainant will reply to the survey; "" never
	answerScore             int
}

func (s *simComplaint) letter(t testing.TB, e *env, kind string) outLetter {
	t.Helper()
	var l outLetter
	if err := e.store.db.Get(&l, `SELECT o.kind, o.rcpt, o.message_id, o.subject, o.raw, o.event_key FROM outbox o JOIN complaints c ON c.id = o.complaint_id
		WHERE c.ref = ? AND o.kind = ? ORDER BY o.id LIMIT 1`, s.ref, kind); err != nil {
		t.Fatalf("%s: no %s letter: %v", s.ref, kind, err)
	}
	return l
}

// TestReportOfASimulatedYear runs a year of complaints on a moved clock —
// incomplete forms completed or lapsed, handlers answering early, late, with
// a delay or never, withdrawals, objections with a conversation, answers to
// the satisfaction question — and
// checks every figure of the report against the test's own ledger. The
// CSV, the JSON and the HTML must say the same.
func TestReportOfASimulatedYear(t *testing.T) {
	if testing.Short() {
		t.Skip("the simulated year takes a while; run without -short")
	}
	rng := rand.New(rand.NewSource(16))
	dir := t.TempDir()
	if shm, err := os.MkdirTemp("/dev/shm", "klachtd-report-"); err == nil {
		dir = shm
		t.Cleanup(func() { os.RemoveAll(shm) })
	}
	set := testSettings()
	set.Survey = SurveySettings{Enabled: true, AfterWorkdays: 3}
	e := newEnvAt(t, filepath.Join(dir, "report.db"), at(2026, 1, 2, 9, 0), set)
	cal := e.g.cal
	cats := DefaultCategories()
	companies := make([]string, 70)
	for i := range companies {
		companies[i] = fmt.Sprintf("Bedrijf %02d B.V.", i)
	}
	companies[3] = "Café Hé & Zonen" // non-ASCII reaches every rendering
	var sims []*simComplaint
	byRef := map[string]*simComplaint{}
	n := 0
	manager := "directie@ingressus.nl"
	day := workdays.Date(2026, 1, 5)
	last := workdays.Date(2027, 2, 26)
	lastIntake := workdays.Date(2026, 12, 31)
	openDays := func(s *simComplaint, d time.Time) int { return cal.Between(s.complete, d) }
	// autoDelay applies the scheduler's rule for the ledger: on the last
	// allowed day with no response, +10 working days.
	autoDelay := func(d time.Time) {
		for _, s := range sims {
			for s.state == "open" && !d.Before(cal.Add(s.end, -2)) {
				s.end = cal.Add(s.end, 10)
				s.autoDelays++
			}
		}
	}
	runDue := func(at time.Time, d time.Time) {
		e.clk.set(at)
		autoDelay(d)
		for _, s := range sims {
			switch s.state {
			case "responded":
				if d.After(cal.Add(s.responded, 10)) {
					s.state, s.closedDay = "closed", d
				}
			case "incomplete":
				if d.After(s.lapseDay) {
					s.state = "lapsed"
				}
			}
		}
		// The satisfaction question: 3 working days after closing, at the
		// first run on or after that day.
		for _, s := range sims {
			if !s.closedDay.IsZero() && s.surveyDay.IsZero() && !d.Before(cal.Add(s.closedDay, 3)) {
				s.surveyDay = d
			}
		}
		if _, err := e.g.RunDue(context.Background(), at); err != nil {
			t.Fatal(err)
		}
	}
	answers := []struct {
		text  string
		score int
	}{{"4", 4}, {"Een 5.", 5}, {"goed\nDank u.", 4}, {"slecht, het duurde te lang", 1}, {"redelijk", 3}, {"2/5", 2}, {"Zeer tevreden!", 5}}
	for !day.After(last) {
		runDue(day.Add(9*time.Hour), day)
		if cal.IsWorkday(day) && !day.After(lastIntake) {
			forms := 1
			if day.Weekday() == time.Monday || rng.Intn(3) == 0 {
				forms = 2
			}
			for i := 0; i < forms; i++ {
				n++
				s := &simComplaint{ref: fmt.Sprintf("KL-2026-%04d", n), company: companies[int(float64(len(companies))*rng.Float64()*rng.Float64())],
					email: fmt.Sprintf("klant%d@example.com", n), intake: day, month: day.Format("2006-01"), supplyAfter: -1, objectAfter: -1, ackDays: 0}
				if rng.Intn(10) < 8 {
					s.category = cats[rng.Intn(len(cats))]
				}
				phone := "010-1234567"
				if rng.Intn(9) == 0 {
					s.incomplete, phone = true, "0612"
					if rng.Intn(5) < 3 {
						s.supplyAfter = 1 + rng.Intn(6)
					}
				}
				switch r := rng.Intn(20); {
				case r < 9:
					s.behave, s.actDay = "early", 2+rng.Intn(14)
				case r < 12:
					s.behave, s.actDay = "late", 19+rng.Intn(6)
				case r < 16:
					s.behave, s.delayDay, s.delayN = "delay", 4+rng.Intn(10), 3+rng.Intn(8)
					s.actDay = s.delayDay + s.delayN + rng.Intn(3)
				case r < 18:
					s.behave, s.actDay = "withdraw", 3+rng.Intn(8)
				default:
					s.behave = "never"
				}
				if rng.Intn(7) == 0 {
					s.objectAfter, s.resolved = 2+rng.Intn(6), rng.Intn(5) < 3
				}
				if rng.Intn(5) < 3 {
					a := answers[rng.Intn(len(answers))]
					s.answer, s.answerScore = a.text, a.score
				}
				e.clk.set(day.Add(9*time.Hour + time.Duration(i)*time.Minute))
				raw := strings.ReplaceAll(form("rep"+strconv.Itoa(n), phone), "sanne@bakkerijvandijk.nl", s.email)
				raw = strings.ReplaceAll(raw, "Bakkerij Van Dijk B.V.", s.company)
				e.deliver(raw)
				c := e.complaint(s.ref)
				s.handler = c.Handler
				if s.incomplete {
					s.state = "incomplete"
					s.lapseDay = cal.Add(day, 20)
				} else {
					s.state, s.complete, s.end = "open", day, cal.Add(day, 20)
				}
				sims = append(sims, s)
				byRef[s.ref] = s
			}
		}
		afternoon := day.Add(14 * time.Hour)
		e.clk.set(afternoon)
		for _, s := range sims {
			if !cal.IsWorkday(day) {
				break
			}
			switch {
			case s.state == "incomplete" && s.supplyAfter >= 0 && cal.Between(s.intake, day) == s.supplyAfter:
				e.deliver(reply(s.email, s.letter(t, e, templates.CompletionRequest), "Telefoonnummer: 010-7654321"))
				s.state, s.complete, s.end = "open", day, cal.Add(day, 20)
			case s.state == "open" && s.category != "" && !s.tagged:
				// The same afternoon for a complete form, the next for one
				// completed by a reply: always before any other action.
				e.deliver(reply(s.handler, s.letter(t, e, templates.HandlerNew), "#categorie "+s.category))
				s.tagged = true
			case s.state == "open" && s.behave == "delay" && openDays(s, day) == s.delayDay:
				e.deliver(reply(s.handler, s.letter(t, e, templates.HandlerNew), fmt.Sprintf("#vertraging %d wij wachten op de leverancier", s.delayN)))
				s.end = cal.Add(s.end, s.delayN)
				s.handlerDels++
			case s.state == "open" && s.behave == "withdraw" && openDays(s, day) == s.actDay:
				e.deliver(reply(s.handler, s.letter(t, e, templates.HandlerNew), "#ingetrokken de klant trekt de klacht in"))
				s.state, s.closedDay = "withdrawn", day
			case s.state == "open" && s.behave != "never" && s.behave != "withdraw" && openDays(s, day) == s.actDay:
				e.deliver(reply(s.handler, s.letter(t, e, templates.HandlerNew), "#reactie\nOnze inhoudelijke reactie."))
				s.state, s.responded = "responded", day
			case s.state == "responded" && s.objectAfter >= 0 && cal.Between(s.responded, day) == s.objectAfter:
				e.deliver(reply(s.email, s.letter(t, e, templates.ObjectionDeadline), "Ik ben het er niet mee eens en maak bezwaar."))
				s.state, s.objected = "objection", day
			case s.state == "objection" && s.meetingDay.IsZero() && cal.Between(s.objected, day) == 2:
				e.deliver(reply(manager, s.letter(t, e, templates.ObjectionDossier), "#gesprek "+cal.Add(day, 3).Format("02-01-2006")+" 10:00 Kantoor Rotterdam"))
				s.meetingDay = day
			case s.state == "objection" && !s.meetingDay.IsZero() && cal.Between(s.meetingDay, day) == 4:
				outcome := "opgelost"
				if !s.resolved {
					outcome = "onopgelost"
				}
				e.deliver(reply(manager, s.letter(t, e, templates.ObjectionDossier), "#verslag "+outcome+"\nWij hebben gesproken."))
				s.state, s.recordDay, s.closedDay = "closed", day, day
			case !s.surveyDay.IsZero() && s.answer != "" && s.surveyScore == 0 && cal.Between(s.surveyDay, day) == 1:
				e.deliver(reply(s.email, s.letter(t, e, templates.Survey), s.answer))
				s.surveyScore = s.answerScore
			}
		}
		runDue(afternoon, day)
		day = day.AddDate(0, 0, 1)
	}
	// The outbox as a slow or failing server would leave it: most
	// acknowledgements sent at once, some days too late, one undeliverable,
	// the rest still queued (they count from when they were queued).
	for _, s := range sims {
		if s.complete.IsZero() {
			continue
		}
		switch r := rng.Intn(40); {
		case r == 0:
			s.ackDays = -1
			mustExec(t, e, `UPDATE outbox SET state = 'failed' WHERE kind = 'acknowledgement' AND complaint_id = (SELECT id FROM complaints WHERE ref = ?)`, s.ref)
		case r < 4:
			s.ackDays, s.ackLate = 6+rng.Intn(3), true
			mustExec(t, e, `UPDATE outbox SET state = 'sent', sent_at = ? WHERE kind = 'acknowledgement' AND complaint_id = (SELECT id FROM complaints WHERE ref = ?)`,
				cal.Add(s.complete, s.ackDays).Add(11*time.Hour).UTC(), s.ref)
		case r < 25:
			mustExec(t, e, `UPDATE outbox SET state = 'sent', sent_at = datetime(created_at, '+2 minutes') WHERE kind = 'acknowledgement' AND complaint_id = (SELECT id FROM complaints WHERE ref = ?)`, s.ref)
		}
	}

	ctx := context.Background()
	r, err := e.g.BuildReport(ctx, workdays.Date(2026, 1, 1), workdays.Date(2026, 12, 31))
	if err != nil {
		t.Fatal(err)
	}
	today := cal.Day(e.clk.now())
	checkFigures(t, "total", r.Total.Figures, expectFigures(cal, sims, today))
	if len(r.Months) != 12 {
		t.Fatalf("months = %d, want 12", len(r.Months))
	}
	for i, m := range r.Months {
		key := fmt.Sprintf("2026-%02d", i+1)
		if m.Key != key {
			t.Errorf("month %d key %q, want %q", i, m.Key, key)
		}
		checkFigures(t, "month "+key, m.Figures, expectFigures(cal, filterSims(sims, func(s *simComplaint) bool { return s.month == key }), today))
	}
	wantCats := append(append([]string{}, cats...), "")
	if len(r.Categories) != len(wantCats) {
		t.Fatalf("categories = %d rows, want %d", len(r.Categories), len(wantCats))
	}
	for i, row := range r.Categories {
		if row.Key != wantCats[i] {
			t.Errorf("category row %d = %q, want %q", i, row.Key, wantCats[i])
		}
		checkFigures(t, "category "+row.Key, row.Figures, expectFigures(cal, filterSims(sims, func(s *simComplaint) bool {
			return s.category == row.Key && !s.complete.IsZero() || row.Key == "" && s.complete.IsZero()
		}), today))
	}
	if len(r.Handlers) < 2 {
		t.Fatalf("handlers = %+v", r.Handlers)
	}
	for _, row := range r.Handlers {
		checkFigures(t, "handler "+row.Key, row.Figures, expectFigures(cal, filterSims(sims, func(s *simComplaint) bool { return s.handler == row.Key }), today))
	}
	// Delay reasons: the handlers' and the gateway's own.
	wantReasons := map[string]int{}
	for _, s := range sims {
		wantReasons["wij wachten op de leverancier"] += s.handlerDels
		wantReasons[e.g.set.DefaultDelayNL] += s.autoDelays
	}
	gotReasons := map[string]int{}
	for _, d := range r.DelayReasons {
		gotReasons[d.Reason] = d.Count
	}
	if fmt.Sprint(gotReasons) != fmt.Sprint(wantReasons) {
		t.Errorf("delay reasons = %v, want %v", gotReasons, wantReasons)
	}
	if len(r.MissedTerms) != 0 {
		t.Errorf("missed terms = %+v; the procedure allows none", r.MissedTerms)
	}
	// Companies with more than one complaint.
	count := map[string][]string{}
	for _, s := range sims {
		count[s.company] = append(count[s.company], s.ref)
	}
	wantCompanies := map[string]int{}
	for c, refs := range count {
		if len(refs) > 1 {
			wantCompanies[c] = len(refs)
		}
	}
	gotCompanies := map[string]int{}
	for i, c := range r.Companies {
		gotCompanies[c.Company] = c.Count
		if len(c.Refs) != c.Count || i > 0 && c.Count > r.Companies[i-1].Count {
			t.Errorf("company %+v: refs or order wrong", c)
		}
	}
	if fmt.Sprint(gotCompanies) != fmt.Sprint(wantCompanies) {
		t.Errorf("repeat companies = %v\nwant %v", gotCompanies, wantCompanies)
	}
	// Handling-time distribution.
	wantBuckets := make([]int, HandlingBucketMax/HandlingBucketWidth+1)
	for _, s := range sims {
		if s.responded.IsZero() {
			continue
		}
		d := cal.Between(s.complete, s.responded)
		switch {
		case d > HandlingBucketMax:
			wantBuckets[len(wantBuckets)-1]++
		case d <= HandlingBucketWidth:
			wantBuckets[0]++
		default:
			wantBuckets[(d-1)/HandlingBucketWidth]++
		}
	}
	for i, b := range r.Handling {
		if b.Count != wantBuckets[i] {
			t.Errorf("handling bucket %s = %d, want %d", b.Label, b.Count, wantBuckets[i])
		}
	}
	// The month × category matrix adds up to the months and the categories.
	for i, row := range r.MonthByCategory {
		sum := 0
		for _, v := range row {
			sum += v
		}
		if sum != r.Months[i].Received {
			t.Errorf("month %s: matrix row sums to %d, received %d", r.Months[i].Key, sum, r.Months[i].Received)
		}
	}
	checkRenderingsAgree(t, e.g, r)
	if dir := os.Getenv("KLACHTD_REPORT_DIR"); dir != "" { // to look at: go test -run ReportOfASimulatedYear
		l, _ := e.g.RenderReport(r)
		os.WriteFile(filepath.Join(dir, "report.html"), []byte(templates.WithDataURIs(l.HTML, l.Inline)), 0o644)
		pdf, err := e.g.ReportPDF(r)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "report.pdf"), pdf, 0o644)
		var cb bytes.Buffer
		r.WriteCSV(&cb)
		os.WriteFile(filepath.Join(dir, "report.csv"), cb.Bytes(), 0o644)
		for _, c := range r.Charts {
			name, _, _ := strings.Cut(c.CID, "@")
			os.WriteFile(filepath.Join(dir, name+".png"), c.PNG, 0o644)
		}
	}
	t.Logf("report: %d complaints, %d responses (%.1f%% on time), %d delays, %d objections, %d conversations, %d withdrawn, %d lapsed, %d surveys, %d answers (mean %.2f)",
		r.Total.Received, r.Total.Responses, r.Total.OnTimePercent, r.Total.Delays, r.Total.Objections, r.Total.Conversations, r.Total.Withdrawn, r.Total.Lapsed,
		r.Total.SurveySent, r.Total.SurveyAnswers, r.Total.SurveyMean)
	var wantScores [5]int
	for _, s := range sims {
		if s.surveyScore > 0 {
			wantScores[s.surveyScore-1]++
		}
	}
	if r.SurveyScores != wantScores {
		t.Errorf("survey scores = %v, want %v", r.SurveyScores, wantScores)
	}
	if r.Total.SurveyAnswers == 0 || r.Total.Objections == 0 || r.Total.Withdrawn == 0 || r.Total.Lapsed == 0 || r.Total.AutoDelays == 0 || r.Total.Unresolved == 0 || r.Total.AckWithin == r.Total.Complete {
		t.Errorf("the simulated year does not exercise every figure: %+v", r.Total.Figures)
	}
}

func mustExec(t testing.TB, e *env, q string, args ...any) {
	t.Helper()
	if _, err := e.store.db.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

func filterSims(sims []*simComplaint, keep func(*simComplaint) bool) []*simComplaint {
	var out []*simComplaint
	for _, s := range sims {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

// expectFigures is the report's arithmetic done again from the ledger.
func expectFigures(cal *workdays.Calendar, sims []*simComplaint, today time.Time) templates.Figures {
	var f templates.Figures
	var handling, ack []int
	score := 0
	for _, s := range sims {
		f.Received++
		switch s.state {
		case "incomplete":
			f.Incomplete++
		case "lapsed":
			f.Lapsed++
		case "withdrawn":
			f.Withdrawn++
		case "closed":
			f.Closed++
		}
		if s.complete.IsZero() {
			continue
		}
		f.Complete++
		if s.ackDays >= 0 {
			if !s.ackLate {
				f.AckWithin++
			}
			ack = append(ack, s.ackDays)
		}
		if !s.responded.IsZero() {
			f.Responses++
			if !s.responded.After(s.end) {
				f.OnTime++
			} else {
				f.TermsMissed++
			}
			handling = append(handling, cal.Between(s.complete, s.responded))
		} else if s.state == "open" && today.After(s.end) {
			f.TermsMissed++
		}
		f.Delays += s.autoDelays + s.handlerDels
		f.AutoDelays += s.autoDelays
		if !s.objected.IsZero() {
			f.Objections++
		}
		if !s.recordDay.IsZero() {
			f.Conversations++
			if s.resolved {
				f.Resolved++
			} else {
				f.Unresolved++
			}
		}
		if !s.surveyDay.IsZero() {
			f.SurveySent++
		}
		if s.surveyScore != 0 {
			f.SurveyAnswers++
			score += s.surveyScore
		}
	}
	pct := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) * 100 / float64(b)
	}
	f.AckWithinPercent = pct(f.AckWithin, f.Complete)
	f.OnTimePercent = pct(f.OnTime, f.Responses)
	f.ObjectionsPercent = pct(f.Objections, f.Responses)
	f.HandlingMedian = quantile(handling, 0.5)
	f.HandlingP90 = quantile(handling, 0.9)
	f.AckMedian = quantile(ack, 0.5)
	if f.SurveyAnswers > 0 {
		f.SurveyMean = float64(score) / float64(f.SurveyAnswers)
	}
	return f
}

// quantile with linear interpolation between the closest ranks (the
// definition the report documents).
func quantile(v []int, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]int(nil), v...)
	sort.Ints(s)
	pos := q * float64(len(s)-1)
	i := int(pos)
	if i == len(s)-1 {
		return float64(s[i])
	}
	return float64(s[i]) + (pos-float64(i))*float64(s[i+1]-s[i])
}

func checkFigures(t *testing.T, what string, got, want templates.Figures) {
	t.Helper()
	if got != want {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("%s figures:\n got %s\nwant %s", what, g, w)
	}
}

var htmlRowRe = regexp.MustCompile(`<tr><td style="[^"]*">([^<]*)</td>((?:<td align="right" style="[^"]*">[^<]*</td>){7})</tr>`)
var htmlCellRe = regexp.MustCompile(`<td align="right" style="[^"]*">([^<]*)</td>`)

// checkRenderingsAgree: the JSON decodes to the same report, every CSV row
// is the report's row, and the HTML tables show the CSV's numbers.
func checkRenderingsAgree(t *testing.T, g *Gateway, r *templates.ReportData) {
	t.Helper()
	var jb bytes.Buffer
	if err := r.WriteJSON(&jb); err != nil {
		t.Fatal(err)
	}
	var back templates.ReportData
	if err := json.Unmarshal(jb.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Total != r.Total || len(back.Months) != len(r.Months) || len(back.Categories) != len(r.Categories) || len(back.Handlers) != len(r.Handlers) {
		t.Errorf("JSON does not round-trip the figures")
	}
	for i := range r.Months {
		if back.Months[i] != r.Months[i] {
			t.Errorf("JSON month %d = %+v, want %+v", i, back.Months[i], r.Months[i])
		}
	}
	var cb bytes.Buffer
	if err := r.WriteCSV(&cb); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&cb).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 + 1 + len(r.Months) + len(r.Categories) + len(r.Handlers); len(recs) != want {
		t.Fatalf("CSV rows = %d, want %d", len(recs), want)
	}
	csvByLabel := map[string][]string{}
	for _, rec := range recs[1:] {
		csvByLabel[rec[0]+"/"+rec[2]] = rec
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	// JSON and CSV agree field by field on the total.
	var total map[string]any
	var raw map[string]json.RawMessage
	json.Unmarshal(jb.Bytes(), &raw)
	json.Unmarshal(raw["total"], &total)
	for name, i := range col {
		if i < 3 {
			continue
		}
		v, ok := total[name]
		if !ok {
			t.Errorf("CSV column %s is not in the JSON", name)
			continue
		}
		if got := strconv.FormatFloat(v.(float64), 'f', 1, 64); strings.TrimSuffix(got, ".0") != strings.TrimSuffix(recs[1][i], ".0") {
			t.Errorf("total %s: JSON %s, CSV %s", name, got, recs[1][i])
		}
	}
	if err := g.DrawReportCharts(r); err != nil {
		t.Fatal(err)
	}
	l, err := g.RenderReport(r)
	if err != nil {
		t.Fatal(err)
	}
	rows := htmlRowRe.FindAllStringSubmatch(l.HTML, -1)
	if want := len(r.Months) + len(r.Categories) + len(r.Handlers); len(rows) != want {
		t.Fatalf("HTML figure rows = %d, want %d", len(rows), want)
	}
	groups := []string{}
	for range r.Months {
		groups = append(groups, "month")
	}
	for range r.Categories {
		groups = append(groups, "category")
	}
	for range r.Handlers {
		groups = append(groups, "handler")
	}
	for i, row := range rows {
		rec, ok := csvByLabel[groups[i]+"/"+htmlUnescape(row[1])]
		if !ok {
			t.Errorf("HTML row %q has no CSV row", row[1])
			continue
		}
		cells := htmlCellRe.FindAllStringSubmatch(row[2], -1)
		for j, name := range []string{"received", "complete", "responses", "on_time_percent", "delays", "objections", "handling_median_workdays"} {
			h := strings.TrimSuffix(strings.TrimSuffix(cells[j][1], "%"), ",0")
			c := strings.TrimSuffix(strings.ReplaceAll(rec[col[name]], ".", ","), ",0")
			if h != c {
				t.Errorf("%s %s: HTML %s, CSV %s", groups[i], row[1], cells[j][1], rec[col[name]])
			}
		}
	}
	for _, c := range r.Charts {
		if !strings.Contains(l.HTML, `src="cid:`+c.CID+`"`) {
			t.Errorf("HTML does not show chart %s", c.CID)
		}
	}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#39;", "'", "&quot;", `"`, "&lt;", "<", "&gt;", ">").Replace(s)
}

// TestReportListsMissedTerms: with the scheduler down (no automatic delay),
// a response after the term and a term passed without one are each listed.
func TestReportListsMissedTerms(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("m1", "010-1234567"))
	e.deliver(strings.ReplaceAll(form("m2", "010-1234567"), "sanne@bakkerijvandijk.nl", "piet@example.com"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, note, "#categorie kwaliteit"))
	e.clk.set(at(2026, 12, 29, 14, 0)) // the term ended on 21 December
	e.deliver(reply(c.Handler, note, "#reactie\nExcuses voor het late antwoord."))
	r, err := e.g.BuildReport(context.Background(), workdays.Date(2026, 11, 1), workdays.Date(2026, 11, 30))
	if err != nil {
		t.Fatal(err)
	}
	if r.Total.TermsMissed != 2 || r.Total.OnTime != 0 || r.Total.Responses != 1 || len(r.MissedTerms) != 2 {
		t.Fatalf("missed %d, on time %d, responses %d, listed %+v", r.Total.TermsMissed, r.Total.OnTime, r.Total.Responses, r.MissedTerms)
	}
	m := r.MissedTerms[0]
	if m.Ref != "KL-2026-0001" || m.Category != "kwaliteit" || fmtDay(m.TermEnd) != "2026-12-21" || fmtDay(m.Responded) != "2026-12-29" {
		t.Errorf("first missed term = %+v", m)
	}
	if !r.MissedTerms[1].Responded.IsZero() {
		t.Errorf("second missed term has a response: %+v", r.MissedTerms[1])
	}
	if len(r.Companies) != 1 || r.Companies[0].Count != 2 {
		t.Errorf("companies = %+v, want Bakkerij Van Dijk twice", r.Companies)
	}
	l, err := e.g.RenderReport(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"KL-2026-0001</strong> (kwaliteit", "reactie op 29 december 2026", "nog geen reactie", "Dit mag volgens de procedure nooit gebeuren"} {
		if !strings.Contains(l.HTML, want) {
			t.Errorf("report HTML lacks %q", want)
		}
	}
	if !strings.Contains(l.Text, "! KL-2026-0001 (kwaliteit") {
		t.Errorf("report text does not list the missed term:\n%s", l.Text)
	}
}

// TestReportMailHasInlineCharts queues the report to management: the charts
// are related parts with the Content-IDs the HTML refers to, and the CSV,
// JSON and PDF are attached.
func TestReportMailHasInlineCharts(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("mail", "010-1234567"))
	r, err := e.g.BuildReport(context.Background(), workdays.Date(2026, 1, 1), workdays.Date(2026, 12, 31))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := e.g.QueueReport(context.Background(), "report:test", r, true); err != nil || !ok {
		t.Fatalf("QueueReport = %v, %v", ok, err)
	}
	if ok, _ := e.g.QueueReport(context.Background(), "report:test", r, true); ok {
		t.Error("the same report key queued twice")
	}
	ls := e.lettersOf(templates.Report)
	if len(ls) != 1 || ls[0].Rcpt != "directie@ingressus.nl" {
		t.Fatalf("report letters = %+v", ls)
	}
	raw := string(ls[0].Raw)
	for _, want := range []string{"multipart/related", "Content-ID: <chart-per-month@klachtd>", "Content-ID: <chart-on-time@klachtd>",
		"Content-ID: <chart-handling@klachtd>", `cid:chart-per-month@klachtd`, "klachtenrapportage-2026-01-01-2026-12-31.csv",
		"klachtenrapportage-2026-01-01-2026-12-31.json", "klachtenrapportage-2026-01-01-2026-12-31.pdf", "image/png"} {
		if !strings.Contains(ls[0].text(), want) && !strings.Contains(raw, want) {
			t.Errorf("report mail lacks %q", want)
		}
	}
}

// TestReportSurvivesErasure: after the retention erasure of every
// complaint every figure stays; only the repeat companies and the delay
// reasons' text are no longer known.
func TestReportSurvivesErasure(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("er1", "010-1234567"))
	e.deliver(strings.ReplaceAll(form("er2", "0612"), "sanne@bakkerijvandijk.nl", "piet@example.com"))
	e.deliver(strings.ReplaceAll(form("er3", "010-1234567"), "sanne@bakkerijvandijk.nl", "kees@example.com"))
	c := e.complaint("KL-2026-0001")
	note := e.lettersOf(templates.HandlerNew)[0]
	e.deliver(reply(c.Handler, note, "#categorie levering"))
	e.deliver(reply(c.Handler, note, "#vertraging 4 wij wachten op de vervoerder"))
	e.clk.set(at(2026, 11, 27, 14, 0))
	e.deliver(reply(c.Handler, note, "#reactie\nWij crediteren alles."))
	e.deliver(reply(c.Email, e.lettersOf(templates.ObjectionDeadline)[0], "Ik maak bezwaar."))
	e.deliver(reply("directie@ingressus.nl", e.lettersOf(templates.ObjectionDossier)[0], "#gesprek 30-11-2026 10:00 Kantoor Rotterdam"))
	e.clk.set(at(2026, 11, 30, 11, 0)) // a record follows the conversation (review F1 #3)
	e.deliver(reply("directie@ingressus.nl", e.lettersOf(templates.ObjectionDossier)[0], "#verslag onopgelost\nGeen overeenstemming."))
	before, err := e.g.BuildReport(context.Background(), workdays.Date(2026, 11, 1), workdays.Date(2026, 11, 30))
	if err != nil {
		t.Fatal(err)
	}
	if before.Total.Unresolved != 1 || before.Total.Delays != 1 || len(before.Companies) != 1 {
		t.Fatalf("before erasure: %+v, companies %+v", before.Total.Figures, before.Companies)
	}
	// The outbox delivered long before the term passed (the erasure fails
	// a letter still queued); then the retention erasure itself (erase.go).
	mustExec(t, e, `UPDATE outbox SET state = 'sent', sent_at = created_at`)
	for _, ref := range []string{"KL-2026-0001", "KL-2026-0002", "KL-2026-0003"} {
		if _, err := e.g.EraseComplaint(context.Background(), e.complaint(ref), EraseRetention, true, false); err != nil {
			t.Fatalf("erase %s: %v", ref, err)
		}
	}
	after, err := e.g.BuildReport(context.Background(), workdays.Date(2026, 11, 1), workdays.Date(2026, 11, 30))
	if err != nil {
		t.Fatal(err)
	}
	if after.Total != before.Total || fmt.Sprint(after.Categories) != fmt.Sprint(before.Categories) {
		t.Errorf("erasure changed the figures:\nbefore %+v\nafter  %+v", before.Total, after.Total)
	}
	// The delay's reason is text, erased with the rest: still counted.
	if len(after.DelayReasons) != 1 || after.DelayReasons[0].Reason != "" || after.DelayReasons[0].Count != 1 {
		t.Errorf("delay reasons after erasure = %+v, want one with its reason erased", after.DelayReasons)
	}
	if len(after.Companies) != 0 {
		t.Errorf("companies after erasure = %+v", after.Companies)
	}
}
