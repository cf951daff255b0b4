package correspondence

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ingressus/klachtd/parser"
)

// priorOutcome finds a mail handled before.
func (t *txn) priorOutcome(in Incoming, messageID, hash string) (string, error) {
	var out string
	err := t.tx.Get(&out, t.q().PriorOutcomeByUID, in.Mailbox, in.UIDValidity, in.UID)
	if err == nil {
		return out, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("dedupe: %w", err)
	}
	err = t.tx.Get(&out, t.q().PriorOutcomeByContent, messageID, hash)
	if err == nil {
		return out, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("dedupe: %w", err)
	}
	return "", nil
}

// handling is the work on one incoming mail inside its transaction.
type handling struct {
	*txn
	in          Incoming
	msg         *parser.Message
	perr        error
	row         int64 // messages.id
	complaintID int64
	quarantine  bool
	note        string
	// emailAsGiven: the form's unusable e-mail field, when the letters go
	// to the sender's address instead (register.go).
	emailAsGiven string
}

// rawChunk is the most of a mail stored in one row (see migration 0002).
const rawChunk = 1 << 20

func (h *handling) store(hash string) error {
	pj, _ := json.Marshal(h.msg)
	inline := h.in.Raw
	if inline == nil {
		inline = []byte{} // an empty mail is still a mail: stored, not NULL
	}
	if len(inline) > rawChunk {
		inline = []byte{}
	}
	res, err := h.tx.Exec(h.q().InsertMessage,
		h.in.Mailbox, h.in.UIDValidity, h.in.UID, h.msg.MessageID, hash, h.now.UTC(), inline,
		max(h.in.Size, int64(len(h.in.Raw))), h.in.Truncated, string(h.msg.Kind), string(pj), h.msg.From, h.msg.Subject)
	if err != nil {
		return fmt.Errorf("store message: %w", err)
	}
	if h.row, err = res.LastInsertId(); err != nil {
		return err
	}
	if len(h.in.Raw) > rawChunk {
		for seq, off := 0, 0; off < len(h.in.Raw); seq, off = seq+1, off+rawChunk {
			if _, err := h.tx.Exec(h.q().InsertMessageChunk,
				h.row, seq, h.in.Raw[off:min(off+rawChunk, len(h.in.Raw))]); err != nil {
				return fmt.Errorf("store message chunk %d: %w", seq, err)
			}
		}
	}
	return nil
}

// rawOf returns a stored mail's bytes, joining its chunks if it has them.
func (g *Gateway) rawOf(ctx context.Context, row int64, inline []byte) ([]byte, error) {
	var chunks [][]byte
	if err := g.store.db.SelectContext(ctx, &chunks, g.store.q.MessageChunks, row); err != nil {
		return nil, fmt.Errorf("message %d: %w", row, err)
	}
	if len(chunks) == 0 {
		return inline, nil
	}
	return bytes.Join(chunks, nil), nil
}
