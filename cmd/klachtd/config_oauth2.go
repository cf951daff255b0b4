package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/ingressus/klachtd/correspondence/workdays"
	"github.com/ingressus/klachtd/mailbox"
)

// OAuth2Config is the [oauth2] table: how klachtd gets the access tokens
// for `auth = "oauth2"` under [imap] and [smtp].
type OAuth2Config struct {
	Provider        string   `toml:"provider"`
	Tenant          string   `toml:"tenant"`
	ClientID        string   `toml:"client_id"`
	ClientSecret    string   `toml:"client_secret"`
	ClientSecretEnv string   `toml:"client_secret_env"`
	CertificateFile string   `toml:"certificate_file"`
	KeyFile         string   `toml:"key_file"`
	ServiceAccount  string   `toml:"service_account_file"`
	TokenURL        string   `toml:"token_url"`
	Scopes          []string `toml:"scopes"`
	// SecretExpires is the client secret's end date (YYYY-MM-DD), for the
	// warnings 30, 7 and 1 days ahead.
	SecretExpires string `toml:"client_secret_expires"`
}

// Values of [imap] auth and [smtp] auth.
const (
	authPassword = "password"
	authOAuth2   = "oauth2"
)

// usesOAuth2 reports whether [imap] or [smtp] logs in with a token.
func (c *Config) usesOAuth2() bool {
	return c.IMAP.Auth == authOAuth2 || c.SMTP.Auth == authOAuth2
}

// oauth2Secret is the client secret from client_secret or the environment.
func (c *Config) oauth2Secret() string {
	if c.OAuth2.ClientSecret != "" {
		return c.OAuth2.ClientSecret
	}
	if c.OAuth2.ClientSecretEnv != "" {
		return os.Getenv(c.OAuth2.ClientSecretEnv)
	}
	return ""
}

// validateOAuth2 checks the auth keys and the [oauth2] table; key files
// are read by oauth2Source (check-config, run, check-connection).
func (c *Config) validateOAuth2() []string {
	var p []string
	bad := func(key, format string, args ...any) { p = append(p, key+": "+fmt.Sprintf(format, args...)) }
	for _, s := range []struct{ key, v string }{{"imap.auth", c.IMAP.Auth}, {"smtp.auth", c.SMTP.Auth}} {
		if s.v != "" && s.v != authPassword && s.v != authOAuth2 {
			bad(s.key, `expected "password" or "oauth2", got %q`, s.v)
		}
	}
	o := c.OAuth2
	if o.SecretExpires != "" {
		if _, err := workdays.ParseDate(o.SecretExpires); err != nil {
			bad("oauth2.client_secret_expires", "expected a date YYYY-MM-DD, got %q", o.SecretExpires)
		}
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
	if !c.usesOAuth2() {
		return p
	}
	if c.IMAP.Auth == authOAuth2 && c.IMAP.Username == "" {
		bad("imap.username", "expected the mailbox's address (the token logs in as this user)")
	}
	if c.SMTP.Auth == authOAuth2 && c.SMTP.Username == "" {
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
	return p
}

// oauth2Warnings are valid but doubtful [oauth2] settings.
func (c *Config) oauth2Warnings() []string {
	o := c.OAuth2
	if !c.usesOAuth2() {
		if o.Provider != "" {
			return []string{`[oauth2] is set but neither imap.auth nor smtp.auth is "oauth2": the passwords are used`}
		}
		return nil
	}
	if o.Provider != mailbox.ProviderGoogle && o.CertificateFile == "" && o.ClientSecret == "" && o.ClientSecretEnv != "" && os.Getenv(o.ClientSecretEnv) == "" {
		return []string{fmt.Sprintf("oauth2.client_secret_env: the variable %s is not set here; klachtd gets no token without it", o.ClientSecretEnv)}
	}
	return nil
}

// oauth2Source builds the token source once (it reads the key files) and
// logs through log; nil without auth = "oauth2".
func (c *Config) oauth2Source(log *slog.Logger) (*mailbox.TokenSource, error) {
	if !c.usesOAuth2() {
		return nil, nil
	}
	if c.tokens != nil {
		return c.tokens, nil
	}
	o := c.OAuth2
	ts, err := mailbox.NewTokenSource(mailbox.OAuth2Config{Provider: o.Provider, Tenant: o.Tenant, ClientID: o.ClientID,
		ClientSecret: c.oauth2Secret(), CertificateFile: c.path(o.CertificateFile), KeyFile: c.path(o.KeyFile),
		ServiceAccountFile: c.path(o.ServiceAccount), Subject: c.IMAP.Username, TokenURL: o.TokenURL, Scopes: o.Scopes}, log)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c.tokens = ts
	return ts, nil
}

// imapTokens and smtpTokens are the token source for a server with
// auth = "oauth2", else nil (a nil interface: password login).
func (c *Config) imapTokens() mailbox.Tokens {
	if c.IMAP.Auth == authOAuth2 && c.tokens != nil {
		return c.tokens
	}
	return nil
}

func (c *Config) smtpTokens() mailbox.Tokens {
	if c.SMTP.Auth == authOAuth2 && c.tokens != nil {
		return c.tokens
	}
	return nil
}

// credentialExpiry is a credential whose end is known ahead.
type credentialExpiry struct {
	Key     string // the config key that names it: client_secret_expires, certificate_file
	What    string // its value, e.g. the certificate's path
	Expires time.Time
}

// credentialExpiries lists the known ends: the configured secret date and
// the certificate's NotAfter.
func (c *Config) credentialExpiries() []credentialExpiry {
	var out []credentialExpiry
	if !c.usesOAuth2() {
		return nil
	}
	if d, err := workdays.ParseDate(c.OAuth2.SecretExpires); err == nil && c.OAuth2.SecretExpires != "" {
		out = append(out, credentialExpiry{Key: "client_secret_expires", What: strings.TrimSpace(c.OAuth2.ClientID), Expires: d})
	}
	if c.tokens != nil && !c.tokens.CertificateNotAfter().IsZero() {
		out = append(out, credentialExpiry{Key: "certificate_file", What: c.path(c.OAuth2.CertificateFile), Expires: c.tokens.CertificateNotAfter()})
	}
	return out
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
