package parser

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"github.com/ingressus/klachtd/parser/classify"

	"github.com/ingressus/klachtd/parser/reply"

	"github.com/ingressus/klachtd/parser/internal/mime"
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
//
// The stages: read the message once into its MIME tree (mime.ReadTree); take
// the header facts and the body text from it (readBody); find the
// complaint reference; then, in this order, machine mail (classify),
// a reply in a thread (readReply), or a form or a person's letter
// (readForm).
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
		max = mime.DefaultMaxBytes
	}
	if len(raw) > max {
		raw = raw[:max]
		m.Defects = append(m.Defects, fmt.Sprintf("message larger than %d bytes: rest not read", max))
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return m, fmt.Errorf("%w: empty message", ErrUnparseable)
	}
	// One reading of the message: every reader below walks this tree.
	root, treeDefects, ok := mime.ReadTree(raw)
	if !ok {
		m.Defects = append(m.Defects, treeDefects...)
		m.Defects = append(m.Defects, "no header block")
		m.Text = strings.TrimSpace(mime.ToUTF8(string(raw)))
		return m, fmt.Errorf("%w: no header block", ErrUnparseable)
	}
	p := &parsing{m: m, opt: opt, root: root, labels: newLabelMap(opt.Labels)}
	p.readBody()
	m.Reference = p.reference()
	if p.classify() {
		return m, nil
	}
	if p.isReply() {
		p.readReply()
		return m, nil
	}
	p.readForm()
	return m, nil
}

// parsing is one Parse call's state between its stages.
type parsing struct {
	m      *Message
	opt    Options
	root   *mime.Entity
	labels labelMap
	w      *walker
	bt     bodyText
	// textFromHTML: the mail has no text part; Text was made of its HTML.
	textFromHTML bool
}

// readBody takes the header facts, text, HTML and attachments from the
// tree.
func (p *parsing) readBody() {
	m := p.m
	readHeaders(m, p.root.Header)
	p.w = &walker{maxAttachment: p.opt.MaxAttachment}
	p.bt = p.w.walk(p.root)
	m.Defects = append(m.Defects, p.root.Defects()...)
	m.Defects = append(m.Defects, p.w.defects...)
	m.Attachments = p.w.attachments
	m.Text = normalizeNewlines(p.bt.text)
	m.HTML = p.bt.html
	if !p.bt.hasText && p.bt.hasHTML {
		m.Text = HTMLToText(p.bt.html)
		p.textFromHTML = true
		m.Defects = append(m.Defects, "plain text derived from HTML")
	}
}

// reference is the complaint reference the mail names: in its subject,
// its reply token, or its text.
func (p *parsing) reference() string {
	m := p.m
	if r := findReference(m.Subject); r != "" {
		return r
	}
	for _, t := range m.Tokens {
		if r := findReference(t); r != "" {
			return r
		}
	}
	return findReference(m.Text)
}

// classify sets the kind of machine mail and reports whether the mail is
// one (then Parse is done: machine mail is never read for fields).
func (p *parsing) classify() bool {
	m, opt := p.m, p.opt
	// The web form is a machine too: its notifications may carry
	// Auto-Submitted or Precedence: bulk. Whatever it sends is a complaint
	// (a bounce comes from a mailer daemon, never from the form's address),
	// so its mail skips the classifier — and its cost, on every complaint.
	if containsFold(opt.FormSenders, m.From) {
		return false
	}
	cm := classify.View(p.root)
	ck, bounced, why := classify.Classify(cm, m.Text, opt.OwnAddresses)
	if ck == "" {
		return false
	}
	k := Kind(ck)
	if k == KindAutomated && why == "list-unsubscribe" &&
		formNotification(m.Text, p.bt, p.w.alternatives, p.labels) {
		// Without a configured form sender: Formspree (and mail sent
		// through SendGrid and the like) puts List-Unsubscribe on every
		// notification. That header alone, unlike Auto-Submitted or
		// Precedence (RFC 3834: never answer), does not make a plainly
		// filled-in complaint form machine mail.
		m.Defects = append(m.Defects, "machine-mail header ("+why+") on a form notification: read as a form")
		return false
	}
	m.Kind, m.BouncedRecipient = k, bounced
	if k == KindBounce {
		// The letter that bounced names the complaint it is about; the
		// bounce's own subject and text may not.
		if r := cm.BounceReference(m.Text, findReference); r != "" {
			m.Reference = r
		}
		m.BounceStatus, m.BounceDiagnostic = classify.BounceReason(cm, m.Text)
	}
	return true
}

