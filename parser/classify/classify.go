// Package classify tells machine mail from mail a person wrote: auto-replies
// (RFC 3834 headers, Exchange's, out-of-office texts in several languages),
// bounces (DSNs, RFC 3464, and plain-text bounces, with the failed
// recipient and the reference of the letter that bounced), and other
// automated mail (lists, feedback reports, read receipts, our own letters
// come back). It walks the parser's one MIME tree (internal/mime) and reads
// new text with the reply stripper (reply).
package classify

import (
	"regexp"
	"strings"

	"github.com/ingressus/klachtd/parser/internal/mime"
)

// Kind is the sort of machine mail; its values are parser.Kind's.
type Kind string

// The kinds of machine mail; "" is mail a person wrote.
const (
	AutoReply Kind = "auto-reply"
	Bounce    Kind = "bounce"
	Automated Kind = "automated"
)

// Machine tells machine mail from human mail. raw is the whole message
// (headers are read from it; a DSN's message/delivery-status part too);
// text is the decoded body text; own are the gateway's own addresses. It
// returns "" for mail a person wrote, else AutoReply, Bounce or Automated;
// for a bounce the failed recipient when one is found; and the sign that
// decided, for tests and for a log line.
func Machine(raw []byte, text string, own []string) (kind Kind, bounced, why string) {
	return Classify(Read(raw), text, own)
}

// Classify is Machine on a message already read (Parse hands over its own
// reading, so the message is read once).
func Classify(m *Mail, text string, own []string) (kind Kind, bounced, why string) {
	h := m.header
	c := &classifier{m: m, own: map[string]bool{}}
	for _, a := range own {
		c.own[strings.ToLower(strings.TrimSpace(a))] = true
	}
	c.fromRaw = mime.DecodeHeaderText(h.get("from"))
	c.from = firstAddress(c.fromRaw)
	c.subject = strings.TrimSpace(mime.DecodeHeaderText(h.get("subject")))
	c.text = m.text()
	if strings.TrimSpace(c.text) == "" {
		c.text = text
		if len(c.text) > maxText {
			c.text = c.text[:maxText]
		}
	}
	c.lower = strings.ToLower(c.text)
	c.extra = text
	if len(c.extra) > maxText {
		c.extra = c.extra[:maxText]
	}

	// Our own letter coming back: every letter we send carries
	// X-Klachtd-Letter. Only the top header counts: a bounce quotes our
	// letter, header and all, in its returned part.
	if h.has("x-klachtd-letter") {
		return Automated, "", "own letter: X-Klachtd-Letter"
	}
	if c.from != "" && c.ownish(c.from) {
		return Automated, "", "own letter: From " + c.from
	}
	if k, b, ok := c.reports(); ok {
		return k, b, c.why
	}
	// Strong bounce signs first: Exim marks its bounces auto-replied.
	if c.bounceStrong() {
		return Bounce, c.recipient(nil), c.why
	}
	if c.autoReplyMarked() {
		return AutoReply, "", c.why
	}
	if c.bounceWeak() {
		return Bounce, c.recipient(nil), c.why
	}
	if c.autoReplyByText() || c.autoReplyByContent() {
		return AutoReply, "", c.why
	}
	if c.isAutomated() {
		return Automated, "", c.why
	}
	return "", "", ""
}

type classifier struct {
	m       *Mail
	own     map[string]bool
	fromRaw string // decoded From value
	from    string // bare lower-case From address, "" when none
	subject string // decoded
	text    string // the message's own text (not a returned original)
	lower   string // text lower-cased, for cheap checks before a regexp
	extra   string // the caller's decoded text
	why     string // the sign that decided
}

// because records why and returns true.
func (c *classifier) because(why string) bool {
	c.why = why
	return true
}

