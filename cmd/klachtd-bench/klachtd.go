package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ingressus/klachtd/e2e/mailservers"
	_ "github.com/mattn/go-sqlite3"

	"github.com/ingressus/klachtd/cmd/klachtd/config"
)

// buildKlachtd builds the real daemon from this module into dir.
func buildKlachtd(ctx context.Context, moduleDir, dir string) (string, error) {
	out := filepath.Join(dir, "klachtd")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/klachtd")
	cmd.Dir = moduleDir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/klachtd: %w", err)
	}
	return out, nil
}

// moduleRoot finds the folder with go.mod, walking up from the working folder.
func moduleRoot() (string, error) {
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		up := filepath.Dir(d)
		if up == d {
			return "", fmt.Errorf("no go.mod above the working folder: run from the klachtd repository")
		}
		d = up
	}
}

// benchDomain is the domain of the bench's intake and people.
const benchDomain = "bench.test"

// klachtdConfig is config.Local pointed at the bench servers: IMAP and
// SMTP without TLS on loopback, the database at db, trust_from on,
// digests off.
func klachtdConfig(imapPort, smtpPort int, db string) config.Config {
	c := config.Local(benchDomain, fmt.Sprintf("127.0.0.1:%d", imapPort), fmt.Sprintf("127.0.0.1:%d", smtpPort))
	c.Gateway.Database = db
	c.IMAP.Username, c.IMAP.Password = benchUser, benchPassword
	c.IMAP.PollInterval = config.Dur(30 * time.Second)
	c.SMTP.Timeout = config.Dur(30 * time.Second)
	return c
}

// handlerAddrs are the handlers' addresses in klachtdConfig.
func handlerAddrs() map[string]bool {
	m := map[string]bool{}
	for _, h := range klachtdConfig(0, 0, "").Handlers {
		m[h.Email] = true
	}
	return m
}

// daemon is one running `klachtd run`.
type daemon struct {
	p       *mailservers.Proc
	cfg     string
	logPath string
	db      string

	mu      sync.Mutex
	maxRSS  int64
	samples []rssSample
	stopMon chan struct{}
	monDone chan struct{}
}

type rssSample struct {
	At  time.Duration `json:"t_s"`
	RSS int64         `json:"rss_bytes"`
}

func writeKlachtdConfig(dir string, imapPort, smtpPort int) (cfg, db string, err error) {
	db = filepath.Join(dir, "klachtd.db")
	cfg = filepath.Join(dir, "klachtd.toml")
	k := klachtdConfig(imapPort, smtpPort, db)
	err = k.WriteFile(cfg, "Written by klachtd-bench.")
	return cfg, db, err
}

// startDaemon starts `klachtd run --config cfg`, logging to logPath, and
// samples its RSS every interval.
func startDaemon(bin, cfg, db, logPath string, interval time.Duration, env []string) (*daemon, error) {
	cmd := exec.Command(bin, "run", "--config", cfg)
	cmd.Env = append(os.Environ(), env...)
	p, err := mailservers.StartProc("klachtd", cmd, logPath)
	if err != nil {
		return nil, err
	}
	d := &daemon{p: p, cfg: cfg, logPath: logPath, db: db, stopMon: make(chan struct{}), monDone: make(chan struct{})}
	start := time.Now()
	go func() {
		defer close(d.monDone)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			rss := procStatus(p.PID(), "VmRSS")
			d.mu.Lock()
			if rss > d.maxRSS {
				d.maxRSS = rss
			}
			if len(d.samples) == 0 || time.Since(start)-d.samples[len(d.samples)-1].At >= time.Second {
				d.samples = append(d.samples, rssSample{At: time.Since(start).Round(time.Millisecond), RSS: rss})
			}
			d.mu.Unlock()
			select {
			case <-d.stopMon:
				return
			case <-p.Done():
				return
			case <-t.C:
			}
		}
	}()
	return d, nil
}

func (d *daemon) rss() int64 { return procStatus(d.p.PID(), "VmRSS") }
func (d *daemon) hwm() int64 { return procStatus(d.p.PID(), "VmHWM") }

func (d *daemon) polledMax() int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.maxRSS
}

func (d *daemon) cpu() time.Duration {
	u, s := procCPU(d.p.PID())
	return u + s
}

// waitLog waits until the daemon's log has a line containing s.
func (d *daemon) waitLog(s string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if d.p.Exited() {
			return fmt.Errorf("klachtd exited: %v\n%s", d.p.Err(), tailFile(d.logPath, 3000))
		}
		if b, err := os.ReadFile(d.logPath); err == nil && strings.Contains(string(b), s) {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("klachtd: no %q in its log after %v\n%s", s, timeout, tailFile(d.logPath, 3000))
}

func (d *daemon) stop() {
	close(d.stopMon)
	<-d.monDone
	d.p.Stop(20 * time.Second)
}

func tailFile(path string, n int) string {
	b, _ := os.ReadFile(path)
	return tail(string(b), n)
}

// openDBReadOnly opens klachtd's database for reading beside the daemon.
func openDBReadOnly(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

func countRows(db *sql.DB, q string) int {
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		return -1
	}
	return n
}

// checkConfig runs `klachtd check-config`.
func checkConfig(bin, cfg string) error {
	out, err := exec.Command(bin, "check-config", "--config", cfg).CombinedOutput()
	if err != nil {
		return fmt.Errorf("klachtd check-config: %w\n%s", err, out)
	}
	return nil
}
