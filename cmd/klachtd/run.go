package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/ingressus/klachtd/correspondence"
	"github.com/ingressus/klachtd/mailbox"
	"github.com/ingressus/klachtd/templates"
)

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", stderr)
	cfgPath := fs.String("config", "", "config file (TOML)")
	var trace traceFlag
	fs.Var(&trace, "trace", traceUsage)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := needConfig(*cfgPath); err != nil {
		return err
	}
	cfg, err := LoadConfig(*cfgPath)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Gateway.LogLevel)
	setMemoryLimit()
	for _, w := range cfg.Warnings() {
		log.Warn(w)
	}
	traceW := trace.writer(stderr, log)
	return runDaemon(ctx, cfg, log, traceW)
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// openGateway opens the store and builds the procedure from a config.
func openGateway(ctx context.Context, cfg *Config, log *slog.Logger) (*correspondence.Gateway, *correspondence.Store, error) {
	store, err := correspondence.OpenStore(ctx, cfg.path(cfg.Gateway.Database))
	if err != nil {
		return nil, nil, err
	}
	tpl, err := templates.New(cfg.path(cfg.Gateway.Templates))
	if err != nil {
		store.Close()
		return nil, nil, fmt.Errorf("templates: %w", err)
	}
	return cfg.gateway(store, tpl, log), store, nil
}

// gateway is the procedure on store as cfg sets it up; tpl renders its
// letters (nil for a command that renders none, see openForReading).
func (cfg *Config) gateway(store *correspondence.Store, tpl *templates.Renderer, log *slog.Logger) *correspondence.Gateway {
	clock := time.Now
	if cfg.now != nil {
		clock = cfg.now
	}
	gw := correspondence.New(store, cfg.settings(), cfg.calendar(), tpl, cfg.parserOptions(), clock, log)
	gw.SetDigestSchedule(cfg.digestSchedule())
	gw.SetRetention(cfg.Retention.MonthsAfterClosure)
	return gw
}

