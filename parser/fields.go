package parser

import (
	"regexp"
	"strings"
)

// rawFields are a form's values as written, before validation, by field
// name; labels counts the distinct fields whose label was found.
type rawFields struct {
	values map[string]string
	labels int
}

// filled counts the fields with a non-empty value.
func (r rawFields) filled() int {
	n := 0
	for k, v := range r.values {
		if v != "" && k != fieldIgnore && k != fieldNameMail {
			n++
		}
	}
	return n
}

type lineClass int

const (
	linePlain   lineClass = iota
	lineKnown             // a label we map to a field
	lineUnknown           // looks like "Label: value" of a field we do not know
	lineStop              // separator or footer: ends any value
)

type classified struct {
	class  lineClass
	field  string
	inline string // value on the label's own line
	block  bool   // "--- Label ---" (WPForms) or a bare label line
}

var (
	wpformsRe = regexp.MustCompile(`^-{3}\s*(.+?)\s*-{3}$`)
	emailInRe = regexp.MustCompile(`[^\s<>()\[\],;:"']+@[^\s<>()\[\],;:"']+\.[^\s<>()\[\],;:"']+`)
	bulletRe  = regexp.MustCompile(`^(?:[-•·>*]+\s+)`)
)

// footerPrefixes start lines that end a form's data: signature separators
// and the footers form products append (Contact Form 7, Formspree, …).
var footerPrefixes = []string{
	"this is a notification that a contact form was submitted",
	"this e-mail was sent from a contact form",
	"this email was sent from a contact form",
	"dit is een melding dat een contactformulier",
	"deze e-mail is verzonden vanaf een contactformulier",
	"dit bericht is verzonden via",
	"you are receiving this because",
	"you received this email because",
	"this form was submitted at",
	"want even more features",
	"sent via formspree",
	"submitted via formspree",
	"powered by ",
	"mark as spam",
	"unsubscribe",
}

