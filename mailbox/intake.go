package mailbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Defaults for IMAPConfig fields left zero.
const (
	DefaultPollInterval = 30 * time.Second
	DefaultMaxBytes     = 25 << 20
	// maxIdle bounds one IDLE: RFC 2177 servers may drop an idle client
	// after 30 minutes, so we re-check well before that.
	maxIdle = 25 * time.Minute
)

const (
	// fetchBatch is how many UIDs go into one UID FETCH: one round trip
	// per batch instead of per mail, while memory stays bounded.
	fetchBatch = 100
	// fetchBatchBytes bounds the bytes one batch FETCH may bring in.
	fetchBatchBytes = 50 << 20
	// cmdTimeout is the watchdog on one command. imapclient sets no read
	// deadline while waiting for the first byte of a response, so a server
	// that stops answering would otherwise hang us forever.
	cmdTimeout = 2 * time.Minute
	// fetchTimeout is the watchdog on one body FETCH (up to 50 MB).
	fetchTimeout = 10 * time.Minute
	// shutdownGrace is how long a cancelled Run lets a running command
	// finish before it closes the connection.
	shutdownGrace = 5 * time.Second
)

// IntakeStatus is a snapshot of the intake's health, for status pages and
// the intake-stopped alert.
type IntakeStatus struct {
	// Connected is true while a logged-in connection with the intake folder
	// selected exists.
	Connected bool
	// LastPoll is the end of the last successful check of the intake folder.
	LastPoll time.Time
	// FailingSince is when the current run of failures (connect, login,
	// handler) began; zero while all is well.
	FailingSince time.Time
	// LastError is the most recent failure, empty once a check succeeds.
	LastError string
	// UIDsWentBack is when the server last showed a UIDNEXT at or below
	// the cursor under the same UIDVALIDITY (and the folder was rescanned);
	// zero if never. A server that does this has lost or renumbered mail.
	UIDsWentBack time.Time
}

// Intake watches one IMAP folder and hands each new mail to a Handler, in UID
// order, then moves it out of the folder and advances the cursor.
type Intake struct {
	cfg IMAPConfig
	h   Handler
	cur CursorStore
	log *slog.Logger

	// wake gets a token (non-blocking send, capacity 1) when the server
	// reports new messages; the reader goroutine must never block on it.
	wake chan struct{}

	mu sync.Mutex
	st IntakeStatus

	// Knobs for tests; production uses the defaults set in NewIntake.
	noIdle       bool
	backoffMin   time.Duration
	backoffMax   time.Duration
	cmdTimeout   time.Duration
	fetchTimeout time.Duration
}

