package mailbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ingressus/klachtd/mailbox/mailworld"
)

// testLog shows the package's logs with -v only when KLACHTD_TEST_LOG is set;
// tests stay quiet by default.
func testLog(t testing.TB) *slog.Logger {
	if os.Getenv("KLACHTD_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// memCursor is an in-memory CursorStore.
type memCursor struct {
	mu   sync.Mutex
	v    map[string][2]uint32
	sets int
}

func newMemCursor() *memCursor { return &memCursor{v: make(map[string][2]uint32)} }

func (c *memCursor) Cursor(_ context.Context, mailbox string) (uint32, uint32, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := c.v[mailbox]
	return v[0], v[1], nil
}

func (c *memCursor) SetCursor(_ context.Context, mailbox string, uv, last uint32) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.v[mailbox] = [2]uint32{uv, last}
	c.sets++
	return nil
}

func (c *memCursor) get(mailbox string) (uint32, uint32) {
	v, l, _ := c.Cursor(context.Background(), mailbox)
	return v, l
}

// recHandler is an idempotent handler that records what it did, keyed by
// Message-ID as the real one dedupes. failNext makes the next calls fail.
type recHandler struct {
	mu       sync.Mutex
	seen     map[string]Outcome
	order    []string // Message-IDs in first-handling order
	calls    int
	uids     []uint32
	ds       []Delivery
	failNext int
	changed  chan struct{}
}

func newRecHandler() *recHandler {
	return &recHandler{seen: make(map[string]Outcome), changed: make(chan struct{}, 1)}
}

var msgIDRe = regexp.MustCompile(`(?mi)^Message-ID:\s*(<[^>]+>)`)

func (h *recHandler) handle(_ context.Context, d Delivery) (Outcome, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	defer func() {
		select {
		case h.changed <- struct{}{}:
		default:
		}
	}()
	h.calls++
	if h.failNext > 0 {
		h.failNext--
		return 0, errors.New("database is locked")
	}
	h.uids = append(h.uids, d.UID)
	h.ds = append(h.ds, d)
	id := string(msgIDRe.FindSubmatch(d.Raw)[1])
	if o, ok := h.seen[id]; ok {
		return o, nil
	}
	o := Processed
	if bytes.Contains(d.Raw, []byte("QUARANTINE")) {
		o = Quarantined
	}
	h.seen[id] = o
	h.order = append(h.order, id)
	return o, nil
}

// perMailHandler is a test's handler of one mail; batch makes it the
// intake's Handler, mail after mail, stopping at the first error (which
// keeps the whole batch in the inbox, as the real handler's does).
type perMailHandler func(ctx context.Context, d Delivery) (Outcome, error)

func (h perMailHandler) batch(ctx context.Context, ds []Delivery) ([]Outcome, error) {
	out := make([]Outcome, len(ds))
	for i, d := range ds {
		o, err := h(ctx, d)
		if err != nil {
			return nil, err
		}
		out[i] = o
	}
	return out, nil
}

func (h *recHandler) handled() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.order)
}

func (h *recHandler) stats() (calls int, uids []uint32) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls, slices.Clone(h.uids)
}

func testMsg(i int, extra string) []byte {
	return fmt.Appendf(nil, "From: a%d@example.org\r\nTo: klachten@example.nl\r\nSubject: test %d\r\nMessage-ID: <%d@test>\r\n\r\nbody %d %s\r\n", i, i, i, i, extra)
}

func testConfig(srv *mailworld.IMAPServer) IMAPConfig {
	return IMAPConfig{
		Addr:         srv.Addr(),
		TLS:          TLSNone,
		Username:     srv.User(),
		Password:     srv.Password(),
		Folder:       "INBOX",
		Processed:    "Verwerkt",
		Quarantine:   "Quarantaine",
		PollInterval: time.Minute, // long: wake-ups in tests must come from IDLE
	}
}

// startIntake runs an intake until the test ends and checks that Run
// returned nil after the cancel.
func startIntake(t *testing.T, cfg IMAPConfig, h perMailHandler, cur CursorStore, tweak func(*Intake)) *Intake {
	t.Helper()
	return startIntakeWith(t, cfg, h.batch, cur, tweak)
}

