package correspondence

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/ingressus/klachtd/templates"
)

// The report reads only what a complaint keeps after the retention erasure:
// its dates, state, terms, handler and category, the kinds and details of
// its procedure events (delay, objection, the finishing event), the times
// and states of its acknowledgement in the outbox, and the survey score.
// The company name is used for "companies with more than one complaint"
// only while it is still there.

// reportFact is one complaint as the report counts it.
type reportFact struct {
	c          Complaint
	month      string // YYYY-MM of receipt, Amsterdam time
	category   string
	withdrawn  bool
	record     bool // conversation recorded (#verslag)
	resolved   bool
	objection  bool
	delays     int
	autoDelays int
	reasons    []string  // of the delays
	ackAt      time.Time // acknowledgement sent (or queued, while queued); zero: none
	ackFailed  bool
	surveySent bool
	score      int
}

// UncategorisedLabel is the label of the complaints without a category in
// the report, per language.
var UncategorisedLabel = map[string]string{"nl": "geen categorie", "en": "no category"}

// BuildReport computes the complaints report for the complaints received
// on the days from to to (inclusive, Amsterdam time). Every figure is
// computed once here; HTML, CSV, JSON and PDF render this one value.
func (g *Gateway) BuildReport(ctx context.Context, from, to time.Time) (*templates.ReportData, error) {
	from, to = g.cal.Day(from), g.cal.Day(to)
	if to.Before(from) {
		return nil, fmt.Errorf("report: --to %s is before --from %s", fmtDay(to), fmtDay(from))
	}
	now := g.now()
	facts, err := g.reportFacts(ctx, from, to.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	lang := templates.Lang(g.set.Lang)
	r := &templates.ReportData{From: from, To: to, Made: now, AckDays: g.set.AckDays}
	today := g.cal.Day(now)
	r.Total = templates.ReportRow{Key: "total", Label: map[string]string{"nl": "Totaal", "en": "Total"}[lang],
		Figures: g.figures(facts, today)}

	// Months: every month of the period, also the empty ones.
	byMonth := map[string][]*reportFact{}
	for _, f := range facts {
		byMonth[f.month] = append(byMonth[f.month], f)
	}
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, from.Location()); !m.After(to); m = m.AddDate(0, 1, 0) {
		key := m.Format("2006-01")
		r.Months = append(r.Months, templates.ReportRow{Key: key,
			Label: fmt.Sprintf("%s %d", templates.MonthName(lang, m.Month()), m.Year()), Figures: g.figures(byMonth[key], today)})
	}

	// Categories: the configured ones in their order, then any other still
	// found (a category taken off the list), then the untagged.
	byCat := map[string][]*reportFact{}
	for _, f := range facts {
		byCat[f.category] = append(byCat[f.category], f)
	}
	var cats []string
	known := map[string]bool{}
	for _, c := range g.set.Categories {
		cats = append(cats, c)
		known[c] = true
	}
	var other []string
	for c := range byCat {
		if c != "" && !known[c] {
			other = append(other, c)
		}
	}
	sort.Strings(other)
	cats = append(append(cats, other...), "")
	for _, c := range cats {
		label := c
		if c == "" {
			label = UncategorisedLabel[lang]
			if len(byCat[""]) == 0 {
				continue
			}
		}
		r.Categories = append(r.Categories, templates.ReportRow{Key: c, Label: label, Figures: g.figures(byCat[c], today)})
	}

	catIndex := map[string]int{}
	for j, row := range r.Categories {
		catIndex[row.Key] = j
	}
	monthIndex := map[string]int{}
	r.MonthByCategory = make([][]int, len(r.Months))
	for i, row := range r.Months {
		monthIndex[row.Key] = i
		r.MonthByCategory[i] = make([]int, len(r.Categories))
	}
	for _, f := range facts {
		if i, ok := monthIndex[f.month]; ok {
			r.MonthByCategory[i][catIndex[f.category]]++
		}
	}

	// Handlers, by name.
	byHandler := map[string][]*reportFact{}
	for _, f := range facts {
		byHandler[f.c.Handler] = append(byHandler[f.c.Handler], f)
	}
	for h, fs := range byHandler {
		label := h
		if p, ok := g.set.handler(h); ok {
			label = p.Name
		}
		if label == "" {
			label = map[string]string{"nl": "(nog niet toegewezen)", "en": "(not assigned yet)"}[lang]
		}
		r.Handlers = append(r.Handlers, templates.ReportRow{Key: h, Label: label, Figures: g.figures(fs, today)})
	}
	sort.Slice(r.Handlers, func(i, j int) bool { return r.Handlers[i].Label < r.Handlers[j].Label })

	reportDelayReasons(r, facts)
	for _, f := range facts {
		if missed, responded := g.termMissed(&f.c, today); missed {
			handler := f.c.Handler
			if p, ok := g.set.handler(handler); ok {
				handler = p.Name
			}
			r.MissedTerms = append(r.MissedTerms, templates.MissedTerm{Ref: f.c.Ref, Category: f.category,
				Handler: handler, TermEnd: g.day(f.c.TermEnd), Responded: responded})
		}
	}
	r.Companies = repeatCompanies(facts)
	r.Handling = handlingBuckets(g, facts)
	for _, f := range facts {
		if f.score >= 1 && f.score <= 5 {
			r.SurveyScores[f.score-1]++
		}
	}
	return r, nil
}

