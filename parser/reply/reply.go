// Package reply is the reply stripper: what a complainant or handler
// newly wrote in a mail, without the quoted history, the quote headers
// (in the languages clients write them) and the signature. Text reads a
// plain-text reply, FromHTML an HTML one (its clients' quoting pruned
// from the tree, the rest read by the parser's one HTML converter in its
// Quoted mode), and Relay is what the gateway relays of an HTML reply.
// HeaderField is the one recogniser of quoted header lines
// ("Van: …", "Date: …"), used by the form reader too.
package reply

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text returns the new text of a plain-text reply: without quoted
// history, quote headers ("On … wrote:", "Op … schreef …:", Outlook blocks)
// and signature. Bounded time on any input.
//
// What is removed:
//   - `>` quoted lines, with the attribution line(s) just above them
//     ("On … wrote:", "Op … schreef …:", "Op … heeft … het volgende
//     geschreven:", "2014-10-17 11:28 GMT+03:00 Name <addr>:" …);
//   - everything from the first of: a quote header not followed by `>`
//     lines (Apple Mail, Outlook for Mac), an Outlook header block
//     (From:/Sent:/To:/Subject:, Van:/Verzonden:/Aan:/Onderwerp:, bold
//     *From:* …), "-----Original Message-----" and its Dutch forms, a
//     forwarded-message marker, a `-- ` signature separator, an underscore
//     line;
//   - trailing "Sent from my iPhone"/"Verzonden vanaf mijn iPhone" lines
//     and separator lines; trailing white space.
//
// An interleaved reply (answers under two or more quoted passages) keeps
// the quoted passages that were answered, so the answers can be read.
// A mail that is nothing but a forwarded message keeps the forwarded text.
// Only the first 1 MB is looked at; every line is looked at a bounded
// number of times.
func Text(text string) string {
	s := split(text)
	var out []string
	lastFrag := -1 // the fragment the last line of out came from
	for fi, f := range s.frags {
		if !f.visible {
			continue
		}
		// The empty quoted lines a quote ends with ("> … ?\n>\n") go.
		last := len(f.lines) - 1
		if f.kind == fragQuote {
			for last >= 0 && strings.Trim(f.lines[last], "> \t") == "" {
				last--
			}
		}
		for k, l := range f.lines {
			if f.kind == fragQuote && s.kinds[f.start+k] == kindAttr {
				continue // an interleaved reply keeps the quote, not "On … wrote:"
			}
			if k > last && strings.TrimSpace(l) != "" {
				continue
			}
			if strings.TrimSpace(l) == "" && (len(out) == 0 || (strings.TrimSpace(out[len(out)-1]) == "" && lastFrag != fi)) {
				continue // one blank line is enough between passages (the writer's own stay)
			}
			out = append(out, l)
			lastFrag = fi
		}
	}
	out = cleanup(out)
	if len(out) == 0 && s.forward {
		// Nothing but a forward: the forwarded text is what was sent.
		for _, f := range s.frags {
			if f.kind == fragTail {
				out = cleanup(append([]string(nil), f.lines...))
			}
		}
	}
	if OnlyGreeting(out) {
		// Never relay less than was written: a reply written below a
		// quote header with nothing quoted after it, or under a header
		// block, would otherwise reach the handler empty.
		out = wholeNewPart(s, out)
	}
	return strings.Join(out, "\n")
}

// maxBytes caps what Text looks at: the new text of a reply is at the
// top, and anything beyond a megabyte is history, a log paste or an attack.
const maxBytes = 1 << 20

// maxHeaderLen bounds a quote header ("On … wrote:", over up to five
// lines); longer candidates are not headers. It keeps the work per line
// bounded.
const maxHeaderLen = 400

// lineKind classifies one line of a plain-text reply.
type lineKind uint8

const (
	kindText  lineKind = iota
	kindBlank          // only white space
	kindQuote          // `>` quoted (or a wrapped piece of a quoted line)
	kindAttr           // attribution belonging to the quote below it ("On … wrote:")
)

// fragKind is the kind of a fragment of a reply.
type fragKind uint8

const (
	fragText  fragKind = iota // new text
	fragQuote                 // attribution + `>` lines + blank lines after
	fragTail                  // everything from a signature / Outlook block / original message on
)

// fragment is a run of lines of one kind; the reply is a list of them.
type fragment struct {
	kind    fragKind
	start   int // index of the first line in splitResult.lines
	lines   []string
	visible bool
}

