package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/ingressus/klachtd/correspondence"
	"github.com/ingressus/klachtd/mailbox"
)

// healthCheck adds its findings to the /healthz body and reports whether
// all is well.
type healthCheck func(body map[string]any) bool

// tokenHealth makes /healthz 503 while the OAuth2 token endpoint refuses:
// with SMTP on the same token, letters stop too, even while the IMAP
// connection made before the failure stays up.
func tokenHealth(ts *mailbox.TokenSource) []healthCheck {
	if ts == nil {
		return nil
	}
	return []healthCheck{func(body map[string]any) bool {
		st := ts.Status()
		if st.FailingSince.IsZero() {
			return true
		}
		body["oauth2_failing_since"] = st.FailingSince
		body["oauth2_error"] = st.LastError
		return false
	}}
}

// credentialCheckInterval is how often known expiries and the token's
// health are looked at.
const credentialCheckInterval = time.Minute

// watchCredentials warns the intake team ahead of a known credential
// expiry (30, 7, 1 days) and says in the log when a token outage also
// stops the alert letters themselves (SMTP on the same token).
func watchCredentials(ctx context.Context, cfg *Config, gw *correspondence.Gateway, ts *mailbox.TokenSource, log *slog.Logger) error {
	t := time.NewTicker(credentialCheckInterval)
	defer t.Stop()
	var toldSince time.Time
	for {
		for _, ce := range cfg.credentialExpiries() {
			queued, err := gw.WarnCredentialExpiry(ctx, ce.Key, ce.What, ce.Expires)
			if err != nil && ctx.Err() == nil {
				log.Warn("credential expiry warning", "key", "oauth2."+ce.Key, "err", err)
			}
			if queued {
				log.Warn("oauth2 credential expires soon: the intake team is warned", "key", "oauth2."+ce.Key, "expires", ce.Expires.Format("2006-01-02"))
			}
		}
		if st := ts.Status(); !st.FailingSince.IsZero() && !st.FailingSince.Equal(toldSince) {
			toldSince = st.FailingSince
			if cfg.SMTP.Auth == authOAuth2 {
				log.Error("oauth2 token refused and SMTP uses the same token: the intake-stopped alert cannot be mailed until it works again; watch /healthz and this log",
					"err", st.LastError)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