func startIntakeWith(t *testing.T, cfg IMAPConfig, h Handler, cur CursorStore, tweak func(*Intake)) *Intake {
	t.Helper()
	in := NewIntake(cfg, h, cur, testLog(t))
	in.backoffMin, in.backoffMax = 20*time.Millisecond, 200*time.Millisecond
	if tweak != nil {
		tweak(in)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run() = %v after cancel, want nil", err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("Run() did not return within 5s of cancel")
		}
	})
	return in
}

func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestIntakeBacklogFirstSync(t *testing.T) {
	srv := mailworld.NewIMAPServer(t)
	const n = 120 // more than two fetch batches
	for i := 1; i <= n; i++ {
		srv.Append("INBOX", testMsg(i, ""))
	}
	h, cur := newRecHandler(), newMemCursor()
	startIntake(t, testConfig(srv), h.handle, cur, nil)
	waitUntil(t, 10*time.Second, "backlog handled", func() bool { return len(h.handled()) == n })
	waitUntil(t, 2*time.Second, "cursor at last uid", func() bool { _, l := cur.get("INBOX"); return l == n })

	calls, uids := h.stats()
	if calls != n {
		t.Errorf("handler calls = %d, want %d", calls, n)
	}
	if !slices.IsSorted(uids) {
		t.Errorf("uids handed over out of order: %v", uids)
	}
	if got := srv.List("INBOX"); len(got) != 0 {
		t.Errorf("INBOX holds %d mails after sync, want 0", len(got))
	}
	moved := srv.Messages("Verwerkt")
	if len(moved) != n {
		t.Fatalf("Verwerkt holds %d mails, want %d", len(moved), n)
	}
	for _, m := range moved {
		if slices.Contains(m.Flags, `\Seen`) {
			t.Fatalf("moved mail uid %d has \\Seen: fetch must use BODY.PEEK", m.UID)
		}
	}
	if uv, _ := cur.get("INBOX"); uv != srv.UIDValidity("INBOX") {
		t.Errorf("cursor uidvalidity = %d, want %d", uv, srv.UIDValidity("INBOX"))
	}
	// The raw bytes arrive unchanged.
	h.mu.Lock()
	first := h.ds[0]
	h.mu.Unlock()
	if !bytes.Equal(first.Raw, testMsg(1, "")) || first.Truncated || first.Size != int64(len(testMsg(1, ""))) {
		t.Errorf("first delivery = %q (truncated %v, size %d), want the appended bytes", first.Raw, first.Truncated, first.Size)
	}
}

func TestIntakeIdleWakeupAndIncrementalUIDs(t *testing.T) {
	srv := mailworld.NewIMAPServer(t)
	h, cur := newRecHandler(), newMemCursor()
	in := startIntake(t, testConfig(srv), h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "connected", func() bool { return in.Status().Connected && !in.Status().LastPoll.IsZero() })
	for i := 1; i <= 3; i++ {
		// PollInterval is a minute: only IDLE can make this quick.
		time.Sleep(20 * time.Millisecond) // let the intake enter IDLE
		start := time.Now()
		uid := srv.Append("INBOX", testMsg(i, ""))
		waitUntil(t, 3*time.Second, fmt.Sprintf("mail %d handled", i), func() bool { return len(h.handled()) == i })
		t.Logf("uid %d handled %v after append", uid, time.Since(start))
		_, uids := h.stats()
		if uids[len(uids)-1] != uid {
			t.Fatalf("handled uid %d, want %d", uids[len(uids)-1], uid)
		}
	}
	if calls, _ := h.stats(); calls != 3 {
		t.Errorf("handler calls = %d, want 3", calls)
	}
}

