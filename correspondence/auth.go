package correspondence

import (
	"bytes"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
)

// Sender-check providers (the [security] provider key).
const (
	// ProviderMicrosoft365 trusts Exchange Online's internal-sender stamp.
	ProviderMicrosoft365 = "microsoft365"
	// ProviderGoogle trusts the Authentication-Results of mx.google.com.
	ProviderGoogle = "google"
	// ProviderDKIM verifies DKIM ourselves, aligned with the From domain.
	ProviderDKIM = "dkim"
)

// googleAuthServID is the authserv-id Google's receiving servers write.
const googleAuthServID = "mx.google.com"

// Reasons a sender is not verified; the refusal letter words each one.
const (
	whyNoCheck     = "no-check"      // no sender check configured and trust_from off
	whyNoResults   = "no-results"    // no Authentication-Results of our server at the top
	whyFail        = "fail"          // our server's header says DMARC/DKIM did not pass
	whyNotInternal = "not-internal"  // Microsoft 365: not an internal, authenticated sender
	whyNoDKIM      = "no-signature"  // own check: no DKIM signature
	whyBadDKIM     = "bad-signature" // own check: no valid signature aligned with From
)

// senderVerified checks that a staff mail really comes from its From, with
// the checks the configuration names; any one that passes verifies. With
// none configured, only trust_from = true lets a command through
// (procedure.md, "Handler and management commands"). It returns the reason
// code of the first failing check otherwise.
func (h *handling) senderVerified() (bool, string) {
	set := h.g.set
	if set.TrustFrom {
		return true, ""
	}
	fromDomain := ""
	if i := strings.LastIndexByte(h.msg.From, '@'); i >= 0 {
		fromDomain = strings.ToLower(h.msg.From[i+1:])
	}
	hdr := readHeaderFields(h.in.Raw)
	why := whyNoCheck
	if set.Provider == ProviderMicrosoft365 {
		if exchangeInternal(hdr) {
			return true, ""
		}
		why = whyNotInternal
	}
	if id := set.authServID(); id != "" {
		ok, w := trustedAuthResults(hdr, id, fromDomain)
		if ok {
			return true, ""
		}
		if why == whyNoCheck {
			why = w
		}
	}
	if set.VerifyDKIM || set.Provider == ProviderDKIM {
		ok, w := verifyDKIM(h.in.Raw, fromDomain, set.LookupTXT)
		if ok {
			return true, ""
		}
		if why == whyNoCheck {
			why = w
		}
	}
	return false, why
}

// authServID is the authserv-id whose Authentication-Results count: the
// configured one, else the provider's.
func (s *Settings) authServID() string {
	if s.AuthServID != "" {
		return s.AuthServID
	}
	if s.Provider == ProviderGoogle {
		return googleAuthServID
	}
	return ""
}

// SenderCheckConfigured reports whether any sender check is configured;
// without one (and without TrustFrom) every command is refused.
func (s *Settings) SenderCheckConfigured() bool {
	return s.authServID() != "" || s.VerifyDKIM || s.Provider == ProviderMicrosoft365 || s.Provider == ProviderDKIM
}

// headerField is one header field of a raw mail, unfolded.
type headerField struct{ name, value string }