// reportFacts reads the complaints received in [from, until) with what the
// report needs of each.
func (g *Gateway) reportFacts(ctx context.Context, from, until time.Time) ([]*reportFact, error) {
	var cs []Complaint
	if err := g.store.db.SelectContext(ctx, &cs, g.store.q.ReportComplaints, from.UTC(), until.UTC()); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	cats, err := g.categories(ctx)
	if err != nil {
		return nil, err
	}
	facts := make([]*reportFact, 0, len(cs))
	byID := map[int64]*reportFact{}
	for _, c := range cs {
		f := &reportFact{c: c, month: c.ReceivedAt.In(g.cal.Location()).Format("2006-01"), category: cats[c.ID]}
		facts = append(facts, f)
		byID[c.ID] = f
	}
	if len(facts) == 0 {
		return facts, nil
	}
	lo, hi := cs[0].ID, cs[len(cs)-1].ID
	var evs []struct {
		ID     int64  `db:"complaint_id"`
		Kind   string `db:"kind"`
		Detail string `db:"detail"`
	}
	if err := g.store.db.SelectContext(ctx, &evs, g.store.q.ReportEvents, lo, hi); err != nil {
		return nil, fmt.Errorf("report events: %w", err)
	}
	for _, e := range evs {
		f := byID[e.ID]
		if f == nil {
			continue
		}
		switch e.Kind {
		case "delay":
			f.delays++
			f.reasons = append(f.reasons, delayReason(e.Detail))
		case "automatic-delay":
			// Its own event kind, so the count survives the erasure of
			// the delay event's text.
			f.autoDelays++
		case "objection":
			f.objection = true
		case StateClosed:
			// Complaints finished before complaint_outcome existed: the
			// finishing event's text says how (while it is not erased).
			f.setOutcome(outcomeOf(e.Kind, e.Detail))
		}
	}
	var outcomes []struct {
		ID      int64  `db:"complaint_id"`
		Outcome string `db:"outcome"`
	}
	if err := g.store.db.SelectContext(ctx, &outcomes, g.store.q.ReportOutcomes, lo, hi); err != nil {
		return nil, fmt.Errorf("report outcomes: %w", err)
	}
	for _, o := range outcomes {
		if f := byID[o.ID]; f != nil {
			f.setOutcome(o.Outcome)
		}
	}
	var acks []struct {
		ID      int64      `db:"complaint_id"`
		State   string     `db:"state"`
		Created time.Time  `db:"created_at"`
		Sent    *time.Time `db:"sent_at"`
	}
	if err := g.store.db.SelectContext(ctx, &acks, g.store.q.ReportAcks, templates.Acknowledgement, lo, hi); err != nil {
		return nil, fmt.Errorf("report acknowledgements: %w", err)
	}
	for _, a := range acks {
		f := byID[a.ID]
		if f == nil || !f.ackAt.IsZero() || f.ackFailed {
			continue
		}
		switch {
		case a.State == "failed":
			f.ackFailed = true
		case a.Sent != nil && !a.Sent.IsZero():
			f.ackAt = *a.Sent
		default:
			f.ackAt = a.Created // still queued: it went into the outbox then
		}
	}
	var surveys []struct {
		ID      int64  `db:"complaint_id"`
		Skipped string `db:"skipped"`
		Score   int    `db:"score"`
	}
	if err := g.store.db.SelectContext(ctx, &surveys, g.store.q.ReportSurveys, lo, hi); err != nil {
		return nil, fmt.Errorf("report surveys: %w", err)
	}
	for _, s := range surveys {
		if f := byID[s.ID]; f != nil && s.Skipped == "" {
			f.surveySent = true
			f.score = s.Score
		}
	}
	return facts, nil
}

