package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ingressus/klachtd/e2e/mailservers"
)

// serverPorts are the loopback ports of one test's Dovecot and Postfix,
// from KLACHTD_E2E_IMAP_PORT, KLACHTD_E2E_SMTP_PORT and
// KLACHTD_E2E_LMTP_PORT, else the test's defaults.
type serverPorts struct{ imap, smtp, lmtp int }

func (p serverPorts) fromEnv(t *testing.T) serverPorts {
	t.Helper()
	for _, v := range []struct {
		env  string
		port *int
	}{{"KLACHTD_E2E_IMAP_PORT", &p.imap}, {"KLACHTD_E2E_SMTP_PORT", &p.smtp}, {"KLACHTD_E2E_LMTP_PORT", &p.lmtp}} {
		if s := os.Getenv(v.env); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("%s=%q: %v", v.env, s, err)
			}
			*v.port = n
		}
	}
	return p
}

// e2eUsers are the mailboxes of the Dovecot tests (password e2ePassword);
// complainants adds klant000..klant(N-1)@klant.test.
func e2eUsers(complainants int) []string {
	users := []string{"klachten@ingressus.test", "sanne@klant.test", "piet@klant.test", "anna@klant.test",
		"m.devries@ingressus.test", "j.bakker@ingressus.test", "directie@ingressus.test"}
	for i := range complainants {
		users = append(users, fmt.Sprintf("klant%03d@klant.test", i))
	}
	return users
}

const e2ePassword = "test"

// realServers is one test's private Dovecot and Postfix (e2e/mailservers):
// Postfix delivers ingressus.test and klant.test to Dovecot by LMTP.
type realServers struct {
	dovecot  *mailservers.Dovecot
	postfix  *mailservers.Postfix
	imapAddr string
	smtpAddr string
}

// startRealServers installs Dovecot and Postfix when missing
// (setup-mailservers.sh), starts both with fresh, empty mailboxes under a
// folder of the test's own, and stops and removes them at the end. An
// introspect URL turns on Dovecot's oauth2 passdb.
func startRealServers(t *testing.T, ports serverPorts, complainants int, introspect string) *realServers {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("KLACHTD_E2E=1 needs root: it installs packages, adds a system user and starts Dovecot and Postfix")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // install may download
	defer cancel()
	if out, err := exec.CommandContext(ctx, "bash", "setup-mailservers.sh", "install").CombinedOutput(); err != nil {
		t.Fatalf("setup-mailservers.sh install: %v\n%s", err, out)
	}
	// The servers' state lives in a folder of our own; the mail user must be
	// able to walk into it, which t.TempDir's 0700 folders forbid.
	top, err := os.MkdirTemp("", "klachtd-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(top, 0o755); err != nil {
		t.Fatal(err)
	}
	acct, err := mailservers.MailAccount()
	if err != nil {
		t.Fatal(err)
	}
	users := e2eUsers(complainants)
	s := &realServers{imapAddr: fmt.Sprintf("127.0.0.1:%d", ports.imap), smtpAddr: fmt.Sprintf("127.0.0.1:%d", ports.smtp)}
	t0 := time.Now()
	s.dovecot, err = mailservers.NewDovecot(mailservers.DovecotConfig{Dir: filepath.Join(top, "dovecot"), IMAPPort: ports.imap,
		LMTPPort: ports.lmtp, Users: users, Password: e2ePassword, OAuth2Introspect: introspect, Account: acct})
	if err != nil {
		t.Fatal(err)
	}
	s.postfix, err = mailservers.NewPostfix(mailservers.PostfixConfig{Dir: filepath.Join(top, "postfix"), SMTPPort: ports.smtp,
		LMTPPort: ports.lmtp, Users: users})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, l := range []string{s.postfix.Log(), s.dovecot.Log()} {
				if data, err := os.ReadFile(l); err == nil {
					t.Logf("%s (last lines):\n%s", l, lastLines(string(data), 25))
				}
			}
		}
		if err := s.postfix.Stop(); err != nil {
			t.Errorf("stop Postfix: %v", err)
		}
		if err := s.dovecot.Stop(); err != nil {
			t.Errorf("stop Dovecot: %v", err)
		}
		os.RemoveAll(top)
	})
	if err := s.dovecot.Start(); err != nil {
		t.Fatal(err)
	}
	if err := s.postfix.Start(); err != nil {
		t.Fatal(err)
	}
	t.Logf("Dovecot IMAP %s, Postfix SMTP %s (LMTP %d), state in %s; up in %v",
		s.imapAddr, s.smtpAddr, ports.lmtp, top, time.Since(t0).Round(time.Millisecond))
	return s
}

// must fails the test on a server command's error.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
