package e2e

import (
	"os"
	"strings"
	"testing"
)

// TestE2ECrashBusyIntake is the busy-intake crash test (issue 10 item 8)
// against a real Dovecot and Postfix (package e2e/mailservers, with one
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
	servers := startRealServers(t, serverPorts{imap: 10243, smtp: 10125, lmtp: 10224}.fromEnv(t), 300, "")
	postfixLog := servers.postfix.Log()
	// klachtd's letters have Message-IDs of its own; the forms are
	// <form-…> and go to the intake.
	delivered := func() int {
		return countLines(postfixLog, func(l string) bool {
			return strings.Contains(l, "cleanup[") && strings.Contains(l, "message-id=<") && !strings.Contains(l, "message-id=<form-")
		})
	}
	w := mailWorld{intake: "klachten@ingressus.test", formSender: "noreply@web.ingressus.test", complDom: "klant.test",
		handlers: [2]string{"m.devries@ingressus.test", "j.bakker@ingressus.test"}, management: "directie@ingressus.test"}
	busyCrash(t, buildKlachtd(t), t.TempDir(), w, servers.imapAddr, servers.smtpAddr, e2ePassword, delivered)
}
