package main

import (
	"regexp"
	"strings"
	"testing"
)

// Review 2 #11: `show` gives the dates that still apply: while the term
// runs, the handler's last day for a delay (the working day before the
// mailbox's own notice, as the letters say) and no lapse day for a
// complete complaint.
func TestShowGivesTheDatesThatApply(t *testing.T) {
	w := newWorld(t)
	w.handle(testForm(1))
	out, err := cli(t, "show", "KL-2026-0001", "--config", w.cfgPath)
	if err != nil {
		t.Fatalf("show: %v\n%s", err, out)
	}
	by := regexp.MustCompile(`delay by:\s+(\S+)`).FindStringSubmatch(out)
	auto := regexp.MustCompile(`auto delay:\s+(\S+)`).FindStringSubmatch(out)
	if by == nil || auto == nil || by[1] >= auto[1] {
		t.Errorf("show of an open complaint: delay by %v, auto delay %v; want the handler's day before the automatic notice:\n%s", by, auto, out)
	}
	if strings.Contains(out, "lapses:") {
		t.Errorf("show of a complete complaint names a lapse day:\n%s", out)
	}
}