func isStopLine(t string) bool {
	if t == "--" || t == "---" {
		return true
	}
	if len(t) >= 5 && strings.Trim(t, "-") == "" || len(t) >= 5 && strings.Trim(t, "_") == "" ||
		len(t) >= 5 && strings.Trim(t, "=") == "" || len(t) >= 6 && strings.Trim(t, "—") == "" {
		return true
	}
	l := strings.ToLower(t)
	for _, p := range footerPrefixes {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// classify looks at one line (trimmed) of a form's text.
func (m labelMap) classify(t string, bare bool) classified {
	if t == "" {
		return classified{}
	}
	if strings.HasPrefix(t, ">") {
		return classified{} // quoted text is never form data
	}
	if mm := wpformsRe.FindStringSubmatch(t); mm != nil {
		if f := m.lookup(mm[1]); f != "" {
			return classified{class: lineKnown, field: f, block: true}
		}
		if looksLikeLabel(mm[1]) {
			return classified{class: lineUnknown, block: true}
		}
	}
	if isStopLine(t) {
		return classified{class: lineStop}
	}
	s := bulletRe.ReplaceAllString(t, "")
	if i := strings.IndexAny(s, ":："); i > 0 {
		label := s[:i]
		rest := s[i+1:]
		if strings.HasPrefix(s[i:], "：") {
			rest = s[i+len("："):]
		}
		// "http://…" or "10:30" is no label.
		if !strings.HasPrefix(rest, "//") {
			if f := m.lookup(label); f != "" {
				inline := strings.TrimSpace(strings.TrimLeft(rest, "* \t"))
				if f == fieldNameMail && !strings.Contains(inline, "@") {
					// "Van: maandag tot vrijdag": no sender line.
					return classified{}
				}
				return classified{class: lineKnown, field: f, inline: inline}
			}
			if looksLikeLabel(label) {
				return classified{class: lineUnknown}
			}
		}
	}
	if i := strings.IndexByte(s, '\t'); i > 0 {
		if f := m.lookup(s[:i]); f != "" {
			return classified{class: lineKnown, field: f, inline: strings.TrimSpace(s[i+1:])}
		}
	}
	if bare {
		// A label alone on its line, its value on the next ones (HTML
		// forms: Gravity Forms, WPForms, Drupal's <b>Title</b><br />).
		if f := m.lookup(s); f != "" {
			return classified{class: lineKnown, field: f, block: true}
		}
	}
	return classified{}
}

// multiLine fields keep their line breaks.
func multiLine(field string) bool {
	return field == FieldAddress || field == FieldAvailability || field == FieldDescription ||
		field == FieldReferences
}

// extractFields reads labelled values from a form's text. bare allows a
// label alone on a line without a colon (text made from HTML).
func extractFields(text string, m labelMap, bare bool) rawFields {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := strings.Split(text, "\n")
	cls := make([]classified, len(lines))
	for i, l := range lines {
		l, heading := strings.CutPrefix(l, headingMark)
		lines[i] = strings.TrimRight(strings.ReplaceAll(l, "\u00a0", " "), " \t")
		cls[i] = m.classify(strings.TrimSpace(lines[i]), bare || heading)
		if heading && cls[i].class != lineKnown && cls[i].class != lineStop {
			// A bold-only line of an HTML form is a label or a section
			// heading: it ends the value above it.
			cls[i] = classified{class: lineUnknown, block: true}
		}
	}
	out := rawFields{values: map[string]string{}}
	seen := map[string]bool{}
	for i := 0; i < len(lines); i++ {
		c := cls[i]
		if c.class != lineKnown {
			continue
		}
		first := !seen[c.field]
		if first {
			seen[c.field] = true
			if c.field != fieldIgnore && c.field != fieldNameMail {
				out.labels++
			}
		}
		var val []string
		j := i + 1
		if c.field == FieldDescription {
			// Verbatim up to the next label of a field not seen yet, or a
			// footer. A form names each field once, so "Tel: 010-1234567
			// (na 17:00)" after the phone field is part of the text.
			if c.inline != "" {
				val = append(val, c.inline)
			}
			for ; j < len(lines); j++ {
				if (cls[j].class == lineKnown && !seen[cls[j].field]) || cls[j].class == lineStop ||
					(cls[j].class == lineUnknown && cls[j].block) {
					break
				}
				val = append(val, lines[j])
			}
		} else {
			if c.inline != "" {
				val = append(val, c.inline)
			} else {
				// "Label:" with the value on the next line(s), maybe after
				// a blank line (WPForms, Formspree).
				for j < len(lines) && strings.TrimSpace(lines[j]) == "" && cls[j].class == linePlain {
					j++
				}
			}
			for ; j < len(lines); j++ {
				if strings.TrimSpace(lines[j]) == "" || cls[j].class == lineKnown || cls[j].class == lineStop {
					break
				}
				// A value may hold a colon ("na 13:00"); on the label's own
				// line or after a label alone that is fine, but in a
				// continuation it may be the next (unknown) field.
				if cls[j].class == lineUnknown && (c.inline != "" || len(val) > 0) {
					break
				}
				if len(val) > 0 && !multiLine(c.field) {
					break // one line for name, phone, e-mail, date, …
				}
				val = append(val, strings.TrimSpace(lines[j]))
			}
		}
		i = j - 1
		v := joinValue(c.field, val)
		if out.values[c.field] == "" {
			out.values[c.field] = v
		}
	}
	// Contact Form 7's default "From: NAME <MAIL>".
	if nm := out.values[fieldNameMail]; nm != "" {
		if addr := emailInRe.FindString(nm); addr != "" {
			out.labels++
			if out.values[FieldEmail] == "" {
				out.values[FieldEmail] = addr
			}
			if out.values[FieldName] == "" {
				name := strings.Replace(nm, addr, "", 1)
				name = strings.Trim(strings.TrimSpace(strings.ReplaceAll(name, "<>", "")), `"'<>() `)
				out.values[FieldName] = name
			}
		}
	}
	delete(out.values, fieldNameMail)
	delete(out.values, fieldIgnore)
	return out
}

// emptyMarkers are values form products write for an empty field.
var emptyMarkers = map[string]bool{"(empty)": true, "(leeg)": true, "&nbsp;": true}

// joinValue makes one value of a field's lines.
func joinValue(field string, lines []string) string {
	// Trim blank lines at both ends.
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	var v string
	if multiLine(field) {
		if field != FieldDescription {
			for i := range lines {
				lines[i] = strings.TrimSpace(lines[i])
			}
		}
		v = strings.Join(lines, "\n")
	} else {
		v = strings.Join(lines, " ")
	}
	v = strings.TrimSpace(v)
	if emptyMarkers[strings.ToLower(v)] {
		return ""
	}
	return v
}
