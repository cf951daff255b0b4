package main

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// review F3 #5: the demo stopped and started again on the same --dir (as
// the README invites) keeps its database, with the intake cursor of its
// first life, but its mail world starts afresh. A complaint mailed after
// the restart must still be processed.
func TestDemoRestartProcessesNewMail(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "klachtd.toml")
	complaints := func() int {
		out, err := cli(t, "list", "--json", "--config", cfgPath)
		if err != nil {
			return -1
		}
		var items []json.RawMessage
		if json.Unmarshal([]byte(out), &items) != nil {
			return -1
		}
		return len(items)
	}
	// The sample complaint is mailed at each start with a new Message-ID;
	// the second time it is the same complaint submitted again (a double
	// submit: one complaint, the handler told).
	life := func(want int, letter string) {
		ctx, cancel := context.WithCancel(context.Background())
		var stderr, stdout syncWriter
		done := make(chan error, 1)
		go func() {
			done <- cmdDemo(ctx, []string{"--dir", dir, "--imap", "127.0.0.1:0", "--smtp", "127.0.0.1:0", "--sample"}, &stdout, &stderr)
		}()
		defer func() {
			cancel()
			if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("demo: %v", err)
			}
		}()
		for deadline := time.Now().Add(40 * time.Second); !strings.Contains(stderr.String(), "kind="+letter+" "); time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no %s letter sent: the sample mail was not processed; log:\n%s", letter, stderr.String())
			}
		}
		if n := complaints(); n != want {
			t.Errorf("demo holds %d complaints, want %d", n, want)
		}
	}
	life(1, "acknowledgement")
	life(1, "double_submit")
}
