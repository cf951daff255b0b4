package parser

import (
	"bytes"
	"encoding/base64"
	"mime"
	"strings"

	"github.com/emersion/go-message/charset"
)

// Bounds on the work ClassifyMachine does for one message.
const (
	classifyMaxBytes    = 4 << 20  // read at most this much of raw
	classifyMaxParts    = 1000     // MIME parts looked at
	classifyMaxDepth    = 12       // multipart nesting followed
	classifyMaxText     = 64 << 10 // body text scanned for phrases and addresses
	classifyMaxField    = 1000     // header fields kept per header block
	classifyMaxFieldLen = 64 << 10 // bytes kept of one header field
)

// hfield is one header field: the name lower-cased, the value unfolded.
type hfield struct {
	name, value string
}

// cheader is a header block read leniently: any bytes, no field is fatal.
type cheader []hfield

// get returns the first value of the named (lower-case) field, trimmed.
func (h cheader) get(name string) string {
	for _, f := range h {
		if f.name == name {
			return strings.TrimSpace(f.value)
		}
	}
	return ""
}

// has reports whether the named (lower-case) field is present, even empty.
func (h cheader) has(name string) bool {
	for _, f := range h {
		if f.name == name {
			return true
		}
	}
	return false
}

// values returns all values of the named (lower-case) field.
func (h cheader) values(name string) []string {
	var vs []string
	for _, f := range h {
		if f.name == name {
			vs = append(vs, strings.TrimSpace(f.value))
		}
	}
	return vs
}

// clSplitHeader splits b at the first empty line into the header block and
// the body. With no empty line the whole of b is header (a header-only mail).
func clSplitHeader(b []byte) (head, body []byte) {
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return b, nil
		}
		line := b[i : i+j]
		if len(line) == 0 || (len(line) == 1 && line[0] == '\r') {
			return b[:i], b[i+j+1:]
		}
		i += j + 1
	}
	return b, nil
}

// clParseHeader reads a header block leniently: lines without a colon are
// skipped, 8-bit bytes and NULs are kept as they are, continuation lines are
// joined. A leading mbox "From " line is skipped (seen in maildir dumps).
func clParseHeader(b []byte) cheader {
	type field struct {
		name  string
		value []byte
	}
	var fs []field
	// add continues the last field's value, amortized and capped, so that
	// a header of a million folded lines costs linear time.
	add := func(line []byte) {
		f := &fs[len(fs)-1]
		if len(f.value) < classifyMaxFieldLen {
			f.value = append(append(f.value, ' '), bytes.TrimSpace(line)...)
		}
	}
	for i, line := range bytes.Split(b, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(fs) > 0 {
				add(line)
			}
			continue
		}
		if i == 0 && (bytes.HasPrefix(line, []byte("From ")) || bytes.HasPrefix(line, []byte(">From "))) {
			continue
		}
		k := bytes.IndexByte(line, ':')
		if k <= 0 {
			// Seen in practice: a parameter continued on an unindented
			// line ("Content-Type: multipart/alternative;\nboundary=…").
			if n := len(fs); n > 0 && bytes.HasSuffix(bytes.TrimSpace(fs[n-1].value), []byte(";")) && bytes.IndexByte(line, '=') > 0 {
				add(line)
			}
			continue
		}
		name := strings.ToLower(string(bytes.TrimSpace(line[:k])))
		if name == "" || strings.ContainsAny(name, " \t") {
			continue
		}
		if len(fs) >= classifyMaxField {
			break
		}
		v := line[k+1:]
		if len(v) > classifyMaxFieldLen {
			v = v[:classifyMaxFieldLen]
		}
		fs = append(fs, field{name: name, value: append([]byte(nil), v...)})
	}
	h := make(cheader, len(fs))
	for i, f := range fs {
		h[i] = hfield{name: f.name, value: string(f.value)}
	}
	return h
}

