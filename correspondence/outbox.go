package correspondence

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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
	// next is when this attempt's retry is due (written by the claim).
	next time.Time
}

// ownPID is this process's ID as leases write it.
var ownPID = strconv.Itoa(os.Getpid())

// gateways numbers the gateways of this process, for their lease owners.
var gateways atomic.Int64

// leaseOwner names one gateway in its leases: the process ID (so a restarted
// daemon can take back what its killed predecessor held) and which gateway
// of that process, so a gateway opened again in the same process (a daemon
// restarted in-process, on a restored copy) takes back the leases of the
// one before it instead of waiting for them to expire.
func leaseOwner() string { return fmt.Sprintf("%s.%d", ownPID, gateways.Add(1)) }

// flushing holds, per lease owner of this process, how many flushes of
// that gateway run now. A lease of another gateway of this process that is
// not flushing is stale: a flush settles or releases every lease it took
// before it returns.
var flushing sync.Map // owner → *atomic.Int32

func (g *Gateway) flushCount() *atomic.Int32 {
	n, _ := flushing.LoadOrStore(g.owner, new(atomic.Int32))
	return n.(*atomic.Int32)
}

// inProcessBusy reports whether who is a gateway of this process with a
// flush running.
func inProcessBusy(who string) bool {
	n, ok := flushing.Load(who)
	return ok && n.(*atomic.Int32).Load() > 0
}

// leasePID is the process ID in a lease owner ("PID" or "PID.N").
func leasePID(owner string) string {
	pid, _, _ := strings.Cut(owner, ".")
	return pid
}

// claimBatch takes up to n due letters: each attempt is counted and its next
// retry time written before the attempt is made (a crash mid-send then
// retries later, never forgets).
//
// The letters of one complaint to one recipient leave in the order they
// were queued (the objection-deadline letter never overtakes the response
// it follows): a letter is not claimed while an earlier one of its
// complaint to the same recipient waits for its retry (deferred) or is
// claimed elsewhere, and in id order an earlier due one is always claimed
// with it; flush then sends them over one connection, in order. Letters
// about different complaints — a handler's notices of a busy intake — go
// in parallel.
func (g *Gateway) claimBatch(ctx context.Context, n int) ([]*outboxRow, error) {
	now := g.now().UTC()
	var rows []*outboxRow
	err := g.store.tx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &rows, g.store.q.ClaimDueLetters, now, now, now, now, n); err != nil {
			return err
		}
		retry := g.set.OutboxRetry
		for _, row := range rows {
			next := now.Add(time.Minute)
			if len(retry) > 0 {
				next = now.Add(retry[min(row.Attempts, len(retry)-1)])
			}
			row.Attempts++
			row.next = next
			if _, err := tx.ExecContext(ctx, g.store.q.LeaseLetter,
				row.Attempts, next, now.Add(leaseTime), "lease:"+g.owner, row.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || len(rows) > 0 { // an empty claim wrote nothing: no news of the disk
		g.noteStore(err)
	}
	if err != nil {
		return nil, fmt.Errorf("claim letters: %w", err)
	}
	return rows, nil
}

// ReleaseDeadLeases frees letters claimed by a process that no longer runs,
// so a restart resends at once instead of after the lease.
func (g *Gateway) ReleaseDeadLeases(ctx context.Context) error {
	return g.releaseLeases(ctx, func(pid string) bool { return !processAlive(pid) })
}

// ReleaseForeignLeases frees every letter claimed by another process but a
// running operator command (`klachtd digest --send` flushes the outbox
// too). Only the holder of the database's writer lock may call it: no
// other daemon then runs on this database, so every other lease is a dead
// one's, however its PID looks now (reused by another program, or a zombie
// nobody reaped).
func (g *Gateway) ReleaseForeignLeases(ctx context.Context) error {
	return g.releaseLeases(ctx, func(pid string) bool { return !processAlive(pid) || !operatorCommand(pid) })
}

// operatorCommand reports whether process pid is a klachtd operator
// command (not `run` or `demo`, the daemons).
func operatorCommand(pid string) bool {
	cmdline, err := os.ReadFile("/proc/" + pid + "/cmdline")
	if err != nil {
		return false
	}
	args := strings.Split(string(cmdline), "\x00")
	if len(args) < 2 || !strings.Contains(filepath.Base(args[0]), "klachtd") {
		return false
	}
	return args[1] != "run" && args[1] != "demo"
}

func (g *Gateway) releaseLeases(ctx context.Context, dead func(pid string) bool) error {
	var rows []struct {
		ID    int64  `db:"id"`
		Owner string `db:"last_error"`
	}
	if err := g.store.db.SelectContext(ctx, &rows, g.store.q.LeasedLetters); err != nil {
		return err
	}
	for _, r := range rows {
		who := strings.TrimPrefix(r.Owner, "lease:")
		switch pid := leasePID(who); {
		case who == g.owner:
			continue
		case pid == ownPID:
			if inProcessBusy(who) {
				continue
			}
		case !dead(pid):
			continue
		}
		if _, err := g.store.exec(ctx, g.store.q.ReleaseLease, g.now().UTC(), r.ID, r.Owner); err != nil {
			return err
		}
	}
	return nil
}

// processAlive reports whether process pid runs. A zombie — killed but not
// yet reaped by its parent — holds its PID and /proc entry but runs no
// more: it is dead here (proc(5): state Z, or X while being reaped).
func processAlive(pid string) bool {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return false
	}
	// "pid (comm) S ...": comm may hold spaces and parentheses; the state
	// follows the last ')'.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 || i+2 >= len(stat) {
		return true
	}
	switch stat[i+2] {
	case 'Z', 'X', 'x':
		return false
	}
	return true
}

