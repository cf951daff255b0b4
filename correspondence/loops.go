package correspondence

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ingressus/klachtd/templates"
)

// Auto-replies without RFC 3834 headers (issue 10 item 7). The parser
// recognises most by their headers and wording; what it misses shows by
// timing: an answer within seconds of each of our letters, with the same
// text every time. Such mail is kept and recorded, never answered, never
// an objection; the handler (the intake team while none is assigned) is
// told once per complaint.

// quickReplyWindow: an answer this soon after our letter was sent is
// faster than a person reads and writes.
const quickReplyWindow = time.Minute

// maxCompletionRequests: one completion request and one reminder, however
// many replies leave the complaint incomplete.
const maxCompletionRequests = 2

// probableLoop reports whether this mail from the complainant is probably
// an automatic answer: it answers one of our letters within
// quickReplyWindow, with the same text as an earlier quick answer. The
// mail is recorded on the timeline and the handler told (once).
func (h *handling) probableLoop(c *Complaint) (bool, error) {
	sent, ok, err := h.answeredLetterTime(c)
	if err != nil || !ok {
		return false, err
	}
	delta := h.now.Sub(sent)
	if delta < -5*time.Second || delta > quickReplyWindow {
		return false, nil
	}
	sum := sha256.Sum256([]byte(strings.ToLower(strings.Join(strings.Fields(h.text()), " "))))
	// The same sender and text give the same detail: earlier quick
	// answers are found by it.
	fp := fmt.Sprintf("%s answered within seconds (text %s)", h.msg.From, hex.EncodeToString(sum[:6]))
	var before int
	if err := h.tx.Get(&before, h.q().CountQuickReplies, c.ID, fp); err != nil {
		return false, fmt.Errorf("quick replies: %w", err)
	}
	h.event(c.ID, "quick-reply", fp, false, h.row)
	if before == 0 {
		return false, nil // once may be a fast person; twice the same text is a machine
	}
	h.note = "probable auto-reply (answers within seconds, same text); not answered"
	h.event(c.ID, "loop-suspected", fmt.Sprintf("%s answered our letters within seconds with the same text %d times; not answered", h.msg.From, before+1), false, h.row)
	return true, h.reportLoop(c, "quick-replies", before+1, "")
}

// answeredLetterTime is when the letter to the complainant this mail
// answers was sent (or queued, if not yet sent).
func (h *handling) answeredLetterTime(c *Complaint) (time.Time, bool, error) {
	ids := append(append([]string{}, h.msg.InReplyTo...), h.msg.References...)
	for i := len(ids) - 1; i >= 0; i-- {
		var row struct {
			Created time.Time    `db:"created_at"`
			Sent    sql.NullTime `db:"sent_at"`
		}
		err := h.tx.Get(&row, h.q().LetterTimesByMsgID, ids[i], c.ID)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return time.Time{}, false, fmt.Errorf("answered letter: %w", err)
		}
		if row.Sent.Valid {
			return row.Sent.Time, true, nil
		}
		return row.Created, true, nil
	}
	return time.Time{}, false, nil
}

// reportLoop tells the handler (or the intake team) once per complaint and
// reason that letters about c are probably answered by a machine.
func (h *handling) reportLoop(c *Complaint, reason string, count int, text string) error {
	d := h.g.baseData(c, h.now)
	d.Act = &templates.ActData{Reason: reason, By: h.sender(), Address: h.msg.From, Count: count}
	d.Text = text
	_, err := h.queue(letter{name: templates.LoopSuspected, key: "loop:" + reason + ":" + c.Ref,
		to: h.reportTo(c), c: c, data: d, staff: true})
	return err
}

// completionLimit stops a third completion request: after the request and
// one reminder, a reply that still leaves the complaint incomplete is
// recorded, the problems kept, and the handler or intake team told once.
func (h *handling) completionLimit(c *Complaint, problems map[string]reasons) (bool, error) {
	var n int
	if err := h.tx.Get(&n, h.q().CountLettersOfKind, c.ID, templates.CompletionRequest); err != nil {
		return false, fmt.Errorf("completion requests: %w", err)
	}
	if n < maxCompletionRequests {
		return false, nil
	}
	if err := h.enter(c, onCompletionLimit); err != nil {
		return true, err
	}
	pj, _ := json.Marshal(problems)
	c.Problems = string(pj)
	h.event(c.ID, "completion-not-repeated", fmt.Sprintf("still incomplete after %d completion requests; no further request sent", n), false, h.row)
	h.note = "still incomplete; no further completion request"
	if err := h.saveComplaint(c); err != nil {
		return true, err
	}
	return true, h.reportLoop(c, "completion-limit", n, h.text())
}

// machineLoop records a repeated machine answer (auto-reply, bounce) on the
// timeline and, from the third, reports it once.
func (h *handling) machineLoop(c *Complaint) error {
	var n int
	if err := h.tx.Get(&n, h.q().CountEventsOfKind, c.ID, "machine-mail"); err != nil {
		return fmt.Errorf("machine mail: %w", err)
	}
	if n < 3 {
		return nil
	}
	h.event(c.ID, "loop-suspected", fmt.Sprintf("%d automatic answers to letters about %s", n, c.Ref), false, h.row)
	return h.reportLoop(c, "machine-replies", n, "")
}
