package correspondence

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
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

// claim takes the next due letter: its attempt is counted and its next
// retry time written before the attempt is made.
func (g *Gateway) claim(ctx context.Context) (*outboxRow, error) {
	now := g.now().UTC()
	var row outboxRow
	err := g.store.tx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &row, `SELECT id, complaint_id, kind, mail_from, rcpt, message_id, subject, raw, attempts FROM outbox
			WHERE state = 'queued' AND next_attempt <= ? AND (lease_until IS NULL OR lease_until < ?)
			ORDER BY next_attempt, id LIMIT 1`, now, now)
		if err != nil {
			return err
		}
		retry := g.set.OutboxRetry
		step := row.Attempts
		if step >= len(retry) {
			step = len(retry) - 1
		}
		next := now.Add(time.Minute)
		if step >= 0 && len(retry) > 0 {
			next = now.Add(retry[step])
		}
		row.Attempts++
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET attempts = ?, next_attempt = ?, lease_until = ?, last_error = ? WHERE id = ?`,
			row.Attempts, next, now.Add(leaseTime), "lease:"+owner, row.ID)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("claim letter: %w", err)
	}
	return &row, nil
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
		if _, err := g.store.DB.ExecContext(ctx, `UPDATE outbox SET lease_until = NULL, next_attempt = ? WHERE id = ? AND last_error = ?`,
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

// FlushOutbox sends every letter that is due now; it returns how many were
// sent. temporary tells a failure worth retrying from a permanent one.
func (g *Gateway) FlushOutbox(ctx context.Context, s Sender, temporary func(error) bool) (int, error) {
	sent := 0
	for ctx.Err() == nil {
		row, err := g.claim(ctx)
		if err != nil {
			return sent, err
		}
		if row == nil {
			return sent, nil
		}
		to := strings.Split(row.Rcpt, "\n")
		serr := s.Send(ctx, row.From, to, row.Raw)
		if err := g.settle(ctx, row, serr, temporary); err != nil {
			return sent, err
		}
		if serr == nil {
			sent++
		} else if temporary(serr) {
			// The server is unwell: leave the rest for the next round
			// rather than hammer it.
			return sent, nil
		}
	}
	return sent, ctx.Err()
}

// settle records the result of one attempt.
func (g *Gateway) settle(ctx context.Context, row *outboxRow, serr error, temporary func(error) bool) error {
	now := g.now()
	if serr == nil {
		_, err := g.store.DB.ExecContext(ctx, `UPDATE outbox SET state = 'sent', sent_at = ?, lease_until = NULL, last_error = '' WHERE id = ?`, now.UTC(), row.ID)
		if err == nil {
			g.log.Info("letter sent", "kind", row.Kind, "to", row.Rcpt, "message_id", row.MessageID)
		}
		return err
	}
	if temporary(serr) && row.Attempts <= len(g.set.OutboxRetry) {
		g.log.Warn("letter not sent, will retry", "kind", row.Kind, "to", row.Rcpt, "attempt", row.Attempts, "err", serr)
		_, err := g.store.DB.ExecContext(ctx, `UPDATE outbox SET lease_until = NULL, last_error = ? WHERE id = ?`, serr.Error(), row.ID)
		return err
	}
	g.log.Error("letter undeliverable", "kind", row.Kind, "to", row.Rcpt, "err", serr)
	return g.run(ctx, func(t *txn) error {
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
			fmt.Sprintf("De brief %q (%s) aan %s kon niet worden bezorgd: %v.", row.Subject, row.Kind, row.Rcpt, serr),
			"Neem op een andere manier contact op met de ontvanger en controleer het adres.")
		return err
	})
}

// RunOutbox sends letters until ctx ends: at once when woken, else when the
// next retry is due, and at least every interval.
func (g *Gateway) RunOutbox(ctx context.Context, s Sender, temporary func(error) bool, interval time.Duration) error {
	if interval <= 0 {
		interval = 30 * time.Second
	}
	if err := g.ReleaseDeadLeases(ctx); err != nil {
		g.log.Warn("release dead leases", "err", err)
	}
	for {
		if _, err := g.FlushOutbox(ctx, s, temporary); err != nil && ctx.Err() == nil {
			g.log.Error("outbox", "err", err)
		}
		wait := interval
		var next time.Time
		if err := g.store.DB.GetContext(ctx, &next, `SELECT next_attempt FROM outbox WHERE state = 'queued' ORDER BY next_attempt LIMIT 1`); err == nil {
			if d := next.Sub(g.now()); d < wait {
				wait = max(d, 50*time.Millisecond)
			}
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
