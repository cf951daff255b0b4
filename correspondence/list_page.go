package correspondence

import (
	"context"
	"fmt"
	"time"
)

// The two queries of ListPage: the count of the matches and one page of
// them, with only the columns a list line shows (a decade's store holds a
// hundred thousand complaints; reading them all took seconds).
const (
	listCountAll     = `SELECT count(*) FROM complaints`
	listCountOfState = `SELECT count(*) FROM complaints WHERE state = ?`
	listPageAll      = `SELECT ref, company, state, handler, term_end FROM complaints ORDER BY id LIMIT ? OFFSET ?`
	listPageOfState  = `SELECT ref, company, state, handler, term_end FROM complaints WHERE state = ? ORDER BY id LIMIT ? OFFSET ?`
)

// ListPage is List from the offset-th match on, at most limit of them (0:
// all), and the number of matches. Without a handler or due-within filter
// (those are decided here, not by SQLite) only that page is read.
func (g *Gateway) ListPage(ctx context.Context, f ListFilter, offset, limit int) ([]ListItem, int, error) {
	if f.Handler != "" || f.DueWithin > 0 || limit <= 0 {
		all, err := g.List(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		total := len(all)
		all = all[min(offset, total):]
		if limit > 0 && limit < len(all) {
			all = all[:limit]
		}
		return all, total, nil
	}
	countQ, pageQ, args := listCountAll, listPageAll, []any{}
	if f.State != "" {
		countQ, pageQ, args = listCountOfState, listPageOfState, []any{f.State}
	}
	var total int
	if err := g.store.DB.GetContext(ctx, &total, countQ, args...); err != nil {
		return nil, 0, fmt.Errorf("list count: %w", err)
	}
	var cs []Complaint
	if err := g.store.DB.SelectContext(ctx, &cs, pageQ, append(args, limit, offset)...); err != nil {
		return nil, 0, fmt.Errorf("list: %w", err)
	}
	today := g.cal.Day(g.now())
	out := make([]ListItem, 0, len(cs))
	for i := range cs {
		out = append(out, g.listItem(&cs[i], today))
	}
	return out, total, nil
}

// listItem is c's line in the list, its days left counted from today.
func (g *Gateway) listItem(c *Complaint, today time.Time) ListItem {
	name := c.Handler
	if p, ok := g.set.handler(c.Handler); ok {
		name = p.Name
	}
	it := ListItem{Ref: c.Ref, Company: c.Company, State: c.State, Handler: name, EndDate: c.TermEnd}
	if c.TermEnd != "" && !c.isFinished() {
		n := g.cal.Between(today, g.day(c.TermEnd))
		it.DaysLeft = &n
	}
	return it
}
