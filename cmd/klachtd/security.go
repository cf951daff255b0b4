package main

import (
	"github.com/ingressus/klachtd/cmd/klachtd/config"
	"github.com/ingressus/klachtd/correspondence"
)

// The [security] table: how a handler's or management's command is known
// to come from them (procedure.md, "Handler and management commands";
// README, "Who may give commands").

// noSenderCheckWarning is what check-config and the daemon say, loudly,
// when no sender check is configured.
const noSenderCheckWarning = "NO SENDER CHECK IS CONFIGURED: every #command from handlers and management will be REFUSED " +
	"(security.provider, security.authserv_id and security.verify_dkim are all unset and trust_from is false). " +
	`Set provider = "microsoft365", "google" or "dkim", or authserv_id to your receiving server's authserv-id (README, "Who may give commands")`

// securityWarnings are the valid but risky [security] settings.
func securityWarnings(s config.SecurityConfig) []string {
	var w []string
	set := correspondence.Settings{}
	applySecurity(s, &set)
	if !s.TrustFrom && !set.SenderCheckConfigured() {
		w = append(w, noSenderCheckWarning)
	}
	if s.TrustFrom {
		w = append(w, "security.trust_from is on: handlers are trusted by their From address alone (fine for the demo world, never for real mail)")
	}
	return w
}

// applySecurity puts the [security] settings into the gateway's settings.
func applySecurity(s config.SecurityConfig, set *correspondence.Settings) {
	set.TrustFrom = s.TrustFrom
	set.AuthServID = s.AuthServID
	set.VerifyDKIM = s.VerifyDKIM
	set.Provider = s.Provider
}
