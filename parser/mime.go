package parser

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset" // windows-1252, iso-8859-*, … for bodies and encoded words
	"golang.org/x/text/encoding/charmap"
)

// Bounds on the MIME walk: a message beyond them is still read, but the
// rest is skipped and a defect recorded.
const (
	defaultMaxBytes = 25 << 20
	maxParts        = 1000
	maxDepth        = 20
	maxHeaderFields = 2000
)

// headerField is one unfolded header field as it was written.
type headerField struct {
	Key   string // as written
	Value string // unfolded, raw (not decoded)
}

// header is a lenient header block: fields in order, looked up
// case-insensitively.
type header []headerField

func (h header) get(key string) string {
	for _, f := range h {
		if strings.EqualFold(f.Key, key) {
			return f.Value
		}
	}
	return ""
}

func (h header) values(key string) []string {
	var vs []string
	for _, f := range h {
		if strings.EqualFold(f.Key, key) {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// isFieldName reports whether b is a header field name (RFC 5322 §3.6.8:
// printable US-ASCII except ':'), allowing trailing blanks before the colon
// as seen in practice ("Subject :").
func isFieldName(b []byte) bool {
	b = bytes.TrimRight(b, " \t")
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '!' || c > '~' || c == ':' {
			return false
		}
	}
	return true
}

// nextLine returns the line at the start of b without its line break, and
// the rest after the break.
func nextLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return bytes.TrimSuffix(b, []byte("\r")), nil
	}
	return bytes.TrimSuffix(b[:i], []byte("\r")), b[i+1:]
}

// readHeader splits b into its header block and body. It is lenient: a
// line that is neither a field nor a continuation inside the block is taken
// as a continuation (seen in practice: an unindented "name=…" parameter
// line), and a block without the empty line ends at the end of input. ok is
// false when b does not start with a header field at all.
func readHeader(b []byte, defects *[]string) (h header, body []byte, ok bool) {
	rest := b
	// An mbox "From " line before the header is no header field; skip it.
	if bytes.HasPrefix(rest, []byte("From ")) || bytes.HasPrefix(rest, []byte(">From ")) {
		_, rest = nextLine(rest)
	}
	if first, _ := nextLine(rest); len(first) == 0 {
		// Empty header block: the body follows at once.
		_, rest = nextLine(rest)
		return nil, rest, true
	}
	var (
		key      string
		val      strings.Builder // the field being read; a Builder, as folding may be long
		have     bool
		defects1 = map[string]bool{}
	)
	defect := func(d string) {
		if !defects1[d] {
			defects1[d] = true
			*defects = append(*defects, d)
		}
	}
	flush := func() {
		if have {
			h = append(h, headerField{Key: key, Value: strings.TrimSpace(val.String())})
			val.Reset()
			have = false
		}
	}
	appendCont := func(line []byte) {
		if t := bytes.TrimSpace(line); len(t) > 0 {
			val.WriteByte(' ')
			val.Write(t)
		}
	}
	for len(rest) > 0 {
		line, after := nextLine(rest)
		if len(line) == 0 {
			flush()
			return h, after, true
		}
		if line[0] == ' ' || line[0] == '\t' {
			if !have {
				// RFC 5322 §2.2.3: a continuation needs a field before it.
				defect("header: continuation line before any field")
			} else {
				appendCont(line)
			}
			rest = after
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon > 0 && isFieldName(line[:colon]) {
			flush()
			if len(h) >= maxHeaderFields {
				defect(fmt.Sprintf("header: more than %d fields, rest skipped", maxHeaderFields))
				// Skip to the end of the block.
				for len(rest) > 0 {
					l, a := nextLine(rest)
					rest = a
					if len(l) == 0 {
						break
					}
				}
				return h, rest, true
			}
			key = string(bytes.TrimRight(line[:colon], " \t"))
			val.Write(bytes.TrimSpace(line[colon+1:]))
			have = true
			rest = after
			continue
		}
		if !have && len(h) == 0 {
			// A broken first line (": empty name") above real fields is
			// skipped; text that is no header at all is no header.
			next, _ := nextLine(after)
			if c := bytes.IndexByte(next, ':'); len(after) == 0 || c <= 0 || !isFieldName(next[:c]) {
				return nil, b, false
			}
			defect("header: malformed line before the first field skipped")
			rest = after
			continue
		}
		// QUIRK: a line that is no field inside the header block; take it
		// as folded onto the previous field, as most readers do.
		defect("header: malformed line taken as continuation")
		if have {
			appendCont(line)
		}
		rest = after
	}
	flush()
	return h, nil, true
}

// wordDecoder decodes RFC 2047 encoded words in any charset go-message
// knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// decodeHeaderText decodes encoded words in a header value. Undecodable
// words are kept as written; raw 8-bit bytes that are no UTF-8 are read as
// windows-1252.
func decodeHeaderText(v string) string {
	v = toUTF8(v)
	if !strings.Contains(v, "=?") {
		return v
	}
	d, err := wordDecoder.DecodeHeader(v)
	if err != nil {
		return v
	}
	return d
}

// toUTF8 returns s unchanged when it is valid UTF-8, else reads it as
// windows-1252 (a superset of iso-8859-1 in the printable range; seen in
// practice in undeclared 8-bit mail).
func toUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	out, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return out
}