type splitResult struct {
	lines   []string
	kinds   []lineKind
	frags   []fragment
	forward bool // the tail starts at a forwarded-message marker
}

// splitLines caps the text, normalises line ends and splits it into lines.
func splitLines(text string) []string {
	text = capBytes(text, maxBytes)
	if strings.IndexByte(text, '\r') >= 0 {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	return strings.Split(text, "\n")
}

// capBytes cuts s to at most max bytes, at a rune boundary.
func capBytes(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// split cuts a reply into fragments and marks which are visible. The
// stages: each line's kind (lineKinds); where the history starts
// (findCut), marking the attribution lines of quotes on the way; the
// attribution lines of other forms (markAttributions); the fragments
// (buildFragments); which of them are shown (setVisible).
func split(text string) splitResult {
	lines := splitLines(text)
	kinds := lineKinds(lines)
	res := splitResult{lines: lines, kinds: kinds}
	c := findCut(lines, kinds)
	res.forward = c.forward
	markAttributions(lines, kinds, c.at)
	res.frags = buildFragments(lines, kinds, c)
	setVisible(res.frags)
	return res
}

// lineKinds classifies every line: blank, quoted, or text.
func lineKinds(lines []string) []lineKind {
	n := len(lines)
	kinds := make([]lineKind, n)
	for i, l := range lines {
		switch {
		case strings.TrimSpace(l) == "":
			kinds[i] = kindBlank
		case isQuoteLine(l):
			kinds[i] = kindQuote
		default:
			kinds[i] = kindText
		}
	}
	// A single unquoted line squeezed between quoted lines is a quoted line
	// whose link was wrapped by the client. Seen in practice:
	// "> View ticket (http://example.com/action\n_nonce=3dd518)\n>".
	for i := 1; i+1 < n; i++ {
		if kinds[i] == kindText && kinds[i-1] == kindQuote && kinds[i+1] == kindQuote &&
			wrappedQuote(lines[i-1], lines[i]) {
			kinds[i] = kindQuote
		}
	}

	return kinds
}

// cutPoint is where the history of a reply starts.
type cutPoint struct {
	at      int    // the first line of the history (len(lines): none)
	prefix  string // new text in front of the quote header on that line
	forward bool   // the history starts at a forwarded-message marker
	// prefixes are the new text in front of attribution lines ("reply
	// On … wrote:" above a quote), by line.
	prefixes map[int]string
}

// findCut looks for the first line where the history starts: a
// signature separator, an original-message or forward marker, a list
// footer, a header block, or a quote header with unquoted history below.
// Quote headers with a quote below are marked kindAttr on the way.
func findCut(lines []string, kinds []lineKind) cutPoint {
	n := len(lines)
	// The header field each line starts with, once: a header block is
	// looked for at every line, over the next few.
	fields := make([]Field, n)
	for i, l := range lines {
		if kinds[i] == kindText {
			fields[i], _ = HeaderField(l)
		}
	}

	cut, cutPrefix, forward := n, "", false
	prefixes := map[int]string{} // attribution lines that share their line with new text
scan:
	for i := 0; i < n; i++ {
		if kinds[i] != kindText {
			continue
		}
		l := lines[i]
		switch {
		case isSignatureDelimiter(l), isUnderscoreLine(l, lines[i+1:], fields[i+1:]):
			cut = i
			break scan
		case isOriginalMessage(l):
			cut = i
			break scan
		case isForwardMarker(l):
			cut, forward = i, true
			break scan
		case isListFooter(l, lines[i+1:]):
			cut = i
			break scan
		case headerBlockAt(lines, fields, i, false):
			cut = i
			break scan
		}
		end, prefix, mid, ok := quoteHeaderAt(lines, i)
		if !ok {
			continue
		}
		next := end + 1
		for next < n && kinds[next] == kindBlank {
			next++
		}
		if next < n && kinds[next] == kindQuote {
			for k := i; k <= end; k++ {
				kinds[k] = kindAttr
			}
			if p := trimSplitterPrefix(prefix); p != "" {
				prefixes[i] = p
			}
			i = end
			continue
		}
		// Not followed by a quote: the history follows unquoted (Apple
		// Mail, Outlook for Mac, Gmail's plain part of an HTML quote). In
		// the middle of a line only after dashes ("reply--- On … wrote:").
		if mid && !strings.HasSuffix(strings.TrimRight(prefix, " \t"), "-") {
			continue
		}
		// Everything below would go: a writer's own "Op 12-11-2026 om
		// 14:30 schreef uw collega mij:" above a passage they copy is
		// not a client's header.
		if tellsOfSomeone(lines[i][len(prefix):], lines[i+1:end+1]) {
			continue
		}
		cut, cutPrefix = i, trimSplitterPrefix(prefix)
		break
	}

	return cutPoint{at: cut, prefix: cutPrefix, forward: forward, prefixes: prefixes}
}

// markAttributions marks attribution lines of other forms just above a
// quote (before cut).
func markAttributions(lines []string, kinds []lineKind, cut int) {
	// Attribution lines of another form: "2011/4/7 Name
	// <addr>", "02.04.2012 14:20 пользователь … написал:", "Sent from
	// Samsung Mobile Name <addr> wrote:".
	for q := 0; q < cut; q++ {
		if kinds[q] != kindQuote || (q > 0 && (kinds[q-1] == kindQuote || kinds[q-1] == kindAttr)) {
			continue
		}
		p := q - 1
		for p >= 0 && kinds[p] == kindBlank {
			p--
		}
		if p < 0 || kinds[p] != kindText {
			continue
		}
		s := p
		for s > 0 && p-s < 2 && kinds[s-1] == kindText && attrContinues(lines[s-1], lines[s]) {
			s--
		}
		if looksAttribution(strings.Join(lines[s:p+1], " ")) {
			for k := s; k <= p; k++ {
				kinds[k] = kindAttr
			}
		}
	}

}

// buildFragments cuts the lines into runs of new text and quotes, and the
// tail from the cut on.
func buildFragments(lines []string, kinds []lineKind, c cutPoint) []fragment {
	cut, cutPrefix, prefixes, n := c.at, c.prefix, c.prefixes, len(lines)
	var frags []fragment
	for i := 0; i < cut; {
		j := i
		if kinds[i] == kindAttr || kinds[i] == kindQuote {
			if p, ok := prefixes[i]; ok {
				frags = append(frags, fragment{kind: fragText, start: i, lines: []string{p}})
			}
			for j < cut && kinds[j] != kindText {
				j++
			}
			frags = append(frags, fragment{kind: fragQuote, start: i, lines: lines[i:j]})
		} else {
			for j < cut && (kinds[j] == kindText || kinds[j] == kindBlank) {
				j++
			}
			frags = append(frags, fragment{kind: fragText, start: i, lines: lines[i:j]})
		}
		i = j
	}
	if cutPrefix != "" {
		frags = append(frags, fragment{kind: fragText, start: cut, lines: []string{cutPrefix}})
	}
	if cut < n {
		tail := append([]string(nil), lines[cut:]...)
		tail[0] = strings.TrimLeft(tail[0][len(rawPrefix(lines[cut], cutPrefix)):], " \t")
		frags = append(frags, fragment{kind: fragTail, start: cut, lines: tail})
	}

	return frags
}

// setVisible marks what is shown: new text always; quoted passages only
// in an interleaved reply, and then only those that are answered.
func setVisible(frags []fragment) {
	answered := 0
	isAnswered := func(k int) bool {
		f := frags[k]
		return f.kind == fragQuote && k+1 < len(frags) && frags[k+1].kind == fragText &&
			hasContent(frags[k+1].lines) && !quoteIsClosing(f.lines)
	}
	for k := range frags {
		if isAnswered(k) {
			answered++
		}
	}
	for k := range frags {
		f := &frags[k]
		switch f.kind {
		case fragText:
			f.visible = true
		case fragQuote:
			f.visible = answered >= 2 && isAnswered(k)
		}
	}
}

// closings start the closing of a letter ("Met vriendelijke groet,").
var closings = []string{
	"met vriendelijke groet", "vriendelijke groet", "met hartelijke groet",
	"hartelijke groet", "groet", "groeten", "mvg", "hoogachtend",
	"kind regards", "best regards", "regards", "best wishes", "sincerely",
	"yours sincerely", "yours faithfully", "cheers", "thanks", "thank you",
}

// quoteIsClosing reports a quoted passage that is only the closing of
// the quoted letter ("> Met vriendelijke groet,\n> Ingressus Klachten"):
// the text under it is the writer's own closing, not an answer to it.
func quoteIsClosing(lines []string) bool {
	n := 0
	closing := false
	for _, l := range lines {
		t := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "> \t"))
		if t == "" || !isQuoteLine(l) {
			continue
		}
		if n == 0 {
			lower := strings.ToLower(strings.TrimRight(t, ",.!"))
			for _, c := range closings {
				if lower == c || (strings.HasPrefix(lower, c) && len(lower) <= len(c)+2) {
					closing = true
				}
			}
			if !closing {
				return false
			}
		}
		if n++; n > 4 {
			return false
		}
	}
	return closing
}

