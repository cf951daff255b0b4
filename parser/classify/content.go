package classify

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ingressus/klachtd/parser/internal/mime"
	"github.com/ingressus/klachtd/parser/reply"
)

// Auto-replies known by what they say: responders that set neither RFC
// 3834's Auto-Submitted nor a vendor header, send from the person's own
// address with "Re: …" as the subject, and answer every letter within
// seconds (issue 10 item 7). A person who writes "ik was op vakantie toen
// de levering kwam" must stay a person, so the verdict needs all of: an
// away statement in the present tense within the first lines of the new
// text, a second sign that only absence notices give (a return date, "tot
// en met", limited access to e-mail, whom to call in urgent cases), a
// short text, and no question asked.

// oofAwayRe is the away statement, present or future tense, per language.
var oofAwayRe = regexp.MustCompile(`(?i)` +
	// nl
	`\b(?:ik ben|ben ik|ik zal)\b[^?!\n]{0,60}?\b(?:afwezig|niet aanwezig|niet op kantoor|niet op het werk|buiten kantoor|met vakantie|op vakantie|met verlof|niet bereikbaar)\b|` +
	// en
	`\b(?:i am|i'm|i will be|i'll be)\b[^?!\n]{0,40}?\b(?:out of (?:the )?office|away|on (?:annual |parental |sick )?leave|on vacation|on holiday|out of town|not in the office)\b|` +
	`\bthis is an automatic reply\b|\bautomatic reply\b|\bout of (?:the )?office\b|` +
	// de
	`\bich bin\b[^?!\n]{0,60}?\b(?:abwesend|nicht im büro|im urlaub|außer haus|nicht erreichbar)\b|\babwesenheitsnotiz\b|` +
	// fr
	`\bje (?:suis|serai)\b[^?!\n]{0,60}?\b(?:absente?|en congés?|en vacances|hors du bureau|en déplacement)\b|` +
	// es, it
	`\b(?:estoy|estaré)\b[^?!\n]{0,60}?\b(?:fuera de la oficina|de vacaciones|ausente)\b|\bfuera de la oficina\b|` +
	`\b(?:sono|sarò)\b[^?!\n]{0,60}?\b(?:fuori ufficio|in ferie|assente)\b|\bfuori ufficio\b`)

// oofSignRe is what an absence notice says besides: when the person is
// back, what happens to the mail, whom to turn to meanwhile.
var oofSignRe = regexp.MustCompile(`(?i)` +
	`\b(?:tot en met|t/m|tot \d|terug op|weer aanwezig|weer op kantoor|weer bereikbaar|beperkte? toegang|` +
	`in dringende gevallen|voor dringende zaken|na mijn terugkomst|na terugkomst|wordt niet doorgestuurd|` +
	`back on|back in the office|return(?:ing)? on|until|limited access|in urgent cases|for urgent matters|` +
	`upon my return|on my return|will not be forwarded|` +
	`bis (?:einschließlich|zum|\d)|wieder im büro|zurück|in dringenden fällen|` +
	`de retour|jusqu'au|en cas d'urgence|` +
	`hasta el|de vuelta|en caso de urgencia|fino al|rientro|accesso limitato)`)

// oofPastRe undoes an away statement: "ik ben op vakantie geweest", "I am
// back from holiday".
var oofPastRe = regexp.MustCompile(`(?i)^\s*(?:geweest|gewest|back|terug|zurück|gewesen)\b`)

// autoReplyByContent recognises an auto-reply without machine headers by
// its text (see above). Only the new text counts: a quoted letter of ours
// below it says nothing of the sender.
func (c *classifier) autoReplyByContent() bool {
	text := c.text
	if strings.TrimSpace(text) == "" {
		text = c.extra
	}
	newText := reply.Text(text)
	if newText == "" || strings.Contains(newText, "?") {
		return false
	}
	var lines []string
	for _, l := range strings.Split(newText, "\n") {
		if t := strings.TrimSpace(l); t != "" {
			lines = append(lines, t)
		}
	}
	if len(lines) > 12 {
		return false // a letter, not a notice
	}
	head := oofFirstSentence(lines)
	loc := oofAwayRe.FindStringIndex(head)
	if loc == nil || oofPastRe.MatchString(head[loc[1]:]) {
		return false
	}
	if !oofSignRe.MatchString(strings.Join(lines, "\n")) {
		return false
	}
	return c.because("out-of-office text: " + short(head[loc[0]:loc[1]]))
}