var paramRe = regexp.MustCompile(`(?i)([a-z0-9*_.\-]+)\s*=\s*("(?:[^"\\]|\\.)*"?|[^;\s]*)`)

// parseMediaType parses a Content-Type or Content-Disposition value. It
// falls back to a lenient reading when mime.ParseMediaType refuses the value
// (seen in practice: duplicate parameters, a missing ';', unquoted
// tspecials like "name=Invoice_(1).pdf"). Parameter names are lower-case;
// encoded words in values are decoded.
func parseMediaType(v string) (string, map[string]string) {
	if strings.TrimSpace(v) == "" {
		return "", map[string]string{}
	}
	mt, params, err := mime.ParseMediaType(v)
	if err != nil {
		mt, params = "", map[string]string{}
		head, tail, _ := strings.Cut(v, ";")
		fields := strings.Fields(head)
		if len(fields) > 0 {
			mt = strings.ToLower(fields[0])
			if len(fields) > 1 {
				tail = strings.Join(fields[1:], " ") + ";" + tail
			}
		}
		for _, m := range paramRe.FindAllStringSubmatch(tail, -1) {
			k := strings.ToLower(m[1])
			val := m[2]
			if strings.HasPrefix(val, `"`) {
				val = strings.TrimSuffix(strings.TrimPrefix(val, `"`), `"`)
				val = strings.ReplaceAll(val, `\"`, `"`)
			}
			if _, dup := params[k]; !dup {
				params[k] = val
			}
		}
	}
	for k, val := range params {
		params[k] = decodeHeaderText(val)
	}
	return strings.ToLower(strings.TrimSpace(mt)), params
}

// decodeTransfer undoes a Content-Transfer-Encoding, leniently.
func decodeTransfer(enc string, b []byte, defects *[]string) []byte {
	enc = strings.ToLower(strings.Trim(strings.TrimSpace(enc), `"'`))
	switch enc {
	case "", "7bit", "8bit", "binary", "7-bit", "8-bit":
		return b
	case "quoted-printable", "quotedprintable", "qp":
		return decodeQP(b, defects)
	case "base64", "base-64":
		return decodeBase64(b, defects)
	default:
		*defects = append(*defects, fmt.Sprintf("content-transfer-encoding %q unknown: body kept as is", enc))
		return b
	}
}