// rawPrefix returns the part of line that the kept prefix p came from.
func rawPrefix(line, p string) string {
	if p == "" {
		return ""
	}
	if i := strings.Index(line, p); i >= 0 {
		rest := line[i+len(p):]
		return line[:len(line)-len(strings.TrimLeft(rest, " \t-"))]
	}
	return ""
}

// trimSplitterPrefix trims the new text in front of a quote header on
// the same line: "reply--- On …" keeps "reply".
func trimSplitterPrefix(p string) string {
	return strings.TrimRight(p, " \t-")
}

func hasContent(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return true
		}
	}
	return false
}

// isQuoteLine reports a `>` quoted line. A line that starts with `>` and
// ends with `<` is decoration, not a quote (">>> http://example.com <<<").
func isQuoteLine(l string) bool {
	t := strings.TrimLeft(l, " \t")
	switch {
	case strings.HasPrefix(t, ">"):
		return !strings.HasSuffix(strings.TrimRight(t, " \t"), "<")
	case strings.HasPrefix(t, "|"):
		// "| quoted" (old Usenet and some web clients); a table row ends
		// in "|" too and stays text.
		return !strings.HasSuffix(strings.TrimRight(t, " \t"), "|")
	}
	// Initials before the mark: "C> quoted", "JS> quoted" (Supercite).
	k := 0
	for k < len(t) && k < 3 && t[k] >= 'A' && t[k] <= 'Z' {
		k++
	}
	return k > 0 && k < len(t) && t[k] == '>'
}

