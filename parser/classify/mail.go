package classify

import (
	"strings"

	"github.com/ingressus/klachtd/parser/internal/htmltext"
	"github.com/ingressus/klachtd/parser/internal/mime"
)

// Bounds on the work Machine does for one message. The MIME walk
// itself has the bounds of the one reader (mime.MaxParts, mime.MaxDepth).
const (
	maxBytes    = 4 << 20       // Machine reads at most this much of raw
	maxParts    = mime.MaxParts // MIME parts looked at
	maxText     = 64 << 10      // body text scanned for phrases and addresses
	maxFieldLen = 64 << 10      // bytes kept of one header field
)

// hfield is one header field: the name lower-cased, the value unfolded.
type hfield struct {
	name, value string
}

// header is a header block as the classifier looks at it: names
// lower-cased, values unfolded and bounded.
type header []hfield

// headerOf makes the classifier's view of a header block read by
// mime.ReadHeader.
func headerOf(h mime.Header) header {
	out := make(header, len(h))
	for i, f := range h {
		v := f.Value
		if len(v) > maxFieldLen {
			v = v[:maxFieldLen]
		}
		out[i] = hfield{name: strings.ToLower(f.Key), value: v}
	}
	return out
}

// get returns the first value of the named (lower-case) field, trimmed.
func (h header) get(name string) string {
	for _, f := range h {
		if f.name == name {
			return strings.TrimSpace(f.value)
		}
	}
	return ""
}

// has reports whether the named (lower-case) field is present, even empty.
func (h header) has(name string) bool {
	for _, f := range h {
		if f.name == name {
			return true
		}
	}
	return false
}

// values returns all values of the named (lower-case) field.
func (h header) values(name string) []string {
	var vs []string
	for _, f := range h {
		if f.name == name {
			vs = append(vs, strings.TrimSpace(f.value))
		}
	}
	return vs
}

// leaf is one leaf of the MIME tree, as the classifier looks at it.
type leaf struct {
	header    header
	mediaType string
	e         *mime.Entity
	// inner is true for parts inside a message/rfc822 (the returned
	// original of a bounce): their headers and text are not the sender's.
	inner bool
}

// body is the part's transfer-decoded body, decoded on first use.
func (p leaf) body() []byte { return p.e.Body() }

// Mail is a message as the classifier looks at it: the leaves of the
// one MIME tree, flattened, with the header blocks of embedded messages.
type Mail struct {
	header     header
	mediaType  string
	reportType string
	parts      []leaf
	// inner holds the header blocks of embedded messages
	// (message/rfc822, text/rfc822-headers): the returned original.
	inner []header
}

// Read reads raw (within the classify bounds) into the one
// MIME tree and flattens it for the classifier.
func Read(raw []byte) *Mail {
	if len(raw) > maxBytes {
		raw = raw[:maxBytes]
	}
	// Without a header block the root is all of raw, as text.
	root, _, _ := mime.ReadTree(raw)
	return View(root)
}

// View flattens a message's tree for the classifier.
func View(root *mime.Entity) *Mail {
	m := &Mail{header: headerOf(root.Header)}
	if root.Declared {
		m.mediaType = root.MediaType
	}
	m.reportType = strings.ToLower(root.Params["report-type"])
	m.walk(root, false)
	return m
}

func (m *Mail) walk(e *mime.Entity, inner bool) {
	if len(m.parts) >= maxParts {
		return
	}
	h := headerOf(e.Header)
	switch t := e.MediaType; {
	case len(e.Parts) > 0:
		for _, p := range e.Parts {
			m.walk(p, inner)
			if len(m.parts) >= maxParts {
				return
			}
		}
		return
	case t == "message/rfc822" || t == "message/global":
		if em := e.Message(); em != nil {
			m.inner = append(m.inner, headerOf(em.Header))
			m.walk(em, true)
			return
		}
	case t == "text/rfc822-headers" || t == "message/rfc822-headers":
		var d []string
		if ih, _, ok := mime.ReadHeader(e.Body(), &d); ok {
			m.inner = append(m.inner, headerOf(ih))
		}
	}
	m.parts = append(m.parts, leaf{header: h, mediaType: e.MediaType, e: e, inner: inner})
}

// text returns the decoded text of the message's own text parts (not of an
// embedded original), HTML reduced to its words, bounded.
func (m *Mail) text() string {
	var sb strings.Builder
	for _, p := range m.parts {
		if p.inner || sb.Len() >= maxText {
			continue
		}
		switch {
		case p.mediaType == "text/html":
			sb.WriteString(htmltext.Text(string(p.body()), htmltext.Plain))
		case strings.HasPrefix(p.mediaType, "text/"), strings.HasPrefix(p.mediaType, "multipart/"), // a multipart without boundary
			p.mediaType == "message/delivery-status",
			p.mediaType == "message/global-delivery-status", p.mediaType == "message/feedback-report",
			p.mediaType == "message/disposition-notification", p.mediaType == "application/octet-stream" && len(m.parts) == 1:
			sb.Write(p.body())
		default:
			continue
		}
		sb.WriteByte('\n')
	}
	s := sb.String()
	if len(s) > maxText {
		s = s[:maxText]
	}
	return s
}
