package main

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPrivacyCommands runs the operator's privacy commands against a
// daemon that sent real letters over SMTP: show prints each letter's
// acceptance, hold/erase/export do what they say.
func TestPrivacyCommands(t *testing.T) {
	w := newWorld(t)
	w.imap.Append("INBOX", testForm(3))
	stop := w.start()
	if _, err := w.smtp.WaitFor(2, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	stop()
	ref := "KL-2026-0001"
	out, err := cli(t, "show", ref, "--config", w.cfgPath)
	if err != nil || strings.Count(out, "aangenomen door 127.0.0.1 op ") != 2 || !strings.Contains(out, "(250 2.0.0 OK: queued)") {
		t.Fatalf("show does not give the acceptance of both letters: %v\n%s", err, out)
	}

	dir := filepath.Join(t.TempDir(), "inzage")
	if out, err := cli(t, "export", "--person", "klant3@example.com", "-o", dir, "--config", w.cfgPath); err != nil || !strings.Contains(out, "1 complaints, 3 mails") {
		t.Fatalf("export --person: %v\n%s", err, out)
	}
	var doc struct {
		Complaints []struct {
			Ref string `json:"ref"`
		} `json:"complaints"`
	}
	js, _ := os.ReadFile(filepath.Join(dir, "complaints.json"))
	if err := json.Unmarshal(js, &doc); err != nil || len(doc.Complaints) != 1 || doc.Complaints[0].Ref != ref {
		t.Errorf("complaints.json = %s (%v)", js, err)
	}

	out, err = cli(t, "erase", "--person", "klant3@example.com", "--yes", "--config", w.cfgPath)
	if err == nil || !strings.Contains(out, "still running") {
		t.Errorf("erase of an open complaint = %v\n%s; want refused", err, out)
	}
	if out, err := cli(t, "hold", ref, "--reason", "rechtszaak", "--config", w.cfgPath); err != nil || !strings.Contains(out, "held") {
		t.Fatalf("hold: %v\n%s", err, out)
	}
	out, err = cli(t, "erase", "--person", "klant3@example.com", "--include-open", "--config", w.cfgPath)
	if err != nil || !strings.Contains(out, "legal hold") || !strings.Contains(out, "nothing was changed") {
		t.Errorf("erase dry run of a held complaint: %v\n%s", err, out)
	}
	if out, err := cli(t, "hold", ref, "--release", "--config", w.cfgPath); err != nil {
		t.Fatalf("hold --release: %v\n%s", err, out)
	}
	out, err = cli(t, "erase", "--person", "klant3@example.com", "--include-open", "--yes", "--config", w.cfgPath)
	if err != nil || !strings.Contains(out, ref+": erased 1 mails in, 2 letters out") {
		t.Fatalf("erase --include-open --yes: %v\n%s", err, out)
	}
	out, _ = cli(t, "show", ref, "--config", w.cfgPath)
	if strings.Contains(out, "Klant 3") || !strings.Contains(out, "erased: ") || !strings.Contains(out, "aangenomen door 127.0.0.1") {
		t.Errorf("show after erasure:\n%s", out)
	}
	if _, err := cli(t, "hold", ref, "--config", w.cfgPath); err == nil {
		t.Error("hold without --reason or --release was accepted")
	}
}

// TestVerifyCommand: exit 0 on the daemon's own record, non-zero naming
// the row once a letter is changed behind its back.
func TestVerifyCommand(t *testing.T) {
	w := newWorld(t)
	w.imap.Append("INBOX", testForm(4))
	stop := w.start()
	if _, err := w.smtp.WaitFor(2, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	stop()
	out, err := cli(t, "verify", "--config", w.cfgPath)
	if err != nil || !strings.Contains(out, "record intact") {
		t.Fatalf("verify of an untouched record: %v\n%s", err, out)
	}
	head := out[strings.LastIndex(out, "chain head ")+len("chain head "):]
	head = strings.TrimSpace(head)
	if out, err := cli(t, "verify", "--anchor", head, "--config", w.cfgPath); err != nil || !strings.Contains(out, "anchor "+head+" found") {
		t.Errorf("verify --anchor of the current head: %v\n%s", err, out)
	}
	if out, err := cli(t, "verify", "--anchor", strings.Repeat("0", 64), "--config", w.cfgPath); err == nil || !strings.Contains(out, "anchor: ledger: the published chain head") {
		t.Errorf("verify --anchor of an unknown head: %v\n%s", err, out)
	}
	// A shortened head is a typo, not evidence: it is refused as input.
	if out, err := cli(t, "verify", "--anchor", head[:8], "--config", w.cfgPath); err == nil || !strings.Contains(err.Error()+out, "not a whole chain head") || strings.Contains(out, "NOT intact") {
		t.Errorf("verify --anchor %s: %v\n%s", head[:8], err, out)
	}
	cfg, err := LoadConfig(w.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", cfg.path(cfg.Gateway.Database))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE outbox SET subject = 'anders' WHERE kind = 'acknowledgement'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, err = cli(t, "verify", "--config", w.cfgPath)
	if err == nil || exitCode(err) != 1 || !strings.Contains(out, "changed: outbox row 1 (KL-2026-0001)") || !strings.Contains(out, "NOT intact") {
		t.Errorf("verify after a changed letter: %v\n%s", err, out)
	}
}

func TestRetentionConfig(t *testing.T) {
	_, err := ParseConfig(strings.NewReader("[retention]\nmonths_after_closure = 0\n"), t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "retention.months_after_closure: expected a number of months from 1 to 120 (24 is usual), got 0") {
		t.Errorf("ParseConfig(months 0) = %v; want the key named", err)
	}
	if got := DefaultConfig().Retention.MonthsAfterClosure; got != 24 {
		t.Errorf("default retention = %d months, want 24", got)
	}
}