// wrappedQuote reports whether l, between two quoted lines, is the wrapped
// rest of a quoted link rather than an answer.
func wrappedQuote(prev, l string) bool {
	t := strings.TrimSpace(l)
	if strings.Contains(t, "://") {
		return true
	}
	if !strings.ContainsAny(t, " \t") && strings.Contains(prev, "://") {
		return true
	}
	// A long quoted line re-wrapped by the client: its rest starts with a
	// lower-case letter and is shorter than the line it continues. An
	// answer between quotes starts a sentence.
	q := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(prev), ">|"))
	r, _ := utf8.DecodeRuneInString(t)
	return utf8.RuneCountInString(q) >= 60 && unicode.IsLower(r) && utf8.RuneCountInString(t) < 60
}

// isSignatureDelimiter reports "-- " (RFC 3676 §4.3) and the "--" that
// clients make of it by trimming.
func isSignatureDelimiter(l string) bool {
	return strings.TrimSpace(l) == "--"
}

// isUnderscoreLine reports the line of underscores Outlook puts above its
// header block (32 of them; 40 in older versions) and mailing lists above
// their footer (47). A shorter one is a writer's divider unless a header
// block follows it.
func isUnderscoreLine(l string, next []string, fields []Field) bool {
	t := strings.TrimSpace(l)
	if len(t) < 8 || strings.Trim(t, "_") != "" {
		return false
	}
	if len(t) >= 30 {
		return true
	}
	for k := 0; k < len(next) && k < 3; k++ {
		if headerBlockAt(next, fields, k, true) {
			return true
		}
	}
	return false
}

// separatorText returns the words of a "-----Original Message-----" style
// line, lower-cased, and whether they were decorated with dashes or the
// like (or end in a colon: "Begin forwarded message:").
func separatorText(l string) (string, bool) {
	t := strings.TrimSpace(l)
	if len(t) > 80 {
		return "", false
	}
	inner := strings.Trim(t, "-_=*~ \t")
	decorated := len(inner) < len(t)
	if strings.HasSuffix(inner, ":") {
		inner = strings.TrimSpace(strings.TrimSuffix(inner, ":"))
		decorated = true
	}
	return strings.ToLower(inner), decorated
}

func isOriginalMessage(l string) bool {
	w, dec := separatorText(l)
	// "==== Message du 23/11/2026 10:12 ====" (French webmail).
	return dec && (originalMessage[w] || strings.HasPrefix(w, "message du ") && strings.ContainsAny(w, "0123456789"))
}

func isForwardMarker(l string) bool {
	w, dec := separatorText(l)
	// Lotus Notes: "----- Forwarded by Name/Org on 01-02-2012 10:00 -----".
	return dec && (forwardMessage[w] || strings.HasPrefix(w, "forwarded by "))
}