func (f *reportFact) setOutcome(o string) {
	f.withdrawn = o == OutcomeWithdrawn
	f.record = o == OutcomeResolved || o == OutcomeUnresolved
	f.resolved = o == OutcomeResolved
}

// termMissed reports whether a complaint's (extended) term passed without
// a response in time: answered after the end, or not answered and the end
// is before today. responded is the response day, if any.
func (g *Gateway) termMissed(c *Complaint, today time.Time) (missed bool, responded time.Time) {
	if c.TermEnd == "" {
		return false, time.Time{}
	}
	end := g.day(c.TermEnd)
	if c.RespondedDay != "" {
		rd := g.day(c.RespondedDay)
		return rd.After(end), rd
	}
	return c.State == StateOpen && today.After(end), time.Time{}
}

// figures adds up one group of complaints.
func (g *Gateway) figures(fs []*reportFact, today time.Time) templates.Figures {
	var x templates.Figures
	var handling, ack []int
	scores := 0
	for _, f := range fs {
		c := &f.c
		x.Received++
		switch {
		case c.State == StateIncomplete:
			x.Incomplete++
		case c.State == StateLapsed:
			x.Lapsed++
		case c.State == StateClosed && f.withdrawn:
			x.Withdrawn++
		case c.State == StateClosed:
			x.Closed++
		}
		if c.CompleteDay == "" {
			continue
		}
		x.Complete++
		complete := g.day(c.CompleteDay)
		if !f.ackAt.IsZero() {
			day := g.cal.Day(f.ackAt)
			if !day.After(g.day(c.AckDue)) {
				x.AckWithin++
			}
			ack = append(ack, max(0, g.cal.Between(complete, day)))
		}
		if c.RespondedDay != "" {
			x.Responses++
			rd := g.day(c.RespondedDay)
			if !rd.After(g.day(c.TermEnd)) {
				x.OnTime++
			}
			handling = append(handling, max(0, g.cal.Between(complete, rd)))
		}
		if missed, _ := g.termMissed(c, today); missed {
			x.TermsMissed++
		}
		x.Delays += f.delays
		x.AutoDelays += f.autoDelays
		if f.objection {
			x.Objections++
		}
		if f.record {
			x.Conversations++
			if f.resolved {
				x.Resolved++
			} else {
				x.Unresolved++
			}
		}
		if f.surveySent {
			x.SurveySent++
			if f.score > 0 {
				x.SurveyAnswers++
				scores += f.score
			}
		}
	}
	x.AckWithinPercent = percent(x.AckWithin, x.Complete)
	x.OnTimePercent = percent(x.OnTime, x.Responses)
	x.ObjectionsPercent = percent(x.Objections, x.Responses)
	sort.Ints(handling)
	sort.Ints(ack)
	x.HandlingMedian = percentile(handling, 50)
	x.HandlingP90 = percentile(handling, 90)
	x.AckMedian = percentile(ack, 50)
	if x.SurveyAnswers > 0 {
		x.SurveyMean = float64(scores) / float64(x.SurveyAnswers)
	}
	return x
}

