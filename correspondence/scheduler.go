package correspondence

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ingressus/klachtd/templates"
)

// Due is one letter the scheduler queues (or would queue) at a moment.
type Due struct {
	Ref    string   `json:"ref,omitempty"`
	Letter string   `json:"letter"`
	To     []string `json:"to"`
	Key    string   `json:"key"`
	Late   bool     `json:"late"`
}

var errPreview = errors.New("preview: roll back")

// RunDue queues everything due at instant at, each exactly once (the event
// keys make a second pass a no-op). What became due while the daemon was
// down is queued now and flagged late in the event log.
func (g *Gateway) RunDue(ctx context.Context, at time.Time) ([]Due, error) {
	var out []Due
	err := g.runAt(ctx, at, func(t *txn) error {
		t.record = &out
		return t.due()
	})
	return out, err
}

// PreviewDue lists what RunDue would queue at instant at, without queuing:
// the same code runs in a transaction that is rolled back.
func (g *Gateway) PreviewDue(ctx context.Context, at time.Time) ([]Due, error) {
	var out []Due
	err := g.store.tx(ctx, func(tx *sqlx.Tx) error {
		t := &txn{g: g, tx: tx, now: at, record: &out}
		if err := t.due(); err != nil {
			return err
		}
		return errPreview
	})
	if errors.Is(err, errPreview) {
		err = nil
	}
	return out, err
}

// due walks the complaints whose procedure is running: their terms first,
// then, whole, only those where something can be due today.
func (t *txn) due() error {
	var terms []dueTerms
	if err := t.tx.Select(&terms, t.q().ComplaintsRunning); err != nil {
		return fmt.Errorf("due: %w", err)
	}
	today := t.today()
	for i := range terms {
		if !t.g.mayBeDue(&terms[i], today) {
			continue
		}
		c, err := t.complaintByID(terms[i].ID)
		if err != nil {
			return fmt.Errorf("due: %w", err)
		}
		if err := t.dueOf(c, today); err != nil {
			return err
		}
	}
	return t.dueSurveys()
}

// dueTerms is what the scheduler's walk reads of every running complaint: a
// small row, not a Complaint (2,400 of those were 5 MB a pass).
type dueTerms struct {
	ID           int64  `db:"id"`
	State        string `db:"state"`
	TermEnd      string `db:"term_end"`
	DelayLatest  string `db:"delay_latest"`
	ObjectionEnd string `db:"objection_end"`
	LapseDay     string `db:"lapse_day"`
}

// mayBeDue reports whether dueOf can do anything today for the complaint
// with these terms: the conditions of dueOf's cases. Where it says no,
// dueOf would do nothing.
func (g *Gateway) mayBeDue(c *dueTerms, today time.Time) bool {
	switch c.State {
	case StateOpen:
		end, latest := g.day(c.TermEnd), g.day(c.DelayLatest)
		if !today.Before(latest) {
			return true // the automatic delay
		}
		for _, n := range g.set.ReminderDays {
			if !today.Before(g.cal.Add(end, -n)) {
				return true // a reminder (today is before latest)
			}
		}
	case StateResponded:
		return today.After(g.day(c.ObjectionEnd))
	case StateIncomplete:
		lapse := g.day(c.LapseDay)
		return !lapse.IsZero() && today.After(lapse)
	}
	return false
}

// dueOf queues what is due today for one running complaint.
func (t *txn) dueOf(c *Complaint, today time.Time) error {
	g := t.g
	switch c.State {
	case StateOpen:
		end := g.day(c.TermEnd)
		latest := g.day(c.DelayLatest)
		for _, n := range g.set.ReminderDays {
			day := g.cal.Add(end, -n)
			if today.Before(day) || !today.Before(latest) {
				continue // not yet, or past: the automatic delay takes over
			}
			if err := t.enter(c, onReminderDay); err != nil {
				return err
			}
			d := g.baseData(c, t.now)
			d.DaysLeft = g.cal.Between(today, end)
			if _, err := t.queueDue(c, today.After(day), letter{name: templates.Reminder,
				key: fmt.Sprintf("reminder:%s:%d:%s", c.Ref, n, c.TermEnd), to: []string{c.Handler}, c: c, data: d, staff: true}); err != nil {
				return err
			}
		}
		if !today.Before(latest) {
			late := today.After(latest)
			t.event(c.ID, "automatic-delay", fmt.Sprintf("no response and no delay by %s", c.DelayLatest), late, 0)
			reason := g.set.DefaultDelayNL
			if c.Lang == "en" {
				reason = g.set.DefaultDelayEN
			}
			mark := t.mark()
			if err := t.delay(c, g.set.DefaultDelayDays, reason, true, fmt.Sprintf("autodelay:%s:%s", c.Ref, c.TermEnd)); err != nil {
				return err
			}
			if late {
				t.markLate(mark)
			}
		}
	case StateResponded:
		end := g.day(c.ObjectionEnd)
		if today.After(end) {
			if _, err := t.queueDue(c, today.After(g.cal.Add(end, 1)), letter{name: templates.Closing,
				key: "closing:" + c.Ref, to: []string{c.Email}, c: c, data: g.baseData(c, t.now)}); err != nil {
				return err
			}
			if err := t.finish(c, onWindowEnds, "objection window ended "+c.ObjectionEnd+" without objection"); err != nil {
				return err
			}
		}
	case StateIncomplete:
		lapse := g.day(c.LapseDay)
		if !lapse.IsZero() && today.After(lapse) {
			if _, err := t.queueDue(c, today.After(g.cal.Add(lapse, 1)), letter{name: templates.Lapse,
				key: "lapse:" + c.Ref, to: []string{c.Email}, c: c, data: g.baseData(c, t.now)}); err != nil {
				return err
			}
			if err := t.finish(c, onLapseDay, "incomplete since "+c.LapseDay); err != nil {
				return err
			}
		}
	}
	return nil
}

// queueDue queues a scheduled letter, flagging it late in the event log when
// it should have gone out on an earlier day.
func (t *txn) queueDue(c *Complaint, late bool, l letter) (bool, error) {
	mark := t.mark()
	ok, err := t.queue(l)
	if ok && late {
		t.event(c.ID, "late", l.name+" queued after its day (catch-up after downtime)", true, 0)
		t.markLate(mark)
	}
	return ok, err
}

// mark and markLate flag as late every letter recorded since the mark.
func (t *txn) mark() int {
	if t.record == nil {
		return 0
	}
	return len(*t.record)
}

func (t *txn) markLate(from int) {
	if t.record == nil {
		return
	}
	for i := from; i < len(*t.record); i++ {
		(*t.record)[i].Late = true
	}
}

// RunScheduler queues what is due at start and then every interval until
// ctx ends.
func (g *Gateway) RunScheduler(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = time.Minute
	}
	for {
		due, err := g.RunDue(ctx, g.now())
		if err != nil && ctx.Err() == nil {
			g.log.Error("scheduler", "err", err)
		}
		for _, d := range due {
			g.log.Info("scheduled letter queued", "ref", d.Ref, "letter", d.Letter, "late", d.Late)
		}
		if err := g.scheduleDigests(ctx); err != nil && ctx.Err() == nil {
			g.log.Error("digest", "err", err)
		}
		g.retentionDaily(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(interval):
		}
	}
}
