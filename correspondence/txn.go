package correspondence

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// txn is one unit of work: a transaction, the instant it acts at, and what
// it queued (so the outbox sender can be woken after the commit).
type txn struct {
	g      *Gateway
	tx     *sqlx.Tx
	now    time.Time
	queued int
	err    error // the first failed event write; fails the transaction
	// record, when set, collects every letter queued (scheduler, preview).
	record *[]Due
	// pending are the letters queued in this transaction, written to the
	// outbox by flushLetters before the commit.
	pending     []*pendingLetter
	pendingKeys map[string]bool
	// loads are the open complaints per handler, counted at the first
	// assignment in this transaction.
	loads map[string]int
}

// run executes fn in one transaction at the gateway's now and wakes the
// outbox sender when letters were queued.
func (g *Gateway) run(ctx context.Context, fn func(t *txn) error) error {
	return g.runAt(ctx, g.now(), fn)
}

func (g *Gateway) runAt(ctx context.Context, now time.Time, fn func(t *txn) error) error {
	var t *txn
	err := g.store.tx(ctx, func(tx *sqlx.Tx) error {
		t = &txn{g: g, tx: tx, now: now}
		if err := fn(t); err != nil {
			return err
		}
		if t.err != nil {
			return t.err
		}
		return t.flushLetters()
	})
	if err == nil && t != nil && t.queued > 0 {
		g.Wake()
	}
	return err
}

// event appends to a complaint's timeline. A failure is remembered and fails
// the whole transaction, so that no consequence is half-recorded.
func (t *txn) event(complaintID int64, kind, detail string, late bool, msgRow int64) {
	var cid, mrow any
	if complaintID != 0 {
		cid = complaintID
	}
	if msgRow != 0 {
		mrow = msgRow
	}
	_, err := t.tx.Exec(t.q().InsertEvent, cid, t.now.UTC(), kind, detail, late, mrow)
	if err != nil && t.err == nil {
		t.err = fmt.Errorf("event %s: %w", kind, err)
	}
}

// saveComplaint writes every column of c back.
func (t *txn) saveComplaint(c *Complaint) error {
	_, err := t.tx.NamedExec(t.q().SaveComplaint, c)
	if err != nil {
		return fmt.Errorf("save %s: %w", c.Ref, err)
	}
	return nil
}

// q is the store's statements (queries/*.sql).
func (t *txn) q() *queries { return t.g.store.q }

// fail remembers a query error of a step that returns no error itself (a
// yes/no question asked of the store): like a failed event write, it fails
// the whole transaction, so no decision stands on an unread answer.
func (t *txn) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}
