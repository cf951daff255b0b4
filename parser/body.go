package parser

import (
	"fmt"
	"strings"

	"github.com/ingressus/klachtd/parser/internal/mime"
)

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
func (w *walker) walk(e *mime.Entity) bodyText {
	h, mt, params := e.Header, e.MediaType, e.Params
	disp, dparams := "", map[string]string{}
	for _, v := range h.Values("Content-Disposition") {
		d, p := mime.ParseMediaType(v)
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
	case e.NotSplit:
		// No boundary, or one that never occurs: the body is one text.
		return w.leaf(e, "text/plain", "", "")
	case e.TooDeep:
		return bodyText{}
	}
	var out bodyText
	for _, p := range e.Parts {
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
func (w *walker) leaf(e *mime.Entity, mt, disp, filename string) bodyText {
	params := e.Params
	isText := disp != "attachment" && (mt == "text/plain" || mt == "text/html")
	if !isText && w.maxAttachment > 0 && len(e.Raw)*3/4 > w.maxAttachment {
		// Too big to relay anyway: not decoded, so a 25 MB attachment
		// costs no second copy. The raw mail keeps it.
		w.defects = append(w.defects, fmt.Sprintf("attachment %q (%d bytes) over the relay limit: not decoded", filename, len(e.Raw)*3/4))
		w.attachments = append(w.attachments, Attachment{Filename: filename, ContentType: mt, Size: len(e.Raw) * 3 / 4})
		return bodyText{}
	}
	data := e.Body()
	isAttachment := disp == "attachment"
	switch {
	case !isAttachment && mt == "text/plain":
		text := mime.DecodeCharset(data, params["charset"], false, &w.defects)
		if strings.EqualFold(strings.TrimSpace(params["format"]), "flowed") {
			text = mime.Unflow(text, strings.EqualFold(strings.TrimSpace(params["delsp"]), "yes"))
		}
		return bodyText{text: text, hasText: true}
	case !isAttachment && mt == "text/html":
		return bodyText{html: mime.DecodeCharset(data, params["charset"], true, &w.defects), hasHTML: true}
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