// reports handles the machine-readable reports: delivery status (RFC 3464),
// disposition notifications (RFC 8098), feedback reports (RFC 5965) and
// Amazon SES notifications.
func (c *classifier) reports() (Kind, string, bool) {
	m := c.m
	var dsnText []string
	hasDSNPart, hasMDN, hasARF := false, false, false
	for _, p := range m.parts {
		if p.inner {
			continue
		}
		switch p.mediaType {
		case "message/delivery-status", "message/global-delivery-status":
			hasDSNPart = true
			dsnText = append(dsnText, string(p.body()))
		case "message/disposition-notification", "message/global-disposition-notification":
			hasMDN = true
		case "message/feedback-report":
			hasARF = true
		}
	}
	isReport := m.mediaType == "multipart/report"
	if hasDSNPart || (isReport && m.reportType == "delivery-status") {
		var recs []dsnRecipient
		for _, t := range dsnText {
			recs = append(recs, parseDSNFields(t)...)
		}
		if len(recs) == 0 {
			// Seen in practice: the status fields in a text/plain part.
			recs = parseDSNFields(c.text)
		}
		return c.dsnVerdict(recs, true)
	}
	switch {
	case hasARF || (isReport && m.reportType == "feedback-report"):
		c.because("feedback report (RFC 5965)")
		return Automated, "", true
	case strings.Contains(c.lower, "feedback-type:") && arfFieldsRe.MatchString(c.text):
		c.because("feedback report fields in the text")
		return Automated, "", true
	case m.header.has("x-apple-unsubscribe"):
		// Apple Mail's unsubscribe request, marked auto-replied as well.
		c.because("X-Apple-Unsubscribe")
		return Automated, "", true
	case hasMDN || (isReport && m.reportType == "disposition-notification"):
		c.because("read receipt (RFC 8098)")
		return Automated, "", true
	case readReceiptSubjectRe.MatchString(c.subject) && readReceiptTextRe.MatchString(c.text):
		c.because("read receipt without MIME structure")
		return Automated, "", true
	}
	// Microsoft's JMRP complaint: the reported mail as message/rfc822,
	// marked inside.
	for _, ih := range m.inner {
		if ih.has("x-hmxmroriginalrecipient") {
			c.because("Microsoft JMRP complaint")
			return Automated, "", true
		}
	}
	if !strings.Contains(c.text, "notificationType") {
		// not Amazon SES
	} else if sm := sesTypeRe.FindStringSubmatch(c.text); sm != nil {
		c.because("Amazon SES notification: " + sm[1])
		if strings.EqualFold(sm[1], "bounce") {
			b := ""
			if am := sesRecipientRe.FindStringSubmatch(c.text); am != nil {
				b = cleanAddress(am[1])
			}
			return Bounce, b, true
		}
		return Automated, "", true
	}
	// A DSN forwarded or pasted as text (seen in practice: "Fwd: Returned
	// mail" with the status fields quoted).
	if strings.Contains(c.lower, "action:") && strings.Contains(c.lower, "recipient:") && dsnActionRe.MatchString(c.text) {
		if recs := parseDSNFields(c.text); len(recs) > 0 {
			return c.dsnVerdict(recs, false)
		}
	}
	return "", "", false
}

func (c *classifier) dsnVerdict(recs []dsnRecipient, isDSN bool) (Kind, string, bool) {
	var failed []dsnRecipient
	success := 0
	for _, r := range recs {
		switch {
		case r.failedOrDelayed():
			failed = append(failed, r)
		case r.succeeded():
			success++
		}
	}
	where := "delivery status notification"
	if !isDSN {
		where = "delivery status fields in the text"
	}
	switch {
	case len(failed) > 0:
		c.because(where + ": Action " + failed[0].action + " " + failed[0].status)
		return Bounce, c.recipient(failed), true
	case success > 0:
		// RFC 3464 §2.3.3: a positive report, no failure.
		c.because(where + ": success only")
		return Automated, "", true
	case isDSN:
		c.because(where + " without per-recipient fields")
		return Bounce, c.recipient(nil), true
	}
	return "", "", false
}

