package correspondence

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Receipt is a letter's proof of sending: the SMTP server that accepted it,
// the server's whole final reply to DATA (with its queue id) and when.
type Receipt struct {
	Server     string    `db:"server" json:"server"`
	Reply      string    `db:"reply" json:"reply"`
	AcceptedAt time.Time `db:"accepted_at" json:"accepted_at"`
}

// Line is the receipt as the dossier shows it (Dutch, the record's language).
func (r Receipt) Line(loc *time.Location) string {
	return fmt.Sprintf("aangenomen door %s op %s (%s)", r.Server, r.AcceptedAt.In(loc).Format("2006-01-02 15:04:05 MST"), r.Reply)
}

// MailRecord is one mail in or out of a complaint's file, byte for byte.
type MailRecord struct {
	Row       int64     `json:"row"`       // messages.id or outbox.id
	Direction string    `json:"direction"` // in or out
	At        time.Time `json:"at"`        // arrival, or sending (else queueing)
	Kind      string    `json:"kind"`      // parse kind in, letter kind out
	From      string    `json:"from,omitempty"`
	To        string    `json:"to,omitempty"`
	Subject   string    `json:"subject"`
	MessageID string    `json:"message_id,omitempty"`
	State     string    `json:"state,omitempty"` // out: queued, sent, failed
	LastError string    `json:"last_error,omitempty"`
	Receipts  []Receipt `json:"receipts,omitempty"`
	// DSNs are the stored mails (messages.id) that reported this letter
	// undeliverable or delayed.
	DSNs []int64 `json:"dsns,omitempty"`
	// LinkedLetters, on a DSN, are the letters it is about.
	LinkedLetters []int64 `json:"linked_letters,omitempty"`
	Raw           []byte  `json:"-"`
	Erased        bool    `json:"erased,omitempty"`
}

// EventRecord is one event of the timeline.
type EventRecord struct {
	At     time.Time `db:"at" json:"at"`
	Kind   string    `db:"kind" json:"kind"`
	Detail string    `db:"detail" json:"detail"`
	Late   bool      `db:"late" json:"late,omitempty"`
}

// ComplaintRecord is everything stored about one complaint.
type ComplaintRecord struct {
	Complaint *Complaint
	Privacy   Privacy
	Mails     []MailRecord // in time order
	Events    []EventRecord
}

// Record gathers the complete file of one complaint: every mail in and out
// with its bytes, each letter's proof of sending and DSNs, and the events.
func (g *Gateway) Record(ctx context.Context, c *Complaint) (*ComplaintRecord, error) {
	r := &ComplaintRecord{Complaint: c}
	var err error
	if r.Privacy, err = g.PrivacyOf(ctx, c); err != nil {
		return nil, err
	}
	if r.Mails, err = g.mailsWhere(ctx, g.store.q.RecordMailsIn, g.store.q.RecordLetters, c.ID); err != nil {
		return nil, err
	}
	if err := g.store.db.SelectContext(ctx, &r.Events, g.store.q.RecordEvents, c.ID); err != nil {
		return nil, fmt.Errorf("record %s: %w", c.Ref, err)
	}
	loc := g.cal.Location()
	for i := range r.Events {
		r.Events[i].At = r.Events[i].At.In(loc)
	}
	return r, nil
}

