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
// labelled field values from an address that speaks for the complaint (the
// complainant's own, or one a handler added), on a complaint past its
// intake and not yet finished.
func (h *handling) correctionDue(c *Complaint) bool {
	if c.State == StateIncomplete || c.isFinished() {
		return false
	}
	ok, err := h.speaksFor(c, h.msg.From)
	if err != nil {
		h.fail(err)
		return false
	}
	if !ok {
		return false // anyone else in the thread is relayed as who they are
	}
	invalid := invalidOf(h.msg)
	for _, name := range correctableFields {
		if _, bad := invalid[name]; bad || fieldOf(h.msg.Fields, name) != "" {
			return true // an invalid value is a correction too: refused, and said so
		}
	}
	return false
}

// corrector is how the history names who corrected: the complainant, or
// the address (added by a handler) that wrote for her.
func (h *handling) corrector(c *Complaint) string {
	if strings.EqualFold(h.msg.From, c.Email) {
		return "the complainant"
	}
	return h.msg.From
}

// relayOrCorrect is the complainant's message to the handler: a correction
// when it carries `Label: value` lines, else relayed as it is. The handler
// is told what changed and what was refused; the complainant hears back
// when a value was refused (with why, as the completion request says it)
// or her e-mail address changed (at the old address and the new one).
func (h *handling) relayOrCorrect(c *Complaint) error {
	if err := h.enter(c, onComplainant); err != nil {
		return err
	}
	if !h.correctionDue(c) {
		return h.relayToHandler(c)
	}
	oldEmail := c.Email
	changes, problems, err := h.applyCorrections(c, h.msg.Fields, invalidOf(h.msg), h.corrector(c))
	if err != nil {
		return err
	}
	if len(changes) == 0 && len(problems) == 0 {
		return h.relayToHandler(c) // the same values again: nothing to correct
	}
	d := h.g.baseData(c, h.now)
	d.Changes, d.Problems = changesIn(changes, h.g.set.Lang), problemList(problems, h.g.set.Lang)
	d.EmailWas = emailWas(c, oldEmail)
	d.Text = h.text()
	d.Sender = h.msg.From
	files, names := h.relayFiles()
	d.Files = names
	if _, err := h.queue(letter{name: templates.Correction, key: fmt.Sprintf("correction:%s:%d", c.Ref, h.row),
		to: []string{c.Handler}, c: c, data: d, staff: true, files: files}); err != nil {
		return err
	}
	return h.tellComplainant(c, changes, problems, oldEmail, false)
}

// tellComplainant writes the complainant about a correction when she must
// know: a value of hers was refused (else she believes it changed), or the
// address letters go to changed (then at both addresses, so that a
// mistyped one is noticed at the old).
func (h *handling) tellComplainant(c *Complaint, changes []fieldChange, problems map[string]reasons, oldEmail string, byStaff bool) error {
	was := emailWas(c, oldEmail)
	if len(problems) == 0 && was == "" {
		return nil
	}
	d := h.g.baseData(c, h.now)
	d.Changes, d.Problems, d.EmailWas, d.ByStaff = changesIn(changes, c.Lang), problemList(problems, c.Lang), was, byStaff
	var cc []string
	if was != "" {
		cc = []string{was}
	}
	inReplyTo := h.msg.MessageID
	if byStaff {
		inReplyTo = "" // the handler's mail is not in the complainant's thread
	} else if from := h.senderCc(c); len(from) > 0 && !strings.EqualFold(from[0], was) {
		cc = append(cc, from...) // she wrote from her former address: the answer goes there too
	}
	_, err := h.queue(letter{name: templates.CorrectionNotice, key: fmt.Sprintf("correction-notice:%s:%d", c.Ref, h.row),
		to: []string{c.Email}, cc: cc, c: c, data: d, inReplyTo: inReplyTo})
	return err
}

