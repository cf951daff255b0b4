package correspondence

import (
	"bytes"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
)

// senderVerified checks that a staff mail really comes from its From: the
// trusted receiving server's Authentication-Results must show DMARC pass, or
// a DKIM pass aligned with the From domain (RFC 8601, RFC 7489 §3.1).
func (h *handling) senderVerified() (bool, string) {
	set := h.g.set
	if set.TrustFrom {
		return true, ""
	}
	fromDomain := ""
	if i := strings.LastIndexByte(h.msg.From, '@'); i >= 0 {
		fromDomain = strings.ToLower(h.msg.From[i+1:])
	}
	if set.VerifyDKIM {
		if ok, why := verifyDKIM(h.in.Raw, fromDomain, set.LookupTXT); ok || set.AuthServID == "" {
			return ok, why
		}
	}
	if set.AuthServID == "" {
		return true, "" // no verifier configured; check-config warns about this
	}
	seen := false
	for _, ar := range h.msg.AuthResults {
		id, results := splitAuthResults(ar)
		if !strings.EqualFold(id, set.AuthServID) {
			continue // a header added by someone else can be forged
		}
		seen = true
		for _, r := range results {
			method, value := r.method, r.result
			if method == "dmarc" && value == "pass" {
				return true, ""
			}
			if method == "dkim" && value == "pass" {
				d := strings.ToLower(r.props["header.d"])
				if d != "" && (d == fromDomain || strings.HasSuffix(fromDomain, "."+d)) {
					return true, ""
				}
			}
		}
	}
	if !seen {
		return false, "geen Authentication-Results van " + set.AuthServID
	}
	return false, "DMARC en DKIM slagen niet voor het afzenderdomein " + fromDomain
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
// pass for the From domain or a parent of it. lookup replaces DNS in tests.
func verifyDKIM(raw []byte, fromDomain string, lookup func(string) ([]string, error)) (bool, string) {
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: lookup, MaxVerifications: 5})
	if err != nil {
		return false, "DKIM niet te controleren: " + err.Error()
	}
	for _, v := range vs {
		d := strings.ToLower(v.Domain)
		if v.Err == nil && (d == fromDomain || strings.HasSuffix(fromDomain, "."+d)) {
			return true, ""
		}
	}
	if len(vs) == 0 {
		return false, "geen DKIM-handtekening"
	}
	return false, "geen geldige DKIM-handtekening van " + fromDomain
}
