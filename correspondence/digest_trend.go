package correspondence

import (
	"context"
	"fmt"
	"time"

	"github.com/ingressus/klachtd/templates"
	"github.com/ingressus/klachtd/templates/charts"
)

// trendWeeks is how far back the weekly digest's chart looks.
const trendWeeks = 12

// digestTrend adds the weekly digest's small chart: complaints received per
// week and responses on time, over the twelve weeks up to to.
func (g *Gateway) digestTrend(ctx context.Context, d *templates.DigestData, to time.Time) error {
	weeks, err := g.trend(ctx, to)
	if err != nil {
		return err
	}
	img, err := charts.Trend(weeks, g.set.Lang)
	if err != nil {
		return fmt.Errorf("digest chart: %w", err)
	}
	d.Charts = append(d.Charts, img)
	return nil
}

// trend counts, per week of seven days ending at to, the complaints
// received and the responses sent within their term.
func (g *Gateway) trend(ctx context.Context, to time.Time) ([]charts.Week, error) {
	start := to.AddDate(0, 0, -7*trendWeeks)
	var cs []struct {
		Received  time.Time `db:"received_at"`
		Responded string    `db:"responded_day"`
		TermEnd   string    `db:"term_end"`
	}
	if err := g.store.db.SelectContext(ctx, &cs, g.store.q.TrendComplaints, start.UTC(), fmtDay(g.cal.Day(start))); err != nil {
		return nil, fmt.Errorf("digest trend: %w", err)
	}
	weeks := make([]charts.Week, trendWeeks)
	week := func(t time.Time) int {
		if t.Before(start) || t.After(to) {
			return -1
		}
		return min(trendWeeks-1, int(t.Sub(start)/(7*24*time.Hour)))
	}
	for i := range weeks {
		_, w := start.AddDate(0, 0, 7*i).In(g.cal.Location()).ISOWeek()
		weeks[i].Label = fmt.Sprintf("W%02d", w)
	}
	for _, c := range cs {
		if i := week(c.Received); i >= 0 {
			weeks[i].Received++
		}
		if c.Responded == "" {
			continue
		}
		// A response day counts from its midday: the week it falls in.
		rd := g.day(c.Responded).Add(12 * time.Hour)
		if i := week(rd); i >= 0 && !g.day(c.Responded).After(g.day(c.TermEnd)) {
			weeks[i].OnTime++
		}
	}
	return weeks, nil
}