// NewIntake returns an intake for cfg. Zero fields get defaults: TLS
// implicit, Folder INBOX, PollInterval 30 s, MaxBytes 25 MB. It does no I/O:
// Run connects. cur is read at every (re)connect and written after each
// move; h is called from Run's goroutine only, one fetched batch at a time.
func NewIntake(cfg IMAPConfig, h Handler, cur CursorStore, log *slog.Logger) *Intake {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.Folder == "" {
		cfg.Folder = "INBOX"
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSImplicit
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Intake{
		cfg:          cfg,
		h:            h,
		cur:          cur,
		log:          log.With("mailbox", cfg.Folder),
		wake:         make(chan struct{}, 1),
		backoffMin:   time.Second,
		backoffMax:   time.Minute,
		cmdTimeout:   cmdTimeout,
		fetchTimeout: fetchTimeout,
	}
}

// Status returns a snapshot of the intake's health. Safe for concurrent use.
func (in *Intake) Status() IntakeStatus {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.st
}

func (in *Intake) setConnected(ok bool) {
	in.mu.Lock()
	in.st.Connected = ok
	in.mu.Unlock()
}

func (in *Intake) noteUIDsWentBack() {
	in.mu.Lock()
	in.st.UIDsWentBack = time.Now()
	in.mu.Unlock()
}

func (in *Intake) setFailing(err error) {
	in.mu.Lock()
	if in.st.FailingSince.IsZero() {
		in.st.FailingSince = time.Now()
	}
	in.st.LastError = err.Error()
	in.mu.Unlock()
}

func (in *Intake) setPolled() {
	in.mu.Lock()
	in.st.LastPoll = time.Now()
	in.st.FailingSince = time.Time{}
	in.st.LastError = ""
	in.mu.Unlock()
}

// errConfig marks errors no reconnect will cure; Run returns them.
var errConfig = errors.New("imap config")

// handlerError marks a failure of the handler or the cursor store: the
// connection is fine, the pass is retried after a backoff.
type handlerError struct{ err error }

func (e *handlerError) Error() string { return e.err.Error() }
func (e *handlerError) Unwrap() error { return e.err }

// Run watches the intake folder until ctx is cancelled, then logs out and
// returns nil. Connection and login failures are retried with backoff
// (1 s doubling to 60 s); only a configuration error ends Run early.
func (in *Intake) Run(ctx context.Context) error {
	if err := in.checkConfig(); err != nil {
		return err
	}
	var delay time.Duration
	for {
		connected, healthy, err := in.session(ctx)
		in.setConnected(false)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, errReauth) {
			in.log.Info("imap: oauth2 token runs low, logging in again with a fresh one")
			delay = 0
			continue
		}
		if errors.Is(err, errConfig) {
			return err
		}
		in.setFailing(err)
		if healthy {
			// A session that completed a check resets the schedule; one
			// that fails right after SELECT every time does not.
			delay = 0
		}
		delay = nextBackoff(delay, in.backoffMin, in.backoffMax)
		if connected {
			in.log.Warn("imap connection lost, reconnecting", "retry_in", delay, "err", err)
		} else {
			in.log.Warn("imap connect failed, retrying", "retry_in", delay, "err", err, "failing_since", in.Status().FailingSince)
		}
		if !sleep(ctx, delay) {
			return nil
		}
	}
}

func nextBackoff(d, lo, hi time.Duration) time.Duration {
	if d < lo {
		return lo
	}
	return min(2*d, hi)
}

// sleep waits d or until ctx is done; false means ctx is done.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func (in *Intake) checkConfig() error {
	switch in.cfg.TLS {
	case TLSImplicit, TLSStartTLS:
	case TLSNone:
		if !isLoopback(in.cfg.Addr) {
			return fmt.Errorf("%w: tls = %q is allowed to a loopback address only, not %q: the password would cross the network in clear text", errConfig, TLSNone, in.cfg.Addr)
		}
	default:
		return fmt.Errorf("%w: unknown tls mode %q (want %q, %q or %q)", errConfig, in.cfg.TLS, TLSImplicit, TLSStartTLS, TLSNone)
	}
	if _, _, err := net.SplitHostPort(in.cfg.Addr); err != nil {
		return fmt.Errorf("%w: addr %q: %v", errConfig, in.cfg.Addr, err)
	}
	if in.cfg.Processed == "" || in.cfg.Quarantine == "" {
		return fmt.Errorf("%w: processed and quarantine folders must be set", errConfig)
	}
	if in.cfg.Processed == in.cfg.Folder || in.cfg.Quarantine == in.cfg.Folder {
		return fmt.Errorf("%w: processed and quarantine folders must differ from the intake folder %q", errConfig, in.cfg.Folder)
	}
	return nil
}

// isLoopback reports whether addr's host is localhost or a loopback IP.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// traceWriter forwards the protocol transcript but swallows it while muted,
// so the LOGIN command (and its password) never reaches the trace.
type traceWriter struct {
	mu    sync.Mutex
	w     io.Writer
	muted bool
}

func (t *traceWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.muted {
		return len(p), nil
	}
	return t.w.Write(p)
}

func (t *traceWriter) mute(m bool) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.muted = m
	if m {
		fmt.Fprint(t.w, "[login redacted]\r\n")
	}
	t.mu.Unlock()
}

