package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ingressus/klachtd/cmd/klachtd/config"
)

// syncBuffer is a log the daemon writes while the test reads.
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

// withHTTP adds an [http] listener on a free port and returns its address.
func (w *world) withHTTP() string {
	w.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		w.t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	w.change(func(c *config.Config) { c.HTTP.Listen = addr })
	return addr
}

// startLogged runs the daemon with its log (level info) into log; stop
// returns runDaemon's error.
func (w *world) startLogged(log io.Writer) (stop func() error) {
	w.t.Helper()
	cfg, err := LoadConfig(w.cfgPath)
	if err != nil {
		w.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- runDaemon(ctx, cfg, newLogger(log, "info"), nil) }()
	return func() error { cancel(); return <-errc }
}

// healthz reads /healthz: status code and body.
// eventually polls cond every 50 ms until it holds or within passes.
func eventually(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not so after %v", what, within)
		}
	}
}

// Issue 10 item 10: a wrong SMTP password is an outage of the sender, not
// the letters' fault: they wait (never "undeliverable"), /healthz says 503,
// the intake team finds an alert in the intake mailbox (SMTP being what is
// down), the log has one error line for it, and after the fix every letter
// goes out once.
func TestSMTPWrongPasswordIsAnOutageWithAlert(t *testing.T) {
	defer func(d time.Duration) { outageCheckEvery = d }(outageCheckEvery)
	outageCheckEvery = 100 * time.Millisecond
	w := newWorld(t, retry(100*time.Millisecond, 100*time.Millisecond, 100*time.Millisecond), func(c *config.Config) {
		c.SMTP.Username, c.SMTP.Password = "klachtd", "oud-wachtwoord"
	})
	w.change(func(c *config.Config) { c.Digest.IntakeAlertAfter = config.Dur(time.Second) })
	addr := w.withHTTP()
	w.smtp.RequireAuth("klachtd", "nieuw-wachtwoord")
	for i := 0; i < 3; i++ {
		w.imap.Append("INBOX", testForm(i))
	}
	var log syncBuffer
	stop := w.startLogged(&log)
	defer stop()

	eventually(t, "/healthz 503 with smtp_ok false", 20*time.Second, func() bool {
		code, body := healthz(t, addr)
		return code == http.StatusServiceUnavailable && body["smtp_ok"] == false
	})
	var alert []byte
	eventually(t, "an alert APPENDed into the intake mailbox's quarantine folder", 20*time.Second, func() bool {
		for _, m := range w.imap.Messages("Quarantaine") {
			if k, _ := letterKind(m.Raw); k == "sender_down" {
				alert = m.Raw
				return true
			}
		}
		return false
	})
	if !bytes.Contains(alert, []byte("intake@example.nl")) || !bytes.Contains(alert, []byte("535")) {
		t.Errorf("alert is not to the intake team or does not name the server's answer:\n%s", alert)
	}
	if n := len(w.smtp.Messages()); n != 0 {
		t.Fatalf("%d letters accepted with a wrong password", n)
	}
	// Well past the retry schedule: still waiting, none given up.
	time.Sleep(500 * time.Millisecond)
	if strings.Contains(log.String(), "letter undeliverable") {
		t.Errorf("letters marked undeliverable during an SMTP outage:\n%s", log.String())
	}
	if n := strings.Count(log.String(), "smtp server unusable"); n != 1 {
		t.Errorf("the outage is logged at error %d times, want once per state change", n)
	}

	// The operator fixes the password (here: the server accepts the old one).
	w.smtp.RequireAuth("klachtd", "oud-wachtwoord")
	msgs, err := w.smtp.WaitFor(6, 30*time.Second) // 3 acknowledgements + 3 handler notices
	if err != nil {
		t.Fatalf("after the fix: %v\n%s", err, log.String())
	}
	eventually(t, "/healthz 200 after the fix", 20*time.Second, func() bool {
		code, _ := healthz(t, addr)
		return code == http.StatusOK
	})
	kinds, ids := countKinds(msgs)
	if kinds["acknowledgement"] != 3 {
		t.Errorf("after the fix: %v, want 3 acknowledgements", kinds)
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("letter %s sent %d times", id, n)
		}
	}
	if !strings.Contains(log.String(), "smtp server back") {
		t.Errorf("the end of the outage is not logged")
	}
}

// Issue 10 item 12: one deferring (greylisting) domain holds back only its
// own letters: with 20 greylisted and 20 normal complainants, the normal
// acknowledgements all go out while the greylisted ones wait.
func TestDeferringDomainDoesNotHoldTheQueue(t *testing.T) {
	w := newWorld(t, retry(time.Hour))
	w.smtp.FailRcptDomain("grijs.example", 450)
	for i := 0; i < 40; i++ {
		form := testForm(i)
		if i%2 == 0 { // interleaved, so the greylisted ones are not all last
			form = bytes.ReplaceAll(form, []byte(fmt.Sprintf("klant%d@example.com", i)), []byte(fmt.Sprintf("klant%d@grijs.example", i)))
		}
		w.imap.Append("INBOX", form)
	}
	var log syncBuffer
	stop := w.startLogged(&log)
	defer stop()
	// 20 acknowledgements to example.com and 40 notices to the handlers.
	msgs, err := w.smtp.WaitFor(60, 60*time.Second)
	if err != nil {
		t.Fatalf("with one domain deferring: %v (%d letters out)", err, len(w.smtp.Messages()))
	}
	kinds, _ := countKinds(msgs)
	if kinds["acknowledgement"] != 20 || kinds["handler_new"] != 40 {
		t.Errorf("letters out: %v, want 20 acknowledgements and 40 handler notices", kinds)
	}
	for _, m := range msgs {
		for _, to := range m.To {
			if strings.HasSuffix(to, "@grijs.example") {
				t.Errorf("letter to deferring %s accepted", to)
			}
		}
	}
	// The deferring domain costs one try per retry step, not one per
	// letter: the others waited with it (a few may have been under way on
	// the other connections when the first deferral came: at most one
	// each).
	if n := strings.Count(log.String(), "letter not sent, will retry"); n > 4 {
		t.Errorf("%d deferrals logged for one deferring domain over 4 connections, want at most 4 (not one per letter)", n)
	}
}

