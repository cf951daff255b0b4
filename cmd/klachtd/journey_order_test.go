package main

import (
	"fmt"
	"testing"
)

// Review #1: many complaints answered at once with #reactie, the daemon
// sending over its 4 SMTP connections (the demo's default): every
// complainant finds the substantive response in the INBOX before the
// objection-deadline letter that follows it.
func TestJourneyResponseArrivesBeforeDeadlineLetter(t *testing.T) {
	j := newJourney(t, amsterdamAt(2026, 11, 23, 10, 15))
	const n = 8
	addr := func(i int) string { return fmt.Sprintf("klant%d@example.com", i) }
	for i := 0; i < n; i++ {
		f := sanne()
		f.email, f.replyTo = addr(i), addr(i)
		f.messageID = fmt.Sprintf("order-%d@web.ingressus.nl", i)
		j.submit(f)
	}
	type answer struct {
		h    string
		note received
	}
	var answers []answer
	for i := 0; i < n; i++ {
		h, note := j.handlerOf(fmt.Sprintf("KL-2026-%04d", i+1))
		answers = append(answers, answer{h, note})
	}
	j.settle()
	for _, a := range answers { // all at once, before the daemon reads them
		j.reply(a.h, a.note, "#reactie\nGeachte klant,\n\nWij crediteren de twee ontbrekende pallets en leveren ze morgen na.\n\nMet vriendelijke groet")
	}
	j.settle()
	for i := 0; i < n; i++ {
		var kinds []string
		for _, r := range j.inbox(addr(i)) {
			kinds = append(kinds, r.Kind)
		}
		resp, dl := -1, -1
		for k, kind := range kinds {
			switch kind {
			case "response":
				resp = k
			case "objection_deadline":
				dl = k
			}
		}
		if resp < 0 || dl < 0 || dl < resp {
			t.Errorf("%s received %v: the response must come before the objection-deadline letter", addr(i), kinds)
		}
	}
}
