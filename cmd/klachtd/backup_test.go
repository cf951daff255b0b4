package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Issue 17: `klachtd backup` while the daemon runs, restore = stop, put the
// file back, start: the outbox state travels with the copy, so letters
// the copy records as sent do not go again and letters it holds queued go
// out once.
func TestBackupWhileRunningAndRestoreSendsNothingTwice(t *testing.T) {
	w := newWorld(t, retry(200*time.Millisecond))
	for i := 0; i < 5; i++ {
		w.imap.Append("INBOX", testForm(i))
	}
	stop := w.start()
	if _, err := w.smtp.WaitFor(10, 30*time.Second); err != nil {
		stop()
		t.Fatal(err)
	}
	// The SMTP server goes away for a while: three more complaints come in
	// and their six letters wait in the outbox.
	w.smtp.FailMail(421, -1)
	for i := 5; i < 8; i++ {
		w.imap.Append("INBOX", testForm(i))
	}
	eventually(t, "three more complaints registered", 30*time.Second, func() bool {
		out, _ := cli(t, "list", "--config", w.cfgPath)
		return strings.Count(out, "KL-") == 8
	})
	copyPath := filepath.Join(t.TempDir(), "klachtd-backup.db")
	out, err := cli(t, "backup", "--config", w.cfgPath, "--to", copyPath)
	if err != nil || !strings.Contains(out, "integrity check ok") {
		stop()
		t.Fatalf("klachtd backup while running: %v\n%s", err, out)
	}
	if out, err := cli(t, "backup", "--config", w.cfgPath, "--to", copyPath); err == nil {
		t.Errorf("a second backup onto the same file succeeded: %s", out)
	}
	stop()

	// Restore: stop (done), put the file back, start.
	cfg, err := LoadConfig(w.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	db := cfg.path(cfg.Gateway.Database)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(db + suffix)
	}
	data, err := os.ReadFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, data, 0o600); err != nil {
		t.Fatal(err)
	}
	w.smtp.FailMail(0, 0)
	stop = w.start()
	defer stop()
	msgs, err := w.smtp.WaitFor(16, 30*time.Second)
	if err != nil {
		t.Fatalf("after the restore: %v", err)
	}
	out, _ = cli(t, "list", "--config", w.cfgPath)
	if n := strings.Count(out, "KL-"); n != 8 {
		t.Errorf("restored store lists %d complaints, want 8:\n%s", n, out)
	}
	// A look a moment later: nothing more goes out.
	time.Sleep(time.Second)
	msgs = w.smtp.Messages()
	kinds, ids := countKinds(msgs)
	if len(msgs) != 16 || kinds["acknowledgement"] != 8 {
		t.Errorf("after backup and restore: %d letters %v, want 16 (8 acknowledgements)", len(msgs), kinds)
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("letter %s sent %d times", id, n)
		}
	}
}
