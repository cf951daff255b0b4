package parser

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
)

// ErrUnparseable is returned (wrapped) by Parse when nothing usable can be
// read from a message: empty input, or no header block at all. The Message
// returned with it still holds what could be read (the text, the defects);
// the gateway keeps the raw bytes and quarantines the mail.
var ErrUnparseable = errors.New("message unparseable")

// Parse reads one mail into a Message. It is lenient: broken MIME, unknown
// charsets and bad encodings are read as far as possible and noted in
// Defects. It always returns a non-nil Message and never panics; the error
// is non-nil (wrapping ErrUnparseable) only when nothing usable was found.
// Time and memory are bounded by opt.MaxBytes and the MIME limits.
func Parse(raw []byte, opt Options) (msg *Message, err error) {
	m := &Message{
		Kind:      KindOther,
		Missing:   []string{},
		Invalid:   map[string]string{},
		InvalidEN: map[string]string{},
	}
	defer func() {
		// A safety net, not control flow: a bug in a helper must cost one
		// mail a quarantine, never the daemon.
		if r := recover(); r != nil {
			m.Defects = append(m.Defects, fmt.Sprintf("internal error: %v", r))
			msg, err = m, fmt.Errorf("%w: internal error: %v", ErrUnparseable, r)
		}
	}()

	max := opt.MaxBytes
	if max <= 0 {
		max = defaultMaxBytes
	}
	if len(raw) > max {
		raw = raw[:max]
		m.Defects = append(m.Defects, fmt.Sprintf("message larger than %d bytes: rest not read", max))
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return m, fmt.Errorf("%w: empty message", ErrUnparseable)
	}
	// One reading of the message: every reader below walks this tree.
	root, treeDefects, ok := readTree(raw)
	if !ok {
		m.Defects = append(m.Defects, treeDefects...)
		m.Defects = append(m.Defects, "no header block")
		m.Text = strings.TrimSpace(toUTF8(string(raw)))
		return m, fmt.Errorf("%w: no header block", ErrUnparseable)
	}
	readHeaders(m, root.header)

	w := &walker{maxAttachment: opt.MaxAttachment}
	bt := w.walk(root)
	m.Defects = append(m.Defects, root.r.defects...)
	m.Defects = append(m.Defects, w.defects...)
	m.Attachments = w.attachments
	m.Text = normalizeNewlines(bt.text)
	m.HTML = bt.html
	textFromHTML := false
	if !bt.hasText && bt.hasHTML {
		m.Text = HTMLToText(bt.html)
		textFromHTML = true
		m.Defects = append(m.Defects, "plain text derived from HTML")
	}

	m.Reference = findReference(m.Subject)
	if m.Reference == "" {
		for _, t := range m.Tokens {
			if m.Reference = findReference(t); m.Reference != "" {
				break
			}
		}
	}
	if m.Reference == "" {
		m.Reference = findReference(m.Text)
	}

	labels := newLabelMap(opt.Labels)
	// The web form is a machine too: its notifications may carry
	// Auto-Submitted or Precedence: bulk. Whatever it sends is a complaint
	// (a bounce comes from a mailer daemon, never from the form's address),
	// so its mail skips the classifier — and its cost, on every complaint.
	fromForm := containsFold(opt.FormSenders, m.From)
	var k Kind
	var bounced, why string
	var cm *cmessage
	if !fromForm {
		cm = classifyView(root)
		k, bounced, why = classifyMessage(cm, m.Text, opt.OwnAddresses)
	}
	if k != "" {
		machine := true
		if k == KindAutomated && why == "list-unsubscribe" &&
			formNotification(m.Text, bt, w.alternatives, labels) {
			// Without a configured form sender: Formspree (and mail sent
			// through SendGrid and the like) puts List-Unsubscribe on every
			// notification. That header alone, unlike Auto-Submitted or
			// Precedence (RFC 3834: never answer), does not make a plainly
			// filled-in complaint form machine mail.
			machine = false
			m.Defects = append(m.Defects, "machine-mail header ("+why+") on a form notification: read as a form")
		}
		if machine {
			m.Kind, m.BouncedRecipient = k, bounced
			if k == KindBounce {
				// The letter that bounced names the complaint it is
				// about; the bounce's own subject and text may not.
				if r := bounceReference(cm, m.Text); r != "" {
					m.Reference = r
				}
			}
			return m, nil
		}
	}

	isReply := len(m.InReplyTo) > 0 || len(m.References) > 0 || findReference(m.Subject) != "" || len(m.Tokens) > 0
	if isReply && forwardedForm(m, bt, w.alternatives, labels) {
		// Gmail sets In-Reply-To and References on a forward: a form
		// notification forwarded to the intake is a complaint, not a
		// reply in a thread of ours.
		isReply = false
	}
	if isReply {
		m.Kind = KindReply
		m.setReply(bt, textFromHTML)
		rf := extractFields(m.Reply, labels, textFromHTML)
		// Only labelled values: a reply's text is relayed, never taken
		// as a description by itself.
		if f := fieldsOf(rf); rf.filled() > 0 {
			norm, _, inv, invEN := ValidateFields(f, opt)
			m.Fields, m.Invalid, m.InvalidEN = norm, inv, invEN
		}
		return m, nil
	}

	// The form fields: from whichever version of the body yields most
	// (multipart/alternative text and HTML may differ).
	type candidate struct {
		text string
		bare bool // a label alone on its line counts (text made from HTML)
	}
	cands := []candidate{{m.Text, false}}
	if bt.hasHTML {
		h := candidate{htmlToText(bt.html, true), true}
		if textFromHTML {
			cands[0] = h
		} else {
			cands = append(cands, h)
		}
	}
	if !textFromHTML && looksLikeHTML(m.Text) {
		// Seen in practice: HTML sent as text/plain (nl2br'd values).
		cands = append(cands, candidate{htmlToText(m.Text, true), true})
	}
	for _, a := range w.alternatives {
		cands = append(cands, candidate{a, true})
	}
	var best rawFields
	for i, c := range cands {
		rf := extractFields(c.text, labels, c.bare)
		if i == 0 || rf.filled() > best.filled() || (rf.filled() == best.filled() && rf.labels > best.labels) {
			best = rf
		}
	}
	f := fieldsOf(best)
	if best.isForm() {
		m.Kind = KindForm
		f.addOther(best.other)
	} else {
		// Mail a person wrote directly (procedure.md §1): the body is the
		// description; what is missing will be asked for.
		// A single "Klacht: …" line does not make a form either: the
		// whole body is the description.
		m.Kind = KindOther
		m.setReply(bt, textFromHTML)
		f.Description = strings.TrimSpace(m.Text)
	}

	formEmail := strings.TrimSpace(f.Email)
	if a := strings.ToLower(emailInRe.FindString(formEmail)); a != "" &&
		(containsFold(opt.FormSenders, a) || containsFold(opt.OwnAddresses, a) || isMachineAddress(a)) {
		// A forwarded notification's "Van: Website <noreply@…>" line: the
		// form's own address is never the complainant's.
		formEmail, f.Email = "", ""
	}
	if formEmail == "" {
		f.Email = m.senderAddress(opt)
	}
	norm, missing, inv, invEN := ValidateFields(f, opt)
	if norm.Email == "" && formEmail != "" {
		// The form's address is invalid (named in Invalid); answer the
		// sender instead, when there is one.
		norm.Email = m.senderAddress(opt)
	}
	m.Fields, m.Missing, m.Invalid, m.InvalidEN = norm, missing, inv, invEN
	m.DateAssumed = norm.Date == ""
	return m, nil
}

