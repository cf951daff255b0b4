package correspondence

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// DefaultRetentionMonths is how long after closure a complaint's personal
// data is kept when the config names no term: two years (see the README,
// "Privacy and records", for why).
const DefaultRetentionMonths = 24

// privacyState is the gateway's part of privacy and records that lives in
// memory: the retention term, the day retention last ran, and the SMTP
// replies of letters sent but not yet settled.
type privacyState struct {
	mu      sync.Mutex
	months  int
	lastRun time.Time        // calendar day of the last retention run
	proofs  map[int64]proofs // outbox id → the server's acceptance
}

// proofs is the SMTP server's acceptance of one letter.
type proofs struct {
	server, reply string
	at            time.Time
}

// SetRetention sets the retention term in months after closure (default
// DefaultRetentionMonths).
func (g *Gateway) SetRetention(months int) {
	g.privacy.mu.Lock()
	g.privacy.months = months
	g.privacy.mu.Unlock()
}

// RetentionMonths is the retention term in force.
func (g *Gateway) RetentionMonths() int {
	g.privacy.mu.Lock()
	defer g.privacy.mu.Unlock()
	if g.privacy.months <= 0 {
		return DefaultRetentionMonths
	}
	return g.privacy.months
}

// retentionCutoff is the last closing day whose complaints are due for
// erasure at now: closed on or before it means the term has passed.
func (g *Gateway) retentionCutoff(now time.Time) time.Time {
	return g.cal.Day(now).AddDate(0, -g.RetentionMonths(), 0)
}

// EraseExpired erases every finished complaint whose retention term has
// passed at the gateway's now, except those under a legal hold, and the
// mail, letters and events tied to no complaint that are older than the
// term. It returns what it erased.
func (g *Gateway) EraseExpired(ctx context.Context) ([]Erasure, error) {
	now := g.now()
	cutoff := g.retentionCutoff(now)
	var cs []Complaint
	// closed_day is set by every way a complaint ends; received_at stands in
	// for one that ended without it.
	if err := g.store.db.SelectContext(ctx, &cs, g.store.q.ExpiredComplaints,
		StateClosed, StateLapsed, fmtDay(cutoff), cutoff.UTC()); err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	var out []Erasure
	for i := range cs {
		e, err := g.eraseComplaint(ctx, &cs[i], EraseRetention, false, false)
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
	if len(out) > 0 {
		// eraseLooseBefore checkpoints again only if it erased
		if err := g.store.checkpoint(ctx); err != nil {
			return out, fmt.Errorf("retention: %w", err)
		}
	}
	loose, err := g.eraseLooseBefore(ctx, cutoff)
	if err != nil {
		return out, err
	}
	if loose.Done {
		out = append(out, loose)
	}
	return out, nil
}

// eraseLooseBefore erases mails, letters (digests, alerts) and events tied
// to no complaint from before cutoff: they name companies, senders and
// subjects too.
func (g *Gateway) eraseLooseBefore(ctx context.Context, cutoff time.Time) (Erasure, error) {
	e := Erasure{Ref: "(no complaint)", Why: EraseRetention}
	before := cutoff.UTC()
	err := g.run(ctx, func(t *txn) error {
		var msgRows, outRows, evRows []int64
		if err := t.tx.Select(&msgRows, t.q().LooseMessagesBefore, before); err != nil {
			return err
		}
		if err := t.tx.Select(&outRows, t.q().LooseLettersBefore, before); err != nil {
			return err
		}
		if err := t.tx.Select(&evRows, t.q().LooseEventsBefore, before); err != nil {
			return err
		}
		e.Mails, e.Letters, e.Events = len(msgRows), len(outRows), len(evRows)
		if len(msgRows)+len(outRows)+len(evRows) == 0 {
			return nil
		}
		if err := t.eraseLoose(msgRows, outRows, evRows, fmt.Sprintf("%s: erased %d mails in, %d letters out, %d event texts tied to no complaint, from before %s",
			EraseRetention, e.Mails, e.Letters, e.Events, fmtDay(cutoff))); err != nil {
			return err
		}
		e.Done = true
		return nil
	})
	if err != nil {
		return e, fmt.Errorf("retention of mail without complaint: %w", err)
	}
	if e.Done {
		if err := g.store.checkpoint(ctx); err != nil {
			return e, fmt.Errorf("retention of mail without complaint: %w", err)
		}
	}
	return e, nil
}

// retentionDaily runs EraseExpired once per calendar day; the scheduler
// calls it on every tick.
func (g *Gateway) retentionDaily(ctx context.Context) {
	today := g.cal.Day(g.now())
	g.privacy.mu.Lock()
	done := !g.privacy.lastRun.IsZero() && !today.After(g.privacy.lastRun)
	g.privacy.mu.Unlock()
	if done {
		return
	}
	erased, err := g.EraseExpired(ctx)
	if err != nil {
		if ctx.Err() == nil {
			g.log.Error("retention", "err", err)
		}
		return
	}
	g.privacy.mu.Lock()
	g.privacy.lastRun = today
	g.privacy.mu.Unlock()
	for _, e := range erased {
		g.log.Info("personal data erased", "ref", e.Ref, "why", e.Why, "mails", e.Mails, "letters", e.Letters)
	}
}