// oofThanks open the sentence a notice may start with ("Thank you for
// your email.").
var oofThanks = []string{"bedankt voor", "dank u voor", "dank voor", "hartelijk dank voor", "thank you for",
	"thanks for", "vielen dank für", "danke für", "merci pour", "merci de", "gracias por", "grazie per"}

// oofFirstSentence is the first sentence of the new text after the
// greeting and a thank-you: where an absence notice says it is one. A
// person who mentions a holiday further down is telling, not noticing.
func oofFirstSentence(lines []string) string {
	for _, l := range lines {
		if reply.OnlyGreeting([]string{l}) || (len([]rune(l)) <= 40 && strings.HasSuffix(l, ",")) {
			continue
		}
		lower := strings.ToLower(l)
		for _, th := range oofThanks {
			if strings.HasPrefix(lower, th) {
				if i := oofSentenceEnd(l); i < 0 {
					l = ""
				} else {
					l = l[i+1:]
				}
				break
			}
		}
		if strings.TrimSpace(l) == "" {
			continue
		}
		if i := oofSentenceEnd(l); i >= 0 {
			l = l[:i+1]
		}
		return strings.TrimSpace(l)
	}
	return ""
}

// oofSentenceEnd is the index of the full stop that ends the first
// sentence of l: after a letter, before a blank and a capital ("4.
// Dezember" goes on), or -1.
func oofSentenceEnd(l string) int {
	for i := 1; i+2 < len(l); i++ {
		if l[i] != '.' || l[i+1] != ' ' {
			continue
		}
		prev, _ := utf8.DecodeLastRuneInString(l[:i])
		next, _ := utf8.DecodeRuneInString(l[i+2:])
		if unicode.IsLetter(prev) && unicode.IsUpper(next) {
			return i
		}
	}
	return -1
}

// suppressAll reports Outlook's "X-Auto-Response-Suppress: All", which
// Exchange puts on its own automatic replies. A person's Outlook reply
// carries a partial list ("DR, RN, NRN, OOF, AutoReply"), which says
// nothing.
func suppressAll(h header) bool {
	for _, v := range h.values("x-auto-response-suppress") {
		for _, w := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(w), "all") {
				return true
			}
		}
	}
	return false
}

// BounceReference finds the reference of our letter that bounced, with
// find (the parser's reference pattern, KL-YYYY-NNNN): in the returned
// message's Message-ID, In-Reply-To, References or Subject (our
// Message-IDs carry the reference), whether the message came back as a
// MIME part or quoted in a plain-text bounce. "" when none is
// found.
func (m *Mail) BounceReference(text string, find func(string) string) string {
	fields := []string{"message-id", "in-reply-to", "references", "subject"}
	for _, ih := range m.inner {
		for _, name := range fields {
			for _, v := range ih.values(name) {
				if r := find(mime.DecodeHeaderText(v)); r != "" {
					return r
				}
			}
		}
	}
	// A plain-text bounce: the header lines of the returned message in
	// the text, maybe quoted ("> Message-ID: <…>").
	if len(text) > maxText {
		text = text[:maxText]
	}
	best, rank := "", len(fields)
	for _, l := range strings.Split(text, "\n") {
		t := strings.ToLower(strings.TrimLeft(l, "> \t"))
		for k, name := range fields[:rank] {
			if strings.HasPrefix(t, name+":") {
				if r := find(l); r != "" {
					best, rank = r, k
				}
				break
			}
		}
	}
	return best
}
