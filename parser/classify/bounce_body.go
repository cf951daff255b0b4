package classify

import (
	"regexp"
	"strings"
)

// originalStartRe finds where a non-MIME bounce starts quoting the returned
// message; addresses after it are the original's, not the failed ones.
var originalStartRe = regexp.MustCompile(`(?im)^.{0,24}(?:` +
	`copy of (?:the |your )?(?:original )?message|` + // Exim, qmail, Postfix, Yahoo
	`original message (?:follows|as received|is (?:as follows|below|attached))|` +
	`unsent message below|below this line is a copy|message headers follow|` +
	`^[ \t>]*-+ ?(?:start of |begin )?(?:the )?(?:original|returned|undelivered) message|` +
	`^[ \t>]*\*\*\* ?original message)`)

// failureContextRe marks a line (or the line before an address) that speaks
// of a failed delivery.
var failureContextRe = regexp.MustCompile(`(?i)(fail|error|unknown|not exist|doesn't exist|does not exist|no such|reject|invalid|unavailable|not found|unable|could not|couldn't|cannot|can't|undeliver|undelivered|refused|denied|disabled|inactive|over ?quota|quota|mailbox full|not listed|bad destination|permanent|delay|deferred|retry|timed? ?out|\b5\.\d\.\d|\b55\d\b|\b45\d\b|onbestelbaar|niet bezorgd|unzustellbar|recipient|destinat)`)

// postfixQmailRe is the recipient line of Postfix ("<a@b>: host … said:",
// "<a@b> (expanded from <c@d>): …") and qmail ("<a@b>:").
var postfixQmailRe = regexp.MustCompile(`^\s*<([^<>\s]+@[^<>\s]+)>(?:\s*\([^)]*\))?\s*:`)

// leadAddrRe is an address that opens a line: Exim's indented list after
// "The following address(es) failed:", Sendmail's "<a@b>... User unknown".
var leadAddrRe = regexp.MustCompile(`^\s*<?([^<>\s"(),;:]+@[^<>\s"(),;:]+?)>?(?:\.\.\.|[\s:,;(]|$)`)

// bodyRecipient finds the failed recipient in a bounce's text. Addresses are
// scored by where they stand. Excluded are addresses that cannot be the
// failed one (the bounce's own From, the gateway's own, the MTA's);
// penalized those that are unlikely (the bounce's To: the original sender).
func bodyRecipient(text string, exclude, penalize map[string]bool) string {
	if len(text) > maxText {
		text = text[:maxText]
	}
	cut := len(text)
	if loc := originalStartRe.FindStringIndex(text); loc != nil {
		cut = loc[0]
	}
	best, bestScore := "", 0
	lines := strings.Split(text, "\n")
	pos, prev := 0, ""
	for _, line := range lines {
		after := pos >= cut
		pos += len(line) + 1
		trimmed := strings.TrimSpace(strings.TrimLeft(line, ">"))
		if trimmed == "" {
			continue
		}
		locs := addrRe.FindAllStringIndex(line, 8)
		for _, loc := range locs {
			a := cleanAddress(line[loc[0]:loc[1]])
			if a == "" || exclude[a] || machineLocal(a) {
				continue
			}
			before := strings.ToLower(line[:loc[0]])
			score := 1
			switch {
			case postfixQmailRe.MatchString(line) && strings.Contains(line[:loc[0]], "<") && strings.Count(line[:loc[0]], "<") == 1:
				score += 6
			case leadAddrRe.MatchString(line) && loc[0] <= strings.IndexAny(line, "<@")+64 && strings.TrimLeft(line[:loc[0]], " \t<>") == "":
				score += 5
			}
			if failureContextRe.MatchString(line) {
				score += 3
			}
			if failureContextRe.MatchString(prev) {
				score += 2
			}
			if loc[0] > 0 && line[loc[0]-1] == '<' {
				score++
			}
			// Header-ish lines of a quoted original: From and Reply-To are
			// the sender, Message-ID is no address at all.
			if strings.HasPrefix(strings.TrimLeft(before, " \t>"), "from:") ||
				strings.HasPrefix(strings.TrimLeft(before, " \t>"), "reply-to:") ||
				strings.HasPrefix(strings.TrimLeft(before, " \t>"), "return-path:") ||
				strings.Contains(before, "message-id") || strings.Contains(before, "id <") ||
				strings.HasSuffix(strings.TrimSpace(before), "by") {
				continue
			}
			if after {
				score = 1
				if strings.HasPrefix(strings.TrimLeft(before, " \t>"), "to:") ||
					strings.Contains(before, "for <") {
					score = 2
				}
			}
			if penalize[a] {
				score -= 4
			}
			if score > bestScore {
				best, bestScore = a, score
			}
		}
		prev = line
	}
	return best
}

// machineLocal reports whether an address belongs to mail software rather
// than a person (never the failed recipient we want).
func machineLocal(a string) bool {
	local, _, _ := strings.Cut(a, "@")
	switch local {
	case "mailer-daemon", "mail.delivery.system", "mdaemon", "nobody":
		return true
	}
	return false
}
