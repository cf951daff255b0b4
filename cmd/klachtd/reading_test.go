package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// `klachtd list` prints a page, says how many there are and how to see the
// next; --json gives every match unless --limit is given.
func TestListPages(t *testing.T) {
	w := newWorld(t)
	for i := 0; i < 5; i++ {
		w.imap.Append("INBOX", testForm(20+i))
	}
	stop := w.start()
	if _, err := w.smtp.WaitFor(10, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	stop()
	rows := func(out string) int { return strings.Count(out, "Klant 2") }
	for _, tc := range []struct {
		args   []string
		rows   int
		footer string
	}{
		{nil, 5, ""},
		{[]string{"--limit", "2"}, 2, "1 to 2 of 5 complaints; the next page: --offset 2 (--limit 0 prints all)\n"},
		{[]string{"--limit", "2", "--offset", "2"}, 2, "3 to 4 of 5 complaints; the next page: --offset 4"},
		{[]string{"--offset", "4"}, 1, "5 to 5 of 5 complaints\n"},
		{[]string{"--offset", "9"}, 0, "none from --offset 9: 5 complaints match\n"},
		{[]string{"--limit", "0"}, 5, ""},
		// A state is counted and paged by SQLite; a handler in Go.
		{[]string{"--state", "open", "--limit", "2"}, 2, "1 to 2 of 5 complaints"},
		{[]string{"--state", "closed"}, 0, "no complaints match"},
		{[]string{"--handler", "e", "--limit", "4", "--offset", "3"}, 2, "4 to 5 of 5 complaints\n"},
	} {
		out, err := cli(t, append([]string{"list", "--config", w.cfgPath}, tc.args...)...)
		if err != nil {
			t.Fatalf("list %v: %v", tc.args, err)
		}
		if rows(out) != tc.rows || !strings.Contains(out, tc.footer) || tc.footer == "" && strings.Contains(out, " of 5 complaints") {
			t.Errorf("list %v printed %d rows, want %d and footer %q:\n%s", tc.args, rows(out), tc.rows, tc.footer, out)
		}
	}
	out, err := cli(t, "list", "--json", "--limit", "2", "--offset", "1", "--config", w.cfgPath)
	var items []struct {
		Ref string `json:"ref"`
	}
	if err != nil || json.Unmarshal([]byte(out), &items) != nil || len(items) != 2 {
		t.Errorf("list --json --limit 2 --offset 1 = %v, %d items:\n%s", err, len(items), out)
	}
	if _, err := cli(t, "list", "--limit", "-1", "--config", w.cfgPath); err == nil {
		t.Errorf("list --limit -1 accepted")
	}
}
