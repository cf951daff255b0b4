package correspondence

import (
	"context"
	"fmt"
	"time"
)

// ListPage is List from the offset-th match on, at most limit of them (0:
// all), and the number of matches. Without a handler filter (decided here,
// not by SQLite) only that page is read; with due-within only the list
// columns of the open complaints.
func (g *Gateway) ListPage(ctx context.Context, f ListFilter, offset, limit int) ([]ListItem, int, error) {
	if f.DueWithin > 0 && f.Handler == "" {
		if f.State != "" && f.State != StateOpen {
			return []ListItem{}, 0, nil // due-within is of open complaints only
		}
		var cs []Complaint
		if err := g.store.db.SelectContext(ctx, &cs, g.store.q.ListOpen); err != nil {
			return nil, 0, fmt.Errorf("list: %w", err)
		}
		today := g.cal.Day(g.now())
		var due []ListItem
		for i := range cs {
			// As List: open, and the term ends within DueWithin working days.
			if it := g.listItem(&cs[i], today); it.DaysLeft != nil && *it.DaysLeft <= f.DueWithin {
				due = append(due, it)
			}
		}
		return pageOf(due, offset, limit), len(due), nil
	}
	if f.Handler != "" || limit <= 0 {
		all, err := g.List(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		return pageOf(all, offset, limit), len(all), nil
	}
	q := g.store.q
	countQ, pageQ, args := q.ListCountAll, q.ListPageAll, []any{}
	if f.State != "" {
		countQ, pageQ, args = q.ListCountOfState, q.ListPageOfState, []any{f.State}
	}
	var total int
	if err := g.store.db.GetContext(ctx, &total, countQ, args...); err != nil {
		return nil, 0, fmt.Errorf("list count: %w", err)
	}
	var cs []Complaint
	if err := g.store.db.SelectContext(ctx, &cs, pageQ, append(args, limit, offset)...); err != nil {
		return nil, 0, fmt.Errorf("list: %w", err)
	}
	today := g.cal.Day(g.now())
	out := make([]ListItem, 0, len(cs))
	for i := range cs {
		out = append(out, g.listItem(&cs[i], today))
	}
	return out, total, nil
}

// pageOf is items[offset:offset+limit] within bounds; limit 0 is all.
func pageOf(items []ListItem, offset, limit int) []ListItem {
	items = items[min(offset, len(items)):]
	if limit > 0 && limit < len(items) {
		items = items[:limit]
	}
	if items == nil {
		return []ListItem{}
	}
	return items
}

// listItem is c's line in the list, its days left counted from today.
func (g *Gateway) listItem(c *Complaint, today time.Time) ListItem {
	name := c.Handler
	if p, ok := g.set.handler(c.Handler); ok {
		name = p.Name
	}
	it := ListItem{Ref: c.Ref, Company: c.Company, State: c.State, Handler: name}
	// Only a running term is shown: after the response the handling term
	// is history (the objection window is what runs then), and an operator
	// reading "term ends" or days left would act on a date that no longer
	// applies.
	if c.State == StateOpen && c.TermEnd != "" {
		it.EndDate = c.TermEnd
		n := g.cal.Between(today, g.day(c.TermEnd))
		it.DaysLeft = &n
	}
	return it
}
