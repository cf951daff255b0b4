package classify

import (
	"regexp"
	"strings"
)

// dsnRecipient is one per-recipient block of a delivery status notification
// (RFC 3464 §2.3).
type dsnRecipient struct {
	final, original string // bare, lower-case addresses
	action          string // lower-case: failed, delayed, delivered, relayed, expanded
	status          string
	diagnostic      string // Diagnostic-Code without its type: the remote server's answer
}

// failedOrDelayed reports whether the block tells of a failure or a delay;
// a block without Action but with a 4.x.x/5.x.x Status counts too (seen in
// practice: Action missing in hand-made DSNs).
func (r dsnRecipient) failedOrDelayed() bool {
	switch {
	case strings.HasPrefix(r.action, "fail"), strings.HasPrefix(r.action, "delay"):
		return true
	case r.action == "":
		return strings.HasPrefix(r.status, "5") || strings.HasPrefix(r.status, "4")
	}
	return false
}

// succeeded reports a positive report (RFC 3464 §2.3.3); "deliverable" is
// Postfix's answer to an address verification (sendmail -bv).
func (r dsnRecipient) succeeded() bool {
	switch r.action {
	case "delivered", "relayed", "expanded", "deliverable":
		return true
	case "":
		return strings.HasPrefix(r.status, "2")
	}
	return false
}

// address prefers Original-Recipient: it is the address as the sender gave
// it (RFC 3464 §2.3.1), so the one we know the complainant by; Final-Recipient
// may be a rewritten mailbox (seen in practice: PMDF's HAASM@yogi…).
func (r dsnRecipient) address() string {
	if r.original != "" {
		return r.original
	}
	return r.final
}

// parseDSNFields reads the per-recipient fields of a message/delivery-status
// body, or of text that quotes one ("> Final-Recipient: …"). Blocks are
// told apart by a field repeating rather than by blank lines, because in
// practice blank lines go missing and appear.
func parseDSNFields(s string) []dsnRecipient {
	var rs []dsnRecipient
	var cur *dsnRecipient
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r")
		line = strings.TrimLeft(line, "> \t")
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		// Folded values: RFC 3464 fields follow RFC 822 syntax. A few
		// lines are enough for an address; more would cost quadratic time.
		// A Diagnostic-Code's server text may hold colons ("<a@b>: Recipient
		// address rejected: …" folded, seen in Postfix's DSNs).
		diag := strings.EqualFold(strings.TrimSpace(k), "diagnostic-code")
		for n := 0; n < 4 && i+1 < len(lines) && len(lines[i+1]) > 0 && (lines[i+1][0] == ' ' || lines[i+1][0] == '\t') &&
			(diag || !strings.Contains(lines[i+1], ":")); n++ {
			i++
			v += " " + strings.TrimSpace(lines[i])
		}
		v = strings.TrimSpace(v)
		// A field the current block already has starts the next block:
		// the order of fields varies (PMDF puts Action first).
		next := func(set bool) {
			if cur == nil || set {
				rs = append(rs, dsnRecipient{})
				cur = &rs[len(rs)-1]
			}
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "final-recipient":
			next(cur != nil && cur.final != "")
			cur.final = dsnAddress(v)
		case "original-recipient":
			next(cur != nil && cur.original != "")
			cur.original = dsnAddress(v)
		case "action":
			next(cur != nil && cur.action != "")
			cur.action = strings.ToLower(firstWord(v))
		case "status":
			next(cur != nil && cur.status != "")
			cur.status = firstWord(v)
		case "diagnostic-code":
			// Not a block boundary: the order of fields varies and a
			// block without Diagnostic-Code is common.
			if cur != nil && cur.diagnostic == "" {
				cur.diagnostic = dsnDiagnostic(v)
			}
		}
		if len(rs) > 100 {
			break
		}
	}
	return rs
}

func firstWord(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " \t;("); i >= 0 {
		s = s[:i]
	}
	return s
}

