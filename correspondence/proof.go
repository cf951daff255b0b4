package correspondence

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
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

// bouncedLetter is one of our letters a bounce returns.
type bouncedLetter struct {
	ID        int64      `db:"id"`
	CID       *int64     `db:"complaint_id"`
	Kind      string     `db:"kind"`
	Subject   string     `db:"subject"`
	Rcpt      string     `db:"rcpt"`
	CreatedAt time.Time  `db:"created_at"`
	SentAt    *time.Time `db:"sent_at"`
}

// linkDSN links a bounce to each of our letters whose Message-ID it
// returns, and, when threading found no complaint, takes the letter's. It
// returns the letter the bounce is about (the first returned Message-ID
// that is ours, of c's complaint when there is one), nil if none is ours.
func (h *handling) linkDSN(c **Complaint) (*bouncedLetter, error) {
	// In order of appearance: the returned message's own Message-ID comes
	// before those it quotes, and the choice must not depend on map order.
	var ids []string
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, m := range returnedIDRe.FindAllSubmatch(h.in.Raw, -1) {
		if id := string(m[1]); !strings.EqualFold(id, h.msg.MessageID) {
			add(id)
		}
	}
	for _, id := range append(append([]string{}, h.msg.InReplyTo...), h.msg.References...) {
		add(id)
	}
	var found []*bouncedLetter
	for _, id := range ids {
		var letter bouncedLetter
		err := h.tx.Get(&letter, h.q().LetterByMessageID, id)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			return nil, fmt.Errorf("link dsn: %w", err)
		}
		if _, err := h.tx.Exec(h.q().LinkDSN, letter.ID, h.row, h.now.UTC()); err != nil {
			return nil, fmt.Errorf("link dsn: %w", err)
		}
		if *c == nil && letter.CID != nil {
			got, err := h.complaintByID(*letter.CID)
			if err != nil {
				return nil, err
			}
			*c = got
		}
		found = append(found, &letter)
	}
	for _, l := range found {
		if *c != nil && l.CID != nil && *l.CID == (*c).ID {
			return l, nil
		}
	}
	if len(found) > 0 {
		return found[0], nil
	}
	return nil, nil
}