// clMediaType returns the lower-case media type of a Content-Type value and its
// parameters; a value mime.ParseMediaType refuses is read by hand, so that a
// broken boundary parameter still splits the parts.
func clMediaType(v string) (string, map[string]string) {
	if v == "" {
		return "", nil
	}
	t, params, err := mime.ParseMediaType(v)
	if err == nil {
		return t, params
	}
	parts := strings.Split(v, ";")
	t = strings.ToLower(strings.TrimSpace(parts[0]))
	params = map[string]string{}
	for _, p := range parts[1:] {
		k, val, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = strings.Trim(strings.TrimSpace(val), `"'`)
		if _, dup := params[k]; !dup {
			params[k] = val
		}
	}
	return t, params
}

// cpart is one leaf of the MIME tree.
type cpart struct {
	header    cheader
	mediaType string
	body      []byte // transfer-decoded
	// inner is true for parts inside a message/rfc822 (the returned
	// original of a bounce): their headers and text are not the sender's.
	inner bool
}

// cmessage is a message read for classification.
type cmessage struct {
	header     cheader
	mediaType  string
	reportType string
	parts      []cpart
	// inner holds the header blocks of embedded messages
	// (message/rfc822, text/rfc822-headers): the returned original.
	inner []cheader
}

// readClassifyMessage walks raw leniently and within the classify bounds.
func readClassifyMessage(raw []byte) *cmessage {
	if len(raw) > classifyMaxBytes {
		raw = raw[:classifyMaxBytes]
	}
	// Old Mac line ends: CR alone (sisimai keeps a set of such mails).
	if bytes.IndexByte(raw, '\n') < 0 && bytes.IndexByte(raw, '\r') >= 0 {
		raw = bytes.ReplaceAll(raw, []byte("\r"), []byte("\n"))
	}
	head, body := clSplitHeader(raw)
	m := &cmessage{header: clParseHeader(head)}
	var params map[string]string
	m.mediaType, params = clMediaType(m.header.get("content-type"))
	m.reportType = strings.ToLower(params["report-type"])
	m.walk(m.header, body, 0, false)
	return m
}

func (m *cmessage) walk(h cheader, body []byte, depth int, inner bool) {
	if len(m.parts) >= classifyMaxParts {
		return
	}
	t, params := clMediaType(h.get("content-type"))
	switch {
	case strings.HasPrefix(t, "multipart/") && depth < classifyMaxDepth:
		b := params["boundary"]
		if b == "" {
			break
		}
		ps := clSplitMultipart(body, b, classifyMaxParts-len(m.parts))
		if len(ps) == 0 {
			break // no delimiter in the body: read it as one text
		}
		for _, p := range ps {
			ph, pb := clSplitHeader(p)
			if len(ph) > 0 && !bytes.Contains(ph, []byte(":")) {
				// No header at all, just text: RFC 2046 §5.1.1 allows it.
				ph, pb = nil, p
			}
			m.walk(clParseHeader(ph), pb, depth+1, inner)
			if len(m.parts) >= classifyMaxParts {
				return
			}
		}
		return
	case (t == "message/rfc822" || t == "message/global") && depth < classifyMaxDepth:
		ih, ib := clSplitHeader(clDecodeTransfer(h.get("content-transfer-encoding"), body))
		ihh := clParseHeader(ih)
		m.inner = append(m.inner, ihh)
		m.walk(ihh, ib, depth+1, true)
		return
	case t == "text/rfc822-headers" || t == "message/rfc822-headers":
		ih, _ := clSplitHeader(clDecodeTransfer(h.get("content-transfer-encoding"), body))
		m.inner = append(m.inner, clParseHeader(ih))
	}
	if t == "" {
		t = "text/plain" // RFC 2045 §5.2
	}
	m.parts = append(m.parts, cpart{
		header:    h,
		mediaType: t,
		body:      clDecodeTransfer(h.get("content-transfer-encoding"), body),
		inner:     inner,
	})
}

