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

// Handle stores one incoming mail and every consequence in one transaction.
// It is idempotent: a mail seen before (same folder and UID, or same
// Message-ID and content after a UIDVALIDITY change) is not acted on again.
// It reports whether the mail belongs in quarantine.
func (g *Gateway) Handle(ctx context.Context, in Incoming) (quarantine bool, err error) {
	key := fmt.Sprintf("%s/%d/%d", in.Mailbox, in.UIDValidity, in.UID)
	q, err := g.handleOnce(ctx, in)
	g.noteStore(err)
	if err == nil || ctx.Err() != nil || isStorageError(err) {
		// A full or failing disk is not the mail's fault: it stays in the
		// inbox, uncounted, until the store takes writes again.
		g.failMu.Lock()
		delete(g.failures, key)
		g.failMu.Unlock()
		return q, err
	}
	g.failMu.Lock()
	g.failures[key]++
	n := g.failures[key]
	g.failMu.Unlock()
	if n < maxAttempts {
		return false, err
	}
	// The same mail failed again and again: keep it, quarantine it, tell the
	// intake team, and let the mails behind it through.
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

// handleOnce is one attempt at Handle. A panic in parsing or handling one
// mail becomes an error for that mail: the daemon goes on.
func (g *Gateway) handleOnce(ctx context.Context, in Incoming) (quarantine bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handle uid %d: panic: %v", in.UID, r)
		}
	}()
	p := g.parse(in)
	var outcome string
	err = g.run(ctx, func(t *txn) error {
		outcome, err = t.handleParsed(p)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("handle uid %d: %w", in.UID, err)
	}
	g.log.Info("mail handled", "uid", in.UID, "kind", p.msg.Kind, "outcome", outcome, "message_id", p.msg.MessageID)
	return outcome == "quarantined", nil
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

// HandleBatch is Handle for several mails, committed in a few bounded
// transactions (group commit: one fsync per piece, not per mail). A mail
// handled twice is no harm (Handle is idempotent), so the pieces need no
// common transaction. If a piece fails, its mails and the rest are handled
// each on its own, so one bad mail costs the others nothing.
func (g *Gateway) HandleBatch(ctx context.Context, ins []Incoming) ([]bool, error) {
	quarantine := make([]bool, len(ins))
	start := 0
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		ps := g.parseAll(ins)
		for start < len(ps) {
			end := start
			deadline := time.Now().Add(maxTxTime)
			err := g.run(ctx, func(t *txn) error {
				end = start
				for end < len(ps) {
					outcome, err := t.handleParsed(ps[end])
					if err != nil {
						return fmt.Errorf("uid %d: %w", ps[end].in.UID, err)
					}
					quarantine[end] = outcome == "quarantined"
					end++
					if end-start >= maxTxMails || time.Now().After(deadline) {
						break
					}
				}
				return nil
			})
			g.noteStore(err)
			if err != nil {
				return err
			}
			start = end
		}
		return nil
	}()
	if err == nil {
		g.log.Info("mails handled", "count", len(ins), "first_uid", ins[0].UID, "last_uid", ins[len(ins)-1].UID)
		return quarantine, nil
	}
	if ctx.Err() != nil || isStorageError(err) {
		// Shutdown, or a disk that takes no writes: one by one would only
		// fail the same way, mail after mail.
		return nil, err
	}
	g.log.Warn("batch failed, handling its mails one by one", "err", err)
	for i := start; i < len(ins); i++ {
		q, err := g.Handle(ctx, ins[i])
		if err != nil {
			return nil, err
		}
		quarantine[i] = q
	}
	return quarantine, nil
}
