package main

import (
	"github.com/ingressus/klachtd/correspondence"
)

// The [security] table: how a handler's or management's command is known
// to come from them (procedure.md, "Handler and management commands";
// README, "Who may give commands").

// validate names a bad [security] value.
func (s SecurityConfig) validate(bad func(key, format string, args ...any)) {
	switch s.Provider {
	case "", correspondence.ProviderMicrosoft365, correspondence.ProviderGoogle, correspondence.ProviderDKIM:
	default:
		bad("security.provider", `expected "microsoft365", "google", "dkim" or "" (use authserv_id / verify_dkim), got %q`, s.Provider)
	}
}

// noSenderCheckWarning is what check-config and the daemon say, loudly,
// when no sender check is configured.
const noSenderCheckWarning = "NO SENDER CHECK IS CONFIGURED: every #command from handlers and management will be REFUSED " +
	"(security.provider, security.authserv_id and security.verify_dkim are all unset and trust_from is false). " +
	`Set provider = "microsoft365", "google" or "dkim", or authserv_id to your receiving server's authserv-id (README, "Who may give commands")`

// warnings are the valid but risky [security] settings.
func (s SecurityConfig) warnings() []string {
	var w []string
	set := correspondence.Settings{}
	s.apply(&set)
	if !s.TrustFrom && !set.SenderCheckConfigured() {
		w = append(w, noSenderCheckWarning)
	}
	if s.TrustFrom {
		w = append(w, "security.trust_from is on: handlers are trusted by their From address alone (fine for the demo world, never for real mail)")
	}
	return w
}

// apply puts the [security] settings into the gateway's settings.
func (s SecurityConfig) apply(set *correspondence.Settings) {
	set.TrustFrom = s.TrustFrom
	set.AuthServID = s.AuthServID
	set.VerifyDKIM = s.VerifyDKIM
	set.Provider = s.Provider
}
