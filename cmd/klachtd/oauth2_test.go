package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ingressus/klachtd/cmd/klachtd/config"
	"github.com/ingressus/klachtd/mailbox"
	"github.com/ingressus/klachtd/mailbox/mailworld"
)

// newOAuth2World is a world whose IMAP server takes tokens from a local
// token endpoint; smtpOAuth2 puts the SMTP server behind the same tokens
// (else it takes mail without a login). The client secret comes from
// KLACHTD_TEST_OAUTH2_SECRET, set to the right one.
func newOAuth2World(t *testing.T, smtpOAuth2 bool) (*world, *mailworld.TokenServer) {
	t.Helper()
	tok := mailworld.NewTokenServer(t)
	w := &world{t: t, imap: mailworld.NewIMAPServerWith(t, mailworld.IMAPOptions{OAuth2: tok}), dir: t.TempDir()}
	if smtpOAuth2 {
		w.smtp = mailworld.NewSMTPServerWith(t, mailworld.SMTPOptions{OAuth2: tok})
	} else {
		w.smtp = mailworld.NewSMTPServer(t)
	}
	t.Setenv("KLACHTD_TEST_OAUTH2_SECRET", mailworld.OAuth2ClientSecret)
	w.cfgPath = filepath.Join(w.dir, "klachtd.toml")
	w.conf = testConfig(w.imap.Addr(), w.smtp.Addr())
	w.change(func(c *config.Config) {
		c.Handlers = c.Handlers[:1]
		c.IMAP.Auth, c.IMAP.Password = config.AuthOAuth2, ""
		c.SMTP.Auth = config.AuthPassword
		if smtpOAuth2 {
			c.SMTP.Auth, c.SMTP.Username = config.AuthOAuth2, mailworld.IMAPUser
		}
		c.OAuth2 = config.OAuth2Config{Provider: "generic", ClientID: mailworld.OAuth2ClientID,
			ClientSecretEnv: "KLACHTD_TEST_OAUTH2_SECRET", TokenURL: tok.URL()}
		c.Digest.IntakeAlertAfter = config.Dur(time.Second)
	})
	return w, tok
}

