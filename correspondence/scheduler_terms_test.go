package correspondence

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// The scheduler reads a running complaint whole only where mayBeDue says
// something can be due: on every day it says no, dueOf must do nothing —
// no letter, no event, no change of state — or the filter would change
// what the procedure does.
func TestMayBeDueSkipsOnlyPassesThatDoNothing(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("p", "010-1234567"))
	base := e.complaint("KL-2026-0001")
	if base.TermEnd == "" || base.DelayLatest == "" {
		t.Fatalf("complaint has no terms: %+v", base)
	}
	ctx := context.Background()
	start := e.g.cal.Day(at(2026, 11, 23, 12, 0))
	skipped, due := 0, 0
	for _, state := range []string{StateOpen, StateResponded, StateIncomplete} {
		for d := -10; d <= 60; d++ {
			now := start.AddDate(0, 0, d).Add(10 * time.Hour)
			c := *base
			c.State, c.ObjectionEnd, c.LapseDay = state, base.TermEnd, base.TermEnd
			terms := dueTerms{c.ID, c.State, c.TermEnd, c.DelayLatest, c.ObjectionEnd, c.LapseDay}
			if e.g.mayBeDue(&terms, e.g.cal.Day(now)) {
				due++
				continue
			}
			skipped++
			var out []Due
			var before, after, pending int
			err := e.g.store.tx(ctx, func(tx *sqlx.Tx) error {
				tt := &txn{g: e.g, tx: tx, now: now, record: &out}
				if err := tx.Get(&before, `SELECT count(*) FROM events`); err != nil {
					return err
				}
				if err := tt.dueOf(&c, tt.today()); err != nil {
					return err
				}
				if tt.err != nil {
					return tt.err
				}
				pending = len(tt.pending)
				if err := tx.Get(&after, `SELECT count(*) FROM events`); err != nil {
					return err
				}
				return errPreview
			})
			if err != nil && !errors.Is(err, errPreview) {
				t.Fatal(err)
			}
			if len(out) > 0 || pending > 0 || after != before || c.State != state {
				t.Errorf("%s on %s: mayBeDue = false, but dueOf queued %d letters (%d pending), wrote %d events, state %s",
					state, now.Format("2006-01-02"), len(out), pending, after-before, c.State)
			}
		}
	}
	if skipped == 0 || due == 0 {
		t.Fatalf("skipped %d days, due on %d: the walk proves nothing", skipped, due)
	}
}