// outboxBatch is how many letters one claim takes: enough to keep several
// SMTP connections busy (measured: 256 sends a 6,000-mail backlog's letters
// in 6.7 s, 64 in 8.0 s). Claiming many is safe because sending never runs
// ahead of recording: each connection waits until the result of its last
// letter is committed before it starts the next (results that finish
// meanwhile are grouped into one commit), so a crash re-sends at most the
// letters under way, one per connection.
const outboxBatch = 256

// errNotTried marks a claimed letter given back untried — the server was
// down, or the batch ran so long that its lease would end: its attempt is
// not counted.
var errNotTried = errors.New("not tried")

// errHeld marks a claimed letter given back untried because an earlier
// letter to its recipient in the same batch did not leave: it must not
// overtake that one. It is due again at once — the claim then holds it
// for as long as the earlier one waits — and its attempt is not counted.
var errHeld = errors.New("held behind an earlier letter to its recipient")

// deferredDomain marks a claimed letter given back untried because its
// recipient's domain deferred an earlier letter: it waits until then, and
// the attempt is not counted.
type deferredDomain struct {
	domain string
	until  time.Time
}

func (d *deferredDomain) Error() string {
	return fmt.Sprintf("domain %s deferred until %s", d.domain, d.until.Format(time.RFC3339))
}

// outage is what a send error says when the sending server itself is
// unusable (connection refused, TLS or login failed) rather than one
// letter refused; mailbox.SendError implements it. The letters wait
// uncounted until the server is back.
type outage interface{ Outage() bool }

// isOutage reports whether err is an outage of the sender.
func isOutage(err error) bool {
	var o outage
	return errors.As(err, &o) && o.Outage()
}

// temporary is what a send error says about retrying: mailbox.SendError
// implements it (a 5xx reply to MAIL, RCPT or DATA is permanent, anything
// else temporary). Declared here so that correspondence needs no import of
// mailbox to read it.
type temporary interface{ Temporary() bool }

// retryable decides, in this one place, whether a failed letter is tried
// again or marked undeliverable: an error that says Temporary() is taken at
// its word; any other failure (a cancelled context, a sender that did not
// classify its error) is retried, because giving a letter up cannot be
// undone and retrying costs at most the backoff schedule.
func retryable(err error) bool {
	var t temporary
	if errors.As(err, &t) {
		return t.Temporary()
	}
	return true
}

// rcptDomain is the domain of a letter's first recipient, lower case: the
// unit that greylists or defers.
func rcptDomain(rcpt string) string {
	first, _, _ := strings.Cut(rcpt, "\n")
	_, dom, ok := strings.Cut(first, "@")
	if !ok {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(dom))
}

// FlushOutbox sends every letter that is due now, over the senders in
// parallel (one SMTP connection each), and returns how many were sent.
// Whether a failure is worth retrying the error says itself (retryable).
func (g *Gateway) FlushOutbox(ctx context.Context, senders []Sender) (int, error) {
	sent, _, err := g.flush(ctx, senders)
	return sent, err
}

// sendResult is one claimed letter's fate, handed from a sender to the
// recorder; ack is closed (or sent on) once it is committed.
type sendResult struct {
	i   int
	err error
	ack chan struct{}
}

