package correspondence

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/ingressus/klachtd/parser"
	"github.com/ingressus/klachtd/templates"
)

// The objection dossier shows the complaint as received and, in the
// thread, each correction made since — by the complainant or a handler's
// #wijzig — with who, when, and the old and new value (procedure.md,
// "Corrections … history kept"; the letter table's "objection dossier").
// Both are read from the "corrected" events applyCorrections writes.

// correctedRe reads a "corrected" event's detail (see applyCorrections).
var correctedRe = regexp.MustCompile(`^(\w+) by (.*?): ("(?:[^"\\]|\\.)*") → ("(?:[^"\\]|\\.)*")$`)

// dossierCorrections returns each correction of c as a thread entry (the
// changes of one mail together), and c's fields as they were received,
// before any of them.
func (h *handling) dossierCorrections(c *Complaint) ([]templates.DossierEntry, *templates.Received, error) {
	var evs []struct {
		At     time.Time `db:"at"`
		Detail string    `db:"detail"`
	}
	if err := h.tx.Select(&evs, h.q().CorrectionsOf, c.ID); err != nil {
		return nil, nil, fmt.Errorf("dossier corrections: %w", err)
	}
	lang, loc := h.g.set.Lang, h.g.cal.Location()
	type corr struct{ field, old string }
	var undo []corr
	var out []templates.DossierEntry
	lastBy := ""
	for _, ev := range evs {
		m := correctedRe.FindStringSubmatch(ev.Detail)
		if m == nil {
			continue // erased, or written by an older version
		}
		old, err1 := strconv.Unquote(m[3])
		nv, err2 := strconv.Unquote(m[4])
		if err1 != nil || err2 != nil {
			continue
		}
		field, by := m[1], m[2]
		undo = append(undo, corr{field, old})
		ch := templates.Change{Label: correctionLabel(field, lang), Old: old, New: nv}
		at := ev.At.In(loc)
		if n := len(out); n > 0 && out[n-1].At.Equal(at) && lastBy == by {
			out[n-1].Changes = append(out[n-1].Changes, ch)
			continue
		}
		e := templates.DossierEntry{At: at, Kind: "correction", Changes: []templates.Change{ch}}
		if by != "the complainant" {
			e.From = by
			if p, ok := h.g.set.handler(by); ok && p.Name != "" {
				e.From = p.Name
			} else if p, ok := h.g.set.manager(by); ok && p.Name != "" {
				e.From = p.Name
			}
		}
		lastBy = by
		out = append(out, e)
	}
	f := c.fields()
	for i := len(undo) - 1; i >= 0; i-- {
		f = setFieldValue(f, undo[i].field, undo[i].old)
	}
	rc := *c
	rc.setFields(f)
	rec := &templates.Received{Complaint: rc.templateComplaint()}
	if rec.Complaint.Date != "" {
		var n int
		if err := h.tx.Get(&n, h.q().CountDateAssumed, c.ID, rec.Complaint.Date); err != nil {
			return nil, nil, fmt.Errorf("dossier corrections: %w", err)
		}
		rec.Complaint.DateAssumed = n > 0
	}
	return out, rec, nil
}

// correctionLabel is a field's label in lang, references included.
func correctionLabel(field, lang string) string {
	if field == parser.FieldReferences {
		if lang == "en" {
			return "Reference numbers"
		}
		return "Referentienummers"
	}
	return fieldLabel(field, lang)
}

// speaksForQuiet is speaksFor for a yes/no in a loop: a store error fails
// the transaction (txn.fail) and reads as no.
func (h *handling) speaksForQuiet(c *Complaint, addr string) bool {
	ok, err := h.speaksFor(c, addr)
	if err != nil {
		h.fail(err)
		return false
	}
	return ok
}