func TestIntakePollingWithoutIdle(t *testing.T) {
	srv := mailworld.NewIMAPServer(t)
	h, cur := newRecHandler(), newMemCursor()
	cfg := testConfig(srv)
	cfg.PollInterval = 50 * time.Millisecond
	in := startIntake(t, cfg, h.handle, cur, func(in *Intake) { in.noIdle = true })
	waitUntil(t, 5*time.Second, "connected", func() bool { return in.Status().Connected })
	srv.Append("INBOX", testMsg(1, ""))
	waitUntil(t, 3*time.Second, "mail handled by polling", func() bool { return len(h.handled()) == 1 })
}

func TestIntakeQuarantine(t *testing.T) {
	srv := mailworld.NewIMAPServer(t)
	srv.Append("INBOX", testMsg(1, ""))
	srv.Append("INBOX", testMsg(2, "QUARANTINE"))
	srv.Append("INBOX", testMsg(3, ""))
	h, cur := newRecHandler(), newMemCursor()
	startIntake(t, testConfig(srv), h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "cursor at 3", func() bool { _, l := cur.get("INBOX"); return l == 3 })
	if got := len(srv.List("Verwerkt")); got != 2 {
		t.Errorf("Verwerkt holds %d, want 2", got)
	}
	q := srv.List("Quarantaine")
	if len(q) != 1 || !bytes.Contains(q[0], []byte("QUARANTINE")) {
		t.Errorf("Quarantaine = %q, want mail 2", q)
	}
}

func TestIntakeDropsUIDsAtOrBelowCursor(t *testing.T) {
	// "UID FETCH last+1:*" returns the newest mail even when its UID is
	// <= last (RFC 3501 §6.4.8). Leave mails 1..3 in the INBOX with the
	// cursor at 3, as after a crash between move and cursor write on a
	// server that did not move: none of them may be handed over again.
	srv := mailworld.NewIMAPServer(t)
	for i := 1; i <= 3; i++ {
		srv.Append("INBOX", testMsg(i, ""))
	}
	h, cur := newRecHandler(), newMemCursor()
	cur.SetCursor(context.Background(), "INBOX", srv.UIDValidity("INBOX"), 3)
	var trace syncBuffer
	cfg := testConfig(srv)
	cfg.Trace = &trace
	in := startIntake(t, cfg, h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "first poll", func() bool { return !in.Status().LastPoll.IsZero() })
	if calls, uids := h.stats(); calls != 0 {
		t.Fatalf("handler called %d times for uids %v, want 0", calls, uids)
	}
	// The server did send uid 3 for "4:*": the test would prove nothing
	// otherwise.
	if !strings.Contains(trace.String(), "(UID 3 RFC822.SIZE") {
		t.Errorf("server did not return uid 3 for 4:*; trace:\n%s", trace.String())
	}
	srv.Append("INBOX", testMsg(4, ""))
	waitUntil(t, 3*time.Second, "mail 4", func() bool { return len(h.handled()) == 1 })
	if _, uids := h.stats(); !slices.Equal(uids, []uint32{4}) {
		t.Errorf("handled uids = %v, want [4]", uids)
	}
}

func TestIntakeUIDValidityChange(t *testing.T) {
	srv := mailworld.NewIMAPServer(t)
	for i := 1; i <= 3; i++ {
		srv.Append("INBOX", testMsg(i, ""))
	}
	h, cur := newRecHandler(), newMemCursor()
	in := startIntake(t, testConfig(srv), h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "3 handled", func() bool { _, l := cur.get("INBOX"); return l == 3 })
	oldUV := srv.UIDValidity("INBOX")

	// The server rebuilds the folder: new UIDVALIDITY, UIDs from 1 again,
	// and (as when moves were lost) the same three mails back plus a new one.
	srv.ResetUIDValidity("INBOX")
	for i := 1; i <= 4; i++ {
		srv.Append("INBOX", testMsg(i, ""))
	}
	srv.DropConnections()
	waitUntil(t, 5*time.Second, "4 distinct mails", func() bool { return len(h.handled()) == 4 })
	waitUntil(t, 5*time.Second, "INBOX empty", func() bool { return len(srv.List("INBOX")) == 0 })
	waitUntil(t, 5*time.Second, "cursor at 4", func() bool { _, l := cur.get("INBOX"); return l == 4 })
	uv, last := cur.get("INBOX")
	if uv == oldUV || uv != srv.UIDValidity("INBOX") || last != 4 {
		t.Errorf("cursor = (%d, %d), want (%d, 4)", uv, last, srv.UIDValidity("INBOX"))
	}
	if got, want := h.handled(), []string{"<1@test>", "<2@test>", "<3@test>", "<4@test>"}; !slices.Equal(got, want) {
		t.Errorf("handled = %v, want %v (each once)", got, want)
	}
	_ = in
}

