package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cli runs one klachtd command line and returns its output.
func cli(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String() + errb.String(), err
}

func TestOperatorCommandsTellTheStory(t *testing.T) {
	w := newWorld(t)
	w.imap.Append("INBOX", testForm(7))
	stop := w.start()
	if _, err := w.smtp.WaitFor(2, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	stop()
	out, err := cli(t, "list", "--json", "--config", w.cfgPath)
	if err != nil {
		t.Fatalf("list: %v\n%s", err, out)
	}
	var items []struct {
		Ref     string `json:"ref"`
		EndDate string `json:"end_date"`
	}
	if err := json.Unmarshal([]byte(out), &items); err != nil || len(items) != 1 || items[0].EndDate == "" {
		t.Fatalf("list --json = %q (%v)", out, err)
	}
	ref := items[0].Ref
	out, err = cli(t, "show", ref, "--config", w.cfgPath)
	if err != nil {
		t.Fatalf("show: %v", err)
	}
	for _, want := range []string{"Klant 7 B.V.", "mail-in", "mail-out", "acknowledgement", "handler_new", "complete"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	mbox := filepath.Join(t.TempDir(), "d.mbox")
	if out, err := cli(t, "export", ref, "-o", mbox, "--config", w.cfgPath); err != nil {
		t.Fatalf("export: %v %s", err, out)
	}
	data, _ := os.ReadFile(mbox)
	if n := bytes.Count(data, []byte("\nFrom ")) + 1; !bytes.HasPrefix(data, []byte("From ")) || n != 3 {
		t.Errorf("mbox holds %d messages, want 3 (form, acknowledgement, notification)", n)
	}
	out, err = cli(t, "digest", "--config", w.cfgPath)
	if err != nil || !strings.Contains(out, ref) {
		t.Errorf("digest does not list %s: %v\n%s", ref, err, out)
	}
	out, err = cli(t, "due", "--at", time.Now().AddDate(0, 0, 60).Format("2006-01-02"), "--json", "--config", w.cfgPath)
	if err != nil || !strings.Contains(out, "delay_notice") {
		t.Errorf("due in 60 days shows no automatic delay notice: %v\n%s", err, out)
	}
	if _, err := cli(t, "show", "KL-1999-0001", "--config", w.cfgPath); err == nil || !strings.Contains(err.Error(), "klachtd list") {
		t.Errorf("show of an unknown reference = %v; want advice", err)
	}
}

func TestDigestSendGoesThroughTheOutbox(t *testing.T) {
	w := newWorld(t)
	w.imap.Append("INBOX", testForm(8))
	stop := w.start()
	if _, err := w.smtp.WaitFor(2, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	stop()
	if out, err := cli(t, "digest", "--send", "--config", w.cfgPath); err != nil {
		t.Fatalf("digest --send: %v\n%s", err, out)
	}
	msgs := w.smtp.Messages()
	last := msgs[len(msgs)-1]
	if k, _ := letterKind(last.Raw); k != "digest" || last.To[0] != "directie@example.nl" {
		t.Fatalf("last letter = %s to %v, want the digest to management", k, last.To)
	}
	if !bytes.Contains(last.Raw, []byte("text/html")) {
		t.Error("digest has no HTML part")
	}
}

func TestCLIErrorsSayWhatToDo(t *testing.T) {
	cases := [][]string{
		{},
		{"frobnicate"},
		{"run"},
		{"parse"},
		{"workdays", "add", "23-11-2026", "5"},
		{"show", "--config", "/nonexistent/klachtd.toml", "KL-2026-0001"},
	}
	for _, args := range cases {
		out, err := cli(t, args...)
		if err == nil {
			t.Errorf("klachtd %v succeeded", args)
			continue
		}
		msg := err.Error()
		// Each names what to do: the command list, the expected form, a flag.
		if !strings.Contains(msg, "see the list") && !strings.Contains(msg, "expected") && !strings.Contains(msg, "--") && !strings.Contains(msg, "klachtd ") {
			t.Errorf("klachtd %v: %q is not advice (output %q)", args, msg, out)
		}
	}
	out, err := cli(t, "workdays", "add", "2026-11-23", "20")
	if err != nil || strings.TrimSpace(out) != "2026-12-21" {
		t.Errorf("workdays add 2026-11-23 20 = %q, %v; want 2026-12-21", out, err)
	}
}
