package parser

import (
	"regexp"
	"strings"

	"github.com/ingressus/klachtd/parser/internal/mime"

	gomail "github.com/emersion/go-message/mail"
)

// CanonicalMessageID returns the canonical form of one Message-ID: without
// angle brackets, blanks and comments, lower-cased (RFC 5322 §3.6.4 ids are
// compared as opaque strings, but clients are known to change the case of
// the domain; lower-casing both sides is the safe match). It tolerates what
// go-message's strict parser refuses: a missing bracket, "<a@@b>", an id
// without '@'. It returns "" when nothing is left.
func CanonicalMessageID(s string) string {
	ids := MessageIDs(s)
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

var commentRe = regexp.MustCompile(`\([^()]*\)`)

// MessageIDs returns the canonical Message-IDs in a header value such as
// References or In-Reply-To: every "<…>" in it, or, when there are no
// brackets at all, every blank- or comma-separated word that holds an '@'
// (or the whole value when none does). Order kept, duplicates dropped.
func MessageIDs(s string) []string {
	if len(s) > 64<<10 {
		s = s[:64<<10]
	}
	var raw []string
	if strings.Contains(s, "<") {
		rest := s
		for {
			i := strings.IndexByte(rest, '<')
			if i < 0 {
				break
			}
			rest = rest[i+1:]
			j := strings.IndexAny(rest, "<>")
			if j < 0 {
				// "<abc@def" without the closing bracket: up to the next blank.
				if w := strings.Fields(rest); len(w) > 0 {
					raw = append(raw, w[0])
				}
				break
			}
			raw = append(raw, rest[:j])
			if rest[j] == '>' {
				rest = rest[j+1:]
			} else {
				rest = rest[j:]
			}
		}
	} else {
		s = commentRe.ReplaceAllString(s, " ")
		words := strings.FieldsFunc(s, func(r rune) bool {
			return r == ' ' || r == '\t' || r == ',' || r == '\r' || r == '\n'
		})
		for _, w := range words {
			if strings.Contains(w, "@") {
				raw = append(raw, w)
			}
		}
		if len(raw) == 0 && len(words) == 1 {
			raw = words
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, r := range raw {
		id := strings.ToLower(strings.Join(strings.Fields(r), ""))
		id = strings.Trim(id, `<>"'`)
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

var bareAddrRe = regexp.MustCompile(`[^\s<>()\[\],;:"']+@[^\s<>()\[\],;:"']+`)

// addr is one parsed address: the address as written and its display name.
type addr struct {
	Name, Address string
}

// parseAddressList reads an address header leniently: go-message's parser
// (which decodes encoded-word names) first, else every bare address found.
func parseAddressList(v string) []addr {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	if list, err := gomail.ParseAddressList(mime.ToUTF8(v)); err == nil {
		out := make([]addr, 0, len(list))
		for _, a := range list {
			out = append(out, addr{Name: a.Name, Address: a.Address})
		}
		return out
	}
	// Lenient fallback: "Name <a@b>" pieces with broken quoting or
	// encoding; seen in practice from web forms and old mailers.
	var out []addr
	for _, piece := range strings.Split(v, ",") {
		// The address is the one in angle brackets; a display name that
		// looks like an address ("x9@evil.test <real@…>", unquoted or as
		// an encoded word) is never it.
		a := angleAddress(piece)
		if a == "" {
			a = bareAddrRe.FindString(piece)
		}
		if a == "" {
			continue
		}
		name := ""
		if i := strings.IndexByte(piece, '<'); i > 0 {
			name = strings.Trim(strings.TrimSpace(piece[:i]), `"' `)
			name = mime.DecodeHeaderText(name)
		}
		out = append(out, addr{Name: name, Address: a})
	}
	if len(out) == 0 {
		for _, a := range bareAddrRe.FindAllString(v, 100) {
			out = append(out, addr{Address: a})
		}
	}
	return out
}

var angleAddrRe = regexp.MustCompile(`<\s*([^\s<>()\[\],;:"']+@[^\s<>()\[\],;:"']+)\s*>`)

// angleAddress returns the last "<addr>" in s, or "".
func angleAddress(s string) string {
	m := angleAddrRe.FindAllStringSubmatch(s, -1)
	if len(m) == 0 {
		return ""
	}
	return m[len(m)-1][1]
}

// plusToken returns the part after '+' in the local part of an address.
func plusToken(a string) string {
	at := strings.LastIndexByte(a, '@')
	if at < 0 {
		return ""
	}
	local := a[:at]
	i := strings.IndexByte(local, '+')
	if i < 0 {
		return ""
	}
	return local[i+1:]
}

// machineLocalParts are the local parts of addresses that only machines
// send from: a web form's notification sender, never a complainant.
var machineLocalParts = map[string]bool{
	"noreply": true, "no-reply": true, "no_reply": true, "donotreply": true, "do-not-reply": true,
	"do_not_reply": true, "wordpress": true, "mailer-daemon": true, "postmaster": true,
	"www-data": true, "apache": true, "nginx": true, "nobody": true,
}

// isMachineAddress reports whether a is a no-reply or web-server address
// ("noreply@…", "wordpress@…"): with no form sender configured it is still
// never taken as the complainant's address.
func isMachineAddress(a string) bool {
	at := strings.LastIndexByte(a, '@')
	if at <= 0 {
		return false
	}
	local := strings.ToLower(a[:at])
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	return machineLocalParts[local]
}

// containsFold reports whether list holds s, case-insensitively.
func containsFold(list []string, s string) bool {
	for _, l := range list {
		if strings.EqualFold(strings.TrimSpace(l), s) {
			return true
		}
	}
	return false
}

// refRe matches a complaint reference number.
var refRe = regexp.MustCompile(`(?i)\bKL-\d{4}-\d{3,}\b`)

// findReference returns the first KL-YYYY-NNNN in s, upper-cased.
func findReference(s string) string {
	return strings.ToUpper(refRe.FindString(s))
}