// conn is one logged-in IMAP connection with the intake folder selected.
type conn struct {
	in          *Intake
	c           *imapclient.Client
	uidValidity uint32
	last        uint32
	idle        bool
	passed      bool // a check completed on this connection
	// burstUntil: after mail came in, more mail tends to follow. Until then
	// the folder is checked every burstPoll instead of waiting on IDLE,
	// because servers delay IDLE notifications (Dovecot by 500 ms:
	// NOTIFY_DELAY_MSECS in src/lib-storage/mailbox-watch.c), and a
	// complainant should have the acknowledgement within a second.
	burstUntil time.Time
	// reauthAt, when set, is when the OAuth2 token runs low: the session
	// ends there and the intake logs in again (errReauth).
	reauthAt time.Time
}

// After mail arrives, the folder is checked every burstPoll for burstTime.
const (
	burstPoll = 50 * time.Millisecond
	burstTime = 3 * time.Second
)

// watch runs f with a watchdog that closes the connection if f takes longer
// than d, which unblocks every pending command with an error.
func (s *conn) watch(d time.Duration, what string, f func() error) error {
	t := time.AfterFunc(d, func() { s.c.Close() })
	err := f()
	if !t.Stop() {
		return fmt.Errorf("%s: no answer within %v: %w", what, d, err)
	}
	return err
}

func (in *Intake) dial() (*imapclient.Client, *traceWriter, error) {
	host, _, _ := net.SplitHostPort(in.cfg.Addr)
	opts := &imapclient.Options{
		TLSConfig: &tls.Config{ServerName: host, InsecureSkipVerify: in.cfg.Insecure, RootCAs: in.cfg.RootCAs, MinVersion: tls.VersionTLS12},
		Dialer:    &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second},
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			// Runs on the client's reader goroutine: never block here.
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select {
					case in.wake <- struct{}{}:
					default:
					}
				}
			},
		},
	}
	var tw *traceWriter
	if in.cfg.Trace != nil {
		tw = &traceWriter{w: in.cfg.Trace}
		opts.DebugWriter = tw
	}
	var (
		c   *imapclient.Client
		err error
	)
	switch in.cfg.TLS {
	case TLSImplicit:
		c, err = imapclient.DialTLS(in.cfg.Addr, opts)
	case TLSStartTLS:
		c, err = imapclient.DialStartTLS(in.cfg.Addr, opts)
	default:
		c, err = imapclient.DialInsecure(in.cfg.Addr, opts)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("dial %s: %w", in.cfg.Addr, err)
	}
	return c, tw, nil
}

// session runs one connection: connect, log in, prepare folders, then sync
// and wait until an error or ctx is done. connected reports whether the
// session got as far as a selected folder, healthy whether it completed at
// least one check.
func (in *Intake) session(ctx context.Context) (connected, healthy bool, err error) {
	c, tw, err := in.dial()
	if err != nil {
		return false, false, err
	}
	s := &conn{in: in, c: c}
	defer c.Close()
	// On shutdown the wait loops notice ctx and log out cleanly; should we
	// be stuck in a command instead (a big FETCH on a slow link), the
	// connection is closed after a grace period so Run returns promptly.
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(shutdownGrace, func() { c.Close() })
		<-c.Closed()
		t.Stop()
	})
	defer stop()

	if err := s.watch(s.in.cmdTimeout, "greeting", c.WaitGreeting); err != nil {
		return false, false, fmt.Errorf("greeting: %w", err)
	}
	s.reauthAt, err = s.login(ctx, tw)
	if err != nil {
		return false, false, fmt.Errorf("login as %q: %w", in.cfg.Username, err)
	}
	for _, name := range []string{in.cfg.Processed, in.cfg.Quarantine} {
		if err := s.ensureFolder(name); err != nil {
			return false, false, err
		}
	}
	if err := s.selectFolder(ctx); err != nil {
		return false, false, err
	}
	s.idle = !in.noIdle && c.Caps().Has(imap.CapIdle)
	in.setConnected(true)
	in.log.Info("imap connected", "addr", in.cfg.Addr, "uidvalidity", s.uidValidity, "last_uid", s.last, "idle", s.idle)

	err = s.loop(ctx)
	if errors.Is(err, errReauth) {
		s.logout()
	}
	if ctx.Err() != nil {
		s.logout()
		return true, s.passed, nil
	}
	return true, s.passed, err
}