// readHeaderFields returns the header fields of raw in order, top first.
// Lenient: LF or CRLF, a header without a body.
func readHeaderFields(raw []byte) []headerField {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if e := bytes.Index(raw, []byte("\n\n")); e >= 0 && (end < 0 || e < end) {
		end = e
	}
	if end >= 0 {
		raw = raw[:end]
	}
	var out []headerField
	for _, line := range strings.Split(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n") {
		if line == "" {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && len(out) > 0 {
			out[len(out)-1].value += " " + strings.TrimSpace(line)
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		out = append(out, headerField{name: strings.TrimSpace(k), value: strings.TrimSpace(v)})
	}
	return out
}

// isTraceField reports whether a field belongs to the block of trace lines
// that receiving servers and their milters put on top of a mail (RFC 5321
// §4.4, RFC 8601 §5, RFC 8617): Received, Authentication-Results, ARC-*,
// the delivery agent's Return-Path/Delivered-To/X-Original-To, and the
// stamps filters and providers add there (X-Spam-*, X-Rspamd-*,
// X-MS-Exchange-*, X-Google-*). Any other field ends the block.
func isTraceField(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "received", "authentication-results", "return-path", "delivered-to", "x-original-to", "received-spf", "x-received":
		return true
	}
	for _, p := range traceFieldPrefixes {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

var traceFieldPrefixes = []string{"arc-", "x-spam", "x-rspamd", "x-virus", "x-ms-exchange-", "x-microsoft-antispam",
	"x-forefront-", "x-eopattributedmessage", "x-google-", "x-gm-", "x-original-"}

// trustedAuthResults reads the one Authentication-Results header that
// counts (RFC 8601 §5, §7.2): the topmost one with our authserv-id inside
// the block of trace lines at the top of the mail. One lower down, among
// the sender's own headers, anyone can write; and where ours says fail, a
// pass below it changes nothing. The border MTA must delete incoming
// headers with our authserv-id (README, deployment).
func trustedAuthResults(hdr []headerField, authServID, fromDomain string) (bool, string) {
	for _, f := range hdr {
		if !isTraceField(f.name) {
			break // the end of the trace block: what follows is the sender's
		}
		if !strings.EqualFold(f.name, "Authentication-Results") {
			continue
		}
		id, results := splitAuthResults(f.value)
		if !strings.EqualFold(id, authServID) {
			continue // another server's header: not ours to trust
		}
		for _, r := range results {
			if r.method == "dmarc" && r.result == "pass" {
				return true, ""
			}
			if r.method == "dkim" && r.result == "pass" && aligned(strings.ToLower(r.props["header.d"]), fromDomain) {
				return true, ""
			}
		}
		return false, whyFail // the topmost of ours decides, pass or fail
	}
	return false, whyNoResults
}

// exchangeInternal reports Exchange Online's stamp of a mail sent by a
// mailbox of the tenant itself: X-MS-Exchange-Organization-AuthAs: Internal
// with an AuthSource. Exchange's header firewall removes every
// X-MS-Exchange-Organization-* header from mail entering from outside, so
// a sender cannot forge it (Exchange Server docs, "Header firewall").
func exchangeInternal(hdr []headerField) bool {
	authAs, source := "", ""
	for _, f := range hdr {
		switch strings.ToLower(f.name) {
		case "x-ms-exchange-organization-authas":
			if authAs == "" {
				authAs = f.value
			}
		case "x-ms-exchange-organization-authsource":
			if source == "" {
				source = f.value
			}
		}
	}
	return strings.EqualFold(strings.TrimSpace(authAs), "Internal") && strings.TrimSpace(source) != ""
}

// aligned is DMARC's relaxed alignment (RFC 7489 §3.1.1), approximated
// without the public-suffix list: the signing domain is the From domain,
// or one is a subdomain of the other; a bare top-level domain never is.
func aligned(d, fromDomain string) bool {
	if d == "" || fromDomain == "" || !strings.Contains(d, ".") {
		return false
	}
	return d == fromDomain || strings.HasSuffix(fromDomain, "."+d) ||
		(strings.HasSuffix(d, "."+fromDomain) && strings.Contains(fromDomain, "."))
}

type authResult struct {
	method, result string
	props          map[string]string
}

// splitAuthResults reads "authserv-id [version]; method=result prop=value …; …"
// leniently: comments in parentheses are dropped.
func splitAuthResults(v string) (string, []authResult) {
	v = stripComments(v)
	parts := strings.Split(v, ";")
	id := strings.Fields(strings.TrimSpace(parts[0]))
	var authserv string
	if len(id) > 0 {
		authserv = id[0]
	}
	var out []authResult
	for _, p := range parts[1:] {
		fields := strings.Fields(p)
		if len(fields) == 0 {
			continue
		}
		r := authResult{props: map[string]string{}}
		for i, f := range fields {
			k, val, ok := strings.Cut(f, "=")
			if !ok {
				continue
			}
			k = strings.ToLower(k)
			if i == 0 {
				r.method, r.result = k, strings.ToLower(val)
				continue
			}
			r.props[k] = strings.Trim(val, `"`)
		}
		if r.method != "" {
			out = append(out, r)
		}
	}
	return authserv, out
}

func stripComments(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// verifyDKIM checks the message's own DKIM signatures (RFC 6376): one must
// pass for a domain aligned with the From domain (DMARC, RFC 7489 §3.1.1).
// lookup replaces DNS in tests; nil means the system resolver.
func verifyDKIM(raw []byte, fromDomain string, lookup func(string) ([]string, error)) (bool, string) {
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: lookup, MaxVerifications: 5})
	if err != nil {
		return false, whyBadDKIM
	}
	for _, v := range vs {
		if v.Err == nil && aligned(strings.ToLower(v.Domain), fromDomain) {
			return true, ""
		}
	}
	if len(vs) == 0 {
		return false, whyNoDKIM
	}
	return false, whyBadDKIM
}
