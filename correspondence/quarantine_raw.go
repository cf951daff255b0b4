package correspondence

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/ingressus/klachtd/parser"
)

// maxAttempts is how often a mail may fail before it is quarantined as it is.
const maxAttempts = 3

// quarantineRaw stores a mail that could not be handled, with the reason.
func (g *Gateway) quarantineRaw(ctx context.Context, in Incoming, cause error) error {
	sum := sha256.Sum256(in.Raw)
	hash := hex.EncodeToString(sum[:])
	return g.run(ctx, func(t *txn) error {
		prior, err := t.priorOutcome(in, "", hash)
		if err != nil || prior != "" {
			return err
		}
		h := &handling{txn: t, in: in, msg: &parser.Message{Kind: parser.KindOther, Invalid: map[string]string{}}}
		if err := h.store(hash); err != nil {
			return err
		}
		if err := h.quarantineWith("handling-failed", cause.Error()); err != nil {
			return err
		}
		_, err = t.tx.Exec(t.q().QuarantineMessage, h.note, h.row)
		return err
	})
}