// Field is a header field name in a quoted header block.
type Field uint8

// The fields of a quoted header block, in every language fieldNames
// lists ("Van", "De", "Von", "Da" … are FieldFrom).
const (
	FieldNone Field = iota // no header field
	FieldFrom
	FieldTo
	FieldCc
	FieldSubject
	FieldDate
	// FieldOther is a further line of a header block (Reply-To,
	// Importance, Attachments): part of the block, not counted for it.
	FieldOther
)

// inlineFields are further fields on the From line itself, as HTML with
// <b>From:</b> … <b>Date:</b> … renders when no line break separates them.
var inlineFields = []struct {
	s string
	f Field
}{
	{" Sent: ", FieldDate}, {" Date: ", FieldDate}, {" To: ", FieldTo},
	{" Subject: ", FieldSubject}, {" Verzonden: ", FieldDate},
	{" Datum: ", FieldDate}, {" Aan: ", FieldTo}, {" Onderwerp: ", FieldSubject},
}

// HeaderField reads "From: …", "*Van:* …", "De : …" at the start of l:
// the one recogniser of quoted header lines, for the reply stripper and
// the form reader (a forwarded notification's header block).
func HeaderField(l string) (Field, string) {
	t := strings.TrimLeft(l, " \t*")
	head := t
	if len(head) > 32 {
		head = head[:32] // a field name is short; keeps the work per line bounded
	}
	i := strings.IndexByte(head, ':')
	if i <= 0 || i > 24 {
		return FieldNone, ""
	}
	name := strings.ToLower(strings.TrimFunc(t[:i], func(r rune) bool {
		return r == '*' || unicode.IsSpace(r) || r == '\u200e' || r == '\u200f'
	}))
	f := fieldNames[name]
	if f == FieldNone {
		return FieldNone, ""
	}
	return f, strings.TrimLeft(t[i+1:], "* \t")
}

// headerBlockAt reports whether an Outlook-style header block of quoted
// history starts at line i: a From (or Date/Sent) line and more header
// lines within the next few. Clients write From, Sent/Date, To and Subject
// (an empty Subject or To still has its line), so From and two more kinds
// of field make a block. Two fields make one only when they look written
// by a program: From with an address ("From: bob@example.com / Date: …"),
// or a date with seconds or a zone ("Date: Wed, 16 May 2012 00:15:02 -0600
// / To: …"); or after a divider line (weak). A complainant's "Datum:
// 12-11-2026 om 14:30 / Aan: … / Onderwerp: …" or "Van: de heer X / Datum:
// 3 november 2026 om 16:45" in the new text is not a block.
func headerBlockAt(lines []string, fields []Field, i int, weak bool) bool {
	if fields[i] != FieldFrom && fields[i] != FieldDate {
		return false
	}
	f0, rest := HeaderField(lines[i])
	if f0 != FieldFrom && f0 != FieldDate {
		return false
	}
	// A header's date has a time ("Verzonden: maandag 23 november 2026
	// 10:12"); a complainant's "Datum: 12-11-2026" above "Onderwerp: …"
	// does not.
	if f0 == FieldDate && !hasTime(rest) {
		return false
	}
	var seen [FieldDate + 1]bool
	seen[f0] = true
	fromAddr, machineDate := false, false
	if len(rest) <= maxHeaderLen {
		for _, in := range inlineFields {
			if strings.Contains(rest, in.s) {
				seen[in.f] = true
			}
		}
		if f0 == FieldFrom {
			fromAddr = hasAddress(rest)
		}
		// "From: a Date: Wed, 16 May 2012 00:15:02 -0600" on one line, or
		// a Date line.
		machineDate = isMachineDate(rest)
	}
	misses := 0
	for k := i + 1; k < len(lines) && k <= i+8; k++ {
		if f := fields[k]; f != FieldNone {
			if f != FieldOther {
				seen[f] = true
			}
			misses = 0
			if f == FieldDate && !machineDate && len(lines[k]) <= maxHeaderLen {
				_, v := HeaderField(lines[k])
				machineDate = isMachineDate(v)
			}
			continue
		}
		// A wrapped value ("*From:* bob@example.com [mailto:\n  bob@example.com]").
		if misses++; misses > 2 {
			break
		}
	}
	distinct := 0
	for _, s := range seen[1:] {
		if s {
			distinct++
		}
	}
	if seen[FieldFrom] && distinct >= 3 {
		return true
	}
	if seen[FieldFrom] && distinct >= 2 && (weak || fromAddr) {
		return true
	}
	return seen[FieldDate] && (seen[FieldTo] || seen[FieldSubject]) && (weak || machineDate)
}

