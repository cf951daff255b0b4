package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"slices"
	"strings"

	"github.com/ingressus/klachtd/correspondence"
	"github.com/ingressus/klachtd/mailbox"
	"github.com/ingressus/klachtd/parser"
)

// ValidAddress reports whether s is a bare e-mail address with a dotted
// domain (or @localhost).
func ValidAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") || err == nil && strings.HasSuffix(s, "@localhost")
}

// validate checks every value and names each bad key with what was expected.
func (c *Config) validate() []string {
	var p []string
	bad := func(key, format string, args ...any) { p = append(p, key+": "+fmt.Sprintf(format, args...)) }
	if !ValidAddress(c.Gateway.Address) {
		bad("gateway.address", "expected an e-mail address like klachten@example.nl, got %q", c.Gateway.Address)
	}
	if c.Gateway.Language != "nl" && c.Gateway.Language != "en" {
		bad("gateway.language", `expected "nl" or "en", got %q`, c.Gateway.Language)
	}
	if u := c.Gateway.FormURL; u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		bad("gateway.form_url", "expected a web address starting with https://, got %q", u)
	}
	if c.Gateway.Database == "" {
		bad("gateway.database", "expected a file path")
	}
	for i, a := range c.Gateway.FormSenders {
		if !ValidAddress(strings.ToLower(a)) {
			bad(fmt.Sprintf("gateway.form_senders[%d]", i), "expected an e-mail address, got %q", a)
		}
	}
	for i, a := range c.Gateway.IntakeTeam {
		if !ValidAddress(strings.ToLower(a)) {
			bad(fmt.Sprintf("gateway.intake_team[%d]", i), "expected an e-mail address, got %q", a)
		}
	}
	if c.Gateway.AutoLetterCap < 0 {
		bad("gateway.auto_letter_cap", "expected 0 (no cap) or more, got %d", c.Gateway.AutoLetterCap)
	}
	switch c.Gateway.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("gateway.log_level", `expected debug, info, warn or error, got %q`, c.Gateway.LogLevel)
	}
	for _, s := range []struct {
		name string
		cfg  ServerConfig
	}{{"imap", c.IMAP.ServerConfig}, {"smtp", c.SMTP.ServerConfig}} {
		if _, _, err := net.SplitHostPort(s.cfg.Address); err != nil {
			bad(s.name+".address", "expected host:port, got %q", s.cfg.Address)
		}
		switch s.cfg.TLS {
		case "tls", "starttls", "none":
		default:
			bad(s.name+".tls", `expected "tls", "starttls" or "none", got %q`, s.cfg.TLS)
		}
	}
	if !c.IMAP.PollInterval.valid() {
		bad("imap.poll_interval", "expected a duration like 30s or 2m, got %q", c.IMAP.PollInterval.text())
	}
	if !c.SMTP.Timeout.valid() {
		bad("smtp.timeout", "expected a duration like 30s, got %q", c.SMTP.Timeout.text())
	}
	for i, d := range c.SMTP.RetrySchedule {
		if !d.valid() || d.Duration <= 0 {
			bad(fmt.Sprintf("smtp.retry_schedule[%d]", i), "expected a duration like 5m, got %q", d.text())
		}
	}
	if c.SMTP.Connections < 1 || c.SMTP.Connections > 64 {
		bad("smtp.connections", "expected 1 to 64 parallel connections, got %d", c.SMTP.Connections)
	}
	if c.IMAP.MaxMessageSize <= 0 {
		bad("imap.max_message_size", "expected a size in bytes above 0, got %d", c.IMAP.MaxMessageSize)
	}
	if len(c.Handlers) == 0 {
		bad("handlers", "expected at least one [[handlers]] entry with name and email")
	}
	for i, h := range c.Handlers {
		if strings.TrimSpace(h.Name) == "" {
			bad(fmt.Sprintf("handlers[%d].name", i), "expected the handler's name (it is shown to complainants)")
		}
		if !ValidAddress(strings.ToLower(h.Email)) {
			bad(fmt.Sprintf("handlers[%d].email", i), "expected an e-mail address, got %q", h.Email)
		}
	}
	if len(c.Mgmt) == 0 {
		bad("management", "expected at least one [[management]] entry with name and email")
	}
	for i, h := range c.Mgmt {
		if !ValidAddress(strings.ToLower(h.Email)) {
			bad(fmt.Sprintf("management[%d].email", i), "expected an e-mail address, got %q", h.Email)
		}
	}
	for k, v := range c.ByDomain {
		found := false
		for _, h := range c.Handlers {
			found = found || strings.EqualFold(h.Email, v)
		}
		if !found {
			bad("handler_by_domain."+k, "expected the e-mail address of one of the [[handlers]], got %q", v)
		}
	}
	pr := c.Procedure
	for _, n := range []struct {
		key string
		v   int
	}{{"procedure.ack_days", pr.AckDays}, {"procedure.term_days", pr.TermDays}, {"procedure.objection_days", pr.ObjectionDays},
		{"procedure.lapse_days", pr.LapseDays}, {"procedure.default_delay_days", pr.DefaultDelayDays}} {
		if n.v < 1 || n.v > 250 {
			bad(n.key, "expected a number of working days from 1 to 250, got %d", n.v)
		}
	}
	if pr.DelayNoticeDays < 0 || pr.DelayNoticeDays >= pr.TermDays {
		bad("procedure.delay_notice_days", "expected 0 or more and fewer than term_days, got %d", pr.DelayNoticeDays)
	}
	for i, d := range pr.ReminderDays {
		if d < 1 || d >= pr.TermDays {
			bad(fmt.Sprintf("procedure.reminder_days[%d]", i), "expected 1 to term_days-1 working days, got %d", d)
		}
	}
	if !pr.EndOfBusinessDay.valid() {
		bad("procedure.end_of_business_day", `expected a time like "17:00" (or "" for none), got %q`, pr.EndOfBusinessDay.text())
	}
	for i, d := range pr.ClosingDays {
		if !d.valid() || d.IsZero() {
			bad(fmt.Sprintf("procedure.closing_days[%d]", i), "expected a date YYYY-MM-DD, got %q", d.text())
		}
	}
	if !pr.SchedulerInterval.valid() {
		bad("procedure.scheduler_interval", "expected a duration like 1m, got %q", pr.SchedulerInterval.text())
	}
	if !c.Digest.At.valid() {
		bad("digest.at", `expected a time like "08:00", got %q`, c.Digest.At.text())
	}
	if !c.Digest.IntakeAlertAfter.valid() {
		bad("digest.intake_alert_after", "expected a duration like 30m, got %q", c.Digest.IntakeAlertAfter.text())
	}
	for label, field := range c.Labels {
		if !slices.Contains(parser.LabelFields, field) {
			bad("labels."+label, "expected one of %s; got %q", strings.Join(parser.LabelFields, ", "), field)
		}
	}
	c.Security.validate(bad)
	if d := c.Intake.DoubleSubmitWindow; !d.valid() || d.Duration < 0 {
		bad("intake.double_submit_window", `expected a duration like "10m" (or "0s" for none), got %q`, d.text())
	}
	if c.HTTP.Listen != "" {
		if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
			bad("http.listen", "expected host:port like 127.0.0.1:9180, got %q", c.HTTP.Listen)
		}
	}
	c.validateOAuth2(bad)
	c.Retention.validate(bad)
	c.validateReport(bad)
	return p
}

