package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncWriter is a log the demo writes while the test reads it.
type syncWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// Review #15: with --dir, the demo's log names that folder and never an
// empty dir="".
func TestDemoLogNamesItsFolder(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr, stdout syncWriter
	done := make(chan error, 1)
	go func() {
		done <- cmdDemo(ctx, []string{"--dir", dir, "--imap", "127.0.0.1:0", "--smtp", "127.0.0.1:0"}, &stdout, &stderr)
	}()
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(stderr.String(), "demo folder"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("demo did not start:\n%s", stderr.String())
		}
	}
	cancel()
	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("demo: %v", err)
	}
	log := stderr.String()
	if strings.Contains(log, `dir=""`) {
		t.Errorf("log says dir=\"\" though --dir %s was given:\n%s", dir, log)
	}
	if !strings.Contains(log, "dir="+dir) {
		t.Errorf("log does not name the folder %s:\n%s", dir, log)
	}
}
