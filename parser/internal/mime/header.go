package mime

import (
	"bytes"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding/charmap"
)

// Field is one unfolded header field as it was written.
type Field struct {
	Key   string // as written
	Value string // unfolded, raw (not decoded)
}

// Header is a lenient header block: fields in order, looked up
// case-insensitively.
type Header []Field

// Get returns the raw value of the first field named key.
func (h Header) Get(key string) string {
	for _, f := range h {
		if strings.EqualFold(f.Key, key) {
			return f.Value
		}
	}
	return ""
}

// Values returns the raw values of every field named key, in order.
func (h Header) Values(key string) []string {
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

// ReadHeader splits b into its header block and body. It is lenient: a
// line that is neither a field nor a continuation inside the block is taken
// as a continuation (seen in practice: an unindented "name=…" parameter
// line), and a block without the empty line ends at the end of input. ok is
// false when b does not start with a header field at all.
//
// The stages: skip an mbox "From " line; an empty block ends at once;
// then each line is a field, a continuation, or a malformed line, until
// the empty line.
func ReadHeader(b []byte, defects *[]string) (h Header, body []byte, ok bool) {
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
	r := &headerReader{defects: defects, seen: map[string]bool{}}
	for len(rest) > 0 {
		line, after := nextLine(rest)
		if len(line) == 0 {
			r.flush()
			return r.h, after, true
		}
		rest = after
		switch colon := bytes.IndexByte(line, ':'); {
		case line[0] == ' ' || line[0] == '\t':
			r.continuation(line)
		case colon > 0 && isFieldName(line[:colon]):
			if !r.field(line, colon) {
				return r.h, skipBlock(rest), true
			}
		case !r.have && len(r.h) == 0:
			// A broken first line (": empty name") above real fields is
			// skipped; text that is no header at all is no header.
			next, _ := nextLine(after)
			if c := bytes.IndexByte(next, ':'); len(after) == 0 || c <= 0 || !isFieldName(next[:c]) {
				return nil, b, false
			}
			r.defect("header: malformed line before the first field skipped")
		default:
			// QUIRK: a line that is no field inside the header block; take
			// it as folded onto the previous field, as most readers do.
			r.defect("header: malformed line taken as continuation")
			if r.have {
				r.appendCont(line)
			}
		}
	}
	r.flush()
	return r.h, nil, true
}

// headerReader is ReadHeader's state: the fields read so far and the one
// being read.
type headerReader struct {
	h       Header
	key     string
	val     strings.Builder // the field being read; a Builder, as folding may be long
	have    bool
	defects *[]string
	seen    map[string]bool // defects recorded, each once
}

func (r *headerReader) defect(d string) {
	if !r.seen[d] {
		r.seen[d] = true
		*r.defects = append(*r.defects, d)
	}
}

// flush ends the field being read.
func (r *headerReader) flush() {
	if r.have {
		r.h = append(r.h, Field{Key: r.key, Value: strings.TrimSpace(r.val.String())})
		r.val.Reset()
		r.have = false
	}
}

func (r *headerReader) appendCont(line []byte) {
	if t := bytes.TrimSpace(line); len(t) > 0 {
		r.val.WriteByte(' ')
		r.val.Write(t)
	}
}

// continuation folds an indented line onto the field being read.
func (r *headerReader) continuation(line []byte) {
	if !r.have {
		// RFC 5322 §2.2.3: a continuation needs a field before it.
		r.defect("header: continuation line before any field")
		return
	}
	r.appendCont(line)
}

// field starts a field; false when the block holds maxHeaderFields
// already (the rest of the block is then skipped).
func (r *headerReader) field(line []byte, colon int) bool {
	r.flush()
	if len(r.h) >= maxHeaderFields {
		r.defect(fmt.Sprintf("header: more than %d fields, rest skipped", maxHeaderFields))
		return false
	}
	r.key = string(bytes.TrimRight(line[:colon], " \t"))
	r.val.Write(bytes.TrimSpace(line[colon+1:]))
	r.have = true
	return true
}

// skipBlock returns what follows the end of a header block (its empty
// line), nil when the block never ends.
func skipBlock(rest []byte) []byte {
	for len(rest) > 0 {
		l, a := nextLine(rest)
		rest = a
		if len(l) == 0 {
			break
		}
	}
	return rest
}

// wordDecoder decodes RFC 2047 encoded words in any charset go-message
// knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// DecodeHeaderText decodes encoded words in a header value. Undecodable
// words are kept as written; raw 8-bit bytes that are no UTF-8 are read as
// windows-1252.
func DecodeHeaderText(v string) string {
	v = ToUTF8(v)
	if !strings.Contains(v, "=?") {
		return v
	}
	d, err := wordDecoder.DecodeHeader(v)
	if err != nil {
		return v
	}
	return d
}

// ToUTF8 returns s unchanged when it is valid UTF-8, else reads it as
// windows-1252 (a superset of iso-8859-1 in the printable range; seen in
// practice in undeclared 8-bit mail).
func ToUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	out, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return out
}
