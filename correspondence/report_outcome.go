package correspondence

import (
	"fmt"
	"strings"
)

// Outcomes of a finished complaint, as the report counts them.
const (
	OutcomeWithdrawn  = "withdrawn"  // #ingetrokken
	OutcomeResolved   = "resolved"   // #verslag opgelost
	OutcomeUnresolved = "unresolved" // #verslag onopgelost: pointed to the court
)

// outcomeOf reads how a complaint finished from the why of its finishing
// event (commands.go, scheduler.go).
func outcomeOf(state, why string) string {
	switch {
	case strings.HasPrefix(why, "withdrawn:"):
		return OutcomeWithdrawn
	case strings.HasPrefix(why, "written record sent;"):
		if strings.Contains(why, "resolved=true") {
			return OutcomeResolved
		}
		return OutcomeUnresolved
	}
	return state
}

// noteOutcome records how the complaint finished, next to the finishing
// event: the retention erasure blanks the event's text, not this code, so
// the report still counts withdrawals and the conversations' outcomes.
// A later finish (a late objection adopted, then recorded) replaces it.
func (t *txn) noteOutcome(complaintID int64, state, why string) {
	_, err := t.tx.Exec(t.q().NoteOutcome, complaintID, outcomeOf(state, why), t.now.UTC())
	if err != nil && t.err == nil {
		t.err = fmt.Errorf("outcome: %w", err)
	}
}
