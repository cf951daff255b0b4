package main

import (
	"bytes"
	"flag"
	"io"
	"log/slog"
	"strings"
	"testing"
)

// TestTraceRedactsBodiesUnlessFull (issue 10 item 6): --trace says at start
// that the log holds the transcript and redacts mail bodies; --trace=full
// writes them, with a warning.
func TestTraceRedactsBodiesUnlessFull(t *testing.T) {
	const line = "* 1 FETCH (UID 5 BODY[] {27}\r\nTelefoonnummer: 010-1234567)\r\n"
	for _, tc := range []struct {
		args     []string
		bodyIn   bool
		announce string
	}{
		{[]string{"--trace"}, false, "redacted"},
		{[]string{"--trace=full"}, true, "personal data"},
	} {
		fs := flag.NewFlagSet("run", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var tr traceFlag
		fs.Var(&tr, "trace", traceUsage)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		var logb, out bytes.Buffer
		w := tr.writer(&out, slog.New(slog.NewTextHandler(&logb, nil)))
		if w == nil {
			t.Fatalf("%v: no trace writer", tc.args)
		}
		if _, err := w.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(out.String(), "010-1234567"); got != tc.bodyIn {
			t.Errorf("%v: body in trace = %v, want %v:\n%s", tc.args, got, tc.bodyIn, out.String())
		}
		if !strings.Contains(logb.String(), tc.announce) {
			t.Errorf("%v: start-up log does not say %q:\n%s", tc.args, tc.announce, logb.String())
		}
	}
	var off traceFlag
	if off.writer(io.Discard, slog.New(slog.DiscardHandler)) != nil {
		t.Error("trace on without --trace")
	}
	if err := off.Set("bodies"); err == nil {
		t.Error("--trace=bodies accepted")
	}
}
