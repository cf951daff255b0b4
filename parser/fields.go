package parser

import (
	"html"
	"regexp"
	"strings"

	"github.com/ingressus/klachtd/parser/reply"

	"github.com/ingressus/klachtd/parser/internal/htmltext"
)

// rawFields are a form's values as written, before validation, by field
// name; labels counts the distinct fields whose label was found.
type rawFields struct {
	values map[string]string
	labels int
	// loose counts the non-blank lines before the last label that belong
	// to no field: a form's preamble is short, a person's letter is not.
	loose int
	// hasDesc is true when a description label was found.
	hasDesc bool
	// exact counts the distinct fields found by a label of the tables
	// (not by key words alone).
	exact int
	// other are the form's lines that map to no field ("Privacy:
	// akkoord", a label whose words are ambiguous), as "Label: value":
	// kept under the description rather than lost.
	other []string
}

// isForm reports whether the text reads as a form: two labels or more,
// and either a description label or hardly any loose text before the
// labels (a person's letter with "Telefoon:" and "E-mail:" in the
// signature is no form).
func (r rawFields) isForm() bool {
	// Labels matched by key words alone do not make a letter a form (a
	// person writes "Mijn probleem: …" too): two labels of the tables, a
	// description label of the tables, or four fields or more.
	return r.labels >= 2 && (r.exact >= 2 || r.hasDesc || r.labels >= 4) && (r.hasDesc || r.loose <= 2)
}