// formNotification reports whether a body reads as a complaint form
// beyond doubt: four labelled fields or more, among them the e-mail
// address or the description, and hardly any loose text.
func formNotification(text string, bt bodyText, alternatives []string, labels labelMap) bool {
	cands := []string{text}
	if bt.hasHTML {
		cands = append(cands, htmlToText(bt.html, true))
	}
	cands = append(cands, alternatives...)
	for i, c := range cands {
		rf := extractFields(c, labels, i > 0)
		if rf.isForm() && rf.labels >= 4 && rf.loose <= 2 && (rf.hasDesc || rf.values[FieldEmail] != "") {
			return true
		}
	}
	return false
}

// forwardPrefixRe matches the subject prefixes of a forwarded mail.
var forwardPrefixRe = regexp.MustCompile(`(?i)^\s*(?:\[[^\]]*\]\s*)?(?:fwd?|fw|doorst|wg|tr|rv|i)\s*:`)

// forwardedForm reports whether a mail that reads as a reply is a form
// notification someone forwarded: a forward's subject, no reference or
// reply token of ours anywhere in its header, and a body that is plainly
// a form.
func forwardedForm(m *Message, bt bodyText, alternatives []string, labels labelMap) bool {
	if !forwardPrefixRe.MatchString(m.Subject) || findReference(m.Subject) != "" || len(m.Tokens) > 0 {
		return false
	}
	for _, id := range append(append([]string{}, m.InReplyTo...), m.References...) {
		if findReference(id) != "" {
			return false
		}
	}
	return formNotification(m.Text, bt, alternatives, labels)
}