// decodeQP decodes quoted-printable (RFC 2045 §6.7) without failing: a bad
// escape is kept as written.
func decodeQP(b []byte, defects *[]string) []byte {
	out := make([]byte, 0, len(b))
	bad := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		// Soft line break: "=" then optional blanks then CRLF or LF.
		j := i + 1
		for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if j < len(b) && b[j] == '\n' {
			i = j
			continue
		}
		if j+1 < len(b) && b[j] == '\r' && b[j+1] == '\n' {
			i = j + 1
			continue
		}
		if j == len(b) {
			i = j
			continue
		}
		if i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]) {
			out = append(out, unhex(b[i+1])<<4|unhex(b[i+2]))
			i += 2
			continue
		}
		bad = true
		out = append(out, c)
	}
	if bad {
		*defects = append(*defects, "quoted-printable: malformed escape kept as written")
	}
	return out
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// decodeBase64 decodes base64 leniently: characters outside the alphabet
// are skipped, padding ends a group (seen in practice: several encoded
// blobs glued together), and a truncated last group is dropped.
func decodeBase64(b []byte, defects *[]string) []byte {
	out := make([]byte, 0, len(b)*3/4+3)
	// Decoded in whole groups of 4 through a small buffer, straight into
	// out: a 25 MB attachment costs its decoded size, not several copies.
	var chunk [4096]byte
	n := 0
	bad := false
	flush := func(final bool) {
		m := n
		if !final {
			m -= m % 4
		} else if m%4 == 1 {
			m--
			bad = true
		}
		start := len(out)
		out = out[:start+base64.RawStdEncoding.DecodedLen(m)]
		k, err := base64.RawStdEncoding.Decode(out[start:], chunk[:m])
		if err != nil {
			bad = true
		}
		out = out[:start+k]
		n = copy(chunk[:], chunk[m:n])
		if final {
			n = 0
		}
	}
	for _, c := range b {
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '+', c == '/':
			chunk[n] = c
			n++
			if n == len(chunk) {
				flush(false)
			}
		case c == '=':
			if n > 0 {
				flush(true)
			}
		case c == ' ', c == '\t', c == '\r', c == '\n':
		default:
			bad = true
		}
	}
	if n > 0 {
		flush(true)
	}
	if bad {
		*defects = append(*defects, "base64: malformed input decoded as far as possible")
	}
	return out
}