// runDaemon runs intake, outbox sender and scheduler until ctx ends.
func runDaemon(ctx context.Context, cfg *Config, log *slog.Logger, trace io.Writer) (fatal error) {
	dbPath := cfg.path(cfg.Gateway.Database)
	lock, err := acquireWriterLock(dbPath)
	if err != nil {
		return err
	}
	defer lock.release()
	if lock.prev.PID != 0 {
		// The file still names a holder: it ended without releasing
		// (killed); the kernel dropped its flock, so it runs no more.
		log.Warn("taking over the database from a daemon that did not stop cleanly", "pid", lock.prev.PID, "host", lock.prev.Host, "since", lock.prev.Since)
	}
	gw, store, err := openGateway(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	tokens, err := cfg.oauth2Source(log) // before the senders and intake take it
	if err != nil {
		return err
	}
	// We hold the writer lock: every other lease on a letter is a dead
	// daemon's, whatever its PID looks like now.
	if err := gw.ReleaseForeignLeases(ctx); err != nil {
		log.Warn("release leases of the previous daemon", "err", err)
	}
	senders := newSenders(cfg, cfg.SMTP.Connections, log)
	defer closeSenders(senders)
	icfg := cfg.imapConfig()
	icfg.RootCAs = cfg.caPool(cfg.IMAP.CAFile)
	if trace != nil {
		icfg.Trace = trace
	}
	intake := mailbox.NewIntake(icfg, intakeHandler(gw), store, log)
	schedInterval := cfg.Procedure.SchedulerInterval.Duration
	alertAfter := cfg.Digest.IntakeAlertAfter.Duration

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var fatalOnce sync.Once
	start := func(name string, f func(ctx context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(ctx); err != nil && ctx.Err() == nil {
				log.Error("component stopped", "component", name, "err", err)
				// The daemon cannot go on without it: stop everything and
				// exit non-zero, so the service manager sees the failure.
				fatalOnce.Do(func() { fatal = fmt.Errorf("%s: %w", name, err) })
				cancel()
			}
		}()
	}
	start("intake", intake.Run)
	start("outbox", func(ctx context.Context) error {
		return gw.RunOutbox(ctx, senders, 30*time.Second)
	})
	start("scheduler", func(ctx context.Context) error { return gw.RunScheduler(ctx, schedInterval) })
	start("intake-status", func(ctx context.Context) error {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			st := intake.Status()
			// While the store takes no writes, that outage (logged once,
			// alerted by APPEND) is why the intake fails too: no line every
			// 5 s about it, and no "IMAP unreachable" alert that is not so.
			storeDown := !gw.Health().StoreFailingSince.IsZero()
			if err := gw.RecordIntakeStatus(ctx, st.FailingSince, st.LastPoll); err != nil && ctx.Err() == nil && !storeDown {
				log.Warn("record intake status", "err", err)
			}
			if !storeDown && !st.FailingSince.IsZero() && time.Since(st.FailingSince) > alertAfter {
				if err := gw.AlertIntakeStopped(ctx, st.FailingSince, st.LastError); err != nil && ctx.Err() == nil {
					log.Warn("intake alert", "err", err)
				}
			}
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
	})
	if tokens != nil {
		start("credentials", func(ctx context.Context) error { return watchCredentials(ctx, cfg, gw, tokens, log) })
	}
	start("ops-alerts", func(ctx context.Context) error {
		return watchOutages(ctx, gw, icfg, cfg.IMAP.Quarantine, alertAfter, log)
	})
	if cfg.HTTP.Listen != "" {
		start("http", func(ctx context.Context) error {
			return serveHTTP(ctx, cfg.HTTP.Listen, gw, intake, log, tokenHealth(tokens)...)
		})
	}
	log.Info("klachtd running", "imap", cfg.IMAP.Address, "folder", cfg.IMAP.Folder, "smtp", cfg.SMTP.Address, "database", cfg.path(cfg.Gateway.Database))
	<-ctx.Done()
	log.Info("shutting down")
	wg.Wait()
	if fatal != nil {
		log.Error("stopped after a fatal error", "err", fatal)
		return fatal
	}
	log.Info("stopped")
	return nil
}

// intakeHandler hands each fetched batch from the intake to the gateway:
// the one place a mailbox.Delivery becomes a correspondence.Incoming.
func intakeHandler(gw *correspondence.Gateway) mailbox.Handler {
	return func(ctx context.Context, ds []mailbox.Delivery) ([]mailbox.Outcome, error) {
		ins := make([]correspondence.Incoming, len(ds))
		for i, d := range ds {
			ins[i] = correspondence.Incoming{Mailbox: d.Mailbox, UIDValidity: d.UIDValidity, UID: d.UID,
				Raw: d.Raw, Truncated: d.Truncated, Size: d.Size, Unreadable: d.Unreadable}
		}
		qs, err := gw.Handle(ctx, ins)
		if err != nil {
			return nil, err
		}
		out := make([]mailbox.Outcome, len(qs))
		for i, q := range qs {
			if q {
				out[i] = mailbox.Quarantined
			}
		}
		return out, nil
	}
}

// newSenders makes n SMTP senders, one connection each: the outbox sends
// over them in parallel.
func newSenders(cfg *Config, n int, log *slog.Logger) []correspondence.Sender {
	out := make([]correspondence.Sender, n)
	sc := cfg.smtpConfig()
	sc.RootCAs = cfg.caPool(cfg.SMTP.CAFile)
	for i := range out {
		out[i] = mailbox.NewSender(sc, log)
	}
	return out
}

func closeSenders(ss []correspondence.Sender) {
	for _, s := range ss {
		s.(*mailbox.Sender).Close()
	}
}

// setMemoryLimit gives the garbage collector a soft target (unless
// GOMEMLIMIT says otherwise): a 25 MB mail then costs a collection, not a
// heap that grows to ten times its size.
func setMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(64 << 20)
	}
}
