package parser

import (
	"strings"

	"github.com/ingressus/klachtd/parser/internal/mime"
)

// Bounds on the work ClassifyMachine does for one message. The MIME walk
// itself has the bounds of the one reader (mime.MaxParts, mime.MaxDepth).
const (
	classifyMaxBytes    = 4 << 20       // ClassifyMachine reads at most this much of raw
	classifyMaxParts    = mime.MaxParts // MIME parts looked at
	classifyMaxText     = 64 << 10      // body text scanned for phrases and addresses
	classifyMaxFieldLen = 64 << 10      // bytes kept of one header field
)

// hfield is one header field: the name lower-cased, the value unfolded.
type hfield struct {
	name, value string
}

// cheader is a header block as the classifier looks at it: names
// lower-cased, values unfolded and bounded.
type cheader []hfield

// cheaderOf makes the classifier's view of a header block read by
// mime.ReadHeader.
func cheaderOf(h mime.Header) cheader {
	out := make(cheader, len(h))
	for i, f := range h {
		v := f.Value
		if len(v) > classifyMaxFieldLen {
			v = v[:classifyMaxFieldLen]
		}
		out[i] = hfield{name: strings.ToLower(f.Key), value: v}
	}
	return out
}

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

// cpart is one leaf of the MIME tree.
type cpart struct {
	header    cheader
	mediaType string
	e         *mime.Entity
	// inner is true for parts inside a message/rfc822 (the returned
	// original of a bounce): their headers and text are not the sender's.
	inner bool
}

// body is the part's transfer-decoded body, decoded on first use.
func (p cpart) body() []byte { return p.e.Body() }

// cmessage is a message as the classifier looks at it: the leaves of the
// one MIME tree, flattened, with the header blocks of embedded messages.
type cmessage struct {
	header     cheader
	mediaType  string
	reportType string
	parts      []cpart
	// inner holds the header blocks of embedded messages
	// (message/rfc822, text/rfc822-headers): the returned original.
	inner []cheader
}

// readClassifyMessage reads raw (within the classify bounds) into the one
// MIME tree and flattens it for the classifier.
func readClassifyMessage(raw []byte) *cmessage {
	if len(raw) > classifyMaxBytes {
		raw = raw[:classifyMaxBytes]
	}
	// Without a header block the root is all of raw, as text.
	root, _, _ := mime.ReadTree(raw)
	return classifyView(root)
}

// classifyView flattens a message's tree for the classifier.
func classifyView(root *mime.Entity) *cmessage {
	m := &cmessage{header: cheaderOf(root.Header)}
	if root.Declared {
		m.mediaType = root.MediaType
	}
	m.reportType = strings.ToLower(root.Params["report-type"])
	m.walk(root, false)
	return m
}

func (m *cmessage) walk(e *mime.Entity, inner bool) {
	if len(m.parts) >= classifyMaxParts {
		return
	}
	h := cheaderOf(e.Header)
	switch t := e.MediaType; {
	case len(e.Parts) > 0:
		for _, p := range e.Parts {
			m.walk(p, inner)
			if len(m.parts) >= classifyMaxParts {
				return
			}
		}
		return
	case t == "message/rfc822" || t == "message/global":
		if em := e.Message(); em != nil {
			m.inner = append(m.inner, cheaderOf(em.Header))
			m.walk(em, true)
			return
		}
	case t == "text/rfc822-headers" || t == "message/rfc822-headers":
		var d []string
		if ih, _, ok := mime.ReadHeader(e.Body(), &d); ok {
			m.inner = append(m.inner, cheaderOf(ih))
		}
	}
	m.parts = append(m.parts, cpart{header: h, mediaType: e.MediaType, e: e, inner: inner})
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
			sb.WriteString(HTMLToText(string(p.body())))
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
	if len(s) > classifyMaxText {
		s = s[:classifyMaxText]
	}
	return s
}