// clSplitMultipart returns the bodies between boundary lines, at most max.
// A missing close delimiter ends the last part at the end of the input.
func clSplitMultipart(body []byte, boundary string, max int) [][]byte {
	delim := []byte("--" + boundary)
	var parts [][]byte
	start := -1
	for i := 0; i < len(body); {
		j := bytes.IndexByte(body[i:], '\n')
		end := len(body)
		if j >= 0 {
			end = i + j + 1
		}
		line := body[i:end]
		if bytes.HasPrefix(line, delim) {
			rest := bytes.TrimRight(line[len(delim):], " \t\r\n")
			closing := bytes.Equal(rest, []byte("--"))
			if len(rest) == 0 || closing {
				if start >= 0 {
					parts = append(parts, clTrimPartEnd(body[start:i]))
					if len(parts) >= max {
						return parts
					}
				}
				if closing {
					return parts
				}
				start = end
			}
		}
		i = end
	}
	if start >= 0 && start < len(body) {
		parts = append(parts, body[start:])
	}
	return parts
}

// clTrimPartEnd drops the line break that belongs to the next delimiter.
func clTrimPartEnd(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// clDecodeTransfer undoes base64 and quoted-printable leniently: bad input
// decodes as far as it goes, never fails.
func clDecodeTransfer(cte string, b []byte) []byte {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return clDecodeBase64Lenient(b)
	case "quoted-printable":
		return clDecodeQPLenient(b)
	}
	return b
}

func clDecodeBase64Lenient(b []byte) []byte {
	clean := make([]byte, 0, len(b))
	for _, c := range b {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		}
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
	}
	n, _ := base64.RawStdEncoding.Decode(out, clean)
	return out[:n]
}

func classifyUnhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

func clDecodeQPLenient(b []byte) []byte {
	out := make([]byte, 0, len(b))
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
		if j < len(b) && b[j] == '\r' {
			j++
		}
		if j < len(b) && b[j] == '\n' {
			i = j
			continue
		}
		if i+2 < len(b) {
			hi, ok1 := classifyUnhex(b[i+1])
			lo, ok2 := classifyUnhex(b[i+2])
			if ok1 && ok2 {
				out = append(out, hi<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

var classifyWordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// clDecodeHeaderText decodes RFC 2047 encoded words; on failure the raw value.
func clDecodeHeaderText(v string) string {
	d, err := classifyWordDecoder.DecodeHeader(v)
	if err != nil {
		return v
	}
	return d
}

// text returns the decoded text of the message's own text parts (not of an
// embedded original), HTML reduced to its words, bounded.
func (m *cmessage) text() string {
	var sb strings.Builder
	for _, p := range m.parts {
		if p.inner || sb.Len() >= classifyMaxText {
			continue
		}
		switch {
		case p.mediaType == "text/html":
			sb.WriteString(clStripTags(p.body))
		case strings.HasPrefix(p.mediaType, "text/"), strings.HasPrefix(p.mediaType, "multipart/"), // a multipart without boundary
			p.mediaType == "message/delivery-status",
			p.mediaType == "message/global-delivery-status", p.mediaType == "message/feedback-report",
			p.mediaType == "message/disposition-notification", p.mediaType == "application/octet-stream" && len(m.parts) == 1:
			sb.Write(p.body)
		default:
			continue
		}
		sb.WriteByte('\n')
	}
	s := sb.String()
	if len(s) > classifyMaxText {
		s = s[:classifyMaxText]
	}
	return s
}

// clStripTags reduces HTML to text: tags become line breaks, a few entities
// are decoded. Enough to find phrases and addresses.
func clStripTags(b []byte) string {
	var sb strings.Builder
	in := false
	for _, c := range b {
		switch {
		case c == '<':
			in = true
		case c == '>' && in:
			in = false
			sb.WriteByte('\n')
		case !in:
			sb.WriteByte(c)
		}
	}
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&nbsp;", " ", "&#64;", "@", "&quot;", `"`)
	return r.Replace(sb.String())
}
