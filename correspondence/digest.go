package correspondence

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ingressus/klachtd/templates"
)

// DigestSchedule says when management gets digests.
type DigestSchedule struct {
	Daily  bool
	Weekly bool          // on Mondays (the daily one then covers the week)
	At     time.Duration // time of day, e.g. 8h
	// IntakeAlertAfter is how long intake may fail before it is a finding.
	IntakeAlertAfter time.Duration
}

// BuildDigest gathers the digest for the period [from, to].
func (g *Gateway) BuildDigest(ctx context.Context, from, to time.Time) (*templates.DigestData, error) {
	d := &templates.DigestData{From: from, To: to, ByState: map[string]int{}, ByHandler: map[string]int{}}
	// Only the complaints the loop below can count: still running, or
	// received, responded to or closed since from (a day's margin on the
	// timestamp; the loop decides). A decade of finished ones is not read:
	// one indexed SELECT per condition (an OR of them plans as a full scan).
	var cs []Complaint
	if err := g.store.db.SelectContext(ctx, &cs, g.store.q.DigestComplaints,
		from.UTC().Add(-24*time.Hour), fmtDay(g.cal.Day(from)), fmtDay(g.cal.Day(from))); err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	today := g.cal.Day(to)
	var handling []int
	onTime := 0
	for i := range cs {
		c := &cs[i]
		row := g.digestRow(c, today)
		if !c.ReceivedAt.Before(from) && !c.ReceivedAt.After(to) {
			d.New = append(d.New, row)
			d.Received++
		}
		if c.ClosedDay != "" {
			cd := g.day(c.ClosedDay)
			if !cd.Before(g.cal.Day(from)) && !cd.After(today) {
				d.Closed++
			}
		}
		if c.RespondedDay != "" {
			rd := g.day(c.RespondedDay)
			if !rd.Before(g.cal.Day(from)) && !rd.After(today) {
				handling = append(handling, handlingDays(g, c))
				if !rd.After(g.day(c.TermEnd)) {
					onTime++
				}
			}
		}
		if c.isFinished() {
			continue
		}
		d.ByState[c.State]++
		d.ByHandler[row.Handler]++
		switch c.State {
		case StateIncomplete:
			row.LapseDate = g.day(c.LapseDay)
			d.Incomplete = append(d.Incomplete, row)
			continue
		}
		d.Open = append(d.Open, row)
		if c.State == StateOpen {
			if row.DaysLeft <= 5 {
				d.Urgent = append(d.Urgent, row)
			}
			if today.After(g.day(c.TermEnd)) {
				d.Findings = append(d.Findings, templates.Finding{Kind: templates.FindingTermPassed, Ref: c.Ref, Company: c.Company, Day: g.day(c.TermEnd)})
			}
		}
	}
	sort.SliceStable(d.Urgent, func(i, j int) bool { return d.Urgent[i].DaysLeft < d.Urgent[j].DaysLeft })
	if n := len(handling); n > 0 {
		sort.Ints(handling)
		d.MedianDays = percentile(handling, 50)
		d.P90Days = percentile(handling, 90)
		d.OnTimePercent = 100 * float64(onTime) / float64(n)
	}
	if err := g.digestEvents(ctx, d, from, to, today); err != nil {
		return nil, err
	}
	if err := g.digestUncategorised(ctx, d, cs, from, today); err != nil {
		return nil, err
	}
	if err := g.digestObjections(ctx, d, cs, from, to, today); err != nil {
		return nil, err
	}
	if err := g.digestHeld(ctx, d); err != nil {
		return nil, err
	}
	return d, nil
}

// handlingDays is how many working days a complaint took from the day its
// term counted from to the substantive response. A response sent before
// that day (after hours on the day the complaint arrived, or on a weekend)
// took no working days: never a negative figure.
func handlingDays(g *Gateway, c *Complaint) int {
	start, rd := g.day(c.CompleteDay), g.day(c.RespondedDay)
	if start.IsZero() || !rd.After(start) {
		return 0
	}
	return g.cal.Between(start, rd)
}

