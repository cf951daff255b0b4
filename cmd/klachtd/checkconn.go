package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/ingressus/klachtd/mailbox"
	"github.com/ingressus/klachtd/templates"
)

// Registered here rather than in main.go's table, so that the table's
// alignment stays as it is for the other commands.
func init() {
	commands["check-connection"] = command{"log in to IMAP and SMTP as configured and say what to do: klachtd check-connection --config FILE [--create] [--send-test ADDRESS]", cmdCheckConnection}
}

// cmdCheckConnection tries the mail servers as the daemon would and says
// what to do about each failure.
func cmdCheckConnection(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check-connection", stderr)
	cfgPath := fs.String("config", "", "config file (TOML)")
	create := fs.Bool("create", false, "create the processed and quarantine folders if they are missing")
	sendTo := fs.String("send-test", "", "send a test letter to this address")
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
	if *sendTo != "" && !validAddr(strings.ToLower(*sendTo)) {
		return usageError{fmt.Sprintf("--send-test: expected an e-mail address, got %q", *sendTo)}
	}
	if _, err := cfg.oauth2Source(newLogger(io.Discard, "error")); err != nil {
		fmt.Fprintln(stdout, "FAIL oauth2 settings:", err)
		return errors.New("check-connection: the [oauth2] settings cannot be used")
	}
	if ts := cfg.tokens; ts != nil {
		printStep(stdout, cfg, tokenStep(ctx, ts))
	}
	imapSteps, imapOK := mailbox.CheckIMAP(ctx, cfg.imapConfig(), *create)
	for _, s := range imapSteps {
		printStep(stdout, cfg, s)
	}
	var raw []byte
	if *sendTo != "" {
		if raw, err = testLetter(cfg, *sendTo); err != nil {
			return err
		}
	}
	smtpSteps, smtpOK := mailbox.CheckSMTP(ctx, cfg.smtpConfig(), strings.ToLower(cfg.Gateway.Address), *sendTo, raw)
	for _, s := range smtpSteps {
		printStep(stdout, cfg, s)
	}
	failed := 0
	for _, s := range append(imapSteps, smtpSteps...) {
		if !s.OK {
			failed++
		}
	}
	switch {
	case imapOK && smtpOK && failed == 0:
		fmt.Fprintln(stdout, "check-connection: IMAP and SMTP logins work")
		return nil
	case imapOK && smtpOK:
		// Logins work; a missing folder or a refused test letter is
		// reported above but does not stop the daemon (it creates folders
		// itself).
		fmt.Fprintf(stdout, "check-connection: IMAP and SMTP logins work; %d other problem(s) above\n", failed)
		return nil
	}
	var which []string
	if !imapOK {
		which = append(which, "IMAP")
	}
	if !smtpOK {
		which = append(which, "SMTP")
	}
	return fmt.Errorf("check-connection: %s login failed; see what to do above", strings.Join(which, " and "))
}

// tokenStep asks the token endpoint once, so that its error stands first.
func tokenStep(ctx context.Context, ts *mailbox.TokenSource) mailbox.CheckStep {
	step := "oauth2 token"
	_, exp, err := ts.AccessToken(ctx)
	if err != nil {
		return mailbox.CheckStep{Step: step, Err: err}
	}
	d := "valid until " + exp.Local().Format("2006-01-02 15:04")
	if na := ts.CertificateNotAfter(); !na.IsZero() {
		d += "; certificate valid until " + na.Local().Format("2006-01-02")
	}
	return mailbox.CheckStep{Step: step, OK: true, Detail: d}
}

func printStep(w io.Writer, cfg *Config, s mailbox.CheckStep) {
	if s.OK {
		fmt.Fprintf(w, "ok   %s: %s\n", s.Step, s.Detail)
		return
	}
	h := connHint(cfg, s)
	// A token error carries its hint already: show it once, below.
	fmt.Fprintf(w, "FAIL %s: %s\n", s.Step, strings.TrimSuffix(s.Err.Error(), " — what to do: "+h))
	if h != "" {
		fmt.Fprintf(w, "     what to do: %s\n", h)
	}
}

