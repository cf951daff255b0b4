package correspondence

// hadObjection reports whether c's objection was ever taken up: a closed
// complaint with one was closed after its conversation, and #bezwaar cannot
// reopen it; one without was closed by the objection window, and a late
// objection may still be adopted with #bezwaar (commands.go), as the
// objection_late_staff letter offers.
func (h *handling) hadObjection(c *Complaint) bool {
	var n int
	_ = h.tx.Get(&n, `SELECT count(*) FROM events WHERE complaint_id = ? AND kind = 'objection'`, c.ID)
	return n > 0
}