// recipient picks the failed address: the DSN's, X-Failed-Recipients (Exim,
// Gmail), the one the bounce text names, the returned original's To.
func (c *classifier) recipient(failed []dsnRecipient) string {
	for _, r := range failed {
		if a := r.address(); a != "" && !c.ownish(a) {
			return a
		}
	}
	for _, v := range c.m.header.values("x-failed-recipients") {
		if a := firstAddress(v); a != "" {
			return a
		}
	}
	exclude, penalize := map[string]bool{}, map[string]bool{}
	for a := range c.own {
		exclude[a] = true
	}
	for _, f := range c.m.header {
		set := exclude
		switch f.name {
		case "from", "reply-to", "return-path", "sender", "errors-to":
		case "to", "cc":
			set = penalize
		default:
			continue
		}
		for _, a := range addrRe.FindAllString(f.value, 20) {
			set[cleanAddress(a)] = true
		}
	}
	if a := bodyRecipient(c.text, exclude, penalize); a != "" && !c.ownish(a) {
		return a
	}
	// A bounce forwarded as an attachment: the DSN inside.
	for _, p := range c.m.parts {
		if p.inner && (p.mediaType == "message/delivery-status" || p.mediaType == "message/global-delivery-status") {
			for _, r := range parseDSNFields(string(p.body())) {
				if a := r.address(); a != "" && r.failedOrDelayed() && !c.ownish(a) {
					return a
				}
			}
		}
	}
	for _, ih := range c.m.inner {
		for _, name := range []string{"to", "cc"} {
			for _, a := range addrRe.FindAllString(ih.get(name), 20) {
				if a = cleanAddress(a); a != "" && !exclude[a] && !c.ownish(a) {
					return a
				}
			}
		}
	}
	return ""
}

// ownish reports whether a is one of the gateway's own addresses, also
// with a "+token" in the local part.
func (c *classifier) ownish(a string) bool {
	if c.own[a] {
		return true
	}
	local, domain, ok := strings.Cut(a, "@")
	if base, _, plus := strings.Cut(local, "+"); ok && plus {
		return c.own[base+"@"+domain]
	}
	return false
}

var (
	// ARF (RFC 5965 §3.1): the machine-readable part, also when the
	// report came without its MIME structure.
	arfFieldsRe = regexp.MustCompile(`(?im)^Feedback-Type:\s*(abuse|fraud|virus|other|not-spam|auth-failure|dmarc|opt-out|unsubscribe)`)
	// Amazon SES notifications delivered by SNS as JSON.
	sesTypeRe      = regexp.MustCompile(`\\?"notificationType\\?"\s*:\s*\\?"(Bounce|Complaint|Delivery)\\?"`)
	sesRecipientRe = regexp.MustCompile(`\\?"bouncedRecipients\\?"\s*:\s*\[\s*\{[^}]*?\\?"emailAddress\\?"\s*:\s*\\?"([^"\\]+)`)
	// Read receipts without MIME structure (old Outlook, Lotus).
	readReceiptSubjectRe = regexp.MustCompile(`(?i)^\s*(?:read|not read|gelezen|niet gelezen|gelesen|ungelesen|lu|non lu)\s*:`)
	readReceiptTextRe    = regexp.MustCompile(`(?i)was read on|is gelezen op|wurde am .{0,40} gelesen|a été lu le|deleted without being read|verwijderd zonder te zijn gelezen`)
	dsnActionRe          = regexp.MustCompile(`(?im)^[> \t]*Action:\s*(failed|delayed|delivered|relayed|expanded)\b`)
)