// validate names a bad [security] value.
func (s SecurityConfig) validate(bad func(key, format string, args ...any)) {
	switch s.Provider {
	case "", correspondence.ProviderMicrosoft365, correspondence.ProviderGoogle, correspondence.ProviderDKIM:
	default:
		bad("security.provider", `expected "microsoft365", "google", "dkim" or "" (use authserv_id / verify_dkim), got %q`, s.Provider)
	}
}

func (r RetentionConfig) validate(bad func(key, format string, args ...any)) {
	// Ten years is far past any limitation period that could need the file;
	// a longer term is more likely a typo (240 for 24).
	if r.MonthsAfterClosure < 1 || r.MonthsAfterClosure > 120 {
		bad("retention.months_after_closure", "expected a number of months from 1 to 120 (24 is usual), got %d", r.MonthsAfterClosure)
	}
}

// validateReport checks [categories] and [survey].
func (c *Config) validateReport(bad func(key, format string, args ...any)) {
	seen := map[string]bool{}
	for i, name := range c.Categories.List {
		n := strings.ToLower(strings.TrimSpace(name))
		switch {
		case n == "" || strings.ContainsAny(n, " \t#,"):
			bad(fmt.Sprintf("categories.list[%d]", i), "expected one word without spaces, commas or #, like \"levering\"; got %q", name)
		case seen[n]:
			bad(fmt.Sprintf("categories.list[%d]", i), "%q is in the list twice", name)
		}
		seen[n] = true
	}
	if a := c.Survey.AfterWorkdays; a != nil && (*a < 0 || *a > 60) {
		bad("survey.after_workdays", "expected 0 to 60 working days after closing, got %d", *a)
	}
}