// emailWas is the complainant's former address when a correction changed
// it, else "".
func emailWas(c *Complaint, oldEmail string) string {
	if oldEmail == "" || strings.EqualFold(oldEmail, c.Email) {
		return ""
	}
	return oldEmail
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
	var changes []fieldChange
	problems := map[string]reasons{}
	oldEmail := c.Email
	if field == "" || value == "" {
		d := h.g.baseData(c, h.now)
		d.ByStaff = true
		d.Problems = []templates.Problem{{Label: orUnknown(word), Reason: unknownFieldReason(h.g.set.Lang)}}
		_, err := h.queue(letter{name: templates.Correction, key: fmt.Sprintf("correction:%s:%d", c.Ref, h.row),
			to: []string{h.msg.From}, c: c, data: d, staff: true, inReplyTo: h.msg.MessageID})
		return err
	}
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
	d := h.g.baseData(c, h.now) // with the new values
	d.ByStaff, d.Changes, d.Problems = true, changesIn(changes, h.g.set.Lang), problemList(problems, h.g.set.Lang)
	d.EmailWas = emailWas(c, oldEmail)
	if _, err := h.queue(letter{name: templates.Correction, key: fmt.Sprintf("correction:%s:%d", c.Ref, h.row),
		to: []string{h.msg.From}, c: c, data: d, staff: true, inReplyTo: h.msg.MessageID}); err != nil {
		return err
	}
	// A handler's refused value is hers to send again; the complainant
	// hears only of a new address for her letters.
	return h.tellComplainant(c, changes, nil, oldEmail, true)
}

func unknownFieldReason(lang string) string {
	if lang == "en" {
		return "unknown field or no value; write e.g. #change phone 010-7654321 (fields: company, address, name, phone, availability, email, date, description, references)"
	}
	return "onbekend veld of geen waarde; schrijf bijvoorbeeld #wijzig telefoon 010-7654321 (velden: bedrijf, adres, naam, telefoon, bereikbaarheid, email, datum, omschrijving, referenties)"
}

// fieldChange is one field a correction changed.
type fieldChange struct {
	field, old, new string
}

// changesIn are the changes as a letter in lang shows them.
func changesIn(cs []fieldChange, lang string) []templates.Change {
	var out []templates.Change
	for _, ch := range cs {
		out = append(out, templates.Change{Label: fieldLabel(ch.field, lang), Old: ch.old, New: ch.new})
	}
	return out
}

// applyCorrections puts each valid new value of add into c, keeps each old
// value in an event, and saves c. It returns the changes and the values
// refused, with why. When the e-mail address changes, the old one is kept
// among the addresses that speak for the complaint: one mistyped line must
// not shut the complainant out of her own complaint.
func (h *handling) applyCorrections(c *Complaint, add parser.Fields, invalid map[string]reasons, by string) ([]fieldChange, map[string]reasons, error) {
	var changes []fieldChange
	problems := map[string]reasons{}
	f := c.fields()
	for _, name := range correctableFields {
		// An invalid value has none after validation: look for its reason
		// first, or it is dropped without a word.
		if r, bad := invalid[name]; bad {
			problems[name] = r
			continue
		}
		nv := fieldOf(add, name)
		if nv == "" {
			continue
		}
		if name == parser.FieldEmail && h.g.set.ownAddress(nv, h.g.popt) {
			// Letters to it would reach us, not her (review 2 #1).
			problems[name] = reasons{Own: strings.ToLower(nv)}
			continue
		}
		old := fieldOf(f, name)
		if sameText(old, nv) {
			continue
		}
		f = setFieldValue(f, name, nv)
		changes = append(changes, fieldChange{field: name, old: old, new: nv})
		h.event(c.ID, "corrected", fmt.Sprintf("%s by %s: %q → %q", name, by, old, nv), false, h.row)
	}
	if len(changes) > 0 {
		email := c.Email
		c.setFields(f)
		if c.Email == "" {
			c.Email = email
		}
		c.Email = strings.ToLower(c.Email)
		if email != "" && !strings.EqualFold(email, c.Email) {
			if err := h.keepAddress(c, strings.ToLower(email), by); err != nil {
				return nil, nil, err
			}
		}
		if err := h.saveComplaint(c); err != nil {
			return nil, nil, err
		}
	}
	return changes, problems, nil
}

// keepAddress lets addr go on speaking for c (unless it already may).
func (h *handling) keepAddress(c *Complaint, addr, by string) error {
	var n int
	if err := h.tx.Get(&n, h.q().CountComplaintAddress, c.ID, addr); err != nil {
		return fmt.Errorf("complaint addresses: %w", err)
	}
	if n > 0 {
		return nil
	}
	if _, err := h.tx.Exec(h.q().AddComplaintAddress, c.ID, addr, by, h.now.UTC()); err != nil {
		return fmt.Errorf("keep address: %w", err)
	}
	h.event(c.ID, "address-added", fmt.Sprintf("%s, the complainant's former address, may still act for the complainant (the address was corrected by %s)", addr, by), false, h.row)
	return nil
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