// connHint says in one line what fixes a failed step.
func connHint(cfg *Config, s mailbox.CheckStep) string {
	err := s.Err
	var te *mailbox.TokenError
	var se *mailbox.SendError
	var dnsErr *net.DNSError
	msg := err.Error()
	smtpStep := strings.HasPrefix(s.Step, "smtp") || strings.HasPrefix(s.Step, "test letter")
	provider := ""
	if (smtpStep && cfg.SMTP.Auth == authOAuth2) || (!smtpStep && cfg.IMAP.Auth == authOAuth2) {
		provider = cfg.OAuth2.Provider
	}
	switch {
	case errors.As(err, &te):
		return te.Hint
	case errors.As(err, &dnsErr):
		return "the host name does not resolve: check address (host:port) and DNS"
	case strings.HasPrefix(s.Step, "connect"):
		return "nothing answers there: check address and port (IMAP 993 with tls, SMTP 587 with starttls or 465 with tls) and the firewall"
	case mailbox.IsFolderMissing(err):
		return "run again with --create (klachtd also creates the processed and quarantine folders itself; the intake folder must exist)"
	case strings.Contains(msg, "certificate") || strings.Contains(msg, "x509"):
		return "the server's TLS certificate is not trusted for this host name: fix the certificate or the address; for a test server only, insecure_skip_verify = true"
	case strings.Contains(msg, "does not offer STARTTLS"):
		return `the server offers no STARTTLS on this port: use tls = "tls" (port 465 or 993) or the submission port 587`
	case strings.Contains(msg, "5.7.139"):
		return "SMTP AUTH is disabled for this mailbox or tenant: Set-CASMailbox -Identity " + cfg.SMTP.Username + " -SmtpClientAuthenticationDisabled $false (and Security Defaults must not block it)"
	case strings.Contains(msg, "neither XOAUTH2 nor OAUTHBEARER"):
		return `this server takes no OAuth2 tokens: use auth = "password" for it`
	case errors.As(err, &se) && se.Stage != "auth" && se.Stage != "connect" && !strings.HasPrefix(s.Step, "test letter"):
		return "the server broke off before the login: check tls (tls or starttls) against the port"
	case strings.HasPrefix(s.Step, "test letter"):
		return "the login works but the letter was refused: check that " + cfg.Gateway.Address + " may send as itself (Send As) and the recipient"
	case provider == "microsoft":
		return "Exchange refused the token: register the app's service principal (New-ServicePrincipal -AppId … -ObjectId …), give it the mailbox (Add-MailboxPermission -User <service principal> -AccessRights FullAccess), grant admin consent for IMAP.AccessAsApp and SMTP.SendAsApp, and allow up to 30 minutes"
	case provider == "google":
		return "Google refused the token: grant the service account domain-wide delegation with scope https://mail.google.com/ and check that IMAP is allowed for " + cfg.IMAP.Username
	case provider != "":
		return "the server refused the token: check that it asks the same issuer (for Dovecot: passdb oauth2, introspection_url) and knows the user " + cfg.IMAP.Username
	case smtpStep:
		return "the login was refused: check smtp.username and the password (password_env); Microsoft 365 and Google need auth = \"oauth2\" or an app password"
	}
	return "the login was refused: check imap.username and the password (password_env); Microsoft 365 needs auth = \"oauth2\", Google an app password or auth = \"oauth2\""
}

// testLetter renders the check-connection test letter to to.
func testLetter(cfg *Config, to string) ([]byte, error) {
	r, err := templates.New(cfg.path(cfg.Gateway.Templates))
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	l, err := r.Render(templates.ConnectionTest, cfg.Gateway.Language, templates.Data{Gateway: cfg.Gateway.Address, Organisation: cfg.Gateway.Organisation})
	if err != nil {
		return nil, err
	}
	b := make([]byte, 12)
	rand.Read(b)
	domain := cfg.Gateway.Address[strings.LastIndexByte(cfg.Gateway.Address, '@')+1:]
	return templates.Compose(templates.Envelope{From: cfg.Gateway.Address, FromName: cfg.Gateway.Name, To: []string{to},
		MessageID: "check-" + hex.EncodeToString(b) + "@" + domain, Date: time.Now(), Auto: true, Kind: templates.ConnectionTest}, l)
}
