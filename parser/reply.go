package parser

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ReplyText returns the new text of a plain-text reply: without quoted
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
func ReplyText(text string) string {
	s := rpSplit(text)
	var out []string
	lastFrag := -1 // the fragment the last line of out came from
	for fi, f := range s.frags {
		if !f.visible {
			continue
		}
		// The empty quoted lines a quote ends with ("> … ?\n>\n") go.
		last := len(f.lines) - 1
		if f.kind == rpFragQuote {
			for last >= 0 && strings.Trim(f.lines[last], "> \t") == "" {
				last--
			}
		}
		for k, l := range f.lines {
			if f.kind == rpFragQuote && s.kinds[f.start+k] == rpAttr {
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
	out = rpCleanup(out)
	if len(out) == 0 && s.forward {
		// Nothing but a forward: the forwarded text is what was sent.
		for _, f := range s.frags {
			if f.kind == rpFragTail {
				out = rpCleanup(append([]string(nil), f.lines...))
			}
		}
	}
	if rpOnlyGreeting(out) {
		// Never relay less than was written: a reply written below a
		// quote header with nothing quoted after it, or under a header
		// block, would otherwise reach the handler empty.
		out = rpWholeNewPart(s, out)
	}
	return strings.Join(out, "\n")
}

// rpMaxBytes caps what ReplyText looks at: the new text of a reply is at the
// top, and anything beyond a megabyte is history, a log paste or an attack.
const rpMaxBytes = 1 << 20

// rpMaxHeaderLen bounds a quote header ("On … wrote:", over up to five
// lines); longer candidates are not headers. It keeps the work per line
// bounded.
const rpMaxHeaderLen = 400

// rpKind classifies one line of a plain-text reply.
type rpKind uint8

const (
	rpText  rpKind = iota
	rpBlank        // only white space
	rpQuote        // `>` quoted (or a wrapped piece of a quoted line)
	rpAttr         // attribution belonging to the quote below it ("On … wrote:")
)

// rpFragKind is the kind of a fragment of a reply.
type rpFragKind uint8

const (
	rpFragText  rpFragKind = iota // new text
	rpFragQuote                   // attribution + `>` lines + blank lines after
	rpFragTail                    // everything from a signature / Outlook block / original message on
)

// rpFragment is a run of lines of one kind; the reply is a list of them.
type rpFragment struct {
	kind    rpFragKind
	start   int // index of the first line in rpSplitResult.lines
	lines   []string
	visible bool
}

type rpSplitResult struct {
	lines   []string
	kinds   []rpKind
	frags   []rpFragment
	forward bool // the tail starts at a forwarded-message marker
}

// rpLines caps the text, normalises line ends and splits it into lines.
func rpLines(text string) []string {
	text = rpCap(text, rpMaxBytes)
	if strings.IndexByte(text, '\r') >= 0 {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	return strings.Split(text, "\n")
}

// rpCap cuts s to at most max bytes, at a rune boundary.
func rpCap(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// rpSplit cuts a reply into fragments and marks which are visible. The
// stages: each line's kind (rpLineKinds); where the history starts
// (rpFindCut), marking the attribution lines of quotes on the way; the
// attribution lines of other forms (rpMarkAttributions); the fragments
// (rpFragments); which of them are shown (rpSetVisible).
func rpSplit(text string) rpSplitResult {
	lines := rpLines(text)
	kinds := rpLineKinds(lines)
	res := rpSplitResult{lines: lines, kinds: kinds}
	c := rpFindCut(lines, kinds)
	res.forward = c.forward
	rpMarkAttributions(lines, kinds, c.at)
	res.frags = rpFragments(lines, kinds, c)
	rpSetVisible(res.frags)
	return res
}

// rpLineKinds classifies every line: blank, quoted, or text.
func rpLineKinds(lines []string) []rpKind {
	n := len(lines)
	kinds := make([]rpKind, n)
	for i, l := range lines {
		switch {
		case strings.TrimSpace(l) == "":
			kinds[i] = rpBlank
		case rpIsQuoteLine(l):
			kinds[i] = rpQuote
		default:
			kinds[i] = rpText
		}
	}
	// A single unquoted line squeezed between quoted lines is a quoted line
	// whose link was wrapped by the client. Seen in practice:
	// "> View ticket (http://example.com/action\n_nonce=3dd518)\n>".
	for i := 1; i+1 < n; i++ {
		if kinds[i] == rpText && kinds[i-1] == rpQuote && kinds[i+1] == rpQuote &&
			rpWrappedQuote(lines[i-1], lines[i]) {
			kinds[i] = rpQuote
		}
	}

	return kinds
}

// rpCut is where the history of a reply starts.
type rpCut struct {
	at      int    // the first line of the history (len(lines): none)
	prefix  string // new text in front of the quote header on that line
	forward bool   // the history starts at a forwarded-message marker
	// prefixes are the new text in front of attribution lines ("reply
	// On … wrote:" above a quote), by line.
	prefixes map[int]string
}

// rpFindCut looks for the first line where the history starts: a
// signature separator, an original-message or forward marker, a list
// footer, a header block, or a quote header with unquoted history below.
// Quote headers with a quote below are marked rpAttr on the way.
func rpFindCut(lines []string, kinds []rpKind) rpCut {
	n := len(lines)
	// The header field each line starts with, once: a header block is
	// looked for at every line, over the next few.
	fields := make([]rpField, n)
	for i, l := range lines {
		if kinds[i] == rpText {
			fields[i], _ = rpHeaderField(l)
		}
	}

	cut, cutPrefix, forward := n, "", false
	prefixes := map[int]string{} // attribution lines that share their line with new text
scan:
	for i := 0; i < n; i++ {
		if kinds[i] != rpText {
			continue
		}
		l := lines[i]
		switch {
		case rpIsSignatureDelimiter(l), rpIsUnderscoreLine(l, lines[i+1:], fields[i+1:]):
			cut = i
			break scan
		case rpIsOriginalMessage(l):
			cut = i
			break scan
		case rpIsForwardMarker(l):
			cut, forward = i, true
			break scan
		case rpIsListFooter(l, lines[i+1:]):
			cut = i
			break scan
		case rpHeaderBlockAt(lines, fields, i, false):
			cut = i
			break scan
		}
		end, prefix, mid, ok := rpQuoteHeaderAt(lines, i)
		if !ok {
			continue
		}
		next := end + 1
		for next < n && kinds[next] == rpBlank {
			next++
		}
		if next < n && kinds[next] == rpQuote {
			for k := i; k <= end; k++ {
				kinds[k] = rpAttr
			}
			if p := rpTrimSplitterPrefix(prefix); p != "" {
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
		if rpTellsOfSomeone(lines[i][len(prefix):], lines[i+1:end+1]) {
			continue
		}
		cut, cutPrefix = i, rpTrimSplitterPrefix(prefix)
		break
	}

	return rpCut{at: cut, prefix: cutPrefix, forward: forward, prefixes: prefixes}
}

// rpMarkAttributions marks attribution lines of other forms just above a
// quote (before cut).
func rpMarkAttributions(lines []string, kinds []rpKind, cut int) {
	// Attribution lines of another form: "2011/4/7 Name
	// <addr>", "02.04.2012 14:20 пользователь … написал:", "Sent from
	// Samsung Mobile Name <addr> wrote:".
	for q := 0; q < cut; q++ {
		if kinds[q] != rpQuote || (q > 0 && (kinds[q-1] == rpQuote || kinds[q-1] == rpAttr)) {
			continue
		}
		p := q - 1
		for p >= 0 && kinds[p] == rpBlank {
			p--
		}
		if p < 0 || kinds[p] != rpText {
			continue
		}
		s := p
		for s > 0 && p-s < 2 && kinds[s-1] == rpText && rpAttrContinues(lines[s-1], lines[s]) {
			s--
		}
		if rpLooksAttribution(strings.Join(lines[s:p+1], " ")) {
			for k := s; k <= p; k++ {
				kinds[k] = rpAttr
			}
		}
	}

}

// rpFragments cuts the lines into runs of new text and quotes, and the
// tail from the cut on.
func rpFragments(lines []string, kinds []rpKind, c rpCut) []rpFragment {
	cut, cutPrefix, prefixes, n := c.at, c.prefix, c.prefixes, len(lines)
	var frags []rpFragment
	for i := 0; i < cut; {
		j := i
		if kinds[i] == rpAttr || kinds[i] == rpQuote {
			if p, ok := prefixes[i]; ok {
				frags = append(frags, rpFragment{kind: rpFragText, start: i, lines: []string{p}})
			}
			for j < cut && kinds[j] != rpText {
				j++
			}
			frags = append(frags, rpFragment{kind: rpFragQuote, start: i, lines: lines[i:j]})
		} else {
			for j < cut && (kinds[j] == rpText || kinds[j] == rpBlank) {
				j++
			}
			frags = append(frags, rpFragment{kind: rpFragText, start: i, lines: lines[i:j]})
		}
		i = j
	}
	if cutPrefix != "" {
		frags = append(frags, rpFragment{kind: rpFragText, start: cut, lines: []string{cutPrefix}})
	}
	if cut < n {
		tail := append([]string(nil), lines[cut:]...)
		tail[0] = strings.TrimLeft(tail[0][len(rpRawPrefix(lines[cut], cutPrefix)):], " \t")
		frags = append(frags, rpFragment{kind: rpFragTail, start: cut, lines: tail})
	}

	return frags
}

// rpSetVisible marks what is shown: new text always; quoted passages only
// in an interleaved reply, and then only those that are answered.
func rpSetVisible(frags []rpFragment) {
	answered := 0
	isAnswered := func(k int) bool {
		f := frags[k]
		return f.kind == rpFragQuote && k+1 < len(frags) && frags[k+1].kind == rpFragText &&
			rpHasContent(frags[k+1].lines) && !rpQuoteIsClosing(f.lines)
	}
	for k := range frags {
		if isAnswered(k) {
			answered++
		}
	}
	for k := range frags {
		f := &frags[k]
		switch f.kind {
		case rpFragText:
			f.visible = true
		case rpFragQuote:
			f.visible = answered >= 2 && isAnswered(k)
		}
	}
}

// rpClosings start the closing of a letter ("Met vriendelijke groet,").
var rpClosings = []string{
	"met vriendelijke groet", "vriendelijke groet", "met hartelijke groet",
	"hartelijke groet", "groet", "groeten", "mvg", "hoogachtend",
	"kind regards", "best regards", "regards", "best wishes", "sincerely",
	"yours sincerely", "yours faithfully", "cheers", "thanks", "thank you",
}

// rpQuoteIsClosing reports a quoted passage that is only the closing of
// the quoted letter ("> Met vriendelijke groet,\n> Ingressus Klachten"):
// the text under it is the writer's own closing, not an answer to it.
func rpQuoteIsClosing(lines []string) bool {
	n := 0
	closing := false
	for _, l := range lines {
		t := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "> \t"))
		if t == "" || !rpIsQuoteLine(l) {
			continue
		}
		if n == 0 {
			lower := strings.ToLower(strings.TrimRight(t, ",.!"))
			for _, c := range rpClosings {
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

// rpRawPrefix returns the part of line that the kept prefix p came from.
func rpRawPrefix(line, p string) string {
	if p == "" {
		return ""
	}
	if i := strings.Index(line, p); i >= 0 {
		rest := line[i+len(p):]
		return line[:len(line)-len(strings.TrimLeft(rest, " \t-"))]
	}
	return ""
}

// rpTrimSplitterPrefix trims the new text in front of a quote header on
// the same line: "reply--- On …" keeps "reply".
func rpTrimSplitterPrefix(p string) string {
	return strings.TrimRight(p, " \t-")
}

func rpHasContent(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return true
		}
	}
	return false
}

// rpIsQuoteLine reports a `>` quoted line. A line that starts with `>` and
// ends with `<` is decoration, not a quote (">>> http://example.com <<<").
func rpIsQuoteLine(l string) bool {
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

// rpWrappedQuote reports whether l, between two quoted lines, is the wrapped
// rest of a quoted link rather than an answer.
func rpWrappedQuote(prev, l string) bool {
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

// rpIsSignatureDelimiter reports "-- " (RFC 3676 §4.3) and the "--" that
// clients make of it by trimming.
func rpIsSignatureDelimiter(l string) bool {
	return strings.TrimSpace(l) == "--"
}

// rpIsUnderscoreLine reports the line of underscores Outlook puts above its
// header block (32 of them; 40 in older versions) and mailing lists above
// their footer (47). A shorter one is a writer's divider unless a header
// block follows it.
func rpIsUnderscoreLine(l string, next []string, fields []rpField) bool {
	t := strings.TrimSpace(l)
	if len(t) < 8 || strings.Trim(t, "_") != "" {
		return false
	}
	if len(t) >= 30 {
		return true
	}
	for k := 0; k < len(next) && k < 3; k++ {
		if rpHeaderBlockAt(next, fields, k, true) {
			return true
		}
	}
	return false
}

// rpSeparatorText returns the words of a "-----Original Message-----" style
// line, lower-cased, and whether they were decorated with dashes or the
// like (or end in a colon: "Begin forwarded message:").
func rpSeparatorText(l string) (string, bool) {
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

func rpIsOriginalMessage(l string) bool {
	w, dec := rpSeparatorText(l)
	// "==== Message du 23/11/2026 10:12 ====" (French webmail).
	return dec && (rpOriginalMessage[w] || strings.HasPrefix(w, "message du ") && strings.ContainsAny(w, "0123456789"))
}

func rpIsForwardMarker(l string) bool {
	w, dec := rpSeparatorText(l)
	// Lotus Notes: "----- Forwarded by Name/Org on 01-02-2012 10:00 -----".
	return dec && (rpForwardMessage[w] || strings.HasPrefix(w, "forwarded by "))
}

// rpField is a header field name in a quoted header block.
type rpField uint8

const (
	rpFieldNone rpField = iota
	rpFieldFrom
	rpFieldTo
	rpFieldCc
	rpFieldSubject
	rpFieldDate
	// rpFieldOther is a further line of a header block (Reply-To,
	// Importance, Attachments): part of the block, not counted for it.
	rpFieldOther
)

// rpInlineFields are further fields on the From line itself, as HTML with
// <b>From:</b> … <b>Date:</b> … renders when no line break separates them.
var rpInlineFields = []struct {
	s string
	f rpField
}{
	{" Sent: ", rpFieldDate}, {" Date: ", rpFieldDate}, {" To: ", rpFieldTo},
	{" Subject: ", rpFieldSubject}, {" Verzonden: ", rpFieldDate},
	{" Datum: ", rpFieldDate}, {" Aan: ", rpFieldTo}, {" Onderwerp: ", rpFieldSubject},
}

// rpHeaderField reads "From: …", "*Van:* …", "De : …" at the start of l.
func rpHeaderField(l string) (rpField, string) {
	t := strings.TrimLeft(l, " \t*")
	head := t
	if len(head) > 32 {
		head = head[:32] // a field name is short; keeps the work per line bounded
	}
	i := strings.IndexByte(head, ':')
	if i <= 0 || i > 24 {
		return rpFieldNone, ""
	}
	name := strings.ToLower(strings.TrimFunc(t[:i], func(r rune) bool {
		return r == '*' || unicode.IsSpace(r) || r == '\u200e' || r == '\u200f'
	}))
	f := rpFieldNames[name]
	if f == rpFieldNone {
		return rpFieldNone, ""
	}
	return f, strings.TrimLeft(t[i+1:], "* \t")
}

// rpHeaderBlockAt reports whether an Outlook-style header block of quoted
// history starts at line i: a From (or Date/Sent) line and more header
// lines within the next few. Clients write From, Sent/Date, To and Subject
// (an empty Subject or To still has its line), so From and two more kinds
// of field make a block. Two fields make one only when they look written
// by a program: From with an address ("From: bob@example.com / Date: …"),
// or a date with seconds or a zone ("Date: Wed, 16 May 2012 00:15:02 -0600
// / To: …"); or after a divider line (weak). A complainant's "Datum:
// 12-11-2026 om 14:30 / Aan: … / Onderwerp: …" or "Van: de heer X / Datum:
// 3 november 2026 om 16:45" in the new text is not a block.
func rpHeaderBlockAt(lines []string, fields []rpField, i int, weak bool) bool {
	if fields[i] != rpFieldFrom && fields[i] != rpFieldDate {
		return false
	}
	f0, rest := rpHeaderField(lines[i])
	if f0 != rpFieldFrom && f0 != rpFieldDate {
		return false
	}
	// A header's date has a time ("Verzonden: maandag 23 november 2026
	// 10:12"); a complainant's "Datum: 12-11-2026" above "Onderwerp: …"
	// does not.
	if f0 == rpFieldDate && !rpHasTime(rest) {
		return false
	}
	var seen [rpFieldDate + 1]bool
	seen[f0] = true
	fromAddr, machineDate := false, false
	if len(rest) <= rpMaxHeaderLen {
		for _, in := range rpInlineFields {
			if strings.Contains(rest, in.s) {
				seen[in.f] = true
			}
		}
		if f0 == rpFieldFrom {
			fromAddr = rpHasAddress(rest)
		}
		// "From: a Date: Wed, 16 May 2012 00:15:02 -0600" on one line, or
		// a Date line.
		machineDate = rpMachineDate(rest)
	}
	misses := 0
	for k := i + 1; k < len(lines) && k <= i+8; k++ {
		if f := fields[k]; f != rpFieldNone {
			if f != rpFieldOther {
				seen[f] = true
			}
			misses = 0
			if f == rpFieldDate && !machineDate && len(lines[k]) <= rpMaxHeaderLen {
				_, v := rpHeaderField(lines[k])
				machineDate = rpMachineDate(v)
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
	if seen[rpFieldFrom] && distinct >= 3 {
		return true
	}
	if seen[rpFieldFrom] && distinct >= 2 && (weak || fromAddr) {
		return true
	}
	return seen[rpFieldDate] && (seen[rpFieldTo] || seen[rpFieldSubject]) && (weak || machineDate)
}

// rpHasAddress reports an e-mail address ("bob@example.com",
// "[mailto:bob@example.com]") in a header value.
func rpHasAddress(v string) bool {
	at := strings.IndexByte(v, '@')
	return at > 0 && at+1 < len(v) && v[at-1] != ' ' && v[at+1] != ' '
}

// rpMachineDate reports a date as a program writes it: with seconds
// ("00:15:02") or a numeric zone ("-0600", "+01:00").
func rpMachineDate(v string) bool {
	for i := 0; i+4 < len(v); i++ {
		c := v[i]
		if c == ':' && i >= 2 && rpDigit(v[i-1]) && rpDigit(v[i+1]) && rpDigit(v[i+2]) &&
			i+5 < len(v) && v[i+3] == ':' && rpDigit(v[i+4]) && rpDigit(v[i+5]) {
			return true
		}
		if (c == '+' || c == '-') && (i == 0 || v[i-1] == ' ' || v[i-1] == 'T') &&
			rpDigit(v[i+1]) && rpDigit(v[i+2]) && rpDigit(v[i+3]) && rpDigit(v[i+4]) &&
			(i+5 == len(v) || !rpDigit(v[i+5])) {
			return true
		}
	}
	return false
}

// rpQuoteHeaderAt looks for a quote header ("On … wrote:") starting on line
// i, possibly after new text on the same line, over at most five lines. It
// returns the last line of the header, the text in front of it on line i,
// and whether the header starts in the middle of the line.
func rpQuoteHeaderAt(lines []string, i int) (end int, prefix string, mid, ok bool) {
	first := lines[i]
	if len(first) > 2*rpMaxHeaderLen {
		return 0, "", false, false
	}
	s0 := len(first) - len(strings.TrimLeft(first, " \t*"))
	var starts []int
	// A header starts with an opener word or with dashes; most lines do
	// not, and cost no more than this look.
	w := strings.ToLower(first[s0:min(len(first), s0+16)])
	if strings.HasPrefix(w, "--") || rpHasOpener(w) || rpDateFirst(w) {
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
			if len(joined) > rpMaxHeaderLen {
				break
			}
			if rpIsQuoteHeader(joined) {
				return i + k, first[:s], s != s0, true
			}
		}
	}
	return 0, "", false, false
}

// rpIsQuoteHeader reports whether t (one or more lines joined) is a quote
// header: an opener word, a digit (date or time), and a verb at the end
// before the colon ("wrote:", "schreef:", "het volgende geschreven:") or
// before the name ("schreef Sanne <…>:"). Dashed Android headers
// ("---- John Smith wrote ----") need no opener or date.
func rpIsQuoteHeader(t string) bool {
	t = strings.TrimSpace(t)
	leadDash := strings.HasPrefix(t, "--")
	trailDash := strings.HasSuffix(t, "-")
	t = strings.Trim(t, "- \t")
	colon := strings.HasSuffix(t, ":") || strings.HasSuffix(t, "：")
	if colon {
		t = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(t, ":"), "："))
	}
	lower := strings.ToLower(t)
	endVerb := rpEndsWithVerb(lower)
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
	named := rpHasTime(t) || strings.Contains(t, "@") || rpHasDottedTime(lower)
	if !named || rpHasSentenceBreak(t) {
		return false
	}
	midVerb := false
	for _, v := range rpMidVerbs {
		if strings.Contains(lower, v) {
			midVerb = true
			break
		}
	}
	switch {
	case rpHasOpener(lower):
		return endVerb || (colon && midVerb)
	case rpDateFirst(lower):
		// "2014-10-17 11:28 GMT+03:00 Name <addr>:", "ср, 12 мая 2021 г. в
		// 10:00, Name <addr>:", "ons. 3. jan. 2024 kl. 10.00 skrev Name:".
		return endVerb || (colon && midVerb) || (colon && strings.HasSuffix(t, ">") && strings.Contains(t, "@") && rpHasDate(t))
	case strings.Contains(t, "@"):
		// The name first: "Name <addr> schrieb am So., 23. Juni 2024,
		// 21:08:", "Name <addr> wrote:".
		return colon && (midVerb || endVerb)
	}
	return false
}

func rpHasOpener(lower string) bool {
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
	return rpOpeners[w]
}

func rpEndsWithVerb(lower string) bool {
	for _, v := range rpEndVerbs {
		if strings.HasSuffix(lower, v) {
			before, _ := utf8.DecodeLastRuneInString(lower[:len(lower)-len(v)])
			if len(lower) == len(v) || !unicode.IsLetter(before) {
				return true
			}
		}
	}
	return false
}

// rpHasSentenceBreak reports ". X" after a word of four letters or more:
// "On 12 May I visited your shop. Your colleague wrote:" is new text, not a
// header; "Op ma 23 nov. 2026" and "Jan. Smith" are fine.
func rpHasSentenceBreak(t string) bool {
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

// rpPersonWords are words a writer uses for someone ("uw collega", "your
// colleague", "de monteur"); a client's quote header names a person or an
// address instead.
var rpPersonWords = map[string]bool{
	"uw": true, "jouw": true, "je": true, "mijn": true, "mij": true, "me": true,
	"ons": true, "onze": true, "jullie": true, "hij": true, "zij": true, "ze": true,
	"your": true, "my": true, "our": true, "us": true, "he": true, "she": true,
	"they": true, "his": true, "her": true, "their": true, "the": true,
}

// rpTellsOfSomeone reports whether a quote header without an address
// ("Op 12-11-2026 om 14:30 schreef uw collega mij:", "On 12/11/2026 at
// 14:30 your colleague wrote:") is the writer's own sentence: it has a
// lower-case pronoun or article, or a lower-case word right after
// "schreef"/"wrote". Clients write the sender's name there ("schreef
// Ingressus Klachten:", "Ingressus Complaints wrote:").
func rpTellsOfSomeone(first string, more []string) bool {
	t := first
	for _, l := range more {
		t += " " + l
	}
	if len(t) > rpMaxHeaderLen || strings.Contains(t, "@") {
		return false
	}
	words := strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) })
	for k, w := range words {
		if rpPersonWords[w] {
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

// rpAttrContinues reports whether line cur continues the attribution begun on
// the line above ("… Postmaster <\npostmaster@example.org>:").
func rpAttrContinues(above, cur string) bool {
	a := strings.TrimSpace(above)
	if strings.HasSuffix(a, "<") || strings.HasSuffix(a, ",") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(strings.TrimSpace(cur))
	return !unicode.IsUpper(r) && !unicode.IsDigit(r)
}

// rpLooksAttribution reports whether t, just above a quote, introduces it:
// it names an address and ends in a colon, or in "<addr>" after a date.
// "Op 12 mei om 10:00 zei uw monteur:" names no address and stays.
func rpLooksAttribution(t string) bool {
	t = strings.TrimSpace(t)
	if len(t) > rpMaxHeaderLen || !strings.Contains(t, "@") {
		return false
	}
	return strings.HasSuffix(t, ":") || (strings.HasSuffix(t, ">") && rpHasDate(t))
}

// rpHasTime reports a time (h:mm) in t.
func rpHasTime(t string) bool {
	for i := 1; i+2 < len(t); i++ {
		if t[i] == ':' && rpDigit(t[i-1]) && rpDigit(t[i+1]) && rpDigit(t[i+2]) {
			return true
		}
	}
	return false
}

func rpDigit(c byte) bool { return c >= '0' && c <= '9' }

// rpHasDate reports a year (19xx, 20xx) or a time (h:mm) in t.
func rpHasDate(t string) bool {
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

// rpIsMobileSignature reports "Sent from my iPhone", "Verzonden vanaf mijn
// iPhone", "Get Outlook for iOS", "Outlook voor iOS downloaden" and the
// like: short, no sentence in it ("Sent from my desk, is much easier …" is
// text).
func rpIsMobileSignature(l string) bool {
	t := strings.TrimSpace(l)
	if len(t) > 100 || strings.Contains(t, ", ") || strings.Contains(t, ". ") ||
		len(strings.Fields(t)) > 10 {
		return false
	}
	lower := strings.ToLower(t)
	for _, p := range rpMobilePrefixes {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	return false
}

// rpSpaceOrInvisible reports white space and the invisible characters
// mail tools leave at the end of a mail: the tracking mark U+1427 ("ᐧ")
// that Gmail add-ons append, zero-width spaces and joiners, BOM.
func rpSpaceOrInvisible(r rune) bool {
	switch r {
	case '\u1427', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
		return true
	}
	return unicode.IsSpace(r)
}

// rpIsSeparatorLine reports a line of only dashes, underscores, equals
// signs or stars.
func rpIsSeparatorLine(l string) bool {
	t := strings.TrimSpace(l)
	return len(t) >= 2 && strings.Trim(t, "-_=*~") == ""
}

// rpCleanup trims trailing white space from every line, drops leading
// blank lines, and drops trailing blank lines, separator lines and mobile
// signatures.
func rpCleanup(lines []string) []string {
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, rpSpaceOrInvisible)
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 {
		last := lines[len(lines)-1]
		if last == "" || rpIsSeparatorLine(last) || rpIsMobileSignature(last) {
			lines = lines[:len(lines)-1]
			continue
		}
		break
	}
	return lines
}
