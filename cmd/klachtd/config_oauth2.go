package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/ingressus/klachtd/mailbox"
)

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

// oauth2Warnings are valid but doubtful [oauth2] settings.
func (c *Config) oauth2Warnings() []string {
	o := c.OAuth2
	if !c.UsesOAuth2() {
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
	if !c.UsesOAuth2() {
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
	if !c.UsesOAuth2() {
		return nil
	}
	if d := c.OAuth2.SecretExpires; !d.IsZero() {
		out = append(out, credentialExpiry{Key: "client_secret_expires", What: strings.TrimSpace(c.OAuth2.ClientID), Expires: d.Time})
	}
	if c.tokens != nil && !c.tokens.CertificateNotAfter().IsZero() {
		out = append(out, credentialExpiry{Key: "certificate_file", What: c.path(c.OAuth2.CertificateFile), Expires: c.tokens.CertificateNotAfter()})
	}
	return out
}
