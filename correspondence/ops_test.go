package correspondence

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// lockedBuffer is a log written by the gateway while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (e *env) logTo(w *lockedBuffer) {
	e.g.log = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// formFrom is a form of complainant i (an address of its own, so the
// letter cap does not apply).
func formFrom(i int) string {
	return strings.ReplaceAll(form(fmt.Sprintf("ops-%d", i), "010-1234567"), "sanne@bakkerijvandijk.nl", fmt.Sprintf("klant%d@example.com", i))
}

// watchingSender accepts every letter and measures, at the start of each
// send, how many letters it accepted that the store does not yet record as
// sent: what a kill at that moment would send twice.
type watchingSender struct {
	store   *Store
	started atomic.Int64
	mu      sync.Mutex
	worst   int64
}

func (s *watchingSender) Send(ctx context.Context, from string, to []string, raw []byte) error {
	n := s.started.Add(1)
	var recorded int64
	if err := s.store.db.Get(&recorded, `SELECT count(*) FROM outbox WHERE state = 'sent'`); err != nil {
		return err
	}
	s.mu.Lock()
	s.worst = max(s.worst, n-recorded)
	s.mu.Unlock()
	return nil
}

// Issue 10 item 8: while a busy intake holds the write lock in long
// transactions, the outbox must not send ahead of what it can record: at
// any moment at most one unrecorded letter per SMTP connection (the one
// under way), so a kill sends at most those again.
func TestSendingNeverRunsAheadOfRecording(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	for i := 0; i < 40; i++ {
		e.deliver(formFrom(i))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The busy intake: write transactions of 30 ms, back to back.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			e.store.tx(ctx, func(tx *sqlx.Tx) error {
				time.Sleep(30 * time.Millisecond)
				return nil
			})
		}
	}()
	s := &watchingSender{store: e.store}
	const conns = 4
	senders := make([]Sender, conns)
	for i := range senders {
		senders[i] = s
	}
	sent, err := e.g.FlushOutbox(ctx, senders)
	cancel()
	wg.Wait()
	if err != nil || sent != 80 {
		t.Fatalf("FlushOutbox: %d sent, %v; want 80", sent, err)
	}
	if s.worst > conns {
		t.Errorf("up to %d letters were out but not recorded as sent, over %d connections: a kill then sends them all again", s.worst, conns)
	}
}

// Issue 10 item 9: a killed process that its parent has not reaped yet (a
// zombie) still has its /proc entry, but holds no lease.
func TestZombieHoldsNoLease(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	pid := fmt.Sprint(cmd.Process.Pid)
	if !processAlive(pid) {
		t.Fatalf("running process %s counted dead", pid)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		b, err := os.ReadFile("/proc/" + pid + "/stat")
		if err == nil && bytes.Contains(b, []byte(") Z ")) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no zombie: %s %v", b, err)
		}
	}
	if processAlive(pid) {
		t.Errorf("zombie %s counted alive: its leases would hold letters back until they end", pid)
	}
}

// Issue 10 item 9: a restart holding the writer lock takes over every
// lease of the process before it at once, even when that PID is in use
// again by something else.
func TestForeignLeasesReleasedAtOnce(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(formFrom(1))
	// Leased by PID 1 (alive: init) as a killed predecessor's PID may be.
	if _, err := e.store.db.Exec(`UPDATE outbox SET lease_until = ?, last_error = 'lease:1'`, e.clk.now().Add(time.Hour).UTC()); err != nil {
		t.Fatal(err)
	}
	if err := e.g.ReleaseForeignLeases(context.Background()); err != nil {
		t.Fatal(err)
	}
	var held int
	e.store.db.Get(&held, `SELECT count(*) FROM outbox WHERE lease_until IS NOT NULL`)
	if held != 0 {
		t.Errorf("%d letters still leased to the previous daemon", held)
	}
}

// oneConn pins the store to one connection, so a PRAGMA holds for it all.
func oneConn(t *testing.T, e *env) {
	e.store.db.SetMaxOpenConns(1)
	e.store.db.SetMaxIdleConns(1)
}

// Issue 10 item 11: a full disk (SQLite's max_page_count: the same
// SQLITE_FULL a full file system gives) is a store outage: the mail is not
// quarantined (nor logged as such), the health says so, one error line,
// and once there is room again the mail is handled.
func TestDiskFullIsAStoreOutage(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	var log lockedBuffer
	e.logTo(&log)
	oneConn(t, e)
	var pages int
	if err := e.store.db.Get(&pages, `PRAGMA page_count`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.db.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		t.Fatal(err)
	}
	big := strings.Replace(formFrom(7), "niet compleet.", "niet compleet. "+strings.Repeat("Zeer uitgebreide toelichting. ", 4000), 1)
	in := Incoming{Mailbox: "INBOX", UIDValidity: 1, UID: 1, Raw: []byte(strings.ReplaceAll(big, "\n", "\r\n"))}
	for i := 0; i < maxAttempts+2; i++ {
		q, err := handleOne(e.g, context.Background(), in)
		if err == nil || q {
			t.Fatalf("attempt %d on a full disk: quarantine %v, err %v", i+1, q, err)
		}
		if !isStorageError(err) {
			t.Fatalf("attempt %d: %v, want a storage error", i+1, err)
		}
	}
	h := e.g.Health()
	if h.StoreFailingSince.IsZero() || !strings.Contains(h.StoreError, "full") {
		t.Errorf("health on a full disk: %+v", h)
	}
	if strings.Contains(log.String(), "quarantined") {
		t.Errorf("log speaks of quarantine on a full disk:\n%s", log.String())
	}
	if n := strings.Count(log.String(), "level=ERROR"); n != 1 {
		t.Errorf("%d error lines for one outage, want 1:\n%s", n, log.String())
	}
	if _, err := e.store.db.Exec(`PRAGMA max_page_count = 1073741823`); err != nil {
		t.Fatal(err)
	}
	if q, err := handleOne(e.g, context.Background(), in); err != nil || q {
		t.Fatalf("with room again: quarantine %v, err %v", q, err)
	}
	if h := e.g.Health(); !h.StoreFailingSince.IsZero() {
		t.Errorf("health after the disk has room: %+v", h)
	}
	if len(e.lettersOf("acknowledgement")) != 1 {
		t.Errorf("the mail was not handled once there was room")
	}
}

// Issue 10 item 11: the outbox over a store that takes no writes (a
// read-only database: SQLITE_READONLY, by PRAGMA query_only) backs off
// instead of retrying every 50 ms, and says so once.
func TestOutboxBacksOffWhileTheStoreFails(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(formFrom(1))
	var log lockedBuffer
	e.logTo(&log)
	oneConn(t, e)
	if _, err := e.store.db.Exec(`PRAGMA query_only = ON`); err != nil {
		t.Fatal(err)
	}
	s := &watchingSender{store: e.store}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	e.g.RunOutbox(ctx, []Sender{s}, time.Minute)
	if n := strings.Count(log.String(), "\n"); n > 2 {
		t.Errorf("%d log lines in one second of a read-only store, want at most 2:\n%.2000s", n, log.String())
	}
	if h := e.g.Health(); h.StoreFailingSince.IsZero() {
		t.Errorf("health with a read-only store: %+v", h)
	}
	if s.started.Load() != 0 {
		t.Errorf("letters sent that could not be claimed")
	}
}