func (s *conn) logout() {
	err := s.watch(10*time.Second, "logout", func() error { return s.c.Logout().Wait() })
	if err != nil {
		s.in.log.Debug("imap logout", "err", err)
	}
}

// ensureFolder creates name if the server does not list it. We LIST rather
// than CREATE-and-ignore-the-error because servers differ in how they say
// "already exists" (ALREADYEXISTS is optional, RFC 5530).
func (s *conn) ensureFolder(name string) error {
	var found bool
	err := s.watch(s.in.cmdTimeout, "list", func() error {
		l, err := s.c.List("", name, nil).Collect()
		for _, d := range l {
			if d.Mailbox == name || (strings.EqualFold(name, "INBOX") && strings.EqualFold(d.Mailbox, "INBOX")) {
				found = true
			}
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("list %q: %w", name, err)
	}
	if found {
		return nil
	}
	if err := s.watch(s.in.cmdTimeout, "create", func() error { return s.c.Create(name, nil).Wait() }); err != nil {
		return fmt.Errorf("create folder %q: %w", name, err)
	}
	// Subscribed so that a person looking with a mail client sees it.
	_ = s.watch(s.in.cmdTimeout, "subscribe", func() error { return s.c.Subscribe(name).Wait() })
	s.in.log.Info("imap folder created", "folder", name)
	return nil
}

// selectFolder selects the intake folder and loads the cursor. A changed
// UIDVALIDITY means the server renumbered the folder: we start from UID 0
// and rely on the handler's Message-ID + content dedupe.
func (s *conn) selectFolder(ctx context.Context) error {
	in := s.in
	var data *imap.SelectData
	err := s.watch(s.in.cmdTimeout, "select", func() error {
		var err error
		data, err = s.c.Select(in.cfg.Folder, nil).Wait()
		return err
	})
	if err != nil {
		return fmt.Errorf("select %q: %w", in.cfg.Folder, err)
	}
	s.uidValidity = data.UIDValidity
	v, last, err := in.cur.Cursor(ctx, in.cfg.Folder)
	if err != nil {
		return &handlerError{fmt.Errorf("read cursor: %w", err)}
	}
	if v != data.UIDValidity {
		if v != 0 {
			in.log.Warn("imap uidvalidity changed, rescanning the folder from the start", "old", v, "new", data.UIDValidity, "old_last_uid", last)
		}
		last = 0
		if err := in.cur.SetCursor(ctx, in.cfg.Folder, data.UIDValidity, 0); err != nil {
			return &handlerError{fmt.Errorf("write cursor: %w", err)}
		}
	} else if uidsWentBack(data.UIDNext, last) {
		// RFC 3501 §2.3.1.1: within one UIDVALIDITY UIDs only grow, so
		// UIDNEXT <= our last UID is a server fault (a mailbox restored
		// from a backup, a rebuilt index, an in-memory test server
		// restarted). Skipping up to the cursor would silently ignore
		// every new mail; rescanning is safe because the handler is
		// idempotent (Message-ID + content dedupe).
		in.log.Warn("imap uids went backwards under the same uidvalidity, rescanning the folder from the start",
			"uidvalidity", data.UIDValidity, "uidnext", uint32(data.UIDNext), "old_last_uid", last)
		in.noteUIDsWentBack()
		last = 0
		if err := in.cur.SetCursor(ctx, in.cfg.Folder, data.UIDValidity, 0); err != nil {
			return &handlerError{fmt.Errorf("write cursor: %w", err)}
		}
	}
	s.last = last
	return nil
}

// uidsWentBack reports whether a folder's UIDNEXT lies at or below the
// last UID we handled. An empty or caught-up folder has UIDNEXT = last+1 (or
// more), which is fine; 0 means the server did not say.
func uidsWentBack(uidNext imap.UID, last uint32) bool {
	return uidNext != 0 && last != 0 && uint32(uidNext) <= last
}

// loop syncs, then waits for news, until an error or ctx is done.
func (s *conn) loop(ctx context.Context) error {
	in := s.in
	var hdelay time.Duration
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		err := s.pass(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var herr *handlerError
		if errors.As(err, &herr) {
			// The connection is fine; the store is not. Keep the mail in
			// the folder and try again later, without reconnecting.
			in.setFailing(err)
			hdelay = nextBackoff(hdelay, in.backoffMin, in.backoffMax)
			in.log.Error("intake handler failed, mail kept in the folder", "retry_in", hdelay, "err", err)
			if !s.sleepAlive(ctx, hdelay) {
				return ctx.Err()
			}
			continue
		}
		if err != nil {
			return err
		}
		hdelay = 0
		s.passed = true
		in.setPolled()
		if !s.reauthAt.IsZero() && !time.Now().Before(s.reauthAt) {
			return errReauth
		}
		if time.Now().Before(s.burstUntil) {
			if !s.sleepAlive(ctx, burstPoll) {
				return ctx.Err()
			}
			continue
		}
		if err := s.wait(ctx); err != nil {
			return err
		}
	}
}

// sleepAlive waits d while noticing a closed connection.
func (s *conn) sleepAlive(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	case <-s.c.Closed():
		return true // the next command reports the error
	}
}

// wait blocks until there may be new mail: an EXISTS during IDLE, the poll
// interval, or ctx done.
func (s *conn) wait(ctx context.Context) error {
	in := s.in
	d := min(in.cfg.PollInterval, maxIdle)
	if !s.reauthAt.IsZero() {
		if d = min(d, time.Until(s.reauthAt)); d <= 0 {
			return nil // the next pass ends the session
		}
	}
	// An EXISTS that came during the last pass already left a token.
	select {
	case <-in.wake:
		return nil
	default:
	}
	if !s.idle {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-in.wake:
		case <-s.c.Closed():
		}
		return nil
	}
	var idle *imapclient.IdleCommand
	err := s.watch(s.in.cmdTimeout, "idle", func() error {
		var err error
		idle, err = s.c.Idle()
		return err
	})
	if err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-in.wake:
	case <-s.c.Closed():
	}
	err = s.watch(s.in.cmdTimeout, "idle done", func() error {
		if err := idle.Close(); err != nil {
			return err
		}
		return idle.Wait()
	})
	if err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	return nil
}

