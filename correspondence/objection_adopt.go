package correspondence

import "fmt"

// hadObjection reports whether c's objection was ever taken up: a closed
// complaint with one was closed after its conversation, and #bezwaar cannot
// reopen it; one without was closed by the objection window, and a late
// objection may still be adopted with #bezwaar (commands.go), as the
// objection_late_staff letter offers.
func (h *handling) hadObjection(c *Complaint) (bool, error) {
	var n int
	if err := h.tx.Get(&n, h.q().CountEventsOfKind, c.ID, "objection"); err != nil {
		return false, fmt.Errorf("objections of %s: %w", c.Ref, err)
	}
	return n > 0, nil
}