// Bounce evidence. A strong sign decides alone; weak signs need company,
// because people write "niet bezorgd" about parcels too.
var (
	bounceSubjectRe = regexp.MustCompile(`(?i)^\s*(?:\[[^\]]*\]\s*)?(?:` +
		`undeliver(?:able|ed)|undelivered mail|delivery status notification|` +
		`mail delivery (?:failed|failure|problem|warning|status|error)|mail system error|` +
		`delivery (?:failure|failed|notification|problem|status|has failed|warning)|failed delivery|failed mail|` +
		`failure (?:notice|delivery)|returned mail|permanent delivery failure|non[- ]?delivery|nondeliverable|` +
		`warning: (?:message|could not)|warning--could not|delayed mail|message (?:not delivered|delivery failure|could not be delivered)|` +
		`mail (?:could not be delivered|not delivered|failed|error|failure)|could not send message|` +
		`there was an error sending your mail|your message to .* could not be delivered|` +
		`unzustellbar|nicht zustellbar|onbestelbaar:|onbestelbaar bericht|niet bezorgd:|bericht niet bezorgd|` +
		`non remis|non recapitabile|no se puede entregar|rapport de non-remise|returned mail|mail returned)`)
	bounceStrongTextRe = regexp.MustCompile(`(?i)` +
		`hi\. this is the qmail-send program|` +
		`this message was created automatically by mail delivery software|` +
		`this is the mail system at host|` +
		`i'm sorry to have to inform you that your message could not|` +
		`the following addresses had permanent fatal errors|` +
		`your message did not reach some or all of the intended recipients|` +
		`delivery has failed to these recipients or groups|` +
		`this is an automatically generated delivery status notification|` +
		`message could not be delivered to the following recipients|` +
		`this is a permanent error\. the following address\(es\) failed|` +
		`the following message to <[^>]+> was undeliverable|` +
		// A failure phrase with the address right after it (same or next
		// line): mail software's wording, not a person's.
		`(?:could not|cannot|can't|couldn't|was not|unable to) (?:be )?deliver(?:ed)?(?: (?:your |the )?message)? to(?: the following (?:address(?:\(?es\)?)?|recipients?|users?))?\s*:?[ \t]*(?:\r?\n\s*)?["<]?[^\s@"<>]+@[a-z0-9-]+\.|` +
		`failed recipients?\W*\r?\n\s*<?[^\s@<>]+@[a-z0-9-]+\.|` +
		`\*+ ?message from interscan`)
	fmlErrorRe       = regexp.MustCompile(`(?i)are not member|loop alert|not a member|rejected|error`)
	bounceWeakTextRe = regexp.MustCompile(`(?i)` +
		`could not be delivered|couldn't be delivered|was not delivered|undeliverable|` +
		`delivery to the following|delivery has failed|delivery failed|delivery failure|` +
		`permanent (?:fatal )?error|user unknown|unknown user|no such user|` +
		`mailbox (?:unavailable|not found|is full|full)|does not exist|` +
		`return(?:ed|ing)(?: message)? to sender|unable to deliver|` +
		`following address(?:\(es\)|es)? failed|following recipient|not delivered|` +
		`delivery status|smtp error|remote host said|diagnostic-code|` +
		`\b5\.\d\.\d+\b|\b55[0-4][ -]|host unknown|transcript of session|` +
		`kon niet worden (?:bezorgd|afgeleverd)|niet worden bezorgd|unzustellbar|` +
		`has not (?:yet )?been delivered|delivery attempts|could not deliver|` +
		`(?:was|been|is|message|mail) rejected|rejected (?:by|your)|over quota|quota exceeded|mailbox quota`)
	// From names and local parts of mail software.
	daemonFromRe = regexp.MustCompile(`(?i)mailer[-_ ]?daemon`)
	daemonWeakRe = regexp.MustCompile(`(?i)(?:^|[<\s"(])(?:postmaster|post_master|mail\.delivery\.system|mdaemon|mail delivery|mail administrator|system administrator|mail system)\b`)
)

// bounceStrong: signs that decide alone.
func (c *classifier) bounceStrong() bool {
	h := c.m.header
	switch {
	case h.has("x-failed-recipients"):
		return c.because("X-Failed-Recipients")
	case h.has("x-ms-exchange-message-is-ndr"):
		return c.because("X-MS-Exchange-Message-Is-Ndr")
	case daemonFromRe.MatchString(c.fromRaw):
		// RFC 5321 §4.5.5: nothing but bounces come from here.
		return c.because("From MAILER-DAEMON")
	case strings.Contains(strings.ReplaceAll(c.fromRaw, " ", ""), "<>"):
		// Seen in practice: Jetmail's From "Jetmail System" <>.
		return c.because("null From address")
	case (h.has("x-mlserver") || h.has("x-ml-server")) && fmlErrorRe.MatchString(c.subject):
		// fml, a Japanese list server, refusing the post.
		return c.because("fml list server error")
	}
	if !bounceStrongHint(c.lower) {
		return false
	}
	if s := bounceStrongTextRe.FindString(c.text); s != "" {
		return c.because("bounce text: " + short(s))
	}
	return false
}

