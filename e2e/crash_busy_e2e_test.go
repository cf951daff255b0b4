package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestE2ECrashBusyIntake is the busy-intake crash test (issue 10 item 8)
// against a real Dovecot and Postfix (e2e/setup-mailservers.sh, with one
// mailbox per complainant): hundreds of forms arriving through Postfix,
// `klachtd run` SIGKILLed in the first seconds of the intake and while it
// sends. A letter counts as sent by the server when Postfix's cleanup
// logged its Message-ID. Needs root, like TestE2EDovecotPostfix; ports from
// KLACHTD_E2E_IMAP_PORT / _SMTP_PORT / _LMTP_PORT (defaults plus 100, so it
// can run beside that test's servers), state under a folder of its own.
//
//	KLACHTD_E2E=1 KLACHTD_CRASH=1 go test -count=1 -v ./e2e/ -run E2ECrashBusy
func TestE2ECrashBusyIntake(t *testing.T) {
	if os.Getenv("KLACHTD_E2E") != "1" || os.Getenv("KLACHTD_CRASH") != "1" {
		t.Skip("needs KLACHTD_E2E=1 and KLACHTD_CRASH=1 (root, Dovecot and Postfix)")
	}
	if os.Geteuid() != 0 {
		t.Fatal("needs root: e2e/setup-mailservers.sh starts Dovecot and Postfix")
	}
	imapPort, smtpPort, lmtpPort := envOr("KLACHTD_E2E_IMAP_PORT", "10243"), envOr("KLACHTD_E2E_SMTP_PORT", "10125"), envOr("KLACHTD_E2E_LMTP_PORT", "10224")
	top, err := os.MkdirTemp("", "klachtd-e2e-crash-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(top, 0o755)
	base := filepath.Join(top, "servers")
	script, _ := filepath.Abs("setup-mailservers.sh")
	servers := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "bash", append([]string{script}, args...)...)
		cmd.Env = append(os.Environ(), "KLACHTD_E2E_DIR="+base, "KLACHTD_E2E_IMAP_PORT="+imapPort,
			"KLACHTD_E2E_SMTP_PORT="+smtpPort, "KLACHTD_E2E_LMTP_PORT="+lmtpPort,
			"KLACHTD_E2E_COMPLAINANTS=300")
		cmd.WaitDelay = 5 * time.Second
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("setup-mailservers.sh %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	t.Cleanup(func() {
		servers("down")
		os.RemoveAll(top)
	})
	t.Log(servers("up"))
	postfixLog := filepath.Join(base, "postfix", "postfix.log")
	// klachtd's letters have Message-IDs of its own; the forms are
	// <form-…> and go to the intake.
	delivered := func() int {
		return countLines(postfixLog, func(l string) bool {
			return strings.Contains(l, "cleanup[") && strings.Contains(l, "message-id=<") && !strings.Contains(l, "message-id=<form-")
		})
	}
	w := mailWorld{intake: "klachten@ingressus.test", formSender: "noreply@web.ingressus.test", complDom: "klant.test",
		handlers: [2]string{"m.devries@ingressus.test", "j.bakker@ingressus.test"}, management: "directie@ingressus.test"}
	busyCrash(t, buildKlachtd(t), t.TempDir(), w, "127.0.0.1:"+imapPort, "127.0.0.1:"+smtpPort, "test", delivered)
}