// setReply sets Reply (the new text without quotes and signature) and the
// #command on its first line.
func (m *Message) setReply(bt bodyText, textFromHTML bool) {
	var r string
	if textFromHTML {
		r = ReplyTextHTML(bt.html)
		if rpOnlyGreeting(strings.Split(r, "\n")) {
			// Never relay less than was written: the text made of the
			// HTML, stripped by the plain-text rules, when the HTML
			// reading left nothing.
			if alt := ReplyText(m.Text); len(strings.TrimSpace(alt)) > len(strings.TrimSpace(r)) {
				r = alt
			}
		}
	} else {
		r = ReplyText(m.Text)
	}
	cmd, rest := ParseCommand(r)
	m.Command, m.Reply = cmd, strings.TrimSpace(rest)
}

// senderAddress is the complainant's address when the form gives none:
// Reply-To, else From, never the form's own sender nor our own address.
func (m *Message) senderAddress(opt Options) string {
	for _, a := range []string{m.ReplyTo, m.From} {
		if a == "" || containsFold(opt.FormSenders, a) || containsFold(opt.OwnAddresses, a) || isMachineAddress(a) {
			continue
		}
		if norm, nl, _ := normEmail(a); nl == "" {
			return norm
		}
	}
	return ""
}

// otherHeading heads the form lines that map to no field, under the
// description.
const otherHeading = "Overige velden:"

// addOther keeps a form's unmapped lines: under the description, or in
// Other when the form has none (the description stays missing, so that
// it is asked for).
func (f *Fields) addOther(other []string) {
	if len(other) == 0 {
		return
	}
	block := otherHeading + "\n" + strings.Join(other, "\n")
	if strings.TrimSpace(f.Description) != "" {
		f.Description = strings.TrimRight(f.Description, "\n") + "\n\n" + block
		return
	}
	f.Other = block
}

// fieldsOf turns raw form values into Fields (not yet validated).
func fieldsOf(rf rawFields) Fields {
	var f Fields
	for name, v := range rf.values {
		setField(&f, name, v)
	}
	return f
}

func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// readHeaders fills the header facts of m.
func readHeaders(m *Message, h header) {
	m.MessageID = CanonicalMessageID(h.get("Message-Id"))
	m.InReplyTo = MessageIDs(strings.Join(h.values("In-Reply-To"), " "))
	m.References = MessageIDs(strings.Join(h.values("References"), " "))
	m.Subject = strings.TrimSpace(decodeHeaderText(h.get("Subject")))
	if from := parseAddressList(h.get("From")); len(from) > 0 {
		m.From = strings.ToLower(from[0].Address)
		m.FromName = strings.TrimSpace(from[0].Name)
	}
	if rt := parseAddressList(h.get("Reply-To")); len(rt) > 0 {
		m.ReplyTo = strings.ToLower(rt[0].Address)
	}
	var tokens []string
	seenTok := map[string]bool{}
	collect := func(keys ...string) []string {
		var out []string
		for _, k := range keys {
			for _, v := range h.values(k) {
				for _, a := range parseAddressList(v) {
					out = append(out, strings.ToLower(a.Address))
					if t := plusToken(a.Address); t != "" && !seenTok[t] {
						seenTok[t] = true
						tokens = append(tokens, t)
					}
				}
			}
		}
		return out
	}
	m.DeliveredTo = collect("Delivered-To", "X-Original-To")
	m.To = collect("To")
	m.Cc = collect("Cc")
	m.Tokens = tokens
	if d := strings.TrimSpace(h.get("Date")); d != "" {
		if t, err := mail.ParseDate(d); err == nil {
			m.Date = t
		} else {
			m.Defects = append(m.Defects, fmt.Sprintf("date %q unreadable", d))
		}
	}
	m.AuthResults = h.values("Authentication-Results")
}

var htmlTagRe = regexp.MustCompile(`(?i)<(?:br\s*/?|p|/p|td|/td|tr|table|div|/div|b|strong)\b[^>]*>`)

// looksLikeHTML reports whether a text part holds HTML markup.
func looksLikeHTML(s string) bool {
	if len(s) > 1<<20 {
		s = s[:1<<20]
	}
	return len(htmlTagRe.FindAllStringIndex(s, 3)) >= 2
}