// validateOAuth2 checks the auth keys and the [oauth2] table; key files
// are read when the token source is built (check-config, run,
// check-connection).
func (c *Config) validateOAuth2(bad func(key, format string, args ...any)) {
	for _, s := range []struct{ key, v string }{{"imap.auth", c.IMAP.Auth}, {"smtp.auth", c.SMTP.Auth}} {
		if s.v != "" && s.v != AuthPassword && s.v != AuthOAuth2 {
			bad(s.key, `expected "password" or "oauth2", got %q`, s.v)
		}
	}
	o := c.OAuth2
	if !o.SecretExpires.valid() {
		bad("oauth2.client_secret_expires", "expected a date YYYY-MM-DD, got %q", o.SecretExpires.text())
	}
	if o.TokenURL != "" {
		u, err := url.Parse(o.TokenURL)
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
			bad("oauth2.token_url", "expected a URL like https://login.example.com/token, got %q", o.TokenURL)
		case u.Scheme == "http" && !isLoopbackHost(u.Hostname()):
			// The client secret goes in the request body.
			bad("oauth2.token_url", "expected https (http only to a loopback address), got %q", o.TokenURL)
		}
	}
	if !c.UsesOAuth2() {
		return
	}
	if c.IMAP.Auth == AuthOAuth2 && c.IMAP.Username == "" {
		bad("imap.username", "expected the mailbox's address (the token logs in as this user)")
	}
	if c.SMTP.Auth == AuthOAuth2 && c.SMTP.Username == "" {
		bad("smtp.username", "expected the mailbox's address (the token sends as this user)")
	}
	secret := o.ClientSecret != "" || o.ClientSecretEnv != ""
	switch o.Provider {
	case mailbox.ProviderMicrosoft:
		if o.Tenant == "" && o.TokenURL == "" {
			bad("oauth2.tenant", "expected the Entra ID tenant, e.g. contoso.onmicrosoft.com or its ID")
		}
		if o.ClientID == "" {
			bad("oauth2.client_id", "expected the app registration's Application (client) ID")
		}
		switch {
		case o.CertificateFile != "" && secret:
			bad("oauth2.certificate_file", "give a certificate or a client secret, not both")
		case o.CertificateFile == "" && !secret:
			bad("oauth2.client_secret_env", "expected the name of the variable holding the client secret, or certificate_file + key_file")
		case o.CertificateFile == "" && o.KeyFile != "":
			bad("oauth2.key_file", "expected certificate_file beside it")
		}
	case mailbox.ProviderGoogle:
		if o.ServiceAccount == "" {
			bad("oauth2.service_account_file", "expected the service account's JSON key file (domain-wide delegation)")
		}
	case mailbox.ProviderGeneric:
		if o.TokenURL == "" {
			bad("oauth2.token_url", "expected the token endpoint's URL (client-credentials grant)")
		}
		if o.ClientID == "" {
			bad("oauth2.client_id", "expected the client ID")
		}
	case "":
		bad("oauth2.provider", `expected "microsoft", "google" or "generic" (auth = "oauth2" is set)`)
	default:
		bad("oauth2.provider", `expected "microsoft", "google" or "generic", got %q`, o.Provider)
	}
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