func TestIntakeHandlerErrorKeepsMailAndRetries(t *testing.T) {
	srv := mailworld.NewIMAPServer(t)
	srv.Append("INBOX", testMsg(1, ""))
	srv.Append("INBOX", testMsg(2, ""))
	h, cur := newRecHandler(), newMemCursor()
	h.failNext = 1 << 30 // the store is down until we say so
	in := startIntake(t, testConfig(srv), h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "three failed attempts", func() bool { c, _ := h.stats(); return c >= 3 })
	st := in.Status()
	if !st.Connected || st.FailingSince.IsZero() || !strings.Contains(st.LastError, "database is locked") {
		t.Errorf("Status() = %+v while the handler fails, want connected, failing, the handler's error", st)
	}
	if got := len(srv.List("INBOX")); got != 2 {
		t.Errorf("INBOX holds %d while the handler fails, want 2", got)
	}
	if _, l := cur.get("INBOX"); l != 0 {
		t.Errorf("cursor advanced to %d while the handler fails", l)
	}
	h.mu.Lock()
	failed := h.calls
	h.failNext = 0
	h.mu.Unlock()
	waitUntil(t, 5*time.Second, "both handled", func() bool { _, l := cur.get("INBOX"); return l == 2 })
	if calls, _ := h.stats(); calls != failed+2 {
		t.Errorf("handler calls = %d, want %d failures + 2", calls, failed)
	}
	waitUntil(t, 2*time.Second, "status healthy", func() bool { s := in.Status(); return s.FailingSince.IsZero() && s.LastError == "" })
	if got := len(srv.List("Verwerkt")); got != 2 {
		t.Errorf("Verwerkt holds %d, want 2", got)
	}
}

func TestIntakeReconnectsAfterConnectionLoss(t *testing.T) {
	srv := mailworld.NewIMAPServer(t)
	h, cur := newRecHandler(), newMemCursor()
	in := startIntake(t, testConfig(srv), h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "connected", func() bool { return in.Status().Connected && srv.Logins() == 1 })
	for round := 1; round <= 3; round++ {
		srv.DropConnections()
		waitUntil(t, 5*time.Second, "relogin", func() bool { return srv.Logins() == round+1 && in.Status().Connected })
		srv.Append("INBOX", testMsg(round, ""))
		waitUntil(t, 3*time.Second, "mail handled after reconnect", func() bool { return len(h.handled()) == round })
	}
}

func TestIntakeLoginFailureStatus(t *testing.T) {
	srv := mailworld.NewIMAPServer(t)
	srv.FailLogins(true)
	srv.Append("INBOX", testMsg(1, ""))
	h, cur := newRecHandler(), newMemCursor()
	in := startIntake(t, testConfig(srv), h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "3 login attempts", func() bool { return srv.Logins() >= 3 })
	st := in.Status()
	if st.Connected || st.FailingSince.IsZero() || !strings.Contains(st.LastError, "login") {
		t.Errorf("Status() = %+v, want not connected, failing, a login error", st)
	}
	if strings.Contains(st.LastError, srv.Password()) {
		t.Errorf("LastError %q contains the password", st.LastError)
	}
	srv.FailLogins(false)
	waitUntil(t, 5*time.Second, "mail handled", func() bool { return len(h.handled()) == 1 })
	waitUntil(t, 2*time.Second, "healthy", func() bool { return in.Status().FailingSince.IsZero() })
}