// isReply reports a reply in a thread of ours: it answers a message,
// names a reference or carries a reply token — unless it is a form
// notification someone forwarded.
func (p *parsing) isReply() bool {
	m := p.m
	isReply := len(m.InReplyTo) > 0 || len(m.References) > 0 || findReference(m.Subject) != "" || len(m.Tokens) > 0
	if isReply && forwardedForm(m, p.bt, p.w.alternatives, p.labels) {
		// Gmail sets In-Reply-To and References on a forward: a form
		// notification forwarded to the intake is a complaint, not a
		// reply in a thread of ours.
		return false
	}
	return isReply
}

// readReply sets the reply's new text, its #command, and the fields it
// supplies by label.
func (p *parsing) readReply() {
	m := p.m
	m.Kind = KindReply
	m.setReply(p.bt, p.textFromHTML)
	rf := extractFields(m.Reply, p.labels, p.textFromHTML)
	// Only labelled values: a reply's text is relayed, never taken as a
	// description by itself.
	if f := fieldsOf(rf); rf.filled() > 0 {
		norm, _, inv, invEN := ValidateFields(f, p.opt)
		m.Fields, m.Invalid, m.InvalidEN = norm, inv, invEN
	}
}

// readForm reads a form's fields, or takes a person's letter as the
// description, and validates them.
func (p *parsing) readForm() {
	m, opt := p.m, p.opt
	best := p.bestFields()
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
		m.setReply(p.bt, p.textFromHTML)
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
}

// bestFields reads the form fields from whichever version of the body
// yields most (multipart/alternative text and HTML may differ).
func (p *parsing) bestFields() rawFields {
	type candidate struct {
		text string
		bare bool // a label alone on its line counts (text made from HTML)
	}
	cands := []candidate{{p.m.Text, false}}
	if p.bt.hasHTML {
		h := candidate{formText(p.bt.html), true}
		if p.textFromHTML {
			cands[0] = h
		} else {
			cands = append(cands, h)
		}
	}
	if !p.textFromHTML && looksLikeHTML(p.m.Text) {
		// Seen in practice: HTML sent as text/plain (nl2br'd values).
		cands = append(cands, candidate{formText(p.m.Text), true})
	}
	for _, a := range p.w.alternatives {
		cands = append(cands, candidate{a, true})
	}
	var best rawFields
	for i, c := range cands {
		rf := extractFields(c.text, p.labels, c.bare)
		if i == 0 || rf.filled() > best.filled() || (rf.filled() == best.filled() && rf.labels > best.labels) {
			best = rf
		}
	}
	return best
}

// formNotification reports whether a body reads as a complaint form
// beyond doubt: four labelled fields or more, among them the e-mail
// address or the description, and hardly any loose text.
func formNotification(text string, bt bodyText, alternatives []string, labels labelMap) bool {
	cands := []string{text}
	if bt.hasHTML {
		cands = append(cands, formText(bt.html))
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
		r = reply.Relay(bt.html)
	} else {
		r = reply.Text(m.Text)
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
func readHeaders(m *Message, h mime.Header) {
	m.MessageID = CanonicalMessageID(h.Get("Message-Id"))
	m.InReplyTo = MessageIDs(strings.Join(h.Values("In-Reply-To"), " "))
	m.References = MessageIDs(strings.Join(h.Values("References"), " "))
	m.Subject = strings.TrimSpace(mime.DecodeHeaderText(h.Get("Subject")))
	if from := parseAddressList(h.Get("From")); len(from) > 0 {
		m.From = strings.ToLower(from[0].Address)
		m.FromName = strings.TrimSpace(from[0].Name)
	}
	if rt := parseAddressList(h.Get("Reply-To")); len(rt) > 0 {
		m.ReplyTo = strings.ToLower(rt[0].Address)
	}
	var tokens []string
	seenTok := map[string]bool{}
	collect := func(keys ...string) []string {
		var out []string
		for _, k := range keys {
			for _, v := range h.Values(k) {
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
	if d := strings.TrimSpace(h.Get("Date")); d != "" {
		if t, err := mail.ParseDate(d); err == nil {
			m.Date = t
		} else {
			m.Defects = append(m.Defects, fmt.Sprintf("date %q unreadable", d))
		}
	}
	m.AuthResults = h.Values("Authentication-Results")
}

var htmlTagRe = regexp.MustCompile(`(?i)<(?:br\s*/?|p|/p|td|/td|tr|table|div|/div|b|strong)\b[^>]*>`)

// looksLikeHTML reports whether a text part holds HTML markup.
func looksLikeHTML(s string) bool {
	if len(s) > 1<<20 {
		s = s[:1<<20]
	}
	return len(htmlTagRe.FindAllStringIndex(s, 3)) >= 2
}