// hasAddress reports an e-mail address ("bob@example.com",
// "[mailto:bob@example.com]") in a header value.
func hasAddress(v string) bool {
	at := strings.IndexByte(v, '@')
	return at > 0 && at+1 < len(v) && v[at-1] != ' ' && v[at+1] != ' '
}

// isMachineDate reports a date as a program writes it: with seconds
// ("00:15:02") or a numeric zone ("-0600", "+01:00").
func isMachineDate(v string) bool {
	for i := 0; i+4 < len(v); i++ {
		c := v[i]
		if c == ':' && i >= 2 && isDigit(v[i-1]) && isDigit(v[i+1]) && isDigit(v[i+2]) &&
			i+5 < len(v) && v[i+3] == ':' && isDigit(v[i+4]) && isDigit(v[i+5]) {
			return true
		}
		if (c == '+' || c == '-') && (i == 0 || v[i-1] == ' ' || v[i-1] == 'T') &&
			isDigit(v[i+1]) && isDigit(v[i+2]) && isDigit(v[i+3]) && isDigit(v[i+4]) &&
			(i+5 == len(v) || !isDigit(v[i+5])) {
			return true
		}
	}
	return false
}

// quoteHeaderAt looks for a quote header ("On … wrote:") starting on line
// i, possibly after new text on the same line, over at most five lines. It
// returns the last line of the header, the text in front of it on line i,
// and whether the header starts in the middle of the line.
func quoteHeaderAt(lines []string, i int) (end int, prefix string, mid, ok bool) {
	first := lines[i]
	if len(first) > 2*maxHeaderLen {
		return 0, "", false, false
	}
	s0 := len(first) - len(strings.TrimLeft(first, " \t*"))
	var starts []int
	// A header starts with an opener word or with dashes; most lines do
	// not, and cost no more than this look.
	w := strings.ToLower(first[s0:min(len(first), s0+16)])
	if strings.HasPrefix(w, "--") || hasOpener(w) || dateFirst(w) {
		starts = append(starts, s0)
	}
	// "reply On Wed, …", "reply--- On Wed, …": a few candidates only.
	for _, op := range []string{"On ", "Op "} {
		from := s0 + 1
		for c := 0; c < 3 && from < len(first); c++ {
			j := strings.Index(first[from:], op)
			if j < 0 {
				break
			}
			j += from
			if b := first[j-1]; b == ' ' || b == '-' || b == '\t' {
				starts = append(starts, j)
			}
			from = j + 1
		}
	}
	if len(starts) == 0 || starts[0] != s0 {
		if strings.IndexByte(first, '@') >= 0 || strings.HasSuffix(strings.TrimSpace(first), "<") {
			// The name first ("Name <addr> schrieb am …:"), tried last:
			// "reply On …" above is the better reading.
			starts = append(starts, s0)
		}
	}
	for _, s := range starts {
		joined := first[s:]
		for k := 0; k < 5 && i+k < len(lines); k++ {
			if k > 0 {
				next := strings.TrimSpace(lines[i+k])
				if next == "" {
					// Polymail breaks "<\nmailto:…>" after a blank line;
					// otherwise a blank line ends the header.
					if i+k+1 >= len(lines) || !strings.HasPrefix(strings.TrimSpace(lines[i+k+1]), "<") {
						break
					}
					continue
				}
				joined += " " + next
			}
			if len(joined) > maxHeaderLen {
				break
			}
			if isQuoteHeader(joined) {
				return i + k, first[:s], s != s0, true
			}
		}
	}
	return 0, "", false, false
}

