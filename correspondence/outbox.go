package correspondence

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ingressus/klachtd/templates"
)

// Sender delivers a finished letter by SMTP.
type Sender interface {
	Send(ctx context.Context, from string, to []string, raw []byte) error
}

// leaseTime bounds how long a claimed letter stays claimed by a sender that
// died: then another sender may take it (the same bytes, the same
// Message-ID, so a resend is the one harmless duplicate).
const leaseTime = 2 * time.Minute

// outboxRow is one claimed letter.
type outboxRow struct {
	ID          int64         `db:"id"`
	ComplaintID sql.NullInt64 `db:"complaint_id"`
	Kind        string        `db:"kind"`
	From        string        `db:"mail_from"`
	Rcpt        string        `db:"rcpt"`
	MessageID   string        `db:"message_id"`
	Subject     string        `db:"subject"`
	Raw         []byte        `db:"raw"`
	Attempts    int           `db:"attempts"`
}

// owner names this process in leases, so a restarted daemon can take back
// what its killed predecessor held.
var owner = fmt.Sprintf("%d", os.Getpid())

// claimBatch takes up to n due letters: each attempt is counted and its next
// retry time written before the attempt is made (a crash mid-send then
// retries later, never forgets).
func (g *Gateway) claimBatch(ctx context.Context, n int) ([]*outboxRow, error) {
	now := g.now().UTC()
	var rows []*outboxRow
	err := g.store.tx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &rows, `SELECT id, complaint_id, kind, mail_from, rcpt, message_id, subject, raw, attempts FROM outbox
			WHERE state = 'queued' AND next_attempt <= ? AND (lease_until IS NULL OR lease_until < ?)
			ORDER BY next_attempt, id LIMIT ?`, now, now, n); err != nil {
			return err
		}
		retry := g.set.OutboxRetry
		for _, row := range rows {
			next := now.Add(time.Minute)
			if len(retry) > 0 {
				next = now.Add(retry[min(row.Attempts, len(retry)-1)])
			}
			row.Attempts++
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET attempts = ?, next_attempt = ?, lease_until = ?, last_error = ? WHERE id = ?`,
				row.Attempts, next, now.Add(leaseTime), "lease:"+owner, row.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim letters: %w", err)
	}
	return rows, nil
}

// ReleaseDeadLeases frees letters claimed by a process that no longer runs,
// so a restart resends at once instead of after the lease.
func (g *Gateway) ReleaseDeadLeases(ctx context.Context) error {
	var rows []struct {
		ID    int64  `db:"id"`
		Owner string `db:"last_error"`
	}
	if err := g.store.DB.SelectContext(ctx, &rows, `SELECT id, last_error FROM outbox WHERE state = 'queued' AND lease_until IS NOT NULL AND last_error LIKE 'lease:%'`); err != nil {
		return err
	}
	for _, r := range rows {
		pid := strings.TrimPrefix(r.Owner, "lease:")
		if pid == owner || processAlive(pid) {
			continue
		}
		if _, err := g.store.exec(ctx, `UPDATE outbox SET lease_until = NULL, next_attempt = ? WHERE id = ? AND last_error = ?`,
			g.now().UTC(), r.ID, r.Owner); err != nil {
			return err
		}
	}
	return nil
}

func processAlive(pid string) bool {
	_, err := os.Stat("/proc/" + pid)
	return err == nil
}

// outboxBatch is how many letters one claim takes: enough to keep several
// SMTP connections busy while the intake holds the write lock (measured:
// 256 sends a 6,000-mail backlog's letters in 6.7 s, 64 in 8.0 s). Each result is recorded as soon as it is known
// (grouped with whatever else finished meanwhile), so a crash re-sends at
// most the letters under way, about one per connection.
const outboxBatch = 256

// errNotTried marks a claimed letter given back untried — the server
// deferred an earlier one, or the batch ran so long that its lease would
// end: its attempt is not counted.
var errNotTried = errors.New("not tried")

// FlushOutbox sends every letter that is due now, over the senders in
// parallel (one SMTP connection each), and returns how many were sent.
// temporary tells a failure worth retrying from a permanent one.
func (g *Gateway) FlushOutbox(ctx context.Context, senders []Sender, temporary func(error) bool) (int, error) {
	sent, _, err := g.flush(ctx, senders, temporary)
	return sent, err
}

// flush is FlushOutbox that also reports whether the server seemed unwell
// (a temporary failure), so the caller can back off.
func (g *Gateway) flush(ctx context.Context, senders []Sender, temporary func(error) bool) (sent int, unwell bool, err error) {
	if len(senders) == 0 {
		return 0, false, errors.New("no sender")
	}
	for ctx.Err() == nil {
		rows, err := g.claimBatch(ctx, outboxBatch)
		if err != nil || len(rows) == 0 {
			return sent, unwell, err
		}
		type result struct {
			i   int
			err error
		}
		done := make(chan result, len(rows))
		next := make(chan int, len(rows))
		for i := range rows {
			next <- i
		}
		close(next)
		var stopped atomic.Bool
		claimed := time.Now()
		for _, s := range senders[:min(len(senders), len(rows))] {
			go func() {
				for i := range next {
					switch {
					case ctx.Err() != nil:
						done <- result{i, ctx.Err()} // not tried: due again after the restart
					case stopped.Load() || time.Since(claimed) > leaseTime/2:
						// A slow server: give the rest back well before
						// the lease ends, so no other sender takes them
						// while we still might.
						done <- result{i, errNotTried}
					default:
						// A send under way finishes even when shutdown
						// begins: cut off in DATA, the server may have the
						// letter while we think not.
						done <- result{i, s.Send(context.WithoutCancel(ctx), rows[i].From, strings.Split(rows[i].Rcpt, "\n"), rows[i].Raw)}
					}
				}
			}()
		}
		for got := 0; got < len(rows); {
			r := <-done
			group := []result{r}
		drain:
			for {
				select {
				case r := <-done:
					group = append(group, r)
				default:
					break drain
				}
			}
			got += len(group)
			gr := make([]*outboxRow, len(group))
			ge := make([]error, len(group))
			for k, r := range group {
				gr[k], ge[k] = rows[r.i], r.err
				if r.err == nil {
					sent++
				}
			}
			// Recorded even when shutdown began: what was sent must be known.
			bad, err := g.settle(context.WithoutCancel(ctx), gr, ge, temporary)
			if err != nil {
				stopped.Store(true)
				for got < len(rows) { // let the senders finish before returning
					<-done
					got++
				}
				return sent, unwell, err
			}
			if bad {
				// The server is unwell: leave the rest for later rather
				// than hammer it.
				unwell = true
				stopped.Store(true)
			}
		}
		if unwell {
			return sent, true, nil
		}
	}
	return sent, unwell, ctx.Err()
}

// settle records the results of one batch in one transaction. It reports
// whether any failure was temporary.
func (g *Gateway) settle(ctx context.Context, rows []*outboxRow, results []error, temporary func(error) bool) (bool, error) {
	unwell := false
	err := g.run(ctx, func(t *txn) error {
		for i, row := range rows {
			serr := results[i]
			switch {
			case serr == nil:
				if _, err := t.tx.Exec(`UPDATE outbox SET state = 'sent', sent_at = ?, lease_until = NULL, last_error = '' WHERE id = ?`, t.now.UTC(), row.ID); err != nil {
					return err
				}
			case errors.Is(serr, errNotTried):
				if _, err := t.tx.Exec(`UPDATE outbox SET lease_until = NULL, attempts = attempts - 1 WHERE id = ?`, row.ID); err != nil {
					return err
				}
			case errors.Is(serr, context.Canceled):
				// Interrupted by shutdown, not refused: no attempt counted,
				// due again at once after the restart.
				if _, err := t.tx.Exec(`UPDATE outbox SET lease_until = NULL, attempts = attempts - 1, next_attempt = ?, last_error = '' WHERE id = ?`, t.now.UTC(), row.ID); err != nil {
					return err
				}
			case temporary(serr) && row.Attempts <= len(g.set.OutboxRetry):
				unwell = true
				if _, err := t.tx.Exec(`UPDATE outbox SET lease_until = NULL, last_error = ? WHERE id = ?`, serr.Error(), row.ID); err != nil {
					return err
				}
			default:
				if err := t.failLetter(row, serr); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return unwell, fmt.Errorf("settle letters: %w", err)
	}
	for i, row := range rows {
		switch serr := results[i]; {
		case serr == nil:
			g.log.Info("letter sent", "kind", row.Kind, "to", row.Rcpt, "message_id", row.MessageID)
		case errors.Is(serr, context.Canceled), errors.Is(serr, errNotTried):
		case temporary(serr) && row.Attempts <= len(g.set.OutboxRetry):
			g.log.Warn("letter not sent, will retry", "kind", row.Kind, "to", row.Rcpt, "attempt", row.Attempts, "err", serr)
		default:
			g.log.Error("letter undeliverable", "kind", row.Kind, "to", row.Rcpt, "err", serr)
		}
	}
	return unwell, nil
}

// failLetter marks a letter undeliverable and tells the handler (or, for a
// letter to the handler, the intake team).
func (t *txn) failLetter(row *outboxRow, serr error) error {
	if _, err := t.tx.Exec(`UPDATE outbox SET state = 'failed', lease_until = NULL, last_error = ? WHERE id = ?`, serr.Error(), row.ID); err != nil {
		return err
	}
	if !row.ComplaintID.Valid {
		t.event(0, "letter-failed", fmt.Sprintf("%s to %s: %v", row.Kind, row.Rcpt, serr), false, 0)
		return nil
	}
	c, err := t.complaintByID(row.ComplaintID.Int64)
	if err != nil {
		return err
	}
	t.event(c.ID, "letter-failed", fmt.Sprintf("%s to %s: %v", row.Kind, row.Rcpt, serr), false, 0)
	if row.Kind == templates.StaffNotice || row.Kind == templates.Alert {
		return nil // a notice about a failed notice would only fail again
	}
	if strings.EqualFold(row.Rcpt, c.Email) {
		c.Undeliverable = true
		if err := t.saveComplaint(c); err != nil {
			return err
		}
	}
	to := []string{c.Handler}
	if strings.EqualFold(row.Rcpt, c.Handler) {
		to = t.g.set.IntakeTeam
	}
	_, err = t.staffNotice(c, fmt.Sprintf("undeliverable:%d", row.ID), to,
		templates.Notice{Kind: templates.NoticeUndeliverable, Subject: row.Subject, Letter: row.Kind, Rcpt: row.Rcpt, Detail: serr.Error()}, "")
	return err
}

// RunOutbox sends letters until ctx ends: at once when woken, else when the
// next retry is due, and at least every interval.
func (g *Gateway) RunOutbox(ctx context.Context, senders []Sender, temporary func(error) bool, interval time.Duration) error {
	if interval <= 0 {
		interval = 30 * time.Second
	}
	if err := g.ReleaseDeadLeases(ctx); err != nil {
		g.log.Warn("release dead leases", "err", err)
	}
	for {
		_, unwell, err := g.flush(ctx, senders, temporary)
		if err != nil && ctx.Err() == nil {
			g.log.Error("outbox", "err", err)
		}
		wait := interval
		var next time.Time
		if err := g.store.DB.GetContext(ctx, &next, `SELECT next_attempt FROM outbox WHERE state = 'queued' ORDER BY next_attempt LIMIT 1`); err == nil {
			if d := next.Sub(g.now()); d < wait {
				wait = max(d, 50*time.Millisecond)
			}
		}
		if unwell {
			// The server deferred a letter: wait its first retry step
			// before trying the others, and do not let new letters wake
			// us into hammering it.
			if len(g.set.OutboxRetry) > 0 {
				wait = max(wait, g.set.OutboxRetry[0])
			}
			timer := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				timer.Stop()
				return nil
			case <-timer.C:
			}
			continue
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-g.wake:
			timer.Stop()
		case <-timer.C:
		}
	}
}