// digestObjections lists each complaint with an objection: those still
// with management, and those whose objection, invitation or record fell
// in the period; one row per complaint, with when the objection came and
// the conversation it was invited to. ObjectionsN counts the objections
// received in the period.
func (g *Gateway) digestObjections(ctx context.Context, d *templates.DigestData, cs []Complaint, from, to, today time.Time) error {
	var evs []struct {
		CID    int64     `db:"complaint_id"`
		At     time.Time `db:"at"`
		Kind   string    `db:"kind"`
		Detail string    `db:"detail"`
	}
	if err := g.store.db.SelectContext(ctx, &evs, g.store.q.DigestObjections, to.UTC()); err != nil {
		return fmt.Errorf("digest objections: %w", err)
	}
	type info struct {
		objection, meeting time.Time
		place              string
		inPeriod           bool
	}
	by := map[int64]*info{}
	for _, e := range evs {
		in := by[e.CID]
		if in == nil {
			in = &info{}
			by[e.CID] = in
		}
		if !e.At.Before(from) {
			in.inPeriod = true
		}
		switch e.Kind {
		case "objection":
			if !e.At.Before(from) {
				d.ObjectionsN++
			}
			in.objection = e.At
		case "meeting":
			in.meeting, in.place = meetingOf(e.Detail, g.cal.Location())
		}
	}
	for i := range cs {
		c := &cs[i]
		in := by[c.ID]
		if in == nil || in.objection.IsZero() || !(c.State == StateObjection || in.inPeriod) {
			continue
		}
		row := g.digestRow(c, today)
		row.ObjectionAt, row.MeetingAt, row.MeetingPlace = in.objection, in.meeting, in.place
		d.Objections = append(d.Objections, row)
	}
	return nil
}

// meetingOf reads a meeting event's detail ("2026-12-14 10:00 at Rotterdam").
func meetingOf(detail string, loc *time.Location) (time.Time, string) {
	when, place, _ := strings.Cut(detail, " at ")
	t, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(when), loc)
	if err != nil {
		return time.Time{}, ""
	}
	return t, strings.TrimSpace(place)
}

func percentile(sorted []int, p int) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := float64(p) / 100 * float64(len(sorted)-1)
	lo := int(rank)
	if lo+1 >= len(sorted) {
		return float64(sorted[lo])
	}
	frac := rank - float64(lo)
	return float64(sorted[lo]) + frac*float64(sorted[lo+1]-sorted[lo])
}

func (g *Gateway) digestRow(c *Complaint, today time.Time) templates.DigestRow {
	r := templates.DigestRow{Ref: c.Ref, Company: c.Company, State: c.State, Handler: c.Handler}
	if p, ok := g.set.handler(c.Handler); ok {
		r.Handler = p.Name
	}
	if c.TermEnd != "" {
		r.EndDate = g.day(c.TermEnd)
	}
	// Days left only while the term runs: a responded or closed complaint
	// has none.
	if c.State == StateOpen && c.TermEnd != "" {
		r.TermRunning = true
		r.DaysLeft = g.cal.Between(today, r.EndDate)
	}
	return r
}

// digestEvents adds delays, meetings and the findings kept in the event log
// and the outbox.
func (g *Gateway) digestEvents(ctx context.Context, d *templates.DigestData, from, to, today time.Time) error {
	var evs []struct {
		Ref    string    `db:"ref"`
		ID     int64     `db:"cid"`
		At     time.Time `db:"at"`
		Kind   string    `db:"kind"`
		Detail string    `db:"detail"`
	}
	err := g.store.db.SelectContext(ctx, &evs, g.store.q.DigestEvents, from.UTC(), to.UTC())
	if err != nil {
		return fmt.Errorf("digest events: %w", err)
	}
	for _, e := range evs {
		var c Complaint
		if err := g.store.db.GetContext(ctx, &c, g.store.q.ComplaintByID, e.ID); err != nil {
			return err
		}
		row := g.digestRow(&c, today)
		if e.Kind == "delay" {
			row.Delay = delayOf(e.Detail)
			if row.Delay == nil {
				row.Note = e.Detail
			}
			d.Delays = append(d.Delays, row)
		}
	}
	var late []struct {
		Ref    string    `db:"ref"`
		AckDue string    `db:"ack_due"`
		SentAt time.Time `db:"sent_at"`
	}
	if err := g.store.db.SelectContext(ctx, &late, g.store.q.DigestAcks, from.UTC()); err != nil {
		return err
	}
	for _, l := range late {
		if g.cal.Day(l.SentAt).After(g.day(l.AckDue)) {
			d.Findings = append(d.Findings, templates.Finding{Kind: templates.FindingAckLate, Ref: l.Ref, Day: g.cal.Day(l.SentAt), Due: g.day(l.AckDue)})
		}
	}
	var failed []struct {
		Kind  string `db:"kind"`
		Rcpt  string `db:"rcpt"`
		Error string `db:"last_error"`
	}
	if err := g.store.db.SelectContext(ctx, &failed, g.store.q.DigestFailed, from.UTC()); err != nil {
		return err
	}
	for _, f := range failed {
		d.Findings = append(d.Findings, templates.Finding{Kind: templates.FindingUndeliverable, Letter: f.Kind, Rcpt: f.Rcpt, Detail: f.Error})
	}
	var since *time.Time
	if err := g.store.db.GetContext(ctx, &since, g.store.q.IntakeFailingSince); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("digest intake status: %w", err)
	}
	if since != nil && !since.IsZero() && to.Sub(*since) > g.digest.IntakeAlertAfter {
		d.Findings = append(d.Findings, templates.Finding{Kind: templates.FindingIntakeStopped, Day: *since})
	}
	return nil
}