// isQuoteHeader reports whether t (one or more lines joined) is a quote
// header: an opener word, a digit (date or time), and a verb at the end
// before the colon ("wrote:", "schreef:", "het volgende geschreven:") or
// before the name ("schreef Sanne <…>:"). Dashed Android headers
// ("---- John Smith wrote ----") need no opener or date.
func isQuoteHeader(t string) bool {
	t = strings.TrimSpace(t)
	leadDash := strings.HasPrefix(t, "--")
	trailDash := strings.HasSuffix(t, "-")
	t = strings.Trim(t, "- \t")
	colon := strings.HasSuffix(t, ":") || strings.HasSuffix(t, "：")
	if colon {
		t = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(t, ":"), "："))
	}
	lower := strings.ToLower(t)
	endVerb := endsWithVerb(lower)
	if !colon && !trailDash && !endVerb {
		// "wrote" without its colon is still a header; anything else
		// without a colon is not.
		return false
	}
	if leadDash && trailDash && endVerb {
		return true
	}
	// A client's header names a time or an address; "Op 12 mei 2026
	// schreef uw collega:" in a complaint does neither.
	named := hasTime(t) || strings.Contains(t, "@") || hasDottedTime(lower)
	if !named || hasSentenceBreak(t) {
		return false
	}
	midVerb := false
	for _, v := range midVerbs {
		if strings.Contains(lower, v) {
			midVerb = true
			break
		}
	}
	switch {
	case hasOpener(lower):
		return endVerb || (colon && midVerb)
	case dateFirst(lower):
		// "2014-10-17 11:28 GMT+03:00 Name <addr>:", "ср, 12 мая 2021 г. в
		// 10:00, Name <addr>:", "ons. 3. jan. 2024 kl. 10.00 skrev Name:".
		return endVerb || (colon && midVerb) || (colon && strings.HasSuffix(t, ">") && strings.Contains(t, "@") && hasDate(t))
	case strings.Contains(t, "@"):
		// The name first: "Name <addr> schrieb am So., 23. Juni 2024,
		// 21:08:", "Name <addr> wrote:".
		return colon && (midVerb || endVerb)
	}
	return false
}

func hasOpener(lower string) bool {
	w := lower
	if i := strings.IndexAny(w, " \t,"); i >= 0 {
		w = w[:i]
	}
	switch w {
	case "w":
		return strings.HasPrefix(lower, "w dniu ")
	case "in":
		return strings.HasPrefix(lower, "in data ")
	}
	return openers[w]
}

func endsWithVerb(lower string) bool {
	for _, v := range endVerbs {
		if strings.HasSuffix(lower, v) {
			before, _ := utf8.DecodeLastRuneInString(lower[:len(lower)-len(v)])
			if len(lower) == len(v) || !unicode.IsLetter(before) {
				return true
			}
		}
	}
	return false
}

// hasSentenceBreak reports ". X" after a word of four letters or more:
// "On 12 May I visited your shop. Your colleague wrote:" is new text, not a
// header; "Op ma 23 nov. 2026" and "Jan. Smith" are fine.
func hasSentenceBreak(t string) bool {
	for i := 0; i+2 < len(t); i++ {
		if t[i] != '.' || t[i+1] != ' ' {
			continue
		}
		r, _ := utf8.DecodeRuneInString(t[i+2:])
		if !unicode.IsUpper(r) {
			continue
		}
		letters := 0
		for j := i - 1; j >= 0 && ((t[j] >= 'a' && t[j] <= 'z') || (t[j] >= 'A' && t[j] <= 'Z')); j-- {
			letters++
		}
		if letters >= 4 {
			return true
		}
	}
	return false
}

// personWords are words a writer uses for someone ("uw collega", "your
// colleague", "de monteur"); a client's quote header names a person or an
// address instead.
var personWords = map[string]bool{
	"uw": true, "jouw": true, "je": true, "mijn": true, "mij": true, "me": true,
	"ons": true, "onze": true, "jullie": true, "hij": true, "zij": true, "ze": true,
	"your": true, "my": true, "our": true, "us": true, "he": true, "she": true,
	"they": true, "his": true, "her": true, "their": true, "the": true,
}

// tellsOfSomeone reports whether a quote header without an address
// ("Op 12-11-2026 om 14:30 schreef uw collega mij:", "On 12/11/2026 at
// 14:30 your colleague wrote:") is the writer's own sentence: it has a
// lower-case pronoun or article, or a lower-case word right after
// "schreef"/"wrote". Clients write the sender's name there ("schreef
// Ingressus Klachten:", "Ingressus Complaints wrote:").
func tellsOfSomeone(first string, more []string) bool {
	t := first
	for _, l := range more {
		t += " " + l
	}
	if len(t) > maxHeaderLen || strings.Contains(t, "@") {
		return false
	}
	words := strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) })
	for k, w := range words {
		if personWords[w] {
			return true
		}
		if k > 0 && k+1 < len(words) && (words[k-1] == "schreef" || words[k-1] == "wrote") {
			if r, _ := utf8.DecodeRuneInString(w); unicode.IsLower(r) {
				return true
			}
		}
	}
	return false
}