// flush is FlushOutbox that also reports whether the sending server is
// down (an outage), so the caller can back off.
func (g *Gateway) flush(ctx context.Context, senders []Sender) (sent int, down bool, err error) {
	g.flushCount().Add(1)
	defer g.flushCount().Add(-1)
	if len(senders) == 0 {
		return 0, false, errors.New("no sender")
	}
	for ctx.Err() == nil {
		rows, err := g.claimBatch(ctx, outboxBatch)
		if err != nil || len(rows) == 0 {
			return sent, down, err
		}
		done := make(chan sendResult, len(rows))
		groups := byRecipient(rows)
		next := make(chan []int, len(groups))
		for _, gr := range groups {
			next <- gr
		}
		close(next)
		var stopped atomic.Bool
		claimed := time.Now()
		for _, s := range senders[:min(len(senders), len(groups))] {
			go func() {
				ack := make(chan struct{}, 1)
				for group := range next {
					held := false // an earlier letter to this recipient was not sent
					for _, i := range group {
						var err error
						switch until := g.domainDeferred(rcptDomain(rows[i].Rcpt)); {
						case held:
							// Its recipient's earlier letter did not leave:
							// this one must not overtake it.
							err = errHeld
						case ctx.Err() != nil:
							err = ctx.Err() // not tried: due again after the restart
						case stopped.Load() || time.Since(claimed) > leaseTime/2:
							// The server is down, the store cannot record, or
							// the server is slow: give the rest back well
							// before the lease ends, so no other sender takes
							// them while we still might.
							err = errNotTried
						case !until.IsZero():
							err = &deferredDomain{rcptDomain(rows[i].Rcpt), until}
						default:
							// A send under way finishes even when shutdown
							// begins: cut off in DATA, the server may have the
							// letter while we think not.
							err = g.sendKept(context.WithoutCancel(ctx), s, rows[i])
						}
						held = held || err != nil
						done <- sendResult{i, err, ack}
						// Never run ahead of the record: the next letter goes
						// only once this one's result is committed.
						<-ack
					}
				}
			}()
		}
		for got := 0; got < len(rows); {
			group := []sendResult{<-done}
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
			out, err := g.settle(context.WithoutCancel(ctx), gr, ge)
			if err != nil || out {
				// The store cannot record (sending on would run ahead of
				// it), or the server is down: the rest go back untried.
				stopped.Store(true)
				down = down || out
			}
			for _, r := range group {
				r.ack <- struct{}{}
			}
			if err != nil {
				for got < len(rows) { // let the senders finish before returning
					r := <-done
					r.ack <- struct{}{}
					got++
				}
				return sent, down, err
			}
		}
		if down {
			return sent, true, nil
		}
	}
	return sent, down, ctx.Err()
}

// byRecipient groups a claimed batch's rows by recipient and complaint,
// each group in id order (the order they were queued), the groups in the
// order of their first letter: one connection sends one group, so letters
// of one complaint to one recipient cannot overtake each other.
func byRecipient(rows []*outboxRow) [][]int {
	var groups [][]int
	at := map[string]int{}
	for i, row := range rows {
		key := row.Rcpt
		if row.ComplaintID.Valid {
			key += "\x00" + strconv.FormatInt(row.ComplaintID.Int64, 10)
		} else {
			key += "\x00" + strconv.FormatInt(row.ID, 10) // about no complaint: no order to keep
		}
		k, ok := at[key]
		if !ok {
			k = len(groups)
			at[key] = k
			groups = append(groups, nil)
		}
		groups[k] = append(groups[k], i)
	}
	return groups
}