// bounceStrongHint is a cheap test that lower-cased text may match
// bounceStrongTextRe: every phrase of it holds one of these words.
func bounceStrongHint(lower string) bool {
	for _, w := range []string{"deliver", "qmail-send", "mail system", "fatal error", "permanent error", "sorry to have to inform", "did not reach", "failed recipient", "interscan"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// bounceWeak: signs that need company. A subject or text that speaks of
// failed delivery is something people write too ("Delivery failure on 2
// May", a complaint about a parcel), so it counts only together with a sign
// no person makes: a null envelope sender, Auto-Submitted, a sender name of
// mail software.
func (c *classifier) bounceWeak() bool {
	h := c.m.header
	machine := ""
	switch {
	case nullReturnPath(h):
		machine = "null Return-Path"
	case autoSubmitted(h) != "":
		machine = "Auto-Submitted " + autoSubmitted(h)
	}
	d := daemonWeakRe.FindString(c.fromRaw)
	if d == "" && machine == "" {
		return false
	}
	words := bounceSubjectRe.FindString(c.subject)
	if words == "" {
		words = bounceWeakTextRe.FindString(c.text)
	}
	if d != "" {
		d = strings.Trim(d, ` "<(`)
		switch {
		case words != "":
			return c.because("From " + d + " and " + short(words))
		case machine != "":
			return c.because("From " + d + " and " + machine)
		case len(c.m.inner) > 0:
			return c.because("From " + d + " and a returned message")
		}
		return false
	}
	if words != "" {
		return c.because(machine + " and " + short(words))
	}
	return false
}

// short trims a matched phrase for a reason string.
func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		s = s[:60]
	}
	return strings.ToLower(s)
}

// nullReturnPath reports a null envelope sender (RFC 5321 §4.5.5): only
// bounces, receipts and auto-replies (RFC 3834 §3.1.1) are sent so.
func nullReturnPath(h header) bool {
	for _, v := range h.values("return-path") {
		v = strings.TrimSpace(v)
		if v == "<>" || v == "< >" {
			return true
		}
	}
	return false
}

// autoSubmitted returns the Auto-Submitted keyword (RFC 3834 §5) other than
// "no", lower-case; "" for none or "no".
func autoSubmitted(h header) string {
	for _, v := range h.values("auto-submitted") {
		w := strings.ToLower(firstWord(v))
		if w != "" && w != "no" {
			return w
		}
	}
	return ""
}

var (
	// Subjects of auto-replies, anchored at the start. Dutch words that
	// people use in subjects of their own ("Auto: schade", "Afwezigheid
	// monteur", "Niet aanwezig bij levering") are left out: with a
	// machine's header those replies are caught by their text.
	autoReplySubjectRe = regexp.MustCompile(`(?i)^\s*(?:\[[^\]]*\]\s*)?(?:` +
		`automatic reply|automatisch antwoord|automatische antwort|automatiskt svar|automatisk svar|automaattinen vastaus|` +
		`automatyczna odpowied|otomatik yan|automatick[áa] odpov|` +
		`r[ée]ponse automatique|risposta automatica|respuesta autom[áa]tica|resposta autom[áa]tica|` +
		`auto[- ]?(?:reply|response|respons|antwort|answer)|autoreply|autorespon|` +
		`out of (?:the )?office|out-of-office|ooo:|afwezig\s*[:-]|afwezigheidsmelding|abwesend:|abwesenheitsnotiz|` +
		`vacation reply|automatisch bericht)`)
	xMailerAutoRe   = regexp.MustCompile(`(?i)vacation|auto-?respon|auto-?reply`)
	autoReplyTextRe = regexp.MustCompile(`(?i)out of (?:the )?office|on vacation|on holiday|on leave|away from (?:the|my) office|` +
		`automatic reply|auto-?reply|ik ben (?:momenteel |tot .{0,30})?(?:afwezig|niet aanwezig|met vakantie)|afwezig tot|` +
		`automatisch (?:antwoord|bericht)|not in the office|abwesend|auto-?respon`)
)

