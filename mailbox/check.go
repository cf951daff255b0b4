package mailbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// CheckStep is one step of a connection check, as check-connection shows
// it.
type CheckStep struct {
	Step   string // e.g. "resolve", "imap login", "folder Verwerkt"
	OK     bool
	Detail string // what was found, when OK
	Err    error  // why not, when not OK
}

// checkTimeout bounds each network step of a check.
const checkTimeout = 30 * time.Second

func resolveStep(ctx context.Context, addr string) CheckStep {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return CheckStep{Step: "resolve", Err: fmt.Errorf("address %q: %w", addr, err)}
	}
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	ips, err := net.DefaultResolver.LookupHost(ctx, host)
	if err != nil {
		return CheckStep{Step: "resolve " + host, Err: err}
	}
	return CheckStep{Step: "resolve " + host, OK: true, Detail: strings.Join(ips, " ")}
}

func connectStep(ctx context.Context, addr string) CheckStep {
	d := &net.Dialer{Timeout: checkTimeout}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return CheckStep{Step: "connect " + addr, Err: err}
	}
	c.Close()
	return CheckStep{Step: "connect " + addr, OK: true, Detail: "TCP connection made"}
}

// CheckIMAP connects, secures and logs in as the intake would (same code),
// shows the capabilities that matter and checks the three folders,
// creating missing ones when create is set. ok is true when the login
// worked.
func CheckIMAP(ctx context.Context, cfg IMAPConfig, create bool) (steps []CheckStep, ok bool) {
	in := NewIntake(cfg, nil, nil, nil)
	in.cmdTimeout = checkTimeout
	cfg = in.cfg
	add := func(s CheckStep) bool { steps = append(steps, s); return s.OK }
	if err := in.checkConfig(); err != nil {
		add(CheckStep{Step: "imap config", Err: err})
		return steps, false
	}
	if !add(resolveStep(ctx, cfg.Addr)) || !add(connectStep(ctx, cfg.Addr)) {
		return steps, false
	}
	c, tw, err := in.dial()
	tlsStep := "imap tls (" + string(cfg.TLS) + ")"
	if err != nil {
		add(CheckStep{Step: tlsStep, Err: err})
		return steps, false
	}
	defer c.Close()
	s := &conn{in: in, c: c}
	if err := s.watch(in.cmdTimeout, "greeting", c.WaitGreeting); err != nil {
		add(CheckStep{Step: tlsStep, Err: fmt.Errorf("greeting: %w", err)})
		return steps, false
	}
	detail := "certificate verified"
	switch {
	case cfg.TLS == TLSNone:
		detail = "no TLS (loopback only)"
	case cfg.Insecure:
		detail = "certificate NOT verified (insecure_skip_verify)"
	}
	add(CheckStep{Step: tlsStep, OK: true, Detail: detail})
	how := "password (LOGIN)"
	if cfg.OAuth2 != nil {
		m, err := chooseOAuthMech(c.Caps().AuthMechanisms())
		if err == nil {
			how = "oauth2 token (" + m + ")"
		} else {
			how = "oauth2 token"
		}
	}
	if _, err := s.login(ctx, tw); err != nil {
		add(CheckStep{Step: "imap login as " + cfg.Username, Err: err})
		return steps, false
	}
	add(CheckStep{Step: "imap login as " + cfg.Username, OK: true, Detail: how})
	caps := c.Caps()
	var have []string
	for _, cp := range []struct {
		c    imap.Cap
		miss string
	}{{imap.CapIdle, "polls every poll_interval instead"}, {imap.CapMove, "moves by COPY + EXPUNGE instead"}, {imap.CapUIDPlus, "EXPUNGE after COPY may touch other deleted mail"}} {
		if caps.Has(cp.c) {
			have = append(have, string(cp.c)+" yes")
		} else {
			have = append(have, string(cp.c)+" no ("+cp.miss+")")
		}
	}
	add(CheckStep{Step: "imap capabilities", OK: true, Detail: strings.Join(have, ", ")})
	for _, f := range []string{cfg.Folder, cfg.Processed, cfg.Quarantine} {
		add(s.checkFolder(f, create && f != cfg.Folder))
	}
	s.logout()
	return steps, true
}

// checkFolder says whether folder exists, creating it when asked.
func (s *conn) checkFolder(name string, create bool) CheckStep {
	step := "folder " + name
	var found bool
	err := s.watch(s.in.cmdTimeout, "list", func() error {
		l, err := s.c.List("", name, nil).Collect()
		for _, d := range l {
			found = found || d.Mailbox == name || (strings.EqualFold(name, "INBOX") && strings.EqualFold(d.Mailbox, "INBOX"))
		}
		return err
	})
	switch {
	case err != nil:
		return CheckStep{Step: step, Err: err}
	case found:
		return CheckStep{Step: step, OK: true, Detail: "exists"}
	case !create:
		return CheckStep{Step: step, Err: errFolderMissing}
	}
	if err := s.watch(s.in.cmdTimeout, "create", func() error { return s.c.Create(name, nil).Wait() }); err != nil {
		return CheckStep{Step: step, Err: fmt.Errorf("create: %w", err)}
	}
	return CheckStep{Step: step, OK: true, Detail: "created"}
}

// errFolderMissing is a folder check that found nothing.
var errFolderMissing = errors.New("does not exist")

// IsFolderMissing reports whether a folder check found no such folder.
func IsFolderMissing(err error) bool { return errors.Is(err, errFolderMissing) }

// CheckSMTP connects, secures and logs in as the outbox would (same code)
// and, when to is set, sends raw from from to it. ok is true when the
// login worked.
func CheckSMTP(ctx context.Context, cfg SMTPConfig, from, to string, raw []byte) (steps []CheckStep, ok bool) {
	s := NewSender(cfg, nil)
	defer s.Close()
	cfg = s.cfg
	add := func(st CheckStep) bool { steps = append(steps, st); return st.OK }
	if !add(resolveStep(ctx, cfg.Addr)) || !add(connectStep(ctx, cfg.Addr)) {
		return steps, false
	}
	s.mu.Lock()
	err := s.connect(ctx)
	s.mu.Unlock()
	login := "smtp login as " + cfg.Username
	if cfg.Username == "" && cfg.OAuth2 == nil {
		login = "smtp (no login configured)"
	}
	if err != nil {
		var se *SendError
		st := "smtp " + string(cfg.TLS)
		if errors.As(err, &se) && se.Stage == "auth" {
			st = login
		} else if errors.As(err, &se) {
			st = "smtp " + se.Stage
		}
		add(CheckStep{Step: st, Err: err})
		return steps, false
	}
	how := "password"
	switch {
	case cfg.OAuth2 != nil:
		how = "oauth2 token"
	case cfg.Username == "":
		how = "the server takes mail without a login"
	}
	add(CheckStep{Step: "smtp tls (" + string(cfg.TLS) + ")", OK: true, Detail: "EHLO " + cfg.HeloName})
	add(CheckStep{Step: login, OK: true, Detail: how})
	if to != "" {
		if err := s.Send(ctx, from, []string{to}, raw); err != nil {
			add(CheckStep{Step: "test letter to " + to, Err: err})
		} else {
			add(CheckStep{Step: "test letter to " + to, OK: true, Detail: "accepted by the server"})
		}
	}
	return steps, true
}
