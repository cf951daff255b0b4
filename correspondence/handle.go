package correspondence

import (
	"context"
	"fmt"
	"time"
)

// Incoming is one mail from the intake folder.
type Incoming struct {
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	Raw         []byte
	Truncated   bool
	Size        int64
	// Unreadable: the server would not give the bytes (Raw is nil); the
	// mail is recorded and quarantined with this reason.
	Unreadable string
}

// handleParsed stores one mail and all its consequences in t; it returns the
// outcome ("processed" or "quarantined"), or the earlier one for a mail seen
// before.
func (t *txn) handleParsed(p parsed) (string, error) {
	prior, err := t.priorOutcome(p.in, p.msg.MessageID, p.hash)
	if err != nil || prior != "" {
		return prior, err
	}
	h := &handling{txn: t, in: p.in, msg: p.msg, perr: p.perr}
	if err := h.store(p.hash); err != nil {
		return "", err
	}
	if err := h.route(); err != nil {
		return "", err
	}
	outcome := "processed"
	if h.quarantine {
		outcome = "quarantined"
	}
	var cid any
	if h.complaintID != 0 {
		cid = h.complaintID
	}
	_, err = t.tx.Exec(t.q().SetMessageOutcome, outcome, h.note, cid, h.row)
	return outcome, err
}

// Bounds of one intake transaction: the outbox records each letter's
// result in a transaction of its own, and it may start the next letter only
// once that result is committed; a long intake transaction would hold the
// write lock and with it every SMTP connection. A batch is committed in
// pieces of at most maxTxMails mails or about maxTxTime of work, whichever
// comes first: small enough that a letter's record waits for at most one
// piece, large enough that one fsync still serves many mails.
const (
	maxTxMails = 16
	maxTxTime  = 100 * time.Millisecond
)

// Handle stores incoming mails, in the order given, with every consequence,
// and reports for each whether it belongs in quarantine. A batch of one is a
// batch: the intake hands over what one FETCH brought. The mails are parsed
// on every core and committed in a few bounded transactions (group commit:
// one fsync per piece, not per mail).
//
// It is idempotent: a mail seen before (same folder and UID, or same
// Message-ID and content after a UIDVALIDITY change) is not acted on again,
// so the pieces need no common transaction. If a piece fails, its mails and
// the rest are handled each on its own, so one bad mail costs the others
// nothing; a mail that fails maxAttempts times running is quarantined as it
// is. Shutdown and a store that takes no writes end the call at once and
// count against no mail: the mails stay in the inbox.
func (g *Gateway) Handle(ctx context.Context, ins []Incoming) ([]bool, error) {
	quarantine := make([]bool, len(ins))
	if len(ins) == 0 {
		return quarantine, nil
	}
	ps := g.parseAll(ins)
	start := 0
	if len(ps) > 1 {
		n, err := g.commit(ctx, ps, quarantine)
		if err == nil {
			g.logHandled(ins, quarantine)
			return quarantine, nil
		}
		if ctx.Err() != nil || isStorageError(err) {
			// One by one would only fail the same way, mail after mail.
			return nil, err
		}
		g.log.Warn("batch failed, handling its mails one by one", "err", err)
		start = n
	}
	for i := start; i < len(ps); i++ {
		_, err := g.commit(ctx, ps[i:i+1], quarantine[i:i+1])
		forced, err := g.countFailure(ctx, ins[i], err)
		if err != nil {
			return nil, err
		}
		quarantine[i] = quarantine[i] || forced
	}
	g.logHandled(ins, quarantine)
	return quarantine, nil
}

func (g *Gateway) logHandled(ins []Incoming, quarantine []bool) {
	q := 0
	for _, b := range quarantine {
		if b {
			q++
		}
	}
	g.log.Info("mails handled", "count", len(ins), "first_uid", ins[0].UID, "last_uid", ins[len(ins)-1].UID, "quarantined", q)
}

// commit handles ps in pieces of at most maxTxMails mails or about
// maxTxTime of work, one transaction each, and returns how many were
// committed. A panic in parsing or handling a mail becomes an error (the
// daemon goes on) and rolls its piece back.
func (g *Gateway) commit(ctx context.Context, ps []parsed, quarantine []bool) (done int, err error) {
	for done < len(ps) {
		end := done
		deadline := time.Now().Add(maxTxTime)
		err := g.run(ctx, func(t *txn) error {
			end = done
			for end < len(ps) {
				outcome, err := t.handleSafely(ps[end])
				if err != nil {
					return fmt.Errorf("handle uid %d: %w", ps[end].in.UID, err)
				}
				quarantine[end] = outcome == "quarantined"
				end++
				if end-done >= maxTxMails || time.Now().After(deadline) {
					break
				}
			}
			return nil
		})
		g.noteStore(err)
		if err != nil {
			return done, err
		}
		done = end
	}
	return done, nil
}

// handleSafely is handleParsed with a panic, in the parser or here, turned
// into the mail's error.
func (t *txn) handleSafely(p parsed) (outcome string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	if p.crash != nil {
		return "", p.crash
	}
	return t.handleParsed(p)
}

// countFailure keeps the count of one mail's failed attempts (err is the
// latest attempt's). It reports true when the mail failed maxAttempts times
// running and is now quarantined as it is, so the mails behind it get
// through; a full or failing disk, or shutdown, is not the mail's fault and
// is returned uncounted: the mail stays in the inbox until the store takes
// writes again.
func (g *Gateway) countFailure(ctx context.Context, in Incoming, err error) (bool, error) {
	key := fmt.Sprintf("%s/%d/%d", in.Mailbox, in.UIDValidity, in.UID)
	if err == nil || ctx.Err() != nil || isStorageError(err) {
		g.failMu.Lock()
		delete(g.failures, key)
		g.failMu.Unlock()
		return false, err
	}
	g.failMu.Lock()
	g.failures[key]++
	n := g.failures[key]
	g.failMu.Unlock()
	if n < maxAttempts {
		return false, err
	}
	if qerr := g.quarantineRaw(ctx, in, err); qerr != nil {
		g.noteStore(qerr)
		g.log.Error("mail cannot be handled, and quarantining it failed too: it stays in the inbox", "uid", in.UID, "attempts", n, "err", err, "quarantine_err", qerr)
		return false, fmt.Errorf("%w (and quarantine failed: %v)", err, qerr)
	}
	g.log.Error("mail cannot be handled; quarantined as it is", "uid", in.UID, "attempts", n, "err", err)
	g.failMu.Lock()
	delete(g.failures, key)
	g.failMu.Unlock()
	return true, nil
}
