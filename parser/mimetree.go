package parser

import (
	"bytes"
	"fmt"
	"strings"
)

// entity is one node of a message's MIME tree, read once by readTree and
// walked by every reader of the message: the text and attachment walker
// (mime.go), the form reader, the reply stripper and the machine-mail
// classifier (classify_mime.go). Bodies are decoded on first use and kept,
// so that no reader decodes a part a second time and none decodes what it
// does not look at (a large attachment).
type entity struct {
	header header
	// mediaType is the lower-case media type: as declared, or the
	// default of its place (text/plain; message/rfc822 in a digest) when
	// absent or unreadable. declared is false then.
	mediaType string
	params    map[string]string
	declared  bool
	raw       []byte    // the body as in the message, transfer-encoded
	parts     []*entity // a multipart's parts, when its delimiters were found
	// notSplit is a multipart read as one text: no boundary parameter,
	// or a boundary that never occurs in the body.
	notSplit bool
	// tooDeep is a multipart past maxDepth: its parts are not read.
	tooDeep bool
	depth   int
	r       *treeReader

	decoded  []byte
	decDone  bool
	embedded *entity // message/rfc822: the message inside, read on demand
	embDone  bool
}

// treeReader holds what one reading of a message shares: its defects and
// its part budget.
type treeReader struct {
	defects   []string
	parts     int
	truncated bool
}

// readTree reads raw into its MIME tree. It is lenient: a UTF-8 byte-order
// mark or blank lines before the header block, old Mac line ends (CR
// alone), an mbox "From " line, broken boundaries and parts without a
// header are all read. ok is false when raw has no header block at all;
// the root then holds raw as a text body.
func readTree(raw []byte) (root *entity, defects []string, ok bool) {
	r := &treeReader{}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(raw, '\n') < 0 && bytes.IndexByte(raw, '\r') >= 0 {
		// Old Mac line ends: CR alone (sisimai keeps a set of such mails).
		raw = bytes.ReplaceAll(raw, []byte("\r"), []byte("\n"))
	}
	raw = skipBlankBeforeHeader(raw)
	h, body, ok := readHeader(raw, &r.defects)
	if !ok {
		return &entity{mediaType: "text/plain", params: map[string]string{}, raw: raw, r: r}, r.defects, false
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
func (r *treeReader) entity(h header, body []byte, depth int, defaultType string) *entity {
	r.parts++
	e := &entity{header: h, raw: body, depth: depth, r: r}
	ctRaw := h.get("Content-Type")
	mt, params := parseMediaType(ctRaw)
	e.declared = mt != "" && strings.Contains(mt, "/")
	if !e.declared {
		if ctRaw != "" {
			r.defects = append(r.defects, fmt.Sprintf("content-type %q unreadable, taken as %s", ctRaw, defaultType))
		}
		mt, params = defaultType, map[string]string{}
	}
	e.mediaType, e.params = mt, params
	if !strings.HasPrefix(mt, "multipart/") {
		return e
	}
	boundary := params["boundary"]
	if boundary == "" {
		// Seen in practice: multipart without a boundary. Read the body
		// as one text part.
		r.defects = append(r.defects, "multipart: no boundary parameter, read as a single text part")
		e.notSplit = true
		return e
	}
	if depth >= maxDepth {
		r.defects = append(r.defects, fmt.Sprintf("mime: nesting deeper than %d, rest skipped", maxDepth))
		e.tooDeep = true
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
		e.notSplit = true
		return e
	}
	for _, p := range ps {
		if r.parts >= maxParts {
			if !r.truncated {
				r.defects = append(r.defects, fmt.Sprintf("mime: more than %d parts, rest skipped", maxParts))
				r.truncated = true
			}
			break
		}
		ph, pbody, ok := readHeader(p, &r.defects)
		if !ok {
			// No header at all, just text: RFC 2046 §5.1.1 allows it.
			r.defects = append(r.defects, "multipart: part without header")
			ph, pbody = nil, p
		}
		e.parts = append(e.parts, r.entity(ph, pbody, depth+1, childType))
	}
	return e
}

// body returns the entity's body with its transfer encoding undone, once.
func (e *entity) body() []byte {
	if !e.decDone {
		e.decoded = decodeTransfer(e.header.get("Content-Transfer-Encoding"), e.raw, &e.r.defects)
		e.decDone = true
	}
	return e.decoded
}

// message returns the message inside a message/rfc822 (or message/global)
// entity, read on first use; nil past maxDepth or for any other type.
func (e *entity) message() *entity {
	if e.embDone {
		return e.embedded
	}
	e.embDone = true
	if e.depth >= maxDepth || e.r.parts >= maxParts {
		return nil
	}
	h, b, ok := readHeader(e.body(), &e.r.defects)
	if !ok {
		h, b = nil, e.body()
	}
	e.embedded = e.r.entity(h, b, e.depth+1, "text/plain")
	return e.embedded
}
