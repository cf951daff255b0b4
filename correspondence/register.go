package correspondence

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ingressus/klachtd/parser"
	"github.com/ingressus/klachtd/templates"
)

// reasons is a field's problem in both languages.
// Own, when set, is an address of our own given as the complainant's: the
// letter words why it is refused (templates), NL and EN stay empty.
type reasons struct {
	NL  string `json:"nl"`
	EN  string `json:"en"`
	Own string `json:"own,omitempty"`
}

var fieldLabels = map[string][2]string{
	parser.FieldCompany:      {"Bedrijfsnaam", "Company name"},
	parser.FieldAddress:      {"Adres", "Address"},
	parser.FieldName:         {"Naam", "Name"},
	parser.FieldPhone:        {"Telefoonnummer", "Phone number"},
	parser.FieldAvailability: {"Bereikbaarheid", "Availability"},
	parser.FieldEmail:        {"E-mailadres", "E-mail address"},
	parser.FieldDate:         {"Datum", "Date"},
	parser.FieldDescription:  {"Omschrijving van de klacht", "Description of the complaint"},
}

func fieldLabel(field, lang string) string {
	l, ok := fieldLabels[field]
	if !ok {
		return field
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// problemsOf lists what keeps a complaint from being complete: each required
// field that is empty, and each invalid one with its reason.
func problemsOf(f parser.Fields, invalid map[string]reasons) map[string]reasons {
	out := map[string]reasons{}
	for _, name := range parser.RequiredFields {
		if name == parser.FieldDate { // absent: the receipt date is used (procedure.md §1)
			continue
		}
		if fieldValue(f, name) == "" {
			out[name] = reasons{NL: "ontbreekt", EN: "is missing"}
		}
	}
	for k, v := range invalid {
		out[k] = v
	}
	return out
}

func fieldValue(f parser.Fields, name string) string {
	switch name {
	case parser.FieldCompany:
		return strings.TrimSpace(f.Company)
	case parser.FieldAddress:
		return strings.TrimSpace(f.Address)
	case parser.FieldName:
		return strings.TrimSpace(f.Name)
	case parser.FieldPhone:
		return strings.TrimSpace(f.Phone)
	case parser.FieldAvailability:
		return strings.TrimSpace(f.Availability)
	case parser.FieldEmail:
		return strings.TrimSpace(f.Email)
	case parser.FieldDate:
		return strings.TrimSpace(f.Date)
	case parser.FieldDescription:
		return strings.TrimSpace(f.Description)
	}
	return ""
}

func invalidOf(m *parser.Message) map[string]reasons {
	out := map[string]reasons{}
	for k, nl := range m.Invalid {
		en := m.InvalidEN[k]
		if en == "" {
			en = nl
		}
		out[k] = reasons{NL: nl, EN: en}
	}
	return out
}

func problemList(p map[string]reasons, lang string) []templates.Problem {
	var out []templates.Problem
	for _, name := range append(append([]string{}, parser.RequiredFields...), parser.FieldReferences) {
		r, ok := p[name]
		if !ok {
			continue
		}
		reason := r.NL
		if lang == "en" {
			reason = r.EN
		}
		out = append(out, templates.Problem{Label: fieldLabel(name, lang), Reason: reason, OwnAddress: r.Own})
	}
	return out
}

// register makes a new complaint of a form mail or a mail a person sent
// directly (procedure.md §1).
func (h *handling) register() error {
	f := h.msg.Fields
	if dup, err := h.duplicate(); dup || err != nil {
		return err
	}
	// One address rule, the parser's (procedure.md §1): the form's field,
	// else Reply-To, else From. Only when none of them is usable is there
	// nobody to answer.
	if f.Email == "" {
		return h.quarantineWith("no-address", "no usable e-mail address to answer")
	}
	emailAsGiven := ""
	if h.msg.Invalid[parser.FieldEmail] != "" {
		// The form's address is not usable but the sender's is: write
		// there, and ask the complainant to confirm it.
		emailAsGiven = givenEmail(h.msg)
	}
	if f.Name == "" && h.msg.Kind != parser.KindForm && strings.TrimSpace(h.msg.FromName) != "" {
		// A complaint mailed directly: the From display name is the name.
		f.Name = strings.TrimSpace(h.msg.FromName)
	}
	if dup, err := h.doubleSubmit(f); dup || err != nil {
		return err
	}
	ref, err := h.nextRef()
	if err != nil {
		return err
	}
	c := &Complaint{Ref: ref, Token: strings.ToLower(ref) + "." + randomToken(5),
		Lang: languageOf(h.msg.Text, h.g.set.Lang), Email: strings.ToLower(f.Email), ReceivedAt: h.now.UTC()}
	c.setFields(f)
	if err := h.enter(c, onSubmission); err != nil {
		return err
	}
	if c.Handler, err = h.assign(c); err != nil {
		return err
	}
	res, err := h.tx.NamedExec(h.q().InsertComplaint, c)
	if err != nil {
		return fmt.Errorf("register %s: %w", ref, err)
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	h.complaintID = c.ID
	h.event(c.ID, "registered", fmt.Sprintf("%s from %s (%s), handler %s", string(h.msg.Kind), c.Email, c.Company, c.Handler), false, h.row)
	if h.msg.Fields.Name == "" && f.Name != "" {
		h.event(c.ID, "name-from-sender", "name taken from the From display name: "+f.Name, false, h.row)
	}
	invalid := invalidOf(h.msg)
	if emailAsGiven != "" {
		delete(invalid, parser.FieldEmail)
		h.emailAsGiven = emailAsGiven
		h.event(c.ID, "email-from-sender", fmt.Sprintf("the form's address %q is not usable; writing to %s, asked to confirm", emailAsGiven, c.Email), false, h.row)
	}
	problems := problemsOf(f, invalid)
	if len(problems) == 0 {
		return h.complete(c)
	}
	return h.incomplete(c, problems)
}

// givenEmail is what the form's e-mail field said, for the letter that
// asks the complainant to confirm the address we write to instead.
func givenEmail(m *parser.Message) string {
	for _, line := range strings.Split(m.Text, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(strings.TrimLeft(k, "-* "))) {
		case "e-mailadres", "e-mail", "email", "e-mail address", "email address", "emailadres":
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return "?"
}

// duplicate recognises the same mail delivered again (procedure.md §1): a
// retried delivery, a copy rule or a re-import has the Message-ID of a mail
// that already made a complaint, even when the receiving server's own
// headers differ. It is stored (it already is) and noted; nothing is sent.
func (h *handling) duplicate() (bool, error) {
	if h.msg.MessageID == "" {
		return false, nil
	}
	var prior struct {
		ID  int64         `db:"id"`
		CID sql.NullInt64 `db:"complaint_id"`
		Out string        `db:"outcome"`
	}
	err := h.tx.Get(&prior, h.q().DuplicateMessage, h.msg.MessageID, h.row)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("duplicate: %w", err)
	}
	if prior.CID.Valid {
		h.complaintID = prior.CID.Int64
		h.note = fmt.Sprintf("duplicate of message %d (same Message-ID); not registered again", prior.ID)
		h.event(prior.CID.Int64, "duplicate", fmt.Sprintf("the same mail (%s) arrived again as message %d; stored, nothing sent", h.msg.MessageID, h.row), false, h.row)
		return true, nil
	}
	// The first copy made no complaint (quarantined): this one is a copy of
	// a mail the intake team already has; it goes where the first went.
	h.quarantine = prior.Out == "quarantined"
	h.note = fmt.Sprintf("duplicate of message %d (same Message-ID); handled there", prior.ID)
	h.event(0, "duplicate", fmt.Sprintf("the same mail (%s) arrived again as message %d", h.msg.MessageID, h.row), false, h.row)
	return true, nil
}

// doubleSubmit recognises a form sent twice (procedure.md §1): a new
// Message-ID, but the same complainant, company and description within the
// window. One complaint; the handler sees a note.
func (h *handling) doubleSubmit(f parser.Fields) (bool, error) {
	w := h.g.set.DoubleSubmitWindow
	if w <= 0 || strings.TrimSpace(f.Description) == "" {
		return false, nil
	}
	var cs []Complaint
	if err := h.tx.Select(&cs, h.q().ComplaintsOfSince, strings.ToLower(f.Email), h.now.UTC().Add(-w)); err != nil {
		return false, fmt.Errorf("double submit: %w", err)
	}
	for i := range cs {
		c := &cs[i]
		if !sameText(c.Company, f.Company) || !sameText(c.Description, f.Description) {
			continue
		}
		h.complaintID = c.ID
		h.note = "double submit of " + c.Ref + "; not registered again"
		if err := h.enter(c, onDoubleSubmit); err != nil {
			return true, err
		}
		h.event(c.ID, "double-submit", fmt.Sprintf("the same complaint was submitted again (%s); one complaint", h.msg.MessageID), false, h.row)
		if c.State == StateIncomplete {
			// Sent again with what was missing: the second copy completes
			// the first, as a reply to the completion request would.
			if err := h.completion(c); err != nil {
				return true, err
			}
		}
		d := h.g.baseData(c, h.now)
		d.SubmittedAt = h.now
		to := []string{c.Handler}
		if c.Handler == "" {
			to = h.g.set.IntakeTeam
		}
		_, err := h.queue(letter{name: templates.DoubleSubmit, key: fmt.Sprintf("double-submit:%s:%d", c.Ref, h.row),
			to: to, c: c, data: d, staff: true})
		return true, err
	}
	return false, nil
}

// sameText compares two texts as a person would: case and runs of white
// space do not count.
func sameText(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// nextRef allocates KL-YYYY-NNNN: a sequence per year, never reused.
func (t *txn) nextRef() (string, error) {
	year := t.today().Year()
	var last int
	err := t.tx.Get(&last, t.q().RefSeqLast, year)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("reference sequence: %w", err)
	}
	last++
	if _, err := t.tx.Exec(t.q().RefSeqSet, year, last); err != nil {
		return "", fmt.Errorf("reference sequence: %w", err)
	}
	return fmt.Sprintf("KL-%d-%04d", year, last), nil
}

// assign picks the handler (procedure.md §2): the contact person named in
// the form, else the company or mail-domain mapping, else the handler with
// the fewest open complaints.
func (t *txn) assign(c *Complaint) (string, error) {
	h, err := t.chooseHandler(c)
	if err != nil {
		return "", err
	}
	if t.loads != nil && h != "" {
		t.loads[h]++
	}
	return h, nil
}

func (t *txn) chooseHandler(c *Complaint) (string, error) {
	set := t.g.set
	if p, ok := set.findHandler(c.Contact); ok {
		return p.Email, nil
	}
	if addr, ok := set.HandlerByDomain[strings.ToLower(strings.TrimSpace(c.Company))]; ok {
		return addr, nil
	}
	if i := strings.LastIndexByte(c.Email, '@'); i >= 0 {
		if addr, ok := set.HandlerByDomain[c.Email[i+1:]]; ok {
			return addr, nil
		}
	}
	if len(set.Handlers) == 0 {
		return "", nil
	}
	if t.loads == nil {
		// Counted once per transaction, then kept up to date as this
		// transaction registers: a batch of 50 costs one count, not 50.
		t.loads = map[string]int{}
		var rows []struct {
			Handler string `db:"handler"`
			N       int    `db:"n"`
		}
		if err := t.tx.Select(&rows, t.q().HandlerLoads); err != nil {
			t.loads = nil
			return "", fmt.Errorf("handler loads: %w", err)
		}
		for _, r := range rows {
			t.loads[r.Handler] = r.N
		}
	}
	best := set.Handlers[0].Email
	for _, p := range set.Handlers[1:] {
		if t.loads[p.Email] < t.loads[best] {
			best = p.Email
		}
	}
	return best, nil
}

// complete starts the handling term of a complete complaint and queues the
// acknowledgement and the handler's notification (procedure.md §2).
func (h *handling) complete(c *Complaint) error {
	g := h.g
	day := g.cal.Receipt(h.now)
	if err := h.enter(c, onComplete); err != nil {
		return err
	}
	c.Problems = "{}"
	c.CompleteDay = fmtDay(day)
	if c.FormDate == "" {
		// The day the mail arrived, not the day the term counts from: a
		// form sent at 18:54 was submitted that day.
		c.FormDate = fmtDay(g.cal.Day(c.ReceivedAt))
		h.event(c.ID, "date-assumed", "no date in the form; the receipt date "+c.FormDate+" is used", false, h.row)
	}
	c.AckDue = fmtDay(g.cal.Add(day, g.set.AckDays))
	end := g.cal.Add(day, g.set.TermDays)
	c.TermEnd = fmtDay(end)
	c.DelayLatest = fmtDay(g.cal.Add(end, -g.set.DelayNoticeDays))
	h.event(c.ID, "complete", fmt.Sprintf("received %s; acknowledgement due %s; term ends %s; delay notice at the latest %s",
		c.CompleteDay, c.AckDue, c.TermEnd, c.DelayLatest), false, h.row)
	ack := g.baseData(c, h.now)
	ack.Arrived = h.now
	if g.cal.IsWorkday(g.cal.Day(h.now)) && !g.cal.Day(h.now).Equal(day) {
		ack.AfterHours = clockOf(g.cal.EndOfDay())
	}
	ack.EmailAsGiven = h.emailAsGiven
	if _, err := h.queue(letter{name: templates.Acknowledgement, key: "ack:" + c.Ref, to: []string{c.Email},
		c: c, data: ack}); err != nil {
		return err
	}
	hn := g.baseData(c, h.now)
	hn.Text = h.completionTexts(c) // what the complainant wrote besides the fields (completion_text.go)
	if _, err := h.queue(letter{name: templates.HandlerNew, key: "handler-new:" + c.Ref, to: []string{c.Handler},
		c: c, data: hn, staff: true}); err != nil {
		return err
	}
	return h.saveComplaint(c)
}

// incomplete asks the complainant for what is missing or invalid.
func (h *handling) incomplete(c *Complaint, problems map[string]reasons) error {
	g := h.g
	day := g.cal.Receipt(h.now)
	if err := h.enter(c, onIncomplete); err != nil {
		return err
	}
	c.LapseDay = fmtDay(g.cal.Add(day, g.set.LapseDays))
	pj, _ := json.Marshal(problems)
	c.Problems = string(pj)
	var names []string
	for k := range problems {
		names = append(names, k)
	}
	sort.Strings(names)
	h.event(c.ID, "incomplete", "missing or invalid: "+strings.Join(names, ", ")+"; lapses "+c.LapseDay, false, h.row)
	d := g.baseData(c, h.now)
	d.Problems = problemList(problems, c.Lang)
	d.EmailAsGiven = h.emailAsGiven
	if _, err := h.queue(letter{name: templates.CompletionRequest, key: fmt.Sprintf("completion:%s:%d", c.Ref, h.row),
		to: []string{c.Email}, c: c, data: d, inReplyTo: h.msg.MessageID}); err != nil {
		return err
	}
	return h.saveComplaint(c)
}

// clockOf writes a time of day as "17:00".
func clockOf(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60)
}

// languageOf guesses the complainant's language from the form's labels: a
// form filled in on the English page gets English letters.
func languageOf(text, fallback string) string {
	en, nl := 0, 0
	for _, line := range strings.Split(text, "\n") {
		l := strings.ToLower(strings.TrimLeft(strings.TrimSpace(line), "-* "))
		for _, w := range []string{"company", "description", "phone", "availability", "email address", "address:", "name:", "your name", "complaint"} {
			if strings.HasPrefix(l, w) {
				en++
			}
		}
		for _, w := range []string{"bedrijfsnaam", "omschrijving", "telefoon", "bereikbaarheid", "e-mailadres", "adres:", "naam:", "klacht"} {
			if strings.HasPrefix(l, w) {
				nl++
			}
		}
	}
	if en > nl && en >= 2 {
		return "en"
	}
	if nl > en {
		return "nl"
	}
	return fallback
}
