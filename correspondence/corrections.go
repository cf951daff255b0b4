package correspondence

import (
	"fmt"
	"strings"

	"github.com/ingressus/klachtd/parser"
	"github.com/ingressus/klachtd/templates"
)

// Corrections (procedure.md, "Who speaks for the complaint"): after
// registration the complainant's `Label: value` lines update the record,
// and a handler corrects a field with `#wijzig veld waarde`. Each change is
// an event holding the old and the new value (the history), and the
// handler is told in the correction letter.

// correctableFields are the fields a correction may change, in the order
// letters list them.
var correctableFields = []string{parser.FieldCompany, parser.FieldAddress, parser.FieldName, parser.FieldPhone,
	parser.FieldAvailability, parser.FieldEmail, parser.FieldDate, parser.FieldDescription, parser.FieldReferences}

// fieldWords maps what a handler may write after #wijzig to a field.
var fieldWords = map[string]string{
	"bedrijf": parser.FieldCompany, "bedrijfsnaam": parser.FieldCompany, "company": parser.FieldCompany,
	"adres": parser.FieldAddress, "address": parser.FieldAddress,
	"naam": parser.FieldName, "name": parser.FieldName,
	"telefoon": parser.FieldPhone, "telefoonnummer": parser.FieldPhone, "phone": parser.FieldPhone, "tel": parser.FieldPhone,
	"bereikbaarheid": parser.FieldAvailability, "availability": parser.FieldAvailability,
	"email": parser.FieldEmail, "e-mail": parser.FieldEmail, "e-mailadres": parser.FieldEmail, "emailadres": parser.FieldEmail,
	"datum": parser.FieldDate, "date": parser.FieldDate,
	"omschrijving": parser.FieldDescription, "description": parser.FieldDescription,
	"referenties": parser.FieldReferences, "referentienummers": parser.FieldReferences, "references": parser.FieldReferences,
}

// correctionDue reports whether a message in the thread is a correction:
// labelled field values from the complainant's own address, on a complaint
// past its intake and not yet finished.
func (h *handling) correctionDue(c *Complaint) bool {
	if c.State == StateIncomplete || c.isFinished() {
		return false
	}
	if !strings.EqualFold(h.msg.From, c.Email) {
		// Only the complainant's own address corrects the record; anyone
		// else in the thread is relayed as who they are.
		return false
	}
	for _, name := range correctableFields {
		if fieldOf(h.msg.Fields, name) != "" {
			return true
		}
	}
	return false
}

// relayOrCorrect is the complainant's message to the handler: a correction
// when it carries `Label: value` lines, else relayed as it is.
func (h *handling) relayOrCorrect(c *Complaint) error {
	if err := h.enter(c, onComplainant); err != nil {
		return err
	}
	if !h.correctionDue(c) {
		return h.relayToHandler(c)
	}
	invalid := invalidOf(h.msg)
	changes, problems, err := h.applyCorrections(c, h.msg.Fields, invalid, "the complainant")
	if err != nil {
		return err
	}
	if len(changes) == 0 && len(problems) == 0 {
		return h.relayToHandler(c) // the same values again: nothing to correct
	}
	d := h.g.baseData(c, h.now)
	d.Changes, d.Problems = changes, problems
	d.Text = h.text()
	d.Sender = h.msg.From
	files, names := h.relayFiles()
	d.Files = names
	_, err = h.queue(letter{name: templates.Correction, key: fmt.Sprintf("correction:%s:%d", c.Ref, h.row),
		to: []string{c.Handler}, c: c, data: d, staff: true, files: files})
	return err
}