// mailsWhere reads mails in (the messages inQuery selects) and out (the
// letters outQuery selects), with receipts and DSN links, in time order.
// The queries are a pair from queries/dossier.sql (record-mails-in and
// record-letters, or the loose pair), both taking args.
func (g *Gateway) mailsWhere(ctx context.Context, inQuery, outQuery string, args ...any) ([]MailRecord, error) {
	var out []MailRecord
	var in []struct {
		ID        int64     `db:"id"`
		At        time.Time `db:"arrived_at"`
		Kind      string    `db:"kind"`
		From      string    `db:"from_addr"`
		Subject   string    `db:"subject"`
		MessageID string    `db:"message_id"`
		Raw       []byte    `db:"raw"`
		Size      int64     `db:"size"`
	}
	if err := g.store.db.SelectContext(ctx, &in, inQuery, args...); err != nil {
		return nil, fmt.Errorf("mails in: %w", err)
	}
	for _, m := range in {
		raw, err := g.rawOf(ctx, m.ID, m.Raw)
		if err != nil {
			return nil, err
		}
		rec := MailRecord{Row: m.ID, Direction: "in", At: m.At, Kind: m.Kind, From: m.From, Subject: m.Subject,
			MessageID: m.MessageID, Raw: raw, Erased: len(raw) == 0 && m.Size > 0}
		if err := g.store.db.SelectContext(ctx, &rec.LinkedLetters, g.store.q.DSNLettersOfMessage, m.ID); err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	var letters []struct {
		ID        int64        `db:"id"`
		Created   time.Time    `db:"created_at"`
		SentAt    sql.NullTime `db:"sent_at"`
		Kind      string       `db:"kind"`
		From      string       `db:"mail_from"`
		Rcpt      string       `db:"rcpt"`
		Subject   string       `db:"subject"`
		MessageID string       `db:"message_id"`
		State     string       `db:"state"`
		LastError string       `db:"last_error"`
		Raw       []byte       `db:"raw"`
	}
	if err := g.store.db.SelectContext(ctx, &letters, outQuery, args...); err != nil {
		return nil, fmt.Errorf("letters: %w", err)
	}
	for _, l := range letters {
		at := l.Created
		if l.SentAt.Valid {
			at = l.SentAt.Time
		}
		rec := MailRecord{Row: l.ID, Direction: "out", At: at, Kind: l.Kind, From: l.From, To: strings.ReplaceAll(l.Rcpt, "\n", ", "),
			Subject: l.Subject, MessageID: l.MessageID, State: l.State, Raw: l.Raw, Erased: len(l.Raw) == 0}
		if !strings.HasPrefix(l.LastError, "lease:") {
			rec.LastError = l.LastError
		}
		if err := g.store.db.SelectContext(ctx, &rec.Receipts, g.store.q.ReceiptsOfLetter, l.ID); err != nil {
			return nil, err
		}
		if err := g.store.db.SelectContext(ctx, &rec.DSNs, g.store.q.DSNsOfLetter, l.ID); err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	loc := g.cal.Location()
	for i := range out {
		out[i].At = out[i].At.In(loc)
		for j := range out[i].Receipts {
			out[i].Receipts[j].AcceptedAt = out[i].Receipts[j].AcceptedAt.In(loc)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// personJSON is one complaint in complaints.json.
type personJSON struct {
	Ref     string            `json:"ref"`
	State   string            `json:"state"`
	Lang    string            `json:"lang"`
	Fields  map[string]string `json:"fields"`
	Handler string            `json:"handler"`
	Dates   map[string]string `json:"dates"`
	Privacy Privacy           `json:"privacy"`
	Events  []EventRecord     `json:"events"`
	Mails   []MailRecord      `json:"mails"`
}

// PersonExport says what an access export wrote.
type PersonExport struct {
	Complaints int // complaints of the person
	Mails      int // mails in and out written to the mbox
}

// ExportPerson writes everything kept about the person with this address
// (AVG art. 15) to dir: mail.mbox, every mail in and out of their
// complaints and their mails tied to no complaint, byte for byte as
// received and sent; complaints.json, the fields, states, dates, events and
// letters of each complaint.
func (g *Gateway) ExportPerson(ctx context.Context, email, dir string) (PersonExport, error) {
	var res PersonExport
	email = strings.TrimSpace(email)
	cs, err := g.ComplaintsOf(ctx, email)
	if err != nil {
		return res, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, fmt.Errorf("export folder: %w", err)
	}
	mf, err := os.OpenFile(filepath.Join(dir, "mail.mbox"), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	defer mf.Close()
	mbox := bufio.NewWriter(mf)
	doc := struct {
		Person     string         `json:"person"`
		ExportedAt time.Time      `json:"exported_at"`
		Complaints []personJSON   `json:"complaints"`
		Other      []MailRecord   `json:"other_mails"` // mails from or to the person tied to no complaint
		Retention  map[string]any `json:"retention"`
	}{Person: email, ExportedAt: g.now().In(g.cal.Location()), Complaints: []personJSON{},
		Retention: map[string]any{"months_after_closure": g.RetentionMonths()}}
	for i := range cs {
		c := &cs[i]
		r, err := g.Record(ctx, c)
		if err != nil {
			return res, err
		}
		pj := personJSON{Ref: c.Ref, State: c.State, Lang: c.Lang, Handler: c.Handler, Privacy: r.Privacy,
			Events: r.Events, Mails: r.Mails, Fields: map[string]string{"form_date": c.FormDate},
			Dates: map[string]string{"received_at": c.ReceivedAt.In(g.cal.Location()).Format(time.RFC3339), "complete_day": c.CompleteDay,
				"ack_due": c.AckDue, "term_end": c.TermEnd, "delay_latest": c.DelayLatest, "objection_end": c.ObjectionEnd,
				"lapse_day": c.LapseDay, "responded_day": c.RespondedDay, "closed_day": c.ClosedDay}}
		for _, f := range personalFields(c) {
			pj.Fields[f[0]] = f[1]
		}
		if pj.Events == nil {
			pj.Events = []EventRecord{}
		}
		doc.Complaints = append(doc.Complaints, pj)
		for _, m := range r.Mails {
			if err := g.writeMbox(mbox, m); err != nil {
				return res, err
			}
			if len(m.Raw) > 0 {
				res.Mails++
			}
		}
	}
	other, err := g.mailsWhere(ctx, g.store.q.RecordLooseMailsIn, g.store.q.RecordLooseLetters, email)
	if err != nil {
		return res, err
	}
	doc.Other = other
	for _, m := range other {
		if err := g.writeMbox(mbox, m); err != nil {
			return res, err
		}
		if len(m.Raw) > 0 {
			res.Mails++
		}
	}
	if err := mbox.Flush(); err != nil {
		return res, fmt.Errorf("export mbox: %w", err)
	}
	if err := mf.Close(); err != nil {
		return res, fmt.Errorf("export mbox: %w", err)
	}
	js, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return res, err
	}
	if err := os.WriteFile(filepath.Join(dir, "complaints.json"), append(js, '\n'), 0o600); err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	res.Complaints = len(cs)
	return res, nil
}

// writeMbox appends one mail in mboxrd form ("From " lines in the body
// quoted); an erased mail has no bytes and is left out.
func (g *Gateway) writeMbox(w io.Writer, m MailRecord) error {
	if len(m.Raw) == 0 {
		return nil
	}
	sender := "MAILER-DAEMON"
	if m.Direction == "in" && m.From != "" {
		sender = m.From
	} else if m.Direction == "out" {
		sender = g.set.Gateway
	}
	bw := bufio.NewWriter(w)
	writeMboxEntry(bw, sender, m.At, m.Raw)
	return bw.Flush()
}