func TestDaemonOAuth2AcknowledgesAndRenewsTokens(t *testing.T) {
	w, tok := newOAuth2World(t, true)
	tok.SetLifetime(3 * time.Second)
	w.imap.Append("INBOX", testForm(1))
	stop := w.start()
	defer stop()
	msgs, err := w.smtp.WaitFor(2, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if kinds, _ := countKinds(msgs); kinds["acknowledgement"] != 1 || kinds["handler_new"] != 1 {
		t.Fatalf("letters = %v, want the acknowledgement and the handler's notice", kinds)
	}
	// Tokens run out every 3 s: the daemon renews them and misses no mail.
	deadline := time.Now().Add(20 * time.Second)
	for tok.Issued() < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if tok.Issued() < 3 {
		t.Fatalf("tokens issued = %d, want renewals", tok.Issued())
	}
	w.imap.Append("INBOX", testForm(2))
	if _, err := w.smtp.WaitFor(4, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	if u := w.smtp.AuthUsers(); len(u) == 0 || u[0] != mailworld.IMAPUser {
		t.Errorf("SMTP logins = %v, want with a token as %s", u, mailworld.IMAPUser)
	}
	if m := w.imap.MechanismsUsed(); len(m) < 2 || slices.ContainsFunc(m, func(s string) bool { return s != "XOAUTH2" }) {
		t.Errorf("IMAP logins = %v, want several, all XOAUTH2", m)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func healthz(t *testing.T, addr string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func TestDaemonOAuth2RevokedSecretAlertsAndRecovers(t *testing.T) {
	httpAddr := freeAddr(t)
	w, tok := newOAuth2World(t, false)
	w.change(func(c *config.Config) { c.HTTP.Listen = httpAddr })
	tok.FailWith("invalid_client", "AADSTS7000222: The provided client secret keys for app 'klachtd' are expired.")
	w.imap.Append("INBOX", testForm(1))
	stop := w.start()
	defer stop()
	msgs, err := w.smtp.WaitFor(1, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	raw := strings.ReplaceAll(string(msgs[0].Raw), "=\r\n", "")
	if k, _ := letterKind(msgs[0].Raw); k != "alert" || msgs[0].To[0] != "intake@example.nl" || !strings.Contains(raw, "AADSTS7000222") {
		t.Fatalf("first letter = %s to %v, want the intake-stopped alert with the endpoint's error:\n%s", k, msgs[0].To, raw)
	}
	code, body := healthz(t, httpAddr)
	if code != http.StatusServiceUnavailable || !strings.Contains(fmt.Sprint(body["oauth2_error"]), "client secret has expired") {
		t.Errorf("/healthz = %d %v, want 503 with the oauth2 error and what to do", code, body)
	}
	tok.FailWith("", "")
	if _, err := w.smtp.WaitFor(3, 30*time.Second); err != nil { // alert + acknowledgement + handler_new
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for code != http.StatusOK && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		code, body = healthz(t, httpAddr)
	}
	if code != http.StatusOK {
		t.Errorf("/healthz after the fix = %d %v, want 200", code, body)
	}
	if kinds, _ := countKinds(w.smtp.Messages()); kinds["alert"] != 1 {
		t.Errorf("letters = %v, want one alert for the one outage", kinds)
	}
}

func TestCheckConnectionOAuth2(t *testing.T) {
	w, _ := newOAuth2World(t, true)
	var out bytes.Buffer
	err := run(context.Background(), []string{"check-connection", "--config", w.cfgPath, "--create", "--send-test", "test@example.org"}, &out, &out)
	if err != nil {
		t.Fatalf("check-connection = %v\n%s", err, out.String())
	}
	for _, want := range []string{"ok   oauth2 token: valid until", "ok   imap login as klachten@example.nl: oauth2 token (XOAUTH2)", "IDLE yes", "MOVE yes",
		"folder Verwerkt: created", "ok   smtp login", "ok   test letter to test@example.org"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if msgs := w.smtp.Messages(); len(msgs) != 1 || !strings.Contains(string(msgs[0].Raw), "check-connection") {
		t.Errorf("test letters = %d, want 1 from the template", len(msgs))
	}

	t.Setenv("KLACHTD_TEST_OAUTH2_SECRET", "wrong")
	out.Reset()
	err = run(context.Background(), []string{"check-connection", "--config", w.cfgPath}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "IMAP and SMTP login failed") {
		t.Fatalf("check-connection with a wrong secret = %v, want both logins failed\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "invalid_client: mailworld: client authentication failed") || !strings.Contains(out.String(), "what to do: the endpoint does not accept this client") {
		t.Errorf("output lacks the endpoint's error text and what to do:\n%s", out.String())
	}
}

func TestCheckConnectionPasswordAndHints(t *testing.T) {
	w := newWorld(t)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"check-connection", "--config", w.cfgPath}, &out, &out); err != nil {
		t.Fatalf("check-connection = %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "imap login as klachten@example.nl: password (LOGIN)") || !strings.Contains(out.String(), "FAIL folder Verwerkt: does not exist") ||
		!strings.Contains(out.String(), "run again with --create") {
		t.Errorf("output:\n%s", out.String())
	}
	w.imap.FailLogins(true)
	out.Reset()
	err := run(context.Background(), []string{"check-connection", "--config", w.cfgPath}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "IMAP login failed") || !strings.Contains(out.String(), "check imap.username and the password") {
		t.Errorf("check-connection with a refused login = %v\n%s", err, out.String())
	}
}

func TestSMTPAuthDisabledHint(t *testing.T) {
	cfg := &Config{Config: config.Config{SMTP: config.SMTPConfig{ServerConfig: config.ServerConfig{Username: "klachten@contoso.nl"}}}}
	s := connHint(cfg, checkStepErr("smtp login as klachten@contoso.nl", "smtp auth: 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."))
	if !strings.Contains(s, "Set-CASMailbox -Identity klachten@contoso.nl -SmtpClientAuthenticationDisabled $false") {
		t.Errorf("hint = %q", s)
	}
}

func TestOAuth2ConfigNamesEachKey(t *testing.T) {
	src := `
[imap]
address = "outlook.office365.com:993"
auth = "oauth"
[smtp]
address = "smtp.office365.com:587"
auth = "oauth2"
[oauth2]
provider = "microsoft"
certificate_file = "app.pem"
client_secret_env = "X"
client_secret_expires = "30-06-2027"
[[handlers]]
name = "A"
email = "a@example.nl"
[[management]]
email = "d@example.nl"
`
	_, err := ParseConfig(strings.NewReader(src), t.TempDir())
	if err == nil {
		t.Fatal("ParseConfig accepted a bad [oauth2]")
	}
	_, err2 := ParseConfig(strings.NewReader(strings.Replace(src, "[oauth2]\n", "[oauth2]\ntoken_url = \"http://login.example.com/token\"\n", 1)), t.TempDir())
	if err2 == nil || !strings.Contains(err2.Error(), "oauth2.token_url: expected https") {
		t.Errorf("a token URL over http to another host: %v, want refused", err2)
	}
	for _, key := range []string{"imap.auth:", "smtp.username:", "oauth2.tenant:", "oauth2.client_id:", "oauth2.certificate_file:", "oauth2.client_secret_expires:"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error lacks %s: %v", key, err)
		}
	}
}

func checkStepErr(step, msg string) mailbox.CheckStep {
	return mailbox.CheckStep{Step: step, Err: errors.New(msg)}
}

// Each worked [oauth2] example in klachtd.example.toml, uncommented, is a
// valid config.
func TestExampleOAuth2BlocksAreValid(t *testing.T) {
	src, err := os.ReadFile("../../klachtd.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	head, tail, ok := strings.Cut(string(src), "\n[oauth2]\n")
	if !ok {
		t.Fatal("no [oauth2] table in the example")
	}
	for _, provider := range []string{"microsoft", "google", "generic"} {
		var block []string
		in := false
		for _, l := range strings.Split(tail, "\n") {
			if strings.HasPrefix(l, "# provider = ") {
				in = strings.Contains(l, `"`+provider+`"`)
			}
			if in && l == "#" {
				break
			}
			if in && strings.HasPrefix(l, "# ") && !strings.HasPrefix(l, "# #") {
				block = append(block, strings.TrimPrefix(l, "# "))
			}
		}
		if len(block) < 2 {
			t.Fatalf("%s: no worked example found", provider)
		}
		cfg := strings.Replace(head, `auth = "password"`, `auth = "oauth2"`, 1) + "\n[oauth2]\n" + strings.Join(block, "\n") + "\n"
		if _, err := ParseConfig(strings.NewReader(cfg), t.TempDir()); err != nil {
			t.Errorf("%s example: %v", provider, err)
		}
	}
}

// writeCert writes a self-signed RSA certificate ending at notAfter and its
// key, for provider = "microsoft" with a certificate.
func writeCert(t *testing.T, dir string, notAfter time.Time) (certFile, keyFile string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "klachtd"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "app.crt"), filepath.Join(dir, "app.key")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)
	return certFile, keyFile
}

// The microsoft provider with a certificate, its token URL pointed at the
// local endpoint: the daemon logs in with a signed client assertion, and
// warns the intake team that the certificate ends in 5 days (the 7-day
// warning), once.
func TestDaemonMicrosoftCertificateExpiryWarning(t *testing.T) {
	w, tok := newOAuth2World(t, false)
	certFile, keyFile := writeCert(t, w.dir, time.Now().Add(5*24*time.Hour+time.Hour))
	w.change(func(c *config.Config) {
		c.OAuth2.Provider, c.OAuth2.Tenant = "microsoft", "contoso.onmicrosoft.com"
		c.OAuth2.CertificateFile, c.OAuth2.KeyFile = certFile, keyFile
		c.OAuth2.ClientSecretEnv = ""
	})
	w.imap.Append("INBOX", testForm(1))
	stop := w.start()
	defer stop()
	msgs, err := w.smtp.WaitFor(3, 20*time.Second) // warning, acknowledgement, handler_new
	if err != nil {
		t.Fatal(err)
	}
	kinds, _ := countKinds(msgs)
	if kinds["credential_expiry"] != 1 || kinds["acknowledgement"] != 1 {
		t.Fatalf("letters = %v, want one certificate warning and the acknowledgement", kinds)
	}
	for _, m := range msgs {
		if k, _ := letterKind(m.Raw); k == "credential_expiry" {
			raw := strings.ReplaceAll(string(m.Raw), "=\r\n", "")
			if m.To[0] != "intake@example.nl" || !strings.Contains(raw, "over 5 dagen") || !strings.Contains(raw, certFile) {
				t.Errorf("warning to %v:\n%s", m.To, raw)
			}
		}
	}
	r := tok.Requests()[0]
	if r.Form.Get("client_assertion") == "" || r.Form.Get("scope") != "https://outlook.office365.com/.default" {
		t.Errorf("token request = %v, want a client assertion and the Exchange scope", r.Form)
	}
}