// Issue 17 / issue 10 item 13: one writer per database. A second daemon on
// the same database refuses at once, naming the holder; operator commands
// work beside the running one.
func TestSecondDaemonRefusesNamingTheHolder(t *testing.T) {
	w := newWorld(t)
	w.imap.Append("INBOX", testForm(1))
	stop := w.start()
	defer stop()
	if _, err := w.smtp.WaitFor(2, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(w.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = runDaemon(ctx, cfg, newLogger(io.Discard, "error"), nil)
	if !errors.Is(err, errLocked) {
		t.Fatalf("second daemon on the same database: %v, want a refusal", err)
	}
	host, _ := os.Hostname()
	for _, want := range []string{fmt.Sprintf("pid %d", os.Getpid()), host, "since"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not name %q", err, want)
		}
	}
	if ctx.Err() != nil {
		t.Errorf("the refusal took the whole 5 s")
	}
	out, err := cli(t, "list", "--config", w.cfgPath)
	if err != nil || !strings.Contains(out, "KL-") {
		t.Errorf("klachtd list beside the daemon: %v\n%s", err, out)
	}
	dst := filepath.Join(t.TempDir(), "copy.db")
	if out, err := cli(t, "backup", "--config", w.cfgPath, "--to", dst); err != nil {
		t.Errorf("klachtd backup beside the daemon: %v\n%s", err, out)
	}
}

// TestHelperHoldLock is not a test: run as a child process by
// TestKilledHolderIsTakenOver, it takes the writer lock and waits to die.
func TestHelperHoldLock(t *testing.T) {
	db := os.Getenv("KLACHTD_TEST_HOLD_LOCK")
	if db == "" {
		return
	}
	if _, err := acquireWriterLock(db); err != nil {
		fmt.Println("lock failed:", err)
		os.Exit(3)
	}
	fmt.Println("locked")
	time.Sleep(time.Minute)
	os.Exit(0)
}

// A holder that was SIGKILLed leaves its name in the lock file but no
// lock: the next daemon takes over at once and knows whom it replaces —
// even while the dead holder is a zombie its parent has not reaped.
func TestKilledHolderIsTakenOver(t *testing.T) {
	db := filepath.Join(t.TempDir(), "klachtd.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldLock$")
	cmd.Env = append(os.Environ(), "KLACHTD_TEST_HOLD_LOCK="+db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := io.ReadAtLeast(out, buf, len("locked"))
	if !strings.HasPrefix(string(buf[:n]), "locked") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper: %q", buf[:n])
	}
	if _, err := acquireWriterLock(db); !errors.Is(err, errLocked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", cmd.Process.Pid)) {
		t.Fatalf("lock held by a live helper: %v, want a refusal naming pid %d", err, cmd.Process.Pid)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	// Not reaped yet: wait for the zombie state without calling Wait.
	stat := fmt.Sprintf("/proc/%d/stat", cmd.Process.Pid)
	eventually(t, "helper is a zombie", 10*time.Second, func() bool {
		b, err := os.ReadFile(stat)
		return err == nil && bytes.Contains(b, []byte(") Z "))
	})
	l, err := acquireWriterLock(db)
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	defer l.release()
	if l.prev.PID != cmd.Process.Pid {
		t.Errorf("took over from pid %d, want %d", l.prev.PID, cmd.Process.Pid)
	}
	cmd.Wait()
}

// Issue 10 item 13: a fatal error (here: a config no reconnect can cure)
// ends `klachtd run` with an error, so the exit status is not 0.
func TestFatalErrorExitsNonZero(t *testing.T) {
	w := newWorld(t)
	w.change(func(c *config.Config) { c.IMAP.Processed = "INBOX" })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := run(ctx, []string{"run", "--config", w.cfgPath}, io.Discard, io.Discard)
	if err == nil || ctx.Err() != nil {
		t.Fatalf("klachtd run with a fatal intake error returned %v (ctx %v), want the error", err, ctx.Err())
	}
	if code := exitCode(err); code == 0 {
		t.Errorf("exit code %d", code)
	}
}

// Issue 10 item 14: ca_file is checked at load, named with its key.
func TestCAFileIsValidated(t *testing.T) {
	w := newWorld(t, func(c *config.Config) { c.SMTP.CAFile = "geen-ca.pem" })
	_, err := LoadConfig(w.cfgPath)
	if err == nil || !strings.Contains(err.Error(), "smtp.ca_file") || !strings.Contains(err.Error(), "PEM") {
		t.Errorf("LoadConfig with a missing ca_file: %v", err)
	}
	os.WriteFile(filepath.Join(w.dir, "geen-ca.pem"), []byte("not a certificate"), 0o600)
	if _, err := LoadConfig(w.cfgPath); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("LoadConfig with a ca_file without certificates: %v", err)
	}
}
