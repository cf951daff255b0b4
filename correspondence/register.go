package correspondence

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/ingressus/klachtd/parser"
	"github.com/ingressus/klachtd/templates"
)

// reasons is a field's problem in both languages.
type reasons struct {
	NL string `json:"nl"`
	EN string `json:"en"`
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
		out = append(out, templates.Problem{Label: fieldLabel(name, lang), Reason: reason})
	}
	return out
}

// register makes a new complaint of a form mail or a mail a person sent
// directly (procedure.md §1).
func (h *handling) register() error {
	f := h.msg.Fields
	if f.Email == "" || h.msg.Invalid[parser.FieldEmail] != "" {
		return h.quarantineWith("no-address", "no usable e-mail address to answer")
	}
	ref, err := h.nextRef()
	if err != nil {
		return err
	}
	c := &Complaint{Ref: ref, Token: strings.ToLower(ref) + "." + randomToken(5), State: StateIncomplete,
		Lang: languageOf(h.msg.Text, h.g.set.Lang), Email: strings.ToLower(f.Email), ReceivedAt: h.now.UTC()}
	c.setFields(f)
	c.Handler = h.assign(c)
	res, err := h.tx.NamedExec(`INSERT INTO complaints (ref, token, state, lang, email, received_at, handler)
		VALUES (:ref, :token, :state, :lang, :email, :received_at, :handler)`, c)
	if err != nil {
		return fmt.Errorf("register %s: %w", ref, err)
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	h.complaintID = c.ID
	h.event(c.ID, "registered", fmt.Sprintf("%s from %s (%s), handler %s", string(h.msg.Kind), c.Email, c.Company, c.Handler), false, h.row)
	problems := problemsOf(f, invalidOf(h.msg))
	if len(problems) == 0 {
		return h.complete(c)
	}
	return h.incomplete(c, problems)
}

// nextRef allocates KL-YYYY-NNNN: a sequence per year, never reused.
func (t *txn) nextRef() (string, error) {
	year := t.today().Year()
	var last int
	err := t.tx.Get(&last, `SELECT last FROM ref_seq WHERE year = ?`, year)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("reference sequence: %w", err)
	}
	last++
	if _, err := t.tx.Exec(`INSERT INTO ref_seq(year, last) VALUES (?, ?) ON CONFLICT(year) DO UPDATE SET last = excluded.last`, year, last); err != nil {
		return "", fmt.Errorf("reference sequence: %w", err)
	}
	return fmt.Sprintf("KL-%d-%04d", year, last), nil
}

// assign picks the handler (procedure.md §2): the contact person named in
// the form, else the company or mail-domain mapping, else the handler with
// the fewest open complaints.
func (t *txn) assign(c *Complaint) string {
	h := t.chooseHandler(c)
	if t.loads != nil && h != "" {
		t.loads[h]++
	}
	return h
}

func (t *txn) chooseHandler(c *Complaint) string {
	set := t.g.set
	if p, ok := set.findHandler(c.Contact); ok {
		return p.Email
	}
	if addr, ok := set.HandlerByDomain[strings.ToLower(strings.TrimSpace(c.Company))]; ok {
		return addr
	}
	if i := strings.LastIndexByte(c.Email, '@'); i >= 0 {
		if addr, ok := set.HandlerByDomain[c.Email[i+1:]]; ok {
			return addr
		}
	}
	if len(set.Handlers) == 0 {
		return ""
	}
	if t.loads == nil {
		// Counted once per transaction, then kept up to date as this
		// transaction registers: a batch of 50 costs one count, not 50.
		t.loads = map[string]int{}
		var rows []struct {
			Handler string `db:"handler"`
			N       int    `db:"n"`
		}
		// The running states named (not NOT IN the finished ones): the state
		// index then reads the running complaints, not a decade of closed ones.
		_ = t.tx.Select(&rows, `SELECT handler, count(*) AS n FROM complaints WHERE state IN ('incomplete', 'open', 'responded', 'objection') GROUP BY handler`)
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
	return best
}

// complete starts the handling term of a complete complaint and queues the
// acknowledgement and the handler's notification (procedure.md §2).
func (h *handling) complete(c *Complaint) error {
	g := h.g
	day := g.cal.Receipt(h.now)
	c.State = StateOpen
	c.Problems = "{}"
	c.CompleteDay = fmtDay(day)
	if c.FormDate == "" {
		c.FormDate = fmtDay(day)
		h.event(c.ID, "date-assumed", "no date in the form; the receipt date "+c.FormDate+" is used", false, h.row)
	}
	c.AckDue = fmtDay(g.cal.Add(day, g.set.AckDays))
	end := g.cal.Add(day, g.set.TermDays)
	c.TermEnd = fmtDay(end)
	c.DelayLatest = fmtDay(g.cal.Add(end, -g.set.DelayNoticeDays))
	h.event(c.ID, "complete", fmt.Sprintf("received %s; acknowledgement due %s; term ends %s; delay notice at the latest %s",
		c.CompleteDay, c.AckDue, c.TermEnd, c.DelayLatest), false, h.row)
	if _, err := h.queue(letter{name: templates.Acknowledgement, key: "ack:" + c.Ref, to: []string{c.Email},
		c: c, data: g.baseData(c, h.now)}); err != nil {
		return err
	}
	if _, err := h.queue(letter{name: templates.HandlerNew, key: "handler-new:" + c.Ref, to: []string{c.Handler},
		c: c, data: g.baseData(c, h.now), staff: true}); err != nil {
		return err
	}
	return h.saveComplaint(c)
}

// incomplete asks the complainant for what is missing or invalid.
func (h *handling) incomplete(c *Complaint, problems map[string]reasons) error {
	g := h.g
	day := g.cal.Receipt(h.now)
	c.State = StateIncomplete
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
	if _, err := h.queue(letter{name: templates.CompletionRequest, key: fmt.Sprintf("completion:%s:%d", c.Ref, h.row),
		to: []string{c.Email}, c: c, data: d, inReplyTo: h.msg.MessageID}); err != nil {
		return err
	}
	return h.saveComplaint(c)
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
