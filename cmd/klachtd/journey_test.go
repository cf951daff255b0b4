package main

import (
	"testing"
)

// awaitingOtherBranch turns on the journey checks of items other engineers
// are fixing on their own branches (issue 11): item 2, the objection
// dossier's content (the whole thread in reading order, in readable
// Dutch); item 4, a stranger's command refused and the handler told; item
// 5, every command confirmed to its sender. Set it to false after the
// merge: the checks behind it must then pass too.
const awaitingOtherBranch = true

func TestJourneyProbe(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	j.submit(sanne())
	ack := j.await("sanne@bakkerijvandijk.nl", "acknowledgement")
	t.Logf("%+v", ack.Subject)
	t.Log(ack.Text)
	h, note := j.handlerOf(ack.Ref)
	t.Log(h, note.Text)
}
