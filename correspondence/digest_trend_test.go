package correspondence

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ingressus/klachtd/templates"
)

// TestWeeklyDigestHasTheTrendChart: the Monday digest carries the twelve
// weeks' chart inline; the counts behind it are the week's intake and
// on-time responses.
func TestWeeklyDigestHasTheTrendChart(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("w1", "010-1234567"))
	e.deliver(strings.ReplaceAll(form("w2", "010-1234567"), "sanne@bakkerijvandijk.nl", "piet@example.com"))
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, e.lettersOf(templates.HandlerNew)[0], "#reactie\nWij crediteren alles."))
	e.g.SetDigestSchedule(DigestSchedule{Weekly: true, At: 8 * time.Hour})
	// The gateway runs before Monday's digest time (a first start after
	// it sends none), then the Monday 08:00 digest is due.
	e.clk.set(at(2026, 11, 30, 7, 0))
	if err := e.g.scheduleDigests(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.clk.set(at(2026, 11, 30, 9, 0)) // a Monday
	if err := e.g.scheduleDigests(context.Background()); err != nil {
		t.Fatal(err)
	}
	ds := e.lettersOf(templates.Digest)
	if len(ds) != 1 {
		t.Fatalf("digests = %d, want the weekly one", len(ds))
	}
	raw := string(ds[0].Raw)
	if !strings.Contains(raw, "Content-ID: <chart-trend@klachtd>") || !strings.Contains(ds[0].text(), `src="cid:chart-trend@klachtd"`) {
		t.Error("the weekly digest has no inline trend chart")
	}
	weeks, err := e.g.trend(context.Background(), e.clk.now())
	if err != nil {
		t.Fatal(err)
	}
	if len(weeks) != 12 {
		t.Fatalf("weeks = %d", len(weeks))
	}
	last := weeks[11]
	if last.Received != 2 || last.OnTime != 1 || last.Label != "W48" {
		t.Errorf("last week = %+v, want W48 with 2 received and 1 on time", last)
	}
	for _, w := range weeks[:11] {
		if w.Received != 0 || w.OnTime != 0 {
			t.Errorf("week %s = %+v, want empty", w.Label, w)
		}
	}
	// The daily digest stays without a chart.
	if _, err := e.g.QueueDigest(context.Background(), "digest:daily:2026-11-30", at(2026, 11, 29, 8, 0), e.clk.now()); err != nil {
		t.Fatal(err)
	}
	for _, d := range e.lettersOf(templates.Digest)[1:] {
		if strings.Contains(string(d.Raw), "chart-trend") {
			t.Error("the daily digest carries the chart")
		}
	}
}
