package mime

import (
	"bytes"
	"fmt"
	"strings"
)

// Entity is one node of a message's MIME tree, read once by ReadTree and
// walked by every reader of the message: the text and attachment walker
// (parser/body.go), the form reader, the reply stripper and the
// machine-mail classifier (parser/classify). Bodies are decoded on first use and kept,
// so that no reader decodes a part a second time and none decodes what it
// does not look at (a large attachment).
type Entity struct {
	Header Header
	// MediaType is the lower-case media type: as declared, or the
	// default of its place (text/plain; message/rfc822 in a digest) when
	// absent or unreadable. Declared is false then.
	MediaType string
	Params    map[string]string
	Declared  bool
	Raw       []byte    // the body as in the message, transfer-encoded
	Parts     []*Entity // a multipart's parts, when its delimiters were found
	// NotSplit is a multipart read as one text: no boundary parameter,
	// or a boundary that never occurs in the body.
	NotSplit bool
	// TooDeep is a multipart past MaxDepth: its parts are not read.
	TooDeep bool
	depth   int
	r       *treeReader

	decoded  []byte
	decDone  bool
	embedded *Entity // message/rfc822: the message inside, read on demand
	embDone  bool
}

// treeReader holds what one reading of a message shares: its defects and
// its part budget.
type treeReader struct {
	defects   []string
	parts     int
	truncated bool
}

// ReadTree reads raw into its MIME tree. It is lenient: a UTF-8 byte-order
// mark or blank lines before the header block, old Mac line ends (CR
// alone), an mbox "From " line, broken boundaries and parts without a
// header are all read. ok is false when raw has no header block at all;
// the root then holds raw as a text body.
func ReadTree(raw []byte) (root *Entity, defects []string, ok bool) {
	r := &treeReader{}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(raw, '\n') < 0 && bytes.IndexByte(raw, '\r') >= 0 {
		// Old Mac line ends: CR alone (sisimai keeps a set of such mails).
		raw = bytes.ReplaceAll(raw, []byte("\r"), []byte("\n"))
	}
	raw = skipBlankBeforeHeader(raw)
	h, body, ok := ReadHeader(raw, &r.defects)
	if !ok {
		return &Entity{MediaType: "text/plain", Params: map[string]string{}, Raw: raw, r: r}, r.defects, false
	}
	root = r.entity(h, body, 0, "text/plain")
	return root, r.defects, true
}

// skipBlankBeforeHeader drops blank lines in front of a header block (seen
// in practice: a mail saved with an empty first line). Blank lines before
// text that is no header field stay: that is an empty header block.
func skipBlankBeforeHeader(b []byte) []byte {
	rest := b
	skipped := false
	for len(rest) > 0 {
		line, after := nextLine(rest)
		if len(bytes.TrimSpace(line)) != 0 {
			break
		}
		rest, skipped = after, true
	}
	if !skipped {
		return b
	}
	line, _ := nextLine(rest)
	if c := bytes.IndexByte(line, ':'); c > 0 && isFieldName(line[:c]) {
		return rest
	}
	return b
}

// entity reads one entity (header + raw body) at depth; defaultType is the
// type of its place when it declares none (RFC 2046 §5.1.5).
func (r *treeReader) entity(h Header, body []byte, depth int, defaultType string) *Entity {
	r.parts++
	e := &Entity{Header: h, Raw: body, depth: depth, r: r}
	ctRaw := h.Get("Content-Type")
	mt, params := ParseMediaType(ctRaw)
	e.Declared = mt != "" && strings.Contains(mt, "/")
	if !e.Declared {
		if ctRaw != "" {
			r.defects = append(r.defects, fmt.Sprintf("content-type %q unreadable, taken as %s", ctRaw, defaultType))
		}
		mt, params = defaultType, map[string]string{}
	}
	e.MediaType, e.Params = mt, params
	if !strings.HasPrefix(mt, "multipart/") {
		return e
	}
	boundary := params["boundary"]
	if boundary == "" {
		// Seen in practice: multipart without a boundary. Read the body
		// as one text part.
		r.defects = append(r.defects, "multipart: no boundary parameter, read as a single text part")
		e.NotSplit = true
		return e
	}
	if depth >= MaxDepth {
		r.defects = append(r.defects, fmt.Sprintf("mime: nesting deeper than %d, rest skipped", MaxDepth))
		e.TooDeep = true
		return e
	}
	childType := "text/plain"
	if mt == "multipart/digest" {
		childType = "message/rfc822"
	}
	ps := splitMultipart(body, boundary, &r.defects)
	if len(ps) == 0 {
		// The boundary never occurs: the body is text someone wrote
		// (seen in practice: a reply whose client declared multipart
		// and sent plain text).
		r.defects = append(r.defects, "multipart: read as a single text part")
		e.NotSplit = true
		return e
	}
	for _, p := range ps {
		if r.parts >= MaxParts {
			if !r.truncated {
				r.defects = append(r.defects, fmt.Sprintf("mime: more than %d parts, rest skipped", MaxParts))
				r.truncated = true
			}
			break
		}
		ph, pbody, ok := ReadHeader(p, &r.defects)
		if !ok {
			// No header at all, just text: RFC 2046 §5.1.1 allows it.
			r.defects = append(r.defects, "multipart: part without header")
			ph, pbody = nil, p
		}
		e.Parts = append(e.Parts, r.entity(ph, pbody, depth+1, childType))
	}
	return e
}

// Body returns the entity's body with its transfer encoding undone, once.
func (e *Entity) Body() []byte {
	if !e.decDone {
		e.decoded = DecodeTransfer(e.Header.Get("Content-Transfer-Encoding"), e.Raw, &e.r.defects)
		e.decDone = true
	}
	return e.decoded
}

// Message returns the message inside a message/rfc822 (or message/global)
// entity, read on first use; nil past MaxDepth or for any other type.
func (e *Entity) Message() *Entity {
	if e.embDone {
		return e.embedded
	}
	e.embDone = true
	if e.depth >= MaxDepth || e.r.parts >= MaxParts {
		return nil
	}
	h, b, ok := ReadHeader(e.Body(), &e.r.defects)
	if !ok {
		h, b = nil, e.Body()
	}
	e.embedded = e.r.entity(h, b, e.depth+1, "text/plain")
	return e.embedded
}

// Defects returns what the reading of e's message has found wrong so far:
// the tree's defects, and those of every body decoded since.
func (e *Entity) Defects() []string { return e.r.defects }