// changeCommand carries out `#wijzig veld waarde` (`#change field value`):
// validated like the form, confirmed to its sender.
func (h *handling) changeCommand(c *Complaint, args, text string) error {
	word, value, _ := strings.Cut(strings.TrimSpace(args), " ")
	field := fieldWords[strings.ToLower(strings.Trim(word, ":"))]
	value = strings.TrimSpace(value)
	if field == parser.FieldDescription || field == parser.FieldAddress {
		// Several lines: the text below the command line belongs to it.
		value = strings.TrimSpace(value + "\n" + text)
	}
	var changes []templates.Change
	var problems []templates.Problem
	if field == "" || value == "" {
		problems = []templates.Problem{{Label: orUnknown(word), Reason: unknownFieldReason(h.g.set.Lang)}}
	} else {
		f := setFieldValue(parser.Fields{}, field, value)
		norm, _, inv, invEN := parser.ValidateFields(f, h.g.popt)
		invalid := map[string]reasons{}
		if r := inv[field]; r != "" {
			invalid[field] = reasons{NL: r, EN: invEN[field]}
		}
		var err error
		if changes, problems, err = h.applyCorrections(c, norm, invalid, h.msg.From); err != nil {
			return err
		}
	}
	d := h.g.baseData(c, h.now) // with the new values
	d.ByStaff, d.Changes, d.Problems = true, changes, problems
	_, err := h.queue(letter{name: templates.Correction, key: fmt.Sprintf("correction:%s:%d", c.Ref, h.row),
		to: []string{h.msg.From}, c: c, data: d, staff: true, inReplyTo: h.msg.MessageID})
	return err
}

func unknownFieldReason(lang string) string {
	if lang == "en" {
		return "unknown field or no value; write e.g. #change phone 010-7654321 (fields: company, address, name, phone, availability, email, date, description, references)"
	}
	return "onbekend veld of geen waarde; schrijf bijvoorbeeld #wijzig telefoon 010-7654321 (velden: bedrijf, adres, naam, telefoon, bereikbaarheid, email, datum, omschrijving, referenties)"
}

// applyCorrections puts each valid new value of add into c, keeps each old
// value in an event, and saves c. It returns the changes and the values
// refused, with why, in the staff's language.
func (h *handling) applyCorrections(c *Complaint, add parser.Fields, invalid map[string]reasons, by string) ([]templates.Change, []templates.Problem, error) {
	lang := h.g.set.Lang
	var changes []templates.Change
	var problems []templates.Problem
	f := c.fields()
	for _, name := range correctableFields {
		nv := fieldOf(add, name)
		if nv == "" {
			continue
		}
		if r, bad := invalid[name]; bad {
			reason := r.NL
			if lang == "en" {
				reason = r.EN
			}
			problems = append(problems, templates.Problem{Label: fieldLabel(name, lang), Reason: reason})
			continue
		}
		old := fieldOf(f, name)
		if sameText(old, nv) {
			continue
		}
		f = setFieldValue(f, name, nv)
		changes = append(changes, templates.Change{Label: fieldLabel(name, lang), Old: old, New: nv})
		h.event(c.ID, "corrected", fmt.Sprintf("%s by %s: %q → %q", name, by, old, nv), false, h.row)
	}
	if len(changes) > 0 {
		email := c.Email
		c.setFields(f)
		if c.Email == "" {
			c.Email = email
		}
		c.Email = strings.ToLower(c.Email)
		if err := h.saveComplaint(c); err != nil {
			return nil, nil, err
		}
	}
	return changes, problems, nil
}

// fieldOf is one field's value as text (references one a line).
func fieldOf(f parser.Fields, name string) string {
	if name == parser.FieldReferences {
		return strings.Join(f.References, "\n")
	}
	return fieldValue(f, name)
}

// setFieldValue returns f with one field set.
func setFieldValue(f parser.Fields, name, v string) parser.Fields {
	switch name {
	case parser.FieldCompany:
		f.Company = v
	case parser.FieldAddress:
		f.Address = v
	case parser.FieldName:
		f.Name = v
	case parser.FieldPhone:
		f.Phone = v
	case parser.FieldAvailability:
		f.Availability = v
	case parser.FieldEmail:
		f.Email = v
	case parser.FieldDate:
		f.Date = v
	case parser.FieldDescription:
		f.Description = v
	case parser.FieldReferences:
		f.References = nil
		for _, r := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
			if r = strings.TrimSpace(r); r != "" {
				f.References = append(f.References, r)
			}
		}
	}
	return f
}
