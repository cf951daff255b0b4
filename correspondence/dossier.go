package correspondence

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ingressus/klachtd/parser"
	"github.com/ingressus/klachtd/templates"
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
	// A state filter (--due-within means open ones) is given to SQLite, so
	// the index reads the few running complaints instead of a decade's: one
	// of three named statements, chosen here.
	q, args := g.store.q.ComplaintsAll, []any{}
	switch {
	case f.DueWithin > 0:
		q = g.store.q.ComplaintsOpen
	case f.State != "":
		q, args = g.store.q.ComplaintsInState, []any{f.State}
	}
	var cs []Complaint
	if err := g.store.db.SelectContext(ctx, &cs, q, args...); err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	today := g.cal.Day(g.now())
	out := []ListItem{}
	for i := range cs {
		c := &cs[i]
		if f.State != "" && c.State != f.State {
			continue
		}
		it := g.listItem(c, today)
		if f.Handler != "" && !strings.EqualFold(c.Handler, f.Handler) && !strings.Contains(strings.ToLower(it.Handler), strings.ToLower(f.Handler)) {
			continue
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
	err := g.store.db.GetContext(ctx, &c, g.store.q.ComplaintByRef, strings.ToUpper(strings.TrimSpace(ref)))
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
	if err := g.store.db.SelectContext(ctx, &in, g.store.q.TimelineMails, c.ID); err != nil {
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
	if err := g.store.db.SelectContext(ctx, &outm, g.store.q.LettersOfComplaint, c.ID); err != nil {
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
	if err := g.store.db.SelectContext(ctx, &evs, g.store.q.TimelineEvents, c.ID); err != nil {
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
		writeMboxEntry(bw, sender, e.At, e.raw)
		n++
	}
	return n, bw.Flush()
}

// writeMboxEntry writes one mail in mboxrd form: a "From " separator,
// the bytes with LF line ends and ">*From " lines quoted, a blank line.
func writeMboxEntry(bw *bufio.Writer, sender string, at time.Time, raw []byte) {
	fmt.Fprintf(bw, "From %s %s\n", sender, at.UTC().Format("Mon Jan _2 15:04:05 2006"))
	raw = bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
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
}

// isFromLine: mboxrd quotes ">*From " at the start of a line.
func isFromLine(line []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From "))
}

// dossierDelayRe reads the detail of a "delay" event (see txn.delay).
var dossierDelayRe = regexp.MustCompile(`^\+(\d+) working days \((.*)\); term ends (\d{4}-\d{2}-\d{2}); automatic=(true|false) late=(true|false)$`)

// dossier assembles the dossier of c: for management on an objection
// (objection true: the mail being handled, or for a #bezwaar the
// complainant's last message, is marked as the objection), or for a new
// handler
// (procedure.md §4): the complaint as received, every mail in and every
// letter out in reading order with its text, the dates against the terms,
// and the thread's attachments — attached while they fit in
// MaxRelayAttachment together, listed with name and size beyond that.
// The mail being handled (h.row) counts as part of the thread even though
// its complaint is only recorded at the end of the transaction.
func (h *handling) dossier(c *Complaint, objection bool) (*templates.Dossier, []templates.File, error) {
	g := h.g
	loc := g.cal.Location()
	ds := &templates.Dossier{Arrived: c.ReceivedAt.In(loc), AttachLimit: g.set.MaxRelayAttachment}
	var files []templates.File
	total := 0
	attach := func(as []parser.Attachment) []templates.Attachment {
		var out []templates.Attachment
		for _, a := range as {
			at := templates.Attachment{Name: a.Filename, Size: a.Size}
			if a.Data != nil && total+a.Size <= g.set.MaxRelayAttachment {
				total += a.Size
				at.Included = true
				files = append(files, templates.File{Name: a.Filename, ContentType: a.ContentType, Data: a.Data})
			}
			out = append(out, at)
		}
		return out
	}

	var ins []struct {
		ID   int64     `db:"id"`
		At   time.Time `db:"arrived_at"`
		From string    `db:"from_addr"`
		Raw  []byte    `db:"raw"`
	}
	if err := h.tx.Select(&ins, h.q().DossierMails, c.ID, h.row); err != nil {
		return nil, nil, fmt.Errorf("dossier messages: %w", err)
	}
	objectionRow := h.row
	if !objection {
		objectionRow = -1
	} else if h.isStaff() {
		// #bezwaar from staff: the objection is the complainant's last message.
		objectionRow = 0
		for _, m := range ins {
			if h.speaksForQuiet(c, m.From) && m.ID != h.row {
				objectionRow = m.ID
			}
		}
	}
	var objectedAt time.Time
	// Entries are put in reading order by when they happened in the
	// gateway: a mail by its arrival, a letter by when it was queued (in
	// the transaction of the mail or deadline that caused it), mails
	// before letters at the same moment. A letter shows when it was sent.
	type dated struct {
		e     templates.DossierEntry
		order time.Time
	}
	var entries []dated
	seenIDs := map[string]bool{}
	for i, m := range ins {
		msg := h.msg
		if m.ID != h.row {
			raw := m.Raw
			var chunks [][]byte
			if err := h.tx.Select(&chunks, h.q().MessageChunks, m.ID); err != nil {
				return nil, nil, fmt.Errorf("dossier message %d: %w", m.ID, err)
			}
			if len(chunks) > 0 {
				raw = bytes.Join(chunks, nil)
			}
			msg, _ = parser.Parse(raw, g.popt)
			if msg == nil {
				msg = &parser.Message{Kind: parser.KindOther}
			}
		}
		if msg.MessageID != "" && seenIDs[msg.MessageID] {
			continue // the same mail delivered again: stored and noted, not a message of its own
		}
		seenIDs[msg.MessageID] = true
		if i == 0 {
			// The complaint as received: shown as its fields, not as a mail.
			ds.Direct = msg.Kind != parser.KindForm
			ds.Complaint = attach(msg.Attachments)
			continue
		}
		p, staff := g.set.handler(m.From)
		if mp, mgmt := g.set.manager(m.From); mgmt {
			p, staff = mp, true
		}
		e := templates.DossierEntry{At: m.At.In(loc), From: m.From, Subject: msg.Subject}
		if staff && p.Name != "" {
			e.From = p.Name
		} else if msg.FromName != "" {
			e.From = msg.FromName + " <" + m.From + ">"
		}
		text := strings.TrimSpace(msg.Reply)
		if cmd := msg.Command; cmd != nil && !staff {
			// Only staff give commands: anyone else's "#bezwaar" line is
			// part of what they wrote and is shown (as thread.go's text does).
			text = strings.TrimSpace(strings.TrimSpace("#"+cmd.Word+" "+cmd.Args) + "\n" + text)
		} else if text == "" && msg.Command == nil {
			text = strings.TrimSpace(msg.Text)
		}
		switch {
		case staff:
			// Staff mails reach the dossier through the letters they
			// caused; only internal notes have no letter of their own.
			if msg.Command == nil || msg.Command.Name != "note" {
				continue
			}
			e.Kind, e.Text = "note", strings.TrimSpace(msg.Command.Args+"\n"+text)
		case msg.Kind.IsMachine():
			e.Kind = string(msg.Kind)
		case msg.Kind == parser.KindForm:
			e.Kind, e.Text = "form", text // the form submitted again
		case h.speaksForQuiet(c, m.From): // her own address, a former one, or one a handler added
			e.Kind, e.Text = "complainant", text
		default:
			e.Kind, e.Text = "other", text
		}
		if !msg.Kind.IsMachine() {
			e.Attachments = attach(msg.Attachments)
		}
		if m.ID == objectionRow {
			e.Objection = true
			objectedAt = e.At
		}
		entries = append(entries, dated{e, m.At})
	}

	var outs []struct {
		ID      int64        `db:"id"`
		At      time.Time    `db:"created_at"`
		SentAt  sql.NullTime `db:"sent_at"`
		Kind    string       `db:"kind"`
		Rcpt    string       `db:"rcpt"`
		Subject string       `db:"subject"`
		State   string       `db:"state"`
		Raw     []byte       `db:"raw"`
	}
	if err := h.tx.Select(&outs, h.q().LettersOfComplaint, c.ID); err != nil {
		return nil, nil, fmt.Errorf("dossier letters: %w", err)
	}
	var ackSent time.Time
	for _, l := range outs {
		at := l.At
		if l.SentAt.Valid {
			at = l.SentAt.Time
		}
		e := templates.DossierEntry{At: at.In(loc), Out: true, Kind: l.Kind, To: strings.ReplaceAll(l.Rcpt, "\n", ", "),
			Subject: l.Subject, Failed: l.State == "failed", Pending: l.State != "sent" && l.State != "failed"}
		if l.Kind == templates.Acknowledgement && ackSent.IsZero() && l.SentAt.Valid {
			ackSent = e.At
		}
		toComplainant := false
		for _, r := range strings.Split(l.Rcpt, "\n") {
			toComplainant = toComplainant || h.speaksForQuiet(c, r) // a former address too
		}
		if !toComplainant {
			ds.Internal = append(ds.Internal, e)
			continue
		}
		if msg, _ := parser.Parse(l.Raw, g.popt); msg != nil {
			e.Text = strings.TrimSpace(msg.Text)
			e.Attachments = attach(msg.Attachments)
		}
		entries = append(entries, dated{e, l.At})
	}
	corrections, received, err := h.dossierCorrections(c) // dossier_corrections.go
	if err != nil {
		return nil, nil, err
	}
	ds.AsReceived = received
	for _, e := range corrections {
		entries = append(entries, dated{e, e.At}) // after the mail that made it
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].order.Before(entries[j].order) })
	for _, d := range entries {
		ds.Entries = append(ds.Entries, d.e)
	}

	tm := &ds.Terms
	tm.Arrived = ds.Arrived
	tm.Received = g.day(c.CompleteDay)
	tm.AckDue = g.day(c.AckDue)
	tm.AckSent = ackSent
	tm.AckInTime = !ackSent.IsZero() && !g.cal.Day(ackSent).After(tm.AckDue)
	if !tm.Received.IsZero() {
		tm.FirstEnd = g.cal.Add(tm.Received, g.set.TermDays)
	}
	var evs []struct {
		At     time.Time `db:"at"`
		Detail string    `db:"detail"`
	}
	if err := h.tx.Select(&evs, h.q().DelaysOfComplaint, c.ID); err != nil {
		return nil, nil, fmt.Errorf("dossier delays: %w", err)
	}
	prev := tm.FirstEnd
	for _, ev := range evs {
		m := dossierDelayRe.FindStringSubmatch(ev.Detail)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		x := templates.Extension{At: ev.At.In(loc), Days: n, Reason: m[2], OldEnd: prev, NewEnd: g.day(m[3]),
			Automatic: m[4] == "true", Late: m[5] == "true"}
		prev = x.NewEnd
		tm.Extensions = append(tm.Extensions, x)
	}
	tm.End = g.day(c.TermEnd)
	tm.Responded = g.day(c.RespondedDay)
	tm.ResponseInTime = !tm.Responded.IsZero() && !tm.Responded.After(tm.End)
	tm.ObjectionEnd = g.day(c.ObjectionEnd)
	tm.Objected = objectedAt
	tm.ObjectionInTime = !objectedAt.IsZero() && !g.cal.Day(objectedAt).After(tm.ObjectionEnd)
	return ds, files, nil
}