// settle records the results of one batch in one transaction. It reports
// whether the sending server is down (an outage: the caller stops sending
// and backs off).
func (g *Gateway) settle(ctx context.Context, rows []*outboxRow, results []error) (bool, error) {
	down := false
	var outageErr error
	err := g.run(ctx, func(t *txn) error {
		for i, row := range rows {
			serr := results[i]
			var dd *deferredDomain
			switch {
			case serr == nil:
				if _, err := t.tx.Exec(t.q().LetterSent, t.now.UTC(), row.ID); err != nil {
					return err
				}
				if err := t.keepProof(row.ID); err != nil {
					return err
				}
			case errors.Is(serr, errNotTried):
				if _, err := t.tx.Exec(t.q().LetterNotTried, row.ID); err != nil {
					return err
				}
			case errors.Is(serr, errHeld):
				if _, err := t.tx.Exec(t.q().LetterRetryUncounted, t.now.UTC(), row.ID); err != nil {
					return err
				}
			case errors.As(serr, &dd):
				// Its domain deferred another letter: wait as long, uncounted.
				if _, err := t.tx.Exec(t.q().LetterRetryUncounted, dd.until.UTC(), row.ID); err != nil {
					return err
				}
			case errors.Is(serr, context.Canceled):
				// Interrupted by shutdown, not refused: no attempt counted,
				// due again at once after the restart.
				if _, err := t.tx.Exec(t.q().LetterInterrupted, t.now.UTC(), row.ID); err != nil {
					return err
				}
			case isOutage(serr):
				// The server is down or refuses our login: not the
				// letter's fault. It waits, uncounted, for the server.
				down, outageErr = true, serr
				if _, err := t.tx.Exec(t.q().LetterOutage, t.now.UTC(), serr.Error(), row.ID); err != nil {
					return err
				}
			case retryable(serr) && row.Attempts <= len(g.set.OutboxRetry):
				// Deferred (greylisting, a full mailbox): this letter and
				// the others to its domain wait its retry step; the rest
				// of the queue goes on.
				g.deferDomain(rcptDomain(row.Rcpt), row.next)
				if _, err := t.tx.Exec(t.q().LetterDeferred, serr.Error(), row.ID); err != nil {
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
	g.noteStore(err)
	if err != nil {
		return down, fmt.Errorf("settle letters: %w", err)
	}
	for i, row := range rows {
		switch serr := results[i]; {
		case serr == nil:
			g.senderOK()
			g.log.Info("letter sent", "kind", row.Kind, "to", row.Rcpt, "message_id", row.MessageID)
		case errors.Is(serr, context.Canceled), errors.Is(serr, errNotTried), errors.Is(serr, errHeld):
		case errors.As(serr, new(*deferredDomain)):
		case isOutage(serr):
		case retryable(serr) && row.Attempts <= len(g.set.OutboxRetry):
			g.log.Warn("letter not sent, will retry", "kind", row.Kind, "to", row.Rcpt, "attempt", row.Attempts, "retry_at", row.next, "err", serr)
		default:
			g.log.Error("letter undeliverable", "kind", row.Kind, "to", row.Rcpt, "err", serr)
		}
	}
	if down {
		g.senderFailed(outageErr)
	}
	return down, nil
}

// failLetter marks a letter undeliverable and tells the handler (or, for a
// letter to the handler, the intake team).
func (t *txn) failLetter(row *outboxRow, serr error) error {
	if _, err := t.tx.Exec(t.q().LetterFailed, serr.Error(), row.ID); err != nil {
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

// Backoff of the outbox while the sending server is down or the store
// cannot record: doubling from the first to the second, so an outage costs
// a log line per change and a try now and then, not a loop.
const (
	outageBackoffMin = 5 * time.Second
	outageBackoffMax = 5 * time.Minute
)

// RunOutbox sends letters until ctx ends: at once when woken, else when the
// next retry is due, and at least every interval.
func (g *Gateway) RunOutbox(ctx context.Context, senders []Sender, interval time.Duration) error {
	if interval <= 0 {
		interval = 30 * time.Second
	}
	if err := g.ReleaseDeadLeases(ctx); err != nil {
		g.log.Warn("release dead leases", "err", err)
	}
	var backoff time.Duration
	for {
		_, down, err := g.flush(ctx, senders)
		if err != nil && ctx.Err() == nil && !isStorageError(err) {
			g.log.Error("outbox", "err", err)
		}
		wait := interval
		var next time.Time
		switch err := g.store.db.GetContext(ctx, &next, g.store.q.NextDueLetter, g.now().UTC()); {
		case err == nil:
			if d := next.Sub(g.now()); d < wait {
				wait = max(d, 50*time.Millisecond)
			}
		case errors.Is(err, sql.ErrNoRows): // nothing queued: the interval
		case ctx.Err() == nil:
			// The loop must go on: the interval, and the reason logged.
			g.log.Warn("outbox: next due letter", "err", err)
		}
		if (down || err != nil) && ctx.Err() == nil {
			// The server is down or the store cannot record: wait,
			// longer each time, and do not let new letters wake us into
			// hammering either.
			backoff = min(max(2*backoff, outageBackoffMin), outageBackoffMax)
			if len(g.set.OutboxRetry) > 0 && backoff < g.set.OutboxRetry[0] {
				backoff = g.set.OutboxRetry[0]
			}
			timer := time.NewTimer(backoff)
			select {
			case <-ctx.Done():
				timer.Stop()
				return nil
			case <-timer.C:
			}
			continue
		}
		backoff = 0
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
