package correspondence

import (
	"regexp"
	"strings"

	"github.com/ingressus/klachtd/parser"
)

// What a complainant writes beyond the `Label: value` lines while
// completing the form — a new fact, an order number — is not a field, and
// must still reach the handler (procedure.md, "Never: a relayed message
// emptier than what was written"): it is kept as a "completion-text"
// event and shown in the new-complaint letter.

// labelLineRe is a line that starts with a label and a colon.
var labelLineRe = regexp.MustCompile(`^\s*[-*•]?\s*([\p{L}][\p{L}\p{N} ./()-]{0,40}?)\s*\*?\s*:`)

// multiLine are the fields whose value may go on below its label line.
var multiLine = map[string]bool{parser.FieldAddress: true, parser.FieldDescription: true, parser.FieldReferences: true}

// labelField is the field a label names ("Telefoonnummer", "Omschrijving
// van de klacht", "E-mail address"), or "".
func labelField(label string) string {
	l := strings.Join(strings.Fields(strings.ToLower(label)), " ")
	if f, ok := fieldWords[l]; ok {
		return f
	}
	for f, names := range fieldLabels {
		for _, n := range names {
			if strings.EqualFold(l, n) {
				return f
			}
		}
	}
	if strings.HasPrefix(l, "datum") || strings.HasPrefix(l, "date") {
		return parser.FieldDate
	}
	if first, _, _ := strings.Cut(l, " "); fieldWords[first] != "" {
		return fieldWords[first]
	}
	return ""
}

// extraText is text without its field lines: each line with a field's
// label, and the lines below a multi-line field's label up to a blank line.
// What is left, trimmed, is what the complainant wrote besides the fields.
func extraText(text string) string {
	var out []string
	cont := false
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if t == "" {
			cont = false
			out = append(out, "")
			continue
		}
		if m := labelLineRe.FindStringSubmatch(t); m != nil {
			if f := labelField(m[1]); f != "" {
				cont = multiLine[f]
				continue
			}
		}
		if cont {
			continue
		}
		out = append(out, strings.TrimRight(line, " \t\r"))
	}
	s := strings.TrimSpace(strings.Join(out, "\n"))
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return s
}

// completionTexts are the complainant's texts besides the fields, of every
// reply that completed c, in order, for the new-complaint letter.
func (t *txn) completionTexts(c *Complaint) string {
	var texts []string
	if err := t.tx.Select(&texts, t.q().CompletionTexts, c.ID); err != nil {
		t.fail(err)
		return ""
	}
	return strings.Join(texts, "\n\n")
}
