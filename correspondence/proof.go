package correspondence

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Proof of sending: for every letter the SMTP server's final reply to DATA
// and the time it was accepted are kept with the letter (letter_receipts),
// and a DSN that comes back is linked to the letter it names (letter_dsns).
// Both tables are in the ledger.

// acceptedSender is a Sender that also returns the server's acceptance
// (mailbox.Sender has it).
type acceptedSender interface {
	SendAccepted(ctx context.Context, from string, to []string, raw []byte) (server, reply string, err error)
}

// sendKept sends one letter and, when the sender can tell, remembers the
// server's acceptance until settle records it.
func (g *Gateway) sendKept(ctx context.Context, s Sender, row *outboxRow) error {
	to := strings.Split(row.Rcpt, "\n")
	as, ok := s.(acceptedSender)
	if !ok {
		return s.Send(ctx, row.From, to, row.Raw)
	}
	server, reply, err := as.SendAccepted(ctx, row.From, to, row.Raw)
	if err != nil {
		return err
	}
	at := g.now()
	g.privacy.mu.Lock()
	if g.privacy.proofs == nil {
		g.privacy.proofs = map[int64]proofs{}
	}
	g.privacy.proofs[row.ID] = proofs{server: server, reply: reply, at: at}
	g.privacy.mu.Unlock()
	return nil
}

// keepProof records the acceptance of a letter just marked sent.
func (t *txn) keepProof(outboxID int64) error {
	g := t.g
	g.privacy.mu.Lock()
	p, ok := g.privacy.proofs[outboxID]
	delete(g.privacy.proofs, outboxID)
	g.privacy.mu.Unlock()
	if !ok {
		return nil // a sender that cannot tell (tests' fakes): sent_at is all we know
	}
	if _, err := t.tx.Exec(t.q().InsertReceipt, outboxID, p.server, p.reply, p.at.UTC()); err != nil {
		return fmt.Errorf("receipt of letter %d: %w", outboxID, err)
	}
	return nil
}

// returnedIDRe finds Message-ID header lines anywhere in a bounce: in the
// returned message (message/rfc822, RFC 3464 §2) or its headers
// (text/rfc822-headers), or quoted in a non-MIME bounce. Those parts may
// not be base64-encoded (RFC 2046 §5.2.1), so the raw bytes are enough.
var returnedIDRe = regexp.MustCompile(`(?im)^[ \t>]*Message-ID:[ \t]*<([^>\s]+)>`)

// linkDSN links a bounce to each of our letters whose Message-ID it
// returns, and, when threading found no complaint, takes the letter's.
func (h *handling) linkDSN(c **Complaint) error {
	ids := map[string]bool{}
	for _, m := range returnedIDRe.FindAllSubmatch(h.in.Raw, -1) {
		id := string(m[1])
		if !strings.EqualFold(id, h.msg.MessageID) {
			ids[id] = true
		}
	}
	for _, id := range append(append([]string{}, h.msg.InReplyTo...), h.msg.References...) {
		ids[id] = true
	}
	for id := range ids {
		var letter struct {
			ID  int64  `db:"id"`
			CID *int64 `db:"complaint_id"`
		}
		err := h.tx.Get(&letter, h.q().LetterByMessageID, id)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			return fmt.Errorf("link dsn: %w", err)
		}
		if _, err := h.tx.Exec(h.q().LinkDSN, letter.ID, h.row, h.now.UTC()); err != nil {
			return fmt.Errorf("link dsn: %w", err)
		}
		if *c == nil && letter.CID != nil {
			found, err := h.complaintByID(*letter.CID)
			if err != nil {
				return err
			}
			*c = found
		}
	}
	return nil
}