// autoReplyMarked looks for RFC 3834 auto-replies and the vacation
// programs' own markers.
func (c *classifier) autoReplyMarked() bool {
	h := c.m.header
	if as := autoSubmitted(h); strings.HasPrefix(as, "auto-replied") {
		return c.because("Auto-Submitted: " + as)
	}
	for _, name := range []string{"x-autoreply", "x-autorespond", "x-autoresponder", "x-autoresponse", "x-autoreply-from", "x-mail-autoreply", "x-auto-reply", "x-vacation"} {
		if h.has(name) {
			switch strings.ToLower(h.get(name)) {
			case "no", "false", "0":
			default:
				return c.because(name)
			}
		}
	}
	switch strings.ToLower(h.get("precedence")) {
	case "auto_reply", "auto-reply", "autoreply":
		return c.because("Precedence: auto_reply")
	}
	switch {
	case strings.EqualFold(h.get("x-autogenerated"), "reply"):
		return c.because("X-Autogenerated: Reply")
	case strings.EqualFold(h.get("x-apple-action"), "vacation"):
		return c.because("X-Apple-Action: VACATION") // iCloud
	case xMailerAutoRe.MatchString(h.get("x-mailer")):
		return c.because("X-Mailer: " + short(h.get("x-mailer")))
	case strings.Contains(strings.ToLower(h.get("x-post-messageclass")), "autoresponder"):
		return c.because("X-POST-MessageClass: Autoresponder")
	case autoReplySubjectRe.MatchString(c.subject):
		return c.because("subject: " + short(autoReplySubjectRe.FindString(c.subject)))
	case h.has("x-ms-exchange-inbox-rules-loop") && nullReturnPath(h):
		// Exchange: an inbox rule's reply goes out with a null sender.
		// The rules-loop header alone is also on mail a rule merely
		// forwarded, which a person wrote.
		return c.because("X-MS-Exchange-Inbox-Rules-Loop and null Return-Path")
	}
	return false
}

// autoReplyByText: sent without a person, and the text says "out of
// office". Seen in practice: Exchange marks out-of-office replies
// "Auto-Submitted: auto-generated" only.
func (c *classifier) autoReplyByText() bool {
	h := c.m.header
	// Signs of mail sent without a person: RFC 3834, a null sender,
	// X-Loop (procmail and vacation programs), and Exchange's "Suppress:
	// All" (on its own out-of-office replies; a person's Outlook reply
	// carries a partial list).
	if autoSubmitted(h) == "" && !nullReturnPath(h) && !h.has("x-loop") && !suppressAll(h) {
		return false
	}
	w := autoReplyTextRe.FindString(c.text)
	if w == "" {
		w = autoReplyTextRe.FindString(c.extra)
	}
	if w != "" {
		return c.because("machine-sent and text: " + short(w))
	}
	return false
}

// isAutomated covers mail from lists and bulk senders and everything else
// sent without a person: RFC 3834 auto-generated, null sender.
func (c *classifier) isAutomated() bool {
	h := c.m.header
	switch p := strings.ToLower(firstWord(h.get("precedence"))); p {
	case "bulk", "junk", "list":
		return c.because("Precedence: " + p)
	}
	// RFC 2369, RFC 2919: list mail.
	for _, name := range []string{"list-id", "list-unsubscribe", "list-post", "mailing-list", "x-mailing-list"} {
		if h.has(name) {
			return c.because(name)
		}
	}
	if as := autoSubmitted(h); as != "" {
		return c.because("Auto-Submitted: " + as)
	}
	if h.has("x-loop") {
		// Set by list servers, procmail and responders against mail
		// loops: never answer it.
		return c.because("X-Loop")
	}
	if nullReturnPath(h) {
		return c.because("null Return-Path")
	}
	return false
}
