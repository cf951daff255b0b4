package correspondence

import (
	"context"
	"testing"
	"time"

	"github.com/ingressus/klachtd/templates"
)

// Review #15: the very first start of a fresh database, after the day's
// digest time, sends no digest; the next scheduled one is sent, and so is
// one missed while the gateway was down.
func TestFirstStartSendsNoDigest(t *testing.T) {
	ctx := context.Background()
	digests := func(e *env) int { return len(e.lettersOf(templates.Digest)) }

	e := newEnv(t, at(2026, 11, 23, 21, 0)) // Monday evening: daily and weekly time passed
	e.g.SetDigestSchedule(DigestSchedule{Daily: true, Weekly: true, At: 8 * time.Hour})
	if err := e.g.scheduleDigests(ctx); err != nil {
		t.Fatal(err)
	}
	if n := digests(e); n != 0 {
		t.Fatalf("first start at 21:00 sent %d digests; the 08:00 one was never missed", n)
	}
	e.clk.set(at(2026, 11, 24, 7, 0))
	e.g.scheduleDigests(ctx)
	if n := digests(e); n != 0 {
		t.Fatalf("%d digests before 08:00", n)
	}
	e.clk.set(at(2026, 11, 24, 8, 1))
	e.g.scheduleDigests(ctx)
	e.g.scheduleDigests(ctx)
	if n := digests(e); n != 1 {
		t.Fatalf("%d digests on Tuesday 08:01, want 1", n)
	}
	// Down from Tuesday until Thursday 10:00: Thursday's is sent at start.
	e.clk.set(at(2026, 11, 26, 10, 0))
	e.g.scheduleDigests(ctx)
	if n := digests(e); n != 2 {
		t.Errorf("%d digests after a restart on Thursday 10:00, want 2", n)
	}

	// A fresh database started before the digest time sends it that day.
	f := newEnv(t, at(2026, 11, 24, 7, 30))
	f.g.SetDigestSchedule(DigestSchedule{Daily: true, At: 8 * time.Hour})
	f.g.scheduleDigests(ctx)
	f.clk.set(at(2026, 11, 24, 8, 0))
	f.g.scheduleDigests(ctx)
	if n := digests(f); n != 1 {
		t.Errorf("started 07:30: %d digests at 08:00, want 1", n)
	}
}
