package correspondence

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// ErrNotFound is returned for a reference that names no complaint.
var ErrNotFound = errors.New("no such complaint")

// ListFilter narrows List.
type ListFilter struct {
	State     string
	Handler   string // address or part of the name
	DueWithin int    // only open complaints whose term ends within N working days (0: all)
}

// ListItem is one line of `klachtd list`.
type ListItem struct {
	Ref      string `json:"ref"`
	Company  string `json:"company"`
	State    string `json:"state"`
	Handler  string `json:"handler"`
	EndDate  string `json:"end_date"`
	DaysLeft *int   `json:"days_left,omitempty"`
}

// List returns the complaints matching f, oldest first.
func (g *Gateway) List(ctx context.Context, f ListFilter) ([]ListItem, error) {
	var cs []Complaint
	if err := g.store.DB.SelectContext(ctx, &cs, `SELECT * FROM complaints ORDER BY id`); err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	today := g.cal.Day(g.now())
	out := []ListItem{}
	for i := range cs {
		c := &cs[i]
		if f.State != "" && c.State != f.State {
			continue
		}
		name := c.Handler
		if p, ok := g.set.handler(c.Handler); ok {
			name = p.Name
		}
		if f.Handler != "" && !strings.EqualFold(c.Handler, f.Handler) && !strings.Contains(strings.ToLower(name), strings.ToLower(f.Handler)) {
			continue
		}
		it := ListItem{Ref: c.Ref, Company: c.Company, State: c.State, Handler: name, EndDate: c.TermEnd}
		if c.TermEnd != "" && !c.isFinished() {
			n := g.cal.Between(today, g.day(c.TermEnd))
			it.DaysLeft = &n
		}
		if f.DueWithin > 0 && (it.DaysLeft == nil || c.State != StateOpen || *it.DaysLeft > f.DueWithin) {
			continue
		}
		out = append(out, it)
	}
	return out, nil
}

// Complaint returns the complaint with reference ref.
func (g *Gateway) Complaint(ctx context.Context, ref string) (*Complaint, error) {
	var c Complaint
	err := g.store.DB.GetContext(ctx, &c, `SELECT * FROM complaints WHERE ref = ?`, strings.ToUpper(strings.TrimSpace(ref)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: %w", ref, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// TimelineEntry is one line of a complaint's story: a mail in or out, or an
// event (state change, deadline, command).
type TimelineEntry struct {
	At     time.Time `json:"at"`
	Type   string    `json:"type"` // mail-in, mail-out, event
	Kind   string    `json:"kind"`
	Who    string    `json:"who,omitempty"`
	Detail string    `json:"detail"`
	Late   bool      `json:"late,omitempty"`
	raw    []byte
	order  int
}

// Timeline returns every mail in and out and every event of a complaint, in
// order.
func (g *Gateway) Timeline(ctx context.Context, c *Complaint) ([]TimelineEntry, error) {
	var out []TimelineEntry
	var in []struct {
		ID      int64     `db:"id"`
		At      time.Time `db:"arrived_at"`
		Kind    string    `db:"kind"`
		From    string    `db:"from_addr"`
		Subject string    `db:"subject"`
		Raw     []byte    `db:"raw"`
	}
	if err := g.store.DB.SelectContext(ctx, &in, `SELECT id, arrived_at, kind, from_addr, subject, raw FROM messages WHERE complaint_id = ? ORDER BY id`, c.ID); err != nil {
		return nil, err
	}
	for _, m := range in {
		raw, err := g.rawOf(ctx, m.ID, m.Raw)
		if err != nil {
			return nil, err
		}
		out = append(out, TimelineEntry{At: m.At, Type: "mail-in", Kind: m.Kind, Who: m.From, Detail: m.Subject, raw: raw, order: int(m.ID)})
	}
	var outm []struct {
		ID      int64        `db:"id"`
		At      time.Time    `db:"created_at"`
		SentAt  sql.NullTime `db:"sent_at"`
		Kind    string       `db:"kind"`
		Rcpt    string       `db:"rcpt"`
		Subject string       `db:"subject"`
		State   string       `db:"state"`
		Raw     []byte       `db:"raw"`
	}
	if err := g.store.DB.SelectContext(ctx, &outm, `SELECT id, created_at, sent_at, kind, rcpt, subject, state, raw FROM outbox WHERE complaint_id = ? ORDER BY id`, c.ID); err != nil {
		return nil, err
	}
	for _, m := range outm {
		at := m.At
		if m.SentAt.Valid {
			at = m.SentAt.Time
		}
		out = append(out, TimelineEntry{At: at, Type: "mail-out", Kind: m.Kind, Who: strings.ReplaceAll(m.Rcpt, "\n", ", "),
			Detail: m.Subject + " [" + m.State + "]", raw: m.Raw, order: int(m.ID)})
	}
	var evs []struct {
		ID     int64     `db:"id"`
		At     time.Time `db:"at"`
		Kind   string    `db:"kind"`
		Detail string    `db:"detail"`
		Late   bool      `db:"late"`
	}
	if err := g.store.DB.SelectContext(ctx, &evs, `SELECT id, at, kind, detail, late FROM events WHERE complaint_id = ? AND kind != 'letter-queued' ORDER BY id`, c.ID); err != nil {
		return nil, err
	}
	for _, e := range evs {
		out = append(out, TimelineEntry{At: e.At, Type: "event", Kind: e.Kind, Detail: e.Detail, Late: e.Late, order: int(e.ID)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	loc := g.cal.Location()
	for i := range out {
		out[i].At = out[i].At.In(loc)
	}
	return out, nil
}

// ExportMbox writes the complaint's every mail in and out, byte for byte, in
// order, as an mbox (mboxrd: "From " lines in bodies are quoted).
func (g *Gateway) ExportMbox(ctx context.Context, c *Complaint, w io.Writer) (int, error) {
	tl, err := g.Timeline(ctx, c)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriter(w)
	n := 0
	for _, e := range tl {
		if e.raw == nil {
			continue
		}
		sender := "MAILER-DAEMON"
		if e.Type == "mail-in" && e.Who != "" {
			sender = e.Who
		} else if e.Type == "mail-out" {
			sender = g.set.Gateway
		}
		fmt.Fprintf(bw, "From %s %s\n", sender, e.At.UTC().Format("Mon Jan _2 15:04:05 2006"))
		raw := bytes.ReplaceAll(e.raw, []byte("\r\n"), []byte("\n"))
		for _, line := range bytes.SplitAfter(raw, []byte("\n")) {
			if isFromLine(line) {
				bw.WriteByte('>')
			}
			bw.Write(line)
		}
		if !bytes.HasSuffix(raw, []byte("\n")) {
			bw.WriteByte('\n')
		}
		bw.WriteByte('\n')
		n++
	}
	return n, bw.Flush()
}

// isFromLine: mboxrd quotes ">*From " at the start of a line.
func isFromLine(line []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From "))
}
