package correspondence

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ingressus/klachtd/templates"
)

// DefaultCategories are the categories when the config names none: what
// Ingressus' complaints are usually about.
func DefaultCategories() []string {
	return []string{"levering", "facturatie", "kwaliteit", "communicatie", "overig"}
}

// matchCategory finds the configured category a handler meant: the same
// name in any case, else the one category the word starts ("lev" for
// levering). ok is false for none or more than one.
func matchCategory(list []string, word string) (string, bool) {
	w := strings.ToLower(strings.Trim(strings.TrimSpace(word), `.,;:"'`))
	if w == "" {
		return "", false
	}
	for _, c := range list {
		if strings.ToLower(c) == w {
			return c, true
		}
	}
	var found string
	for _, c := range list {
		if strings.HasPrefix(strings.ToLower(c), w) {
			if found != "" {
				return "", false
			}
			found = c
		}
	}
	return found, found != ""
}

// category carries out "#categorie naam": it tags the complaint (the last
// tag counts) and confirms it to the sender; an unknown name is refused
// with the list. The complainant is never told: a category is internal.
// A finished complaint may still be tagged, so that the yearly figures
// can be completed afterwards.
func (h *handling) category(c *Complaint, args string) error {
	word := strings.TrimSpace(args)
	if f := strings.Fields(word); len(f) > 0 {
		word = f[0]
	}
	d := h.g.baseData(c, h.now)
	name, ok := matchCategory(h.g.set.Categories, word)
	if !ok {
		d.Category = word
		_, err := h.queue(letter{name: templates.CategoryRefused, key: fmt.Sprintf("category-refused:%d", h.row),
			to: []string{h.msg.From}, c: c, data: d, staff: true, inReplyTo: h.msg.MessageID})
		return err
	}
	if _, err := h.tx.Exec(h.q().SetCategory, c.ID, name, h.now.UTC()); err != nil {
		return fmt.Errorf("category %s: %w", c.Ref, err)
	}
	h.event(c.ID, "category", name, false, h.row)
	d.Category = name
	_, err := h.queue(letter{name: templates.CategorySet, key: fmt.Sprintf("category:%d", h.row),
		to: []string{h.msg.From}, c: c, data: d, staff: true, inReplyTo: h.msg.MessageID})
	return err
}

// Category returns the category of the complaint ref ("" when untagged).
func (g *Gateway) Category(ctx context.Context, ref string) (string, error) {
	var name []string
	err := g.store.db.SelectContext(ctx, &name, g.store.q.CategoryOfRef, ref)
	if err != nil || len(name) == 0 {
		return "", err
	}
	return name[0], nil
}

// categories maps complaint id to category, for every tagged complaint.
func (g *Gateway) categories(ctx context.Context) (map[int64]string, error) {
	var rows []struct {
		ID   int64  `db:"complaint_id"`
		Name string `db:"category"`
	}
	if err := g.store.db.SelectContext(ctx, &rows, g.store.q.Categories); err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// digestUncategorised lists, in the digest, the complaints a handler still
// has to give a category: every complete one in the procedure, and every
// one closed in the period, without a tag.
func (g *Gateway) digestUncategorised(ctx context.Context, d *templates.DigestData, cs []Complaint, from, today time.Time) error {
	if len(g.set.Categories) == 0 {
		return nil
	}
	tagged, err := g.categories(ctx)
	if err != nil {
		return err
	}
	fromDay := g.cal.Day(from)
	for i := range cs {
		c := &cs[i]
		if tagged[c.ID] != "" || c.CompleteDay == "" || c.State == StateLapsed {
			continue
		}
		if c.State == StateClosed && g.day(c.ClosedDay).Before(fromDay) {
			continue
		}
		d.Uncategorised = append(d.Uncategorised, g.digestRow(c, today))
	}
	return nil
}