func TestIntakeTruncatesLargeMail(t *testing.T) {
	srv := mailworld.NewIMAPServer(t)
	big := append(testMsg(1, ""), bytes.Repeat([]byte("x"), 5000)...)
	srv.Append("INBOX", big)
	srv.Append("INBOX", testMsg(2, ""))
	h, cur := newRecHandler(), newMemCursor()
	cfg := testConfig(srv)
	cfg.MaxBytes = 1000
	startIntake(t, cfg, h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "2 handled", func() bool { return len(h.handled()) == 2 })
	h.mu.Lock()
	d1, d2 := h.ds[0], h.ds[1]
	h.mu.Unlock()
	if !d1.Truncated || len(d1.Raw) != 1000 || d1.Size != int64(len(big)) || !bytes.Equal(d1.Raw, big[:1000]) {
		t.Errorf("big delivery: truncated %v, len %d, size %d; want true, 1000, %d", d1.Truncated, len(d1.Raw), d1.Size, len(big))
	}
	if d2.Truncated || !bytes.Equal(d2.Raw, testMsg(2, "")) {
		t.Errorf("small delivery truncated %v or changed", d2.Truncated)
	}
}

func TestIntakeRefusesPlainTextToRemoteHost(t *testing.T) {
	cfg := IMAPConfig{Addr: "192.0.2.1:143", TLS: TLSNone, Processed: "P", Quarantine: "Q"}
	in := NewIntake(cfg, perMailHandler(newRecHandler().handle).batch, newMemCursor(), testLog(t))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := in.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("Run() = %v, want an error about loopback", err)
	}
}

func TestIntakeCreatesFoldersAndTraceHidesPassword(t *testing.T) {
	srv := mailworld.NewIMAPServer(t)
	var trace syncBuffer
	cfg := testConfig(srv)
	cfg.Trace = &trace
	h, cur := newRecHandler(), newMemCursor()
	srv.Append("INBOX", testMsg(1, ""))
	startIntake(t, cfg, h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "handled", func() bool { return len(h.handled()) == 1 })
	if srv.Messages("Quarantaine") != nil {
		t.Errorf("Quarantaine not empty")
	}
	if got := len(srv.List("Verwerkt")); got != 1 {
		t.Errorf("Verwerkt holds %d, want 1", got)
	}
	tr := trace.String()
	if !strings.Contains(tr, "SELECT") || strings.Contains(tr, srv.Password()) {
		t.Errorf("trace lacks SELECT or contains the password:\n%s", tr)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// One path: what one FETCH brought goes to the handler in one call, one
// mail or many, and is moved and the cursor written once.
func TestIntakeHandsEachFetchedBatchAtOnce(t *testing.T) {
	srv := mailworld.NewIMAPServer(t)
	for i := 1; i <= 3; i++ {
		srv.Append("INBOX", testMsg(i, map[bool]string{true: "QUARANTINE"}[i == 2]))
	}
	var mu sync.Mutex
	var sizes []int
	rec := newRecHandler()
	h := func(ctx context.Context, ds []Delivery) ([]Outcome, error) {
		mu.Lock()
		sizes = append(sizes, len(ds))
		mu.Unlock()
		return perMailHandler(rec.handle).batch(ctx, ds)
	}
	cur := newMemCursor()
	startIntakeWith(t, testConfig(srv), h, cur, nil)
	waitUntil(t, 5*time.Second, "cursor at 3", func() bool { _, l := cur.get("INBOX"); return l == 3 })
	srv.Append("INBOX", testMsg(4, ""))
	waitUntil(t, 5*time.Second, "cursor at 4", func() bool { _, l := cur.get("INBOX"); return l == 4 })
	mu.Lock()
	got := slices.Clone(sizes)
	mu.Unlock()
	if !slices.Equal(got, []int{3, 1}) {
		t.Errorf("handler calls with %v mails, want [3 1]: the backlog at once, then the one that came", got)
	}
	if p, q := len(srv.List("Verwerkt")), len(srv.List("Quarantaine")); p != 3 || q != 1 {
		t.Errorf("Verwerkt %d, Quarantaine %d; want 3 and 1", p, q)
	}
}