// attrContinues reports whether line cur continues the attribution begun on
// the line above ("… Postmaster <\npostmaster@example.org>:").
func attrContinues(above, cur string) bool {
	a := strings.TrimSpace(above)
	if strings.HasSuffix(a, "<") || strings.HasSuffix(a, ",") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(strings.TrimSpace(cur))
	return !unicode.IsUpper(r) && !unicode.IsDigit(r)
}

// looksAttribution reports whether t, just above a quote, introduces it:
// it names an address and ends in a colon, or in "<addr>" after a date.
// "Op 12 mei om 10:00 zei uw monteur:" names no address and stays.
func looksAttribution(t string) bool {
	t = strings.TrimSpace(t)
	if len(t) > maxHeaderLen {
		return false
	}
	if !strings.Contains(t, "@") {
		return namedAttribution(t)
	}
	return strings.HasSuffix(t, ":") || (strings.HasSuffix(t, ">") && hasDate(t))
}

// namedAttribution reports a client's quote header with a date but no
// time and no address, just above a quote: "Op 1 dec 2026 schreef Marieke
// de Vries (Ingressus):", "On 1 Dec 2026, Marieke de Vries wrote:". Only
// above `>` lines: without them the same sentence may be the writer's own,
// and so are "Op 12 mei 2026 schreef uw collega:" and a line with a
// sentence break.
func namedAttribution(t string) bool {
	if !strings.HasSuffix(t, ":") {
		return false
	}
	body := strings.TrimSpace(strings.TrimSuffix(t, ":"))
	lower := strings.ToLower(body)
	if !hasOpener(lower) || !hasDate(body) || hasSentenceBreak(body) || tellsOfSomeone(body, nil) {
		return false
	}
	if endsWithVerb(lower) {
		return true
	}
	for _, v := range midVerbs {
		if i := strings.Index(lower, v); i >= 0 {
			// A name follows the verb: "schreef Marieke …".
			r, _ := utf8.DecodeRuneInString(body[i+len(v):])
			return unicode.IsUpper(r)
		}
	}
	return false
}

// hasTime reports a time (h:mm) in t.
func hasTime(t string) bool {
	for i := 1; i+2 < len(t); i++ {
		if t[i] == ':' && isDigit(t[i-1]) && isDigit(t[i+1]) && isDigit(t[i+2]) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// hasDate reports a year (19xx, 20xx) or a time (h:mm) in t.
func hasDate(t string) bool {
	for i := 0; i < len(t); {
		if t[i] < '0' || t[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(t) && t[j] >= '0' && t[j] <= '9' {
			j++
		}
		run := t[i:j]
		if len(run) == 4 && (run[:2] == "19" || run[:2] == "20") {
			return true
		}
		if len(run) <= 2 && j+2 < len(t) && t[j] == ':' && t[j+1] >= '0' && t[j+1] <= '9' && t[j+2] >= '0' && t[j+2] <= '9' {
			return true
		}
		i = j
	}
	return false
}

// isMobileSignature reports "Sent from my iPhone", "Verzonden vanaf mijn
// iPhone", "Get Outlook for iOS", "Outlook voor iOS downloaden" and the
// like: short, no sentence in it ("Sent from my desk, is much easier …" is
// text).
func isMobileSignature(l string) bool {
	t := strings.TrimSpace(l)
	if len(t) > 100 || strings.Contains(t, ", ") || strings.Contains(t, ". ") ||
		len(strings.Fields(t)) > 10 {
		return false
	}
	lower := strings.ToLower(t)
	for _, p := range mobilePrefixes {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	return false
}

// spaceOrInvisible reports white space and the invisible characters
// mail tools leave at the end of a mail: the tracking mark U+1427 ("ᐧ")
// that Gmail add-ons append, zero-width spaces and joiners, BOM.
func spaceOrInvisible(r rune) bool {
	switch r {
	case '\u1427', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
		return true
	}
	return unicode.IsSpace(r)
}

// isSeparatorLine reports a line of only dashes, underscores, equals
// signs or stars.
func isSeparatorLine(l string) bool {
	t := strings.TrimSpace(l)
	return len(t) >= 2 && strings.Trim(t, "-_=*~") == ""
}

// cleanup trims trailing white space from every line, drops leading
// blank lines, and drops trailing blank lines, separator lines and mobile
// signatures.
func cleanup(lines []string) []string {
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, spaceOrInvisible)
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 {
		last := lines[len(lines)-1]
		if last == "" || isSeparatorLine(last) || isMobileSignature(last) {
			lines = lines[:len(lines)-1]
			continue
		}
		break
	}
	return lines
}