// dsnAddress reads "rfc822; user@example.org" (RFC 3464 §2.3.2), also
// without the type, with angle brackets, or with a trailing comment.
func dsnAddress(v string) string {
	if _, a, ok := strings.Cut(v, ";"); ok {
		v = a
	}
	if a := firstAddress(v); a != "" {
		return a
	}
	return ""
}

var addrRe = regexp.MustCompile(`[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+`)

// firstAddress returns the first thing in s that looks like an address,
// bare and lower-case.
func firstAddress(s string) string {
	return cleanAddress(addrRe.FindString(s))
}

func cleanAddress(a string) string {
	a = strings.Trim(a, ".'{}|")
	// Seen in practice: Exchange writes "SMTP=user@example.org".
	if len(a) > 5 && strings.EqualFold(a[:5], "smtp=") {
		a = a[5:]
	}
	for strings.HasPrefix(a, ".") {
		a = a[1:]
	}
	if !strings.Contains(a, "@") || strings.HasPrefix(a, "@") {
		return ""
	}
	return strings.ToLower(a)
}

// dsnDiagnostic reads "smtp; 552 5.2.2 Mailbox full" (RFC 3464 §2.3.6):
// the type before ";" is dropped, the server's words stay as they came.
func dsnDiagnostic(v string) string {
	if t, rest, ok := strings.Cut(v, ";"); ok && !strings.ContainsAny(strings.TrimSpace(t), " \t") {
		v = rest
	}
	v = strings.Join(strings.Fields(v), " ")
	if len(v) > maxDiagnostic {
		v = v[:maxDiagnostic]
	}
	return v
}

// maxDiagnostic bounds the server's answer we keep: enough for any SMTP
// reply line, not a pasted page.
const maxDiagnostic = 300

// BounceReason is why a bounce says the letter failed: the DSN's Status
// (RFC 3464 §2.3.4, an RFC 3463 code like 5.2.2) and its Diagnostic-Code
// (the remote server's answer), for the first failed or delayed recipient;
// for a plain-text bounce, the first line of the text with an SMTP reply
// and an enhanced status code ("552 5.2.2 Mailbox full"). Empty when the
// bounce does not say. text is the decoded body text, as for Classify.
func BounceReason(m *Mail, text string) (status, diagnostic string) {
	var recs []dsnRecipient
	for _, p := range m.parts {
		if p.inner {
			continue
		}
		if p.mediaType == "message/delivery-status" || p.mediaType == "message/global-delivery-status" {
			recs = append(recs, parseDSNFields(string(p.body()))...)
		}
	}
	own := m.text()
	if strings.TrimSpace(own) == "" {
		own = text
	}
	if len(own) > maxText {
		own = own[:maxText]
	}
	if len(recs) == 0 {
		recs = parseDSNFields(own)
	}
	for _, r := range recs {
		if r.failedOrDelayed() {
			status, diagnostic = r.status, r.diagnostic
			break
		}
	}
	if diagnostic == "" {
		if l := smtpReplyLineRe.FindString(own); l != "" {
			// The line's own quoting goes: Exchange writes "returned '550 …'".
			diagnostic = strings.TrimRight(dsnDiagnostic(l), "'\")")
		}
	}
	if status == "" {
		if sm := enhancedStatusRe.FindString(diagnostic); sm != "" {
			status = sm
		}
	}
	return status, diagnostic
}

var (
	// An SMTP reply with an enhanced status code (RFC 3463), as plain-text
	// bounces quote it: "host mx.example.org said: 550 5.1.1 <a@b>: user unknown".
	smtpReplyLineRe  = regexp.MustCompile(`(?m)\b[45]\d\d[ -][45]\.\d{1,3}\.\d{1,3}\b[^\r\n]*`)
	enhancedStatusRe = regexp.MustCompile(`\b[245]\.\d{1,3}\.\d{1,3}\b`)
)