func percent(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// reportDelayReasons counts the reasons of the delays of the period's
// complaints, most given first.
func reportDelayReasons(r *templates.ReportData, facts []*reportFact) {
	n := map[string]int{}
	for _, f := range facts {
		for _, reason := range f.reasons {
			n[reason]++
		}
	}
	for reason, c := range n {
		r.DelayReasons = append(r.DelayReasons, templates.ReasonCount{Reason: reason, Count: c})
	}
	sort.Slice(r.DelayReasons, func(i, j int) bool {
		a, b := r.DelayReasons[i], r.DelayReasons[j]
		return a.Count > b.Count || a.Count == b.Count && a.Reason < b.Reason
	})
}

// delayReason is the reason in a delay event's detail; "" once the
// erasure blanked it (the templates word that).
func delayReason(detail string) string {
	if m := delayDetailRe.FindStringSubmatch(detail); m != nil {
		return m[2]
	}
	return detail
}

// companyKey folds the spellings of one company: "Bakkerij Van Dijk B.V."
// and "bakkerij van dijk bv" are one.
var companyFold = regexp.MustCompile(`[^\p{L}\p{N}]+`)

func companyKey(s string) string {
	return strings.TrimSpace(companyFold.ReplaceAllString(strings.ToLower(s), " "))
}

// repeatCompanies are the companies with more than one complaint, most
// first; an erased complaint (no company) is not counted.
func repeatCompanies(facts []*reportFact) []templates.CompanyCount {
	idx := map[string]int{}
	var out []templates.CompanyCount
	for _, f := range facts {
		k := companyKey(f.c.Company)
		if k == "" {
			continue
		}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, templates.CompanyCount{Company: strings.TrimSpace(f.c.Company)})
		}
		out[i].Count++
		out[i].Refs = append(out[i].Refs, f.c.Ref)
	}
	keep := out[:0]
	for _, c := range out {
		if c.Count > 1 {
			keep = append(keep, c)
		}
	}
	sort.SliceStable(keep, func(i, j int) bool { return keep[i].Count > keep[j].Count })
	return keep
}

// HandlingBucketWidth is the width, in working days, of one bar of the
// handling-time distribution; the last bar holds everything above
// HandlingBucketMax.
const (
	HandlingBucketWidth = 5
	HandlingBucketMax   = 40
)

// handlingBuckets is the distribution of the working days from complete to
// response: 0–5, 6–10, …, and above the last.
func handlingBuckets(g *Gateway, facts []*reportFact) []templates.Bucket {
	n := HandlingBucketMax / HandlingBucketWidth
	out := make([]templates.Bucket, n+1)
	for i := 0; i < n; i++ {
		lo := i*HandlingBucketWidth + 1
		if i == 0 {
			lo = 0
		}
		out[i].Label = fmt.Sprintf("%d–%d", lo, (i+1)*HandlingBucketWidth)
	}
	out[n].Label = fmt.Sprintf(">%d", HandlingBucketMax)
	for _, f := range facts {
		if f.c.RespondedDay == "" || f.c.CompleteDay == "" {
			continue
		}
		days := max(0, g.cal.Between(g.day(f.c.CompleteDay), g.day(f.c.RespondedDay)))
		i := n
		if days <= HandlingBucketMax {
			i = max(0, (days-1)/HandlingBucketWidth)
		}
		out[i].Count++
	}
	return out
}