// newMail is a UID found in the folder with its full size.
type newMail struct {
	uid  uint32
	size int64
}

// pass handles every mail above the cursor, in UID order.
func (s *conn) pass(ctx context.Context) error {
	// NOOP first: it makes the server announce (EXISTS) mail that came in
	// since our last command, so the UID FETCH below may include it.
	if err := s.watch(s.in.cmdTimeout, "noop", func() error { return s.c.Noop().Wait() }); err != nil {
		return fmt.Errorf("noop: %w", err)
	}
	list, err := s.listNew()
	if err != nil {
		return err
	}
	var batches [][]newMail
	for len(list) > 0 {
		n := s.batchLen(list)
		batches = append(batches, list[:n])
		list = list[n:]
	}
	// Batches are fetched one ahead: the server reads the next batch while
	// the handler stores this one. UID FETCH beside UID MOVE is unambiguous
	// (RFC 9051 §5.5: no sequence numbers involved).
	type fetched struct {
		ds  []Delivery
		err error
	}
	prefetch := func(b []newMail) chan fetched {
		ch := make(chan fetched, 1)
		go func() {
			ds, err := s.fetch(b)
			ch <- fetched{ds, err}
		}()
		return ch
	}
	var ahead chan fetched
	if len(batches) > 0 {
		ahead = prefetch(batches[0])
	}
	for i := range batches {
		f := <-ahead
		ahead = nil
		if f.err != nil {
			return f.err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if i+1 < len(batches) {
			ahead = prefetch(batches[i+1])
		}
		if err := s.handle(ctx, f.ds); err != nil {
			if ahead != nil {
				<-ahead // no fetch left running on a connection we give up
			}
			return err
		}
	}
	return nil
}

// listNew returns the UIDs above the cursor with their sizes, ascending.
func (s *conn) listNew() ([]newMail, error) {
	set := imap.UIDSet{{Start: imap.UID(s.last + 1), Stop: 0}} // last+1:*
	var msgs []*imapclient.FetchMessageBuffer
	err := s.watch(s.in.cmdTimeout, "uid fetch", func() error {
		var err error
		msgs, err = s.c.Fetch(set, &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("uid fetch %v: %w", set, err)
	}
	var out []newMail
	for _, m := range msgs {
		// RFC 3501 §6.4.8: "last+1:*" always includes the highest UID, even
		// when it is <= last (Dovecot does return it). Drop those.
		if uint32(m.UID) <= s.last {
			continue
		}
		out = append(out, newMail{uid: uint32(m.UID), size: m.RFC822Size})
	}
	slices.SortFunc(out, func(a, b newMail) int { return int(int64(a.uid) - int64(b.uid)) })
	return out, nil
}

// batchLen is how many of list go into the next FETCH: up to fetchBatch
// mails and fetchBatchBytes bytes, at least one.
func (s *conn) batchLen(list []newMail) int {
	var total int64
	for i, m := range list {
		total += min(m.size, s.in.cfg.MaxBytes)
		if i > 0 && (i >= fetchBatch || total > fetchBatchBytes) {
			return i
		}
	}
	return len(list)
}

// fetch gets the bodies of batch, in UID order. BODY.PEEK never sets \Seen:
// a person watching the inbox sees what we have not moved yet as unread.
func (s *conn) fetch(batch []newMail) ([]Delivery, error) {
	in := s.in
	var small, big imap.UIDSet
	for _, m := range batch {
		if m.size > in.cfg.MaxBytes {
			big.AddNum(imap.UID(m.uid))
		} else {
			small.AddNum(imap.UID(m.uid))
		}
	}
	bodies := make(map[uint32][]byte, len(batch))
	sizes := make(map[uint32]int64, len(batch))
	for _, m := range batch {
		sizes[m.uid] = min(m.size, in.cfg.MaxBytes)
	}
	get := func(set imap.UIDSet, section *imap.FetchItemBodySection) error {
		if len(set) == 0 {
			return nil
		}
		return s.watch(s.in.fetchTimeout, "uid fetch body", func() error {
			cmd := s.c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
			for {
				m := cmd.Next()
				if m == nil {
					break
				}
				uid, body, err := readBody(m, sizes)
				if err != nil {
					cmd.Close()
					return err
				}
				if body != nil && uid != 0 {
					bodies[uid] = body
				}
			}
			return cmd.Close()
		})
	}
	unreadable := map[uint32]string{}
	// getEach fetches set, and when the server refuses it (NO or BAD, not a
	// broken connection) mail by mail, so one message it cannot read is
	// named and the others still come.
	getEach := func(set imap.UIDSet, section *imap.FetchItemBodySection) error {
		err := get(set, section)
		var ierr *imap.Error
		if err == nil || !errors.As(err, &ierr) {
			return err
		}
		uids, _ := set.Nums()
		for _, uid := range uids {
			if _, done := bodies[uint32(uid)]; done {
				continue
			}
			err := get(imap.UIDSetNum(uid), section)
			if errors.As(err, &ierr) {
				unreadable[uint32(uid)] = ierr.Error()
				in.log.Error("imap server will not give a message", "uid", uid, "err", err)
				continue
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := getEach(small, &imap.FetchItemBodySection{Peek: true}); err != nil {
		return nil, fmt.Errorf("uid fetch %v: %w", small, err)
	}
	partial := &imap.FetchItemBodySection{Peek: true, Partial: &imap.SectionPartial{Offset: 0, Size: in.cfg.MaxBytes}}
	if err := getEach(big, partial); err != nil {
		return nil, fmt.Errorf("uid fetch %v: %w", big, err)
	}
	out := make([]Delivery, 0, len(batch))
	for _, m := range batch {
		if why, bad := unreadable[m.uid]; bad {
			out = append(out, Delivery{Mailbox: in.cfg.Folder, UIDValidity: s.uidValidity, UID: m.uid,
				Size: m.size, Unreadable: why})
			continue
		}
		raw, ok := bodies[m.uid]
		if !ok {
			// Expunged by someone else between our two FETCHes: nothing to
			// hand over, and nothing lost that we had seen.
			in.log.Warn("imap mail vanished before it was fetched", "uid", m.uid)
			continue
		}
		out = append(out, Delivery{
			Mailbox:     in.cfg.Folder,
			UIDValidity: s.uidValidity,
			UID:         m.uid,
			Raw:         raw,
			Truncated:   m.size > in.cfg.MaxBytes,
			Size:        m.size,
		})
	}
	return out, nil
}

// move moves set to dest. A server that refuses (NO: a quota, a mail it
// cannot copy) leaves the mail in the intake folder; it is handled and
// recorded, so we log it and go on rather than stop every mail behind it.
// A broken connection is an error.
func (s *conn) move(set imap.UIDSet, dest string) error {
	err := s.watch(s.in.cmdTimeout, "uid move", func() error {
		_, err := s.c.Move(set, dest).Wait()
		return err
	})
	var ierr *imap.Error
	if errors.As(err, &ierr) {
		s.in.log.Error("imap server refused to move handled mail; it stays in the intake folder", "uids", set.String(), "to", dest, "err", err)
		return nil
	}
	return err
}

// readBody reads one FETCH response's UID and body literal into a buffer
// sized from RFC822.SIZE: io.ReadAll would grow it by doubling, and a 25 MB
// mail would cost twice its size on the way in.
func readBody(m *imapclient.FetchMessageData, sizes map[uint32]int64) (uint32, []byte, error) {
	var uid uint32
	var body []byte
	for {
		item := m.Next()
		if item == nil {
			return uid, body, nil
		}
		switch it := item.(type) {
		case imapclient.FetchItemDataUID:
			uid = uint32(it.UID)
		case imapclient.FetchItemDataBodySection:
			if it.Literal == nil {
				continue
			}
			want := it.Literal.Size()
			if want <= 0 {
				want = sizes[uid]
			}
			buf := bytes.NewBuffer(make([]byte, 0, want+512))
			if _, err := buf.ReadFrom(it.Literal); err != nil {
				return uid, nil, fmt.Errorf("read body: %w", err)
			}
			body = buf.Bytes()
		}
	}
}

// handle runs the handler for one fetched batch, then moves its mails (one
// MOVE per destination), then advances the cursor (one write): the order
// that makes a crash between steps cost only a harmless second look
// (style.md).
func (s *conn) handle(ctx context.Context, ds []Delivery) error {
	if len(ds) == 0 {
		return nil // every mail of the batch vanished before its FETCH
	}
	in := s.in
	outcomes, err := in.h(ctx, ds)
	if err != nil {
		return &handlerError{fmt.Errorf("handle uids %d-%d: %w", ds[0].UID, ds[len(ds)-1].UID, err)}
	}
	if len(outcomes) != len(ds) {
		return &handlerError{fmt.Errorf("handler gave %d outcomes for %d mails", len(outcomes), len(ds))}
	}
	var processed, quarantined imap.UIDSet
	var top uint32
	for i, d := range ds {
		if outcomes[i] == Quarantined {
			quarantined.AddNum(imap.UID(d.UID))
		} else {
			processed.AddNum(imap.UID(d.UID))
		}
		top = max(top, d.UID)
	}
	for _, mv := range []struct {
		set  imap.UIDSet
		dest string
	}{{processed, in.cfg.Processed}, {quarantined, in.cfg.Quarantine}} {
		if len(mv.set) == 0 {
			continue
		}
		if err := s.move(mv.set, mv.dest); err != nil {
			return fmt.Errorf("uid move %v to %q: %w", mv.set, mv.dest, err)
		}
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := in.cur.SetCursor(cctx, in.cfg.Folder, s.uidValidity, top); err != nil {
		return &handlerError{fmt.Errorf("write cursor uid %d: %w", top, err)}
	}
	s.last = top
	s.burstUntil = time.Now().Add(burstTime)
	in.log.Info("intake batch handled", "mails", len(ds), "last_uid", top, "quarantined", len(quarantined))
	return nil
}

// String names the outcome for logs.
func (o Outcome) String() string {
	switch o {
	case Processed:
		return "processed"
	case Quarantined:
		return "quarantined"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}