// QueueDigest queues a digest for [from, to] under key (once per key).
func (g *Gateway) QueueDigest(ctx context.Context, key string, from, to time.Time) (bool, error) {
	dd, err := g.BuildDigest(ctx, from, to)
	if err != nil {
		return false, err
	}
	if strings.HasPrefix(key, "digest:weekly:") {
		if err := g.digestTrend(ctx, dd, to); err != nil {
			return false, err
		}
	}
	var queued bool
	err = g.runAt(ctx, to, func(t *txn) error {
		d := g.baseData(nil, to)
		d.Digest = dd
		queued, err = t.queue(letter{name: templates.Digest, key: key, to: g.set.managementAddrs(), data: d, staff: true})
		return err
	})
	return queued, err
}

// RenderDigest renders the digest for [from, to] without queuing it.
func (g *Gateway) RenderDigest(ctx context.Context, from, to time.Time) (templates.Letter, error) {
	dd, err := g.BuildDigest(ctx, from, to)
	if err != nil {
		return templates.Letter{}, err
	}
	d := g.baseData(nil, to)
	d.Digest = dd
	return g.tpl.Render(templates.Digest, g.set.Lang, d)
}

// lastDigest is when the previous digest was queued (zero if never).
func (g *Gateway) lastDigest(ctx context.Context) (time.Time, error) {
	var at time.Time
	err := g.store.db.GetContext(ctx, &at, g.store.q.LastDigestAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, fmt.Errorf("last digest: %w", err)
	}
	return at, nil
}

// digestsSince is since when digests are due: zero once one was sent;
// before that, when the scheduler first ran on this database (recorded
// then as a "digest-schedule" event). A scheduled time before that was not
// missed — the gateway did not run yet — so the first start of a fresh
// database sends no digest for a time already past that day.
func (g *Gateway) digestsSince(ctx context.Context) (time.Time, error) {
	if last, err := g.lastDigest(ctx); err != nil || !last.IsZero() {
		return time.Time{}, err
	}
	var at time.Time
	err := g.store.db.GetContext(ctx, &at, g.store.q.DigestScheduleFrom)
	if err == nil {
		return at, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, fmt.Errorf("digest schedule: %w", err)
	}
	now := g.now()
	if err := g.run(ctx, func(t *txn) error {
		t.event(0, "digest-schedule", "digests are due from "+now.Format(time.RFC3339), false, 0)
		return nil
	}); err != nil {
		return time.Time{}, fmt.Errorf("digest schedule: %w", err)
	}
	return now, nil
}

// scheduleDigests queues the day's and the week's digest once their time has
// come; a digest missed during downtime is queued at start.
func (g *Gateway) scheduleDigests(ctx context.Context) error {
	s := g.digest
	if !s.Daily && !s.Weekly {
		return nil
	}
	since, err := g.digestsSince(ctx)
	if err != nil {
		return err
	}
	now := g.now()
	day := g.cal.Day(now)
	if due := day.Add(s.At); now.Before(due) || due.Before(since) {
		return nil
	}
	from, err := g.lastDigest(ctx)
	if err != nil {
		return err
	}
	if from.IsZero() {
		from = now.Add(-7 * 24 * time.Hour)
	}
	if s.Weekly && day.Weekday() == time.Monday {
		y, w := day.ISOWeek()
		if _, err := g.QueueDigest(ctx, fmt.Sprintf("digest:weekly:%d-W%02d", y, w), now.Add(-7*24*time.Hour), now); err != nil {
			return err
		}
	}
	if s.Daily && g.cal.IsWorkday(day) {
		if _, err := g.QueueDigest(ctx, "digest:daily:"+fmtDay(day), from, now); err != nil {
			return err
		}
	}
	return nil
}

var delayDetailRe = regexp.MustCompile(`^\+(\d+) working days \((.*)\); term ends \S+; automatic=(\w+) late=(\w+)$`)

// delayOf reads a delay event: extension, reason, who sent it, and whether
// it was late. Nil when the detail is not one the gateway wrote.
func delayOf(detail string) *templates.DigestDelay {
	m := delayDetailRe.FindStringSubmatch(detail)
	if m == nil {
		return nil
	}
	n, _ := strconv.Atoi(m[1])
	return &templates.DigestDelay{Days: n, Reason: m[2], Automatic: m[3] == "true", Late: m[4] == "true"}
}
