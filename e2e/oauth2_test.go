package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	kconfig "github.com/ingressus/klachtd/cmd/klachtd/config"
	"github.com/ingressus/klachtd/mailbox"
	"github.com/ingressus/klachtd/mailbox/mailworld"
)

// TestE2EOAuth2Dovecot runs klachtd with auth = "oauth2" (generic provider)
// against a real Dovecot whose oauth2 passdb checks every token by
// introspection at a token endpoint this test runs (mailworld.TokenServer):
// check-connection passes, and fails with the endpoint's error text on a
// wrong secret; a refused token gets Dovecot's JSON challenge and no hang;
// the daemon registers and acknowledges a complaint through it, renews its
// short-lived tokens without missing a mail, and when the secret stops
// working /healthz turns 503 and the intake team is alerted, and it
// recovers once the secret works again. Postfix carries the letters (no
// login: the SMTP OAuth2 path is covered in-process, go-smtp).
//
//	KLACHTD_E2E=1 go test -count=1 -v ./e2e/ -run E2EOAuth2
func TestE2EOAuth2Dovecot(t *testing.T) {
	if os.Getenv("KLACHTD_E2E") != "1" {
		t.Skip("needs a real Dovecot with its oauth2 passdb: set KLACHTD_E2E=1 to run it (as root on Debian): " +
			"KLACHTD_E2E=1 go test -count=1 -v ./e2e/ -run E2EOAuth2")
	}
	w := mailWorld{intake: "klachten@ingressus.test", formSender: "noreply@web.ingressus.test", complDom: "klant.test",
		handlers: [2]string{"m.devries@ingressus.test", "j.bakker@ingressus.test"}, management: "directie@ingressus.test"}

	tok := mailworld.NewTokenServer(t)
	tok.SetUser(w.intake)

	servers := startRealServers(t, serverPorts{imap: 10143, smtp: 10025, lmtp: 10124}.fromEnv(t), 0, tok.IntrospectionURL())
	imapAddr, smtpAddr := servers.imapAddr, servers.smtpAddr
	const pass = e2ePassword

	bin := buildKlachtd(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "klachtd.toml")
	httpAddr := freeAddr(t)
	k := config{world: w, imapAddr: imapAddr, imapUser: w.intake, smtpAddr: smtpAddr,
		database: filepath.Join(dir, "klachtd.db"), httpListen: httpAddr, poll: 5 * time.Second,
		retry: seconds(1, 2, 3, 5, 5, 5, 5, 5, 5, 5)}.build(t)
	k.IMAP.Auth = kconfig.AuthOAuth2
	k.Digest.IntakeAlertAfter = kconfig.Dur(2 * time.Second)
	k.OAuth2 = kconfig.OAuth2Config{Provider: "generic", ClientID: mailworld.OAuth2ClientID,
		ClientSecretEnv: "KLACHTD_E2E_OAUTH2_SECRET", TokenURL: tok.URL()}
	writeConfig(t, cfgPath, k)
	t.Setenv("KLACHTD_E2E_OAUTH2_SECRET", mailworld.OAuth2ClientSecret)

	checkConn := func(secret string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "check-connection", "--config", cfgPath, "--create")
		cmd.Env = append(os.Environ(), "KLACHTD_E2E_OAUTH2_SECRET="+secret)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	// 1. check-connection passes through Dovecot's oauth2 passdb, and
	// fails with the endpoint's own words on a wrong secret.
	out, err := checkConn(mailworld.OAuth2ClientSecret)
	if err != nil || !strings.Contains(out, "ok   imap login as klachten@ingressus.test: oauth2 token (XOAUTH2)") {
		t.Fatalf("check-connection = %v:\n%s", err, out)
	}
	t.Logf("check-connection against Dovecot (oauth2 passdb):\n%s", out)
	out, err = checkConn("wrong")
	if err == nil || !strings.Contains(out, "invalid_client: mailworld: client authentication failed") || !strings.Contains(out, "what to do:") {
		t.Fatalf("check-connection with a wrong secret = %v, want a failure with the endpoint's error:\n%s", err, out)
	}
	t.Logf("check-connection with a wrong secret (exit %v):\n%s", err, out)

	// 2. A token Dovecot refuses: its JSON challenge is decoded and the
	// login fails at once instead of waiting for an answer.
	start := time.Now()
	steps, ok := mailbox.CheckIMAP(context.Background(), mailbox.IMAPConfig{Addr: imapAddr, TLS: mailbox.TLSNone, Username: w.intake,
		Folder: "INBOX", Processed: "Verwerkt", Quarantine: "Quarantaine", OAuth2: fixedToken("not-a-valid-token")}, false)
	var se *mailbox.SASLError
	if ok || !errors.As(steps[len(steps)-1].Err, &se) {
		t.Fatalf("login with a refused token: ok=%v, last step %+v, want a decoded SASL refusal", ok, steps[len(steps)-1])
	}
	t.Logf("Dovecot refused a bad token in %v: %v", time.Since(start).Round(time.Millisecond), se)

	// 3. The daemon: form → Postfix → Dovecot → klachtd (token login) →
	// acknowledgement → Postfix → Dovecot; tokens live 6 s.
	tok.SetLifetime(6 * time.Second)
	logPath := filepath.Join(dir, "klachtd.log")
	daemon := startProc(t, "klachtd run", logPath, bin, "run", "--config", cfgPath)
	t.Cleanup(func() {
		if daemon.running() {
			daemon.kill()
		}
		if t.Failed() {
			t.Logf("klachtd log (last lines):\n%s", daemon.tail(40))
		}
	})
	waitUntil(t, "klachtd logged in to Dovecot with a token", 30*time.Second, func() bool {
		code, _ := healthz(httpAddr)
		return code == http.StatusOK
	})
	runID := fmt.Sprintf("%x", time.Now().UnixNano())
	ackIn := func(addr string) bool {
		hs, err := readFolder(imapAddr, addr, pass, "INBOX")
		if err != nil {
			t.Fatalf("read %s: %v", addr, err)
		}
		for _, h := range hs {
			if h.Letter == "acknowledgement" {
				return true
			}
		}
		return false
	}
	submitForm := func(i int, addr string) {
		t.Helper()
		if err := submit(smtpAddr, w.formSender, []string{w.intake}, w.formMail(i, addr, runID)); err != nil {
			t.Fatalf("submit form %d: %v", i, err)
		}
	}
	submitForm(1, "sanne@klant.test")
	waitUntil(t, "the acknowledgement in sanne's INBOX", 30*time.Second, func() bool { return ackIn("sanne@klant.test") })
	issued := tok.Issued()
	waitUntil(t, "two token renewals", 30*time.Second, func() bool { return tok.Issued() >= issued+2 })
	submitForm(2, "piet@klant.test")
	waitUntil(t, "the acknowledgement in piet's INBOX after renewals", 30*time.Second, func() bool { return ackIn("piet@klant.test") })
	t.Logf("complaints acknowledged through Dovecot's oauth2 passdb; %d tokens issued so far", tok.Issued())

	// 4. The secret stops working (Entra ID's words): at the next
	// renewal the intake stops, /healthz is 503, the intake team is told.
	tok.FailWith("invalid_client", "AADSTS7000222: The provided client secret keys for app 'klachtd' are expired.")
	waitUntil(t, "/healthz 503 with the endpoint's error", 30*time.Second, func() bool {
		code, body := healthz(httpAddr)
		return code == http.StatusServiceUnavailable && strings.Contains(fmt.Sprint(body["last_error"], body["oauth2_error"]), "AADSTS7000222")
	})
	alerts := func() int {
		hs, err := readFolder(imapAddr, w.management, pass, "INBOX")
		if err != nil {
			t.Fatalf("read %s: %v", w.management, err)
		}
		n := 0
		for _, h := range hs {
			if h.Letter == "alert" {
				n++
			}
		}
		return n
	}
	waitUntil(t, "the intake-stopped alert in the intake team's INBOX", 40*time.Second, func() bool { return alerts() == 1 })
	submitForm(3, "anna@klant.test") // arrives while the intake is stopped

	// 5. The secret is fixed: klachtd recovers by itself.
	tok.FailWith("", "")
	waitUntil(t, "the acknowledgement in anna's INBOX after the fix", 60*time.Second, func() bool { return ackIn("anna@klant.test") })
	waitUntil(t, "/healthz 200 again", 20*time.Second, func() bool { code, _ := healthz(httpAddr); return code == http.StatusOK })
	if n := alerts(); n != 1 {
		t.Errorf("alerts = %d, want 1 for the one outage", n)
	}
	t.Logf("outage → 503 → one alert → recovery, all through Dovecot; %d tokens issued", tok.Issued())
}

// fixedToken hands out one token, whatever happens.
type fixedToken string

func (f fixedToken) AccessToken(context.Context) (string, time.Time, error) {
	return string(f), time.Now().Add(time.Hour), nil
}
func (fixedToken) Invalidate(string) {}

func healthz(addr string) (int, map[string]any) {
	cl := http.Client{Timeout: 5 * time.Second}
	resp, err := cl.Get("http://" + addr + "/healthz")
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}