// filled counts the fields with a non-empty value.
func (r rawFields) filled() int {
	n := 0
	for _, v := range r.values {
		if v != "" {
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
	key    string // what "seen" tracks: the field, or the label for parts
	inline string // value on the label's own line
	block  bool   // "--- Label ---" (WPForms) or a bare label line
	header bool   // a line of a forwarded message's header block
	score  int    // how sure the label is (lookupScored)
}

var (
	wpformsRe = regexp.MustCompile(`^-{3}\s*(.+?)\s*-{3}$`)
	emailInRe = regexp.MustCompile(`[^\s<>()\[\],;:"']+@[^\s<>()\[\],;:"']+\.[^\s<>()\[\],;:"']+`)
	bulletRe  = regexp.MustCompile(`^(?:[-•·*]+\s+|\d{1,2}[.)]\s+)`)
	cf7TagRe  = regexp.MustCompile(`^\[_?[a-z][a-z0-9_-]*\*?\]$`)
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
		if f, sc := m.lookupScored(mm[1]); f != "" {
			return classified{class: lineKnown, field: f, key: partKey(f, mm[1]), block: true, score: sc}
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
			if f, sc := m.lookupScored(label); f != "" {
				inline := strings.TrimSpace(strings.TrimLeft(rest, "* \t"))
				if f == fieldNameMail && !strings.Contains(inline, "@") {
					// "Van: maandag tot vrijdag": no sender line.
					return classified{}
				}
				return classified{class: lineKnown, field: f, key: partKey(f, label), inline: inline, score: sc}
			}
			if looksLikeLabel(label) {
				return classified{class: lineUnknown}
			}
		}
	}
	if i := strings.IndexByte(s, '\t'); i > 0 {
		if f, sc := m.lookupScored(s[:i]); f != "" {
			return classified{class: lineKnown, field: f, key: partKey(f, s[:i]), inline: strings.TrimSpace(s[i+1:]), score: sc}
		}
	}
	if bare {
		// A label alone on its line, its value on the next ones (HTML
		// forms: Gravity Forms, WPForms, Drupal's <b>Title</b><br />).
		// Only labels of the tables: a value line ("Autobedrijf Snel")
		// holds key words too. Bold lines are scored in extractFields.
		if f := m.lookup(s); f != "" {
			return classified{class: lineKnown, field: f, key: partKey(f, s), block: true, score: exactLabelScore}
		}
	}
	return classified{}
}

// partKey is what a label line counts as for "seen": its field, or for a
// part of a field its own label.
func partKey(field, label string) string {
	if field == fieldNamePart || field == fieldAddressPart {
		return field + ":" + normLabel(label)
	}
	return field
}

// multiLine fields keep their line breaks.
func multiLine(field string) bool {
	return field == FieldAddress || field == FieldAvailability || field == FieldDescription ||
		field == FieldReferences
}

// extractFields reads labelled values from a form's text. bare allows a
// label alone on a line without a colon (text made from HTML). The stages:
// classify every line (classifyLines); read each label's value (label:
// descriptionValue, plainValue, addPart); then settle the parts, Contact
// Form 7's sender line and what mapped to no field (finish).
func extractFields(text string, m labelMap, bare bool) rawFields {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := strings.Split(text, "\n")
	cls := classifyLines(lines, m, bare)
	markForwardHeaders(lines, cls)
	r := &fieldReader{
		lines: lines, cls: cls,
		out:       rawFields{values: map[string]string{}},
		lastKnown: map[string]int{},
		seen:      map[string]bool{},
		counted:   map[string]bool{},
		parts:     map[string][]string{},
		zipLast:   map[string]bool{},
		used:      make([]bool, len(lines)),
		valScore:  map[string]int{},
		valLine:   map[string]string{},
	}
	// lastKnown[key]: the last line labelled for that key.
	for j, c := range cls {
		if c.class == lineKnown {
			r.lastKnown[c.key] = j
		}
	}
	// labelTail[j]: from line j on there are only labelled lines, blank
	// lines and footers (the unknown fields after a form's description:
	// "Privacy: akkoord").
	r.labelTail = make([]bool, len(lines)+1)
	r.labelTail[len(lines)] = true
	for j := len(lines) - 1; j >= 0; j-- {
		r.labelTail[j] = r.labelTail[j+1] && (strings.TrimSpace(lines[j]) == "" || cls[j].class != linePlain)
	}
	lastLabel := -1
	for i := 0; i < len(lines); {
		if cls[i].class != lineKnown {
			i++
			continue
		}
		lastLabel = i
		i = r.label(i)
	}
	return r.finish(lastLabel)
}

// classifyLines classifies every line of a form's text, and cleans it: no
// heading mark, no no-break spaces, no trailing blanks.
func classifyLines(lines []string, m labelMap, bare bool) []classified {
	cls := make([]classified, len(lines))
	for i, l := range lines {
		l, heading := strings.CutPrefix(l, htmltext.HeadingMark)
		lines[i] = strings.TrimRight(strings.ReplaceAll(l, "\u00a0", " "), " \t")
		cls[i] = m.classify(strings.TrimSpace(lines[i]), bare || heading)
		if heading && cls[i].class != lineKnown && cls[i].class != lineStop {
			// A bold-only line of an HTML form is a label or a section
			// heading: it ends the value above it.
			cls[i] = classified{class: lineUnknown, block: true}
			if t := strings.TrimSpace(lines[i]); !strings.HasPrefix(t, ">") {
				if f, sc := m.lookupScored(t); f != "" {
					cls[i] = classified{class: lineKnown, field: f, key: partKey(f, t), block: true, score: sc}
				}
			}
		}
	}
	return cls
}

// fieldReader is extractFields' state while it reads the labels.
type fieldReader struct {
	lines     []string
	cls       []classified
	out       rawFields
	lastKnown map[string]int
	labelTail []bool
	seen      map[string]bool // label keys met so far
	counted   map[string]bool // fields counted in out.labels ("exact:" + field: in out.exact)
	parts     map[string][]string
	zipLast   map[string]bool
	used      []bool            // lines that are a label or its value
	valScore  map[string]int    // the score of the label each value came from
	valLine   map[string]string // that label and value as "Label: value", for "Overige velden"
}

// label reads the label on line i and its value, and returns the line
// after them.
func (r *fieldReader) label(i int) int {
	c, out := r.cls[i], &r.out
	if c.field == FieldDescription && c.score >= exactLabelScore {
		// Only a label of the tables: "Mijn probleem: …" in a person's
		// letter does not make it a form.
		out.hasDesc = true
	}
	r.seen[c.key] = true
	if c.field != fieldIgnore && c.field != fieldNameMail {
		if !r.counted[c.field] {
			r.counted[c.field] = true
			out.labels++
		}
		if c.score >= exactLabelScore && !r.counted["exact:"+c.field] {
			r.counted["exact:"+c.field] = true
			out.exact++
		}
	}
	var val []string
	var j int
	if c.field == FieldDescription {
		val, j = r.descriptionValue(i)
	} else {
		val, j = r.plainValue(i)
	}
	for k := i; k < j; k++ {
		r.used[k] = true
	}
	v := joinValue(c.field, val)
	if c.field == fieldNamePart || c.field == fieldAddressPart {
		r.addPart(c, v)
		return j
	}
	// Two labels for one field: a label of the tables beats one matched
	// by key words, a higher score a lower one, the first the later. The
	// one that loses is kept under "Overige velden".
	shown := otherLine(r.lines[i], v)
	switch {
	case out.values[c.field] == "":
		out.values[c.field], r.valScore[c.field], r.valLine[c.field] = v, c.score, shown
	case c.score > r.valScore[c.field]:
		out.other = append(out.other, r.valLine[c.field])
		out.values[c.field], r.valScore[c.field], r.valLine[c.field] = v, c.score, shown
	case c.score < exactLabelScore && v != "":
		out.other = append(out.other, shown)
	}
	return j
}

// descriptionValue reads a description verbatim up to the next label of a
// field not seen yet, or a footer. A form names each field once, so "Tel:
// 010-1234567 (na 17:00)" after the phone field is part of the text.
func (r *fieldReader) descriptionValue(i int) ([]string, int) {
	lines, cls, c := r.lines, r.cls, r.cls[i]
	var val []string
	if c.inline != "" {
		val = append(val, c.inline)
	}
	j := i + 1
	for ; j < len(lines); j++ {
		// A form whose labels are blocks ("--- Label ---", a bold label
		// line) ends its description only at the next block:
		// "Factuurnummer: F-118" there is the complainant's text.
		if cls[j].class == lineKnown && !r.seen[cls[j].key] && !(c.block && !cls[j].block) &&
			!labelInProse(lines, cls, r.lastKnown, j) {
			break
		}
		if cls[j].class == lineStop || (cls[j].class == lineUnknown && cls[j].block) {
			break
		}
		if cls[j].class == lineUnknown && r.labelTail[j] && j > 0 && strings.TrimSpace(lines[j-1]) == "" &&
			!readsAsProse(lines[j]) {
			break
		}
		val = append(val, lines[j])
	}
	return val, j
}

// plainValue reads any other field's value: on the label's line, or on
// the next line(s) after a label alone; one line but for the multi-line
// fields.
func (r *fieldReader) plainValue(i int) ([]string, int) {
	lines, cls, c := r.lines, r.cls, r.cls[i]
	var val []string
	j := i + 1
	if c.inline != "" {
		val = append(val, c.inline)
	} else {
		// "Label:" with the value on the next line(s), maybe after a
		// blank line (WPForms, Formspree).
		for j < len(lines) && strings.TrimSpace(lines[j]) == "" && cls[j].class == linePlain {
			j++
		}
	}
	for ; j < len(lines); j++ {
		if strings.TrimSpace(lines[j]) == "" || cls[j].class == lineKnown || cls[j].class == lineStop {
			break
		}
		// A value may hold a colon ("na 13:00"); on the label's own line
		// or after a label alone that is fine, but in a continuation it
		// may be the next (unknown) field.
		if cls[j].class == lineUnknown && (c.inline != "" || len(val) > 0) {
			break
		}
		if len(val) > 0 && !multiLine(c.field) {
			break // one line for name, phone, e-mail, date, …
		}
		val = append(val, strings.TrimSpace(lines[j]))
	}
	return val, j
}

// addPart keeps a part of the name or the address ("Voornaam",
// "Postcode"), to be joined in order.
func (r *fieldReader) addPart(c classified, v string) {
	if v == "" || len(r.parts[c.field]) >= 20 {
		return
	}
	ps := r.parts[c.field]
	// "Postcode: 3011 AB" then "Plaats: Rotterdam": one line.
	if l := strings.TrimPrefix(c.key, fieldAddressPart+":"); len(ps) > 0 && cityLabels[l] && r.zipLast[c.field] {
		ps[len(ps)-1] += " " + v
	} else {
		ps = append(ps, v)
	}
	r.parts[c.field] = ps
	r.zipLast[c.field] = zipLabels[strings.TrimPrefix(c.key, fieldAddressPart+":")]
}

// finish counts the loose lines, joins the parts, reads Contact Form 7's
// "From: NAME <MAIL>" and collects the lines that map to no field.
func (r *fieldReader) finish(lastLabel int) rawFields {
	lines, cls, out := r.lines, r.cls, r.out
	for k := 0; k < lastLabel; k++ {
		if !r.used[k] && cls[k].class == linePlain && !cls[k].header && strings.TrimSpace(lines[k]) != "" {
			out.loose++
		}
	}
	// Parts asked by labels of the tables beat a whole value whose label
	// was matched by key words alone.
	for _, pf := range [][2]string{{fieldNamePart, FieldName}, {fieldAddressPart, FieldAddress}} {
		p := r.parts[pf[0]]
		if len(p) == 0 || (out.values[pf[1]] != "" && r.valScore[pf[1]] >= exactLabelScore) {
			continue
		}
		if out.values[pf[1]] != "" {
			out.other = append(out.other, r.valLine[pf[1]])
		}
		sep := " "
		if pf[1] == FieldAddress {
			sep = "\n"
		}
		out.values[pf[1]] = strings.Join(p, sep)
	}
	out.other = append(out.other, unmappedLines(lines, cls, r.used)...)
	delete(out.values, fieldNamePart)
	delete(out.values, fieldAddressPart)
	// Contact Form 7's default "From: NAME <MAIL>".
	if nm := out.values[fieldNameMail]; nm != "" {
		if addr := emailInRe.FindString(nm); addr != "" && !isMachineAddress(addr) {
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

// otherLine shows a label line and its value for "Overige velden":
// "Label: value", the value on one line.
func otherLine(line, v string) string {
	label := strings.TrimSpace(line)
	if mm := wpformsRe.FindStringSubmatch(label); mm != nil {
		label = mm[1]
	}
	label = strings.TrimSpace(bulletRe.ReplaceAllString(label, ""))
	if i := strings.IndexAny(label, ":："); i > 0 {
		label = label[:i]
	}
	label = strings.Trim(strings.TrimSpace(label), "*")
	return label + ": " + strings.Join(strings.Fields(v), " ")
}

// unmappedLines are the form's "Label: value" lines (and bold or
// "--- Label ---" blocks with their value lines) that belong to no field
// and no value, as "Label: value".
func unmappedLines(lines []string, cls []classified, used []bool) []string {
	var out []string
	for k := 0; k < len(lines); k++ {
		c := cls[k]
		if c.class != lineUnknown || used[k] || c.header {
			continue
		}
		if !c.block {
			t := strings.TrimSpace(bulletRe.ReplaceAllString(strings.TrimSpace(lines[k]), ""))
			// "Label:" alone holds nothing to lose (a preamble's "Here's
			// what they had to say:").
			if i := strings.IndexAny(t, ":："); i > 0 && strings.Trim(t[i:], ":： \t") != "" && len(out) < 50 {
				out = append(out, t)
			}
			continue
		}
		var val []string
		j := k + 1
		for j < len(lines) && cls[j].class == linePlain && !used[j] && strings.TrimSpace(lines[j]) == "" {
			j++ // WPForms: a blank line between "--- Label ---" and its value
		}
		for ; j < len(lines) && cls[j].class == linePlain && !used[j] && strings.TrimSpace(lines[j]) != ""; j++ {
			val = append(val, strings.TrimSpace(lines[j]))
		}
		if len(val) > 0 && len(out) < 50 {
			out = append(out, otherLine(lines[k], strings.Join(val, " ")))
		}
		k = j - 1
	}
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
	if field != FieldDescription {
		// Gravity Forms' text format joins checkboxes as "a, b, ".
		v = strings.TrimSpace(strings.TrimRight(v, ", "))
	}
	if emptyMarkers[strings.ToLower(v)] || cf7TagRe.MatchString(v) {
		// Contact Form 7 leaves a mail-tag of a field the form does not
		// have as written: "Bereikbaarheid: [bereikbaarheid]".
		return ""
	}
	// Seen in practice: esc_html'd values in a plain-text mail
	// ("Smith &amp; Sons", "&#039;t Hoekje").
	if strings.Contains(v, "&") && strings.Contains(v, ";") {
		v = html.UnescapeString(v)
	}
	return v
}

var (
	zipLabels  = map[string]bool{"postcode": true, "zip": true, "zip code": true, "postal code": true}
	cityLabels = map[string]bool{"plaats": true, "woonplaats": true, "vestigingsplaats": true, "city": true, "town": true}
)

// labelInProse reports whether line j, labelled for a field not seen yet,
// is a line of the description before it rather than the next field: the
// complainant wrote "Ordernummer: 55501 (de eerste zending)" or "Datum:
// de 12e werd er gebeld" in the text. So it is when the form labels the
// same field again further on (and the next line is not that label too: a
// form may ask "Telefoon" and "Mobiel"), or when the line goes on a
// description line and its value cannot be the field's (a date that is no
// date, a phone number without digits, an address without '@').
func labelInProse(lines []string, cls []classified, lastKnown map[string]int, j int) bool {
	c := cls[j]
	if c.block {
		return false // "--- Label ---", a bold label line: structure, not prose
	}
	if last, ok := lastKnown[c.key]; ok && last > j {
		if !(j+1 < len(cls) && cls[j+1].class == lineKnown && cls[j+1].key == c.key) {
			return true
		}
	}
	if j == 0 || strings.TrimSpace(lines[j-1]) == "" || c.inline == "" {
		return false
	}
	switch c.field {
	case FieldDate:
		_, _, shaped := parseDateShape(c.inline)
		return !shaped
	case FieldEmail:
		return !strings.Contains(c.inline, "@")
	case FieldPhone:
		return phoneCandRe.FindString(c.inline) == ""
	}
	return false
}

// readsAsProse reports whether an unknown "Label: value" line reads as a
// sentence of the text ("Opmerking: graag terugbellen.") rather than a
// form's own field ("Privacy: akkoord"): its value ends a sentence or is
// long.
func readsAsProse(line string) bool {
	_, v, ok := strings.Cut(line, ":")
	if !ok {
		return false
	}
	v = strings.TrimSpace(v)
	return strings.HasSuffix(v, ".") || strings.HasSuffix(v, "!") || strings.HasSuffix(v, "?") ||
		len(strings.Fields(v)) >= 6
}

// fwdTimeRe is the time of a forwarded message's sending date.
var fwdTimeRe = regexp.MustCompile(`\d{1,2}[:.]\d{2}`)

// markForwardHeaders finds the header blocks of forwarded messages
// ("Van: … / Verzonden: … / Aan: … / Onderwerp: …") and takes their lines
// out of the form: the forward's "Date:" is not the complaint's date, its
// "Van:" not the complainant. A block is a run of such lines with a sender,
// a subject and a sending time.
func markForwardHeaders(lines []string, cls []classified) {
	for i := 0; i < len(lines); {
		j := i
		var from, sent, subject bool
		for ; j < len(lines); j++ {
			// The one quote-header recogniser: the field names of
			// reply.go, in every language it knows.
			f, val := reply.HeaderField(strings.TrimSpace(lines[j]))
			if f == reply.FieldNone {
				break
			}
			switch f {
			case reply.FieldFrom:
				from = true
			case reply.FieldDate:
				sent = sent || fwdTimeRe.MatchString(val)
			case reply.FieldSubject:
				subject = true
			}
		}
		if j-i >= 3 && from && sent && subject {
			for k := i; k < j; k++ {
				cls[k] = classified{header: true}
			}
		}
		if j == i {
			j++
		}
		i = j
	}
}