var metaCharsetRe = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?([a-z0-9_\-:.]+)`)

// decodeCharset converts a text part's bytes to UTF-8. Without a declared
// charset (or with us-ascii, often a lie) valid UTF-8 stays as it is and
// anything else is read as windows-1252. An unknown charset is a defect; the
// bytes are then read the same way.
func decodeCharset(b []byte, cs string, isHTML bool, defects *[]string) string {
	cs = strings.ToLower(strings.Trim(strings.TrimSpace(cs), `"'`))
	if cs == "" && isHTML {
		head := b
		if len(head) > 4096 {
			head = head[:4096]
		}
		if m := metaCharsetRe.FindSubmatch(head); m != nil {
			cs = strings.ToLower(string(m[1]))
		}
	}
	switch cs {
	case "", "us-ascii", "ascii", "utf-8", "utf8", "unicode-1-1-utf-8", "x-unknown", "unknown-8bit", "default":
		if utf8.Valid(b) {
			return string(b)
		}
		if cs == "utf-8" || cs == "utf8" {
			*defects = append(*defects, "charset: declared utf-8 but invalid, read as windows-1252")
		}
		return toUTF8(string(b))
	}
	if lyingLabel(b, cs) {
		// Seen in practice: a client labels UTF-8 text Big5 or Latin-1.
		// 8-bit bytes that are valid UTF-8 are hardly ever anything else.
		*defects = append(*defects, fmt.Sprintf("charset %q: bytes are valid utf-8, read as utf-8", cs))
		return string(b)
	}
	r, err := charset.Reader(cs, bytes.NewReader(b))
	if err != nil {
		*defects = append(*defects, fmt.Sprintf("charset %q unknown: read as utf-8/windows-1252", cs))
		return toUTF8(string(b))
	}
	out, err := io.ReadAll(r)
	if err != nil {
		*defects = append(*defects, fmt.Sprintf("charset %q: %v", cs, err))
		if len(out) == 0 {
			return toUTF8(string(b))
		}
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// lyingLabel reports a declared charset that the bytes contradict: they
// hold 8-bit sequences and are valid UTF-8. Charsets that are 7-bit
// (ISO-2022-*, UTF-7) or wide (UTF-16/32) are taken at their word.
func lyingLabel(b []byte, cs string) bool {
	if strings.HasPrefix(cs, "utf-16") || strings.HasPrefix(cs, "utf-32") || strings.HasPrefix(cs, "ucs") ||
		strings.HasPrefix(cs, "iso-2022") || cs == "utf-7" || cs == "hz-gb-2312" {
		return false
	}
	eight := false
	for _, c := range b {
		if c >= 0x80 {
			eight = true
			break
		}
	}
	if !eight || !utf8.Valid(b) {
		return false
	}
	// C1 controls (U+0080–U+009F) are no text: "\xc2\x80" is "Â€" in
	// windows-1250, not UTF-8.
	for _, r := range string(b) {
		if r >= 0x80 && r <= 0x9f {
			return false
		}
	}
	return true
}

// splitMultipart splits a multipart body on its boundary (RFC 2046 §5.1.1).
// Lenient: a missing close delimiter ends the last part at the end of input,
// and text after the close delimiter (the epilogue) is dropped.
func splitMultipart(body []byte, boundary string, defects *[]string) [][]byte {
	delim := []byte("--" + boundary)
	var parts [][]byte
	start := -1 // start of the current part's content
	closed := false
	pos := 0
	for pos <= len(body) {
		lineStart := pos
		line, _ := nextLine(body[pos:])
		nl := bytes.IndexByte(body[pos:], '\n')
		next := len(body) + 1
		if nl >= 0 {
			next = pos + nl + 1
		}
		if bytes.HasPrefix(line, delim) {
			tail := bytes.TrimRight(line[len(delim):], " \t")
			isClose := bytes.Equal(tail, []byte("--"))
			if len(tail) == 0 || isClose {
				if start >= 0 {
					end := lineStart
					// The line break before a delimiter belongs to it.
					if end > start && body[end-1] == '\n' {
						end--
						if end > start && body[end-1] == '\r' {
							end--
						}
					}
					if end < start {
						end = start
					}
					parts = append(parts, body[start:end])
				}
				if isClose {
					closed = true
					break
				}
				start = next
				if start > len(body) {
					start = len(body)
				}
				if len(parts) >= maxParts {
					*defects = append(*defects, fmt.Sprintf("multipart: more than %d parts, rest skipped", maxParts))
					return parts
				}
			}
		}
		if nl < 0 {
			break
		}
		pos = next
	}
	if !closed {
		if start >= 0 {
			parts = append(parts, body[start:])
			*defects = append(*defects, "multipart: close delimiter missing")
		} else {
			*defects = append(*defects, "multipart: boundary not found")
		}
	}
	return parts
}

// walker collects the text, HTML and attachments of a message.
type walker struct {
	defects     []string
	attachments []Attachment
	// alternatives are the texts of every alternative met, for form-field
	// parsing: a form's text and HTML versions may differ.
	alternatives []string
	// maxAttachment: attachments bigger than this are not decoded (0: all).
	maxAttachment int
}

// bodyText is what an entity contributes to the message's text.
type bodyText struct {
	text, html string
	hasText    bool
	hasHTML    bool
}

// walk visits one entity of the tree.
func (w *walker) walk(e *entity) bodyText {
	h, mt, params := e.header, e.mediaType, e.params
	disp, dparams := "", map[string]string{}
	for _, v := range h.values("Content-Disposition") {
		d, p := parseMediaType(v)
		// QUIRK: seen in practice, two Content-Disposition fields (inline,
		// then attachment); attachment wins.
		if disp == "" || d == "attachment" {
			disp = d
			for k, val := range p {
				dparams[k] = val
			}
		}
	}
	// Seen in practice: the name in Content-Type's "filename" or "file",
	// or in Content-Disposition's "name".
	filename := firstNonEmpty(dparams["filename"], params["name"], params["filename"], params["file"], dparams["name"])

	if !strings.HasPrefix(mt, "multipart/") {
		return w.leaf(e, mt, disp, filename)
	}
	switch {
	case e.notSplit:
		// No boundary, or one that never occurs: the body is one text.
		return w.leaf(e, "text/plain", "", "")
	case e.tooDeep:
		return bodyText{}
	}
	var out bodyText
	for _, p := range e.parts {
		bt := w.walk(p)
		if mt == "multipart/alternative" {
			if bt.hasText {
				w.alternatives = append(w.alternatives, bt.text)
			}
			if bt.hasHTML {
				w.alternatives = append(w.alternatives, formText(bt.html))
			}
			// RFC 2046 §5.1.4: alternatives are not joined; keep the
			// first text and the first HTML.
			if bt.hasText && !out.hasText {
				out.text, out.hasText = bt.text, true
			}
			if bt.hasHTML && !out.hasHTML {
				out.html, out.hasHTML = bt.html, true
			}
			continue
		}
		// Other multiparts: text parts in a row are joined (the way
		// enmime does it, with a "--" line between them).
		if bt.hasText {
			if out.hasText {
				out.text = strings.TrimRight(out.text, "\r\n") + "\n\n--\n" + bt.text
			} else {
				out.text, out.hasText = bt.text, true
			}
		}
		if bt.hasHTML {
			out.html += bt.html
			out.hasHTML = true
		}
	}
	return out
}

// leaf handles a single (non-multipart) part, read as type mt.
func (w *walker) leaf(e *entity, mt, disp, filename string) bodyText {
	params := e.params
	isText := disp != "attachment" && (mt == "text/plain" || mt == "text/html")
	if !isText && w.maxAttachment > 0 && len(e.raw)*3/4 > w.maxAttachment {
		// Too big to relay anyway: not decoded, so a 25 MB attachment
		// costs no second copy. The raw mail keeps it.
		w.defects = append(w.defects, fmt.Sprintf("attachment %q (%d bytes) over the relay limit: not decoded", filename, len(e.raw)*3/4))
		w.attachments = append(w.attachments, Attachment{Filename: filename, ContentType: mt, Size: len(e.raw) * 3 / 4})
		return bodyText{}
	}
	data := e.body()
	isAttachment := disp == "attachment"
	switch {
	case !isAttachment && mt == "text/plain":
		text := decodeCharset(data, params["charset"], false, &w.defects)
		if strings.EqualFold(strings.TrimSpace(params["format"]), "flowed") {
			text = unflow(text, strings.EqualFold(strings.TrimSpace(params["delsp"]), "yes"))
		}
		return bodyText{text: text, hasText: true}
	case !isAttachment && mt == "text/html":
		return bodyText{html: decodeCharset(data, params["charset"], true, &w.defects), hasHTML: true}
	}
	if filename == "" {
		switch mt {
		case "message/rfc822":
			filename = "message.eml"
		}
	}
	w.attachments = append(w.attachments, Attachment{
		Filename:    filename,
		ContentType: mt,
		Size:        len(data),
		Data:        data,
	})
	return bodyText{}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// unflow undoes format=flowed (RFC 3676 §4.2): a line that ends in a
// blank is joined with the next, and with delsp=yes that blank is removed;
// a space-stuffed line loses its first blank. Quoted lines (">") and the
// signature separator "-- " are left as they are. Drupal sends all its mail
// this way (delsp=yes), so a long description comes wrapped at 77 columns.
func unflow(s string, delsp bool) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	buf := make([]byte, 0, len(s))
	joining := false
	for i, l := range strings.Split(s, "\n") {
		quoted := strings.HasPrefix(l, ">")
		if i > 0 && !(joining && !quoted) {
			buf = append(buf, '\n')
		}
		if !quoted {
			l = strings.TrimPrefix(l, " ") // space-stuffing
		}
		buf = append(buf, l...)
		joining = !quoted && strings.HasSuffix(l, " ") && l != "-- "
		if joining && delsp {
			buf = buf[:len(buf)-1]
		}
	}
	return string(buf)
}
