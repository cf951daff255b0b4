package correspondence

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Erasure (AVG art. 17 and the retention term): a complaint's personal data
// is removed and an anonymous skeleton stays, so the digest's and the
// statistics' figures do not change. What goes and what stays:
//
//	gone:   every mail in (raw bytes, chunks, attachments inside them, the
//	        parse result, sender, subject, Message-ID, note), every letter
//	        out (bytes, recipients, subject, last error), every event's
//	        detail text (relayed texts, reasons, addresses), and the
//	        complaint's personal fields: company, address, name, phone,
//	        availability, e-mail, description, references, contact person,
//	        the incomplete form's problems
//	stays:  reference, reply token, language, state, every date and term
//	        (received, acknowledgement due, term end, delay latest,
//	        objection end, lapse, responded, closed), extensions, the
//	        handler, thread Message-IDs of our own letters, the rows
//	        themselves (kinds, times, sizes, late flags, letter states), and
//	        the proof of sending (SMTP server, reply, time)
//
// Each erasure is an event of kind "erased" whose detail says when, why and
// what kind of data went — never the data. The database runs with
// secure_delete, and the WAL is checkpointed and truncated after an
// erasure, so the bytes do not linger in the file or its WAL.

// Why an erasure happened.
const (
	EraseRetention = "retention" // the retention term after closure passed
	EraseRequest   = "request"   // the person asked (AVG art. 17)
)

// ErrHeld is returned when a complaint under a legal hold would be erased.
var ErrHeld = errors.New("under a legal hold")

// ErrOpen is returned when a complaint whose procedure still runs would be
// erased without leave.
var ErrOpen = errors.New("the complaint procedure is still running")

// Erasure says what one erasure removed (or, in a dry run, would remove):
// counts and kinds, never content.
type Erasure struct {
	Ref     string   `json:"ref"`
	State   string   `json:"state"`
	Why     string   `json:"why"`
	Mails   int      `json:"mails"`   // mails in, bytes removed
	Letters int      `json:"letters"` // letters out, bytes removed
	Events  int      `json:"events"`  // event details removed
	Fields  []string `json:"fields"`  // personal fields that held something
	// Refused is why this complaint was not erased ("" when it was, or
	// would be).
	Refused string `json:"refused,omitempty"`
	// Done is true when the erasure was carried out.
	Done bool `json:"done"`
}

// Privacy is a complaint's hold and erasure status.
type Privacy struct {
	HoldReason string     `db:"hold_reason" json:"hold_reason,omitempty"`
	HoldBy     string     `db:"hold_by" json:"hold_by,omitempty"`
	HoldAt     *time.Time `db:"hold_at" json:"hold_at,omitempty"`
	ErasedAt   *time.Time `db:"erased_at" json:"erased_at,omitempty"`
	ErasedWhy  string     `db:"erased_why" json:"erased_why,omitempty"`
}

// Held reports whether a legal hold keeps the complaint from erasure.
func (p Privacy) Held() bool { return p.HoldReason != "" }

// Erased reports whether the complaint's personal data is gone.
func (p Privacy) Erased() bool { return p.ErasedAt != nil }

// PrivacyOf returns the hold and erasure status of a complaint.
func (g *Gateway) PrivacyOf(ctx context.Context, c *Complaint) (Privacy, error) {
	return privacyOf(ctx, g.store.db, g.store.q, c.ID)
}

func privacyOf(ctx context.Context, q sqlxGetter, qs *queries, cid int64) (Privacy, error) {
	var p Privacy
	err := q.GetContext(ctx, &p, qs.PrivacyOf, cid)
	if errors.Is(err, sql.ErrNoRows) {
		return Privacy{}, nil
	}
	if err != nil {
		return Privacy{}, fmt.Errorf("privacy of complaint %d: %w", cid, err)
	}
	return p, nil
}

// sqlxGetter is what both *sqlx.DB and *sqlx.Tx offer.
type sqlxGetter interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
}

// personalFields names the complaint's personal fields with their values.
func personalFields(c *Complaint) [][2]string {
	return [][2]string{{"company", c.Company}, {"address", c.Address}, {"name", c.Name}, {"phone", c.Phone},
		{"availability", c.Availability}, {"email", c.Email}, {"description", c.Description},
		{"references", c.Refs}, {"contact", c.Contact}}
}

// planErasure counts what erasing c would remove and says whether it may.
func (t *txn) planErasure(c *Complaint, why string, allowOpen bool) (Erasure, error) {
	e := Erasure{Ref: c.Ref, State: c.State, Why: why}
	for _, f := range personalFields(c) {
		if f[1] != "" {
			e.Fields = append(e.Fields, f[0])
		}
	}
	if err := t.tx.Get(&e.Mails, t.q().CountMessagesOfComplaint, c.ID); err != nil {
		return e, err
	}
	if err := t.tx.Get(&e.Letters, t.q().CountLettersOfComplaint, c.ID); err != nil {
		return e, err
	}
	if err := t.tx.Get(&e.Events, t.q().CountEventsOfComplaint, c.ID); err != nil {
		return e, err
	}
	p, err := privacyOf(context.Background(), t.tx, t.q(), c.ID)
	if err != nil {
		return e, err
	}
	switch {
	case p.Erased():
		e.Refused = "already erased on " + p.ErasedAt.In(t.g.cal.Location()).Format("2006-01-02") + " (" + p.ErasedWhy + ")"
	case p.Held():
		e.Refused = fmt.Sprintf("%v: %s (by %s); release it first with klachtd hold %s --release", ErrHeld, p.HoldReason, p.HoldBy, c.Ref)
	case !c.isFinished() && !allowOpen:
		e.Refused = fmt.Sprintf("%v (state %s); give --include-open to erase it anyway", ErrOpen, c.State)
	}
	return e, nil
}

// erase removes c's personal data in this transaction and records the
// erasure. The caller has checked planErasure.
func (t *txn) erase(c *Complaint, e *Erasure) error {
	tx := t.tx
	var msgRows, outRows, evRows []int64
	if err := tx.Select(&msgRows, t.q().MessageRowsOfComplaint, c.ID); err != nil {
		return err
	}
	if err := tx.Select(&outRows, t.q().LetterRowsOfComplaint, c.ID); err != nil {
		return err
	}
	if err := tx.Select(&evRows, t.q().EventRowsOfComplaint, c.ID); err != nil {
		return err
	}
	q := t.q()
	stmts := []string{q.EraseChunksOfComplaint, q.BlankMessagesOfComplaint, q.BlankLettersOfComplaint,
		q.BlankEventsOfComplaint, q.BlankComplaint}
	for _, s := range stmts {
		if _, err := tx.Exec(s, c.ID); err != nil {
			return fmt.Errorf("erase %s: %w", c.Ref, err)
		}
	}
	fields := "none"
	if len(e.Fields) > 0 {
		fields = strings.Join(e.Fields, ", ")
	}
	detail := fmt.Sprintf("%s: erased %d mails in (with their attachments), %d letters out, %d event texts; fields: %s",
		e.Why, e.Mails, e.Letters, e.Events, fields)
	ev, err := t.eventID(c.ID, "erased", detail)
	if err != nil {
		return err
	}
	for _, x := range []struct {
		tbl string
		ids []int64
	}{{"messages", msgRows}, {"outbox", outRows}, {"events", evRows}} {
		if err := t.markErased(x.tbl, x.ids, ev); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(t.q().RecordErasure, c.ID, t.now.UTC(), e.Why); err != nil {
		return fmt.Errorf("erase %s: %w", c.Ref, err)
	}
	e.Done = true
	return nil
}

// eventID appends an event and returns its row id.
func (t *txn) eventID(complaintID int64, kind, detail string) (int64, error) {
	var cid any
	if complaintID != 0 {
		cid = complaintID
	}
	res, err := t.tx.Exec(t.q().InsertEvent, cid, t.now.UTC(), kind, detail, false, nil)
	if err != nil {
		return 0, fmt.Errorf("event %s: %w", kind, err)
	}
	return res.LastInsertId()
}

// markErased records, for the ledger walk, the content each blanked row has
// now and the erasure event that blanked it.
func (t *txn) markErased(tbl string, ids []int64, event int64) error {
	for _, id := range ids {
		h, _, err := contentHash(context.Background(), t.tx, t.q(), tbl, id)
		if err != nil {
			return err
		}
		if _, err := t.tx.Exec(t.q().MarkErasedRow, tbl, id, h, event); err != nil {
			return fmt.Errorf("erased row %s %d: %w", tbl, id, err)
		}
	}
	return nil
}

// EraseComplaint erases one complaint's personal data (dryRun: only says
// what would go). why is EraseRetention or EraseRequest; allowOpen lets a
// complaint whose procedure still runs be erased. A held complaint is never
// erased. The returned Erasure's Refused says why nothing was done.
func (g *Gateway) EraseComplaint(ctx context.Context, c *Complaint, why string, allowOpen, dryRun bool) (Erasure, error) {
	e, err := g.eraseComplaint(ctx, c, why, allowOpen, dryRun)
	if e.Done {
		if cerr := g.store.checkpoint(ctx); cerr != nil && err == nil {
			err = fmt.Errorf("erase %s: %w", c.Ref, cerr)
		}
	}
	return e, err
}

// eraseComplaint is EraseComplaint without the checkpoint, for callers
// that erase many and checkpoint once.
func (g *Gateway) eraseComplaint(ctx context.Context, c *Complaint, why string, allowOpen, dryRun bool) (Erasure, error) {
	var e Erasure
	err := g.run(ctx, func(t *txn) error {
		cur, err := t.complaintByID(c.ID)
		if err != nil {
			return err
		}
		if e, err = t.planErasure(cur, why, allowOpen); err != nil {
			return err
		}
		if dryRun || e.Refused != "" {
			return nil
		}
		return t.erase(cur, &e)
	})
	if err != nil {
		return e, fmt.Errorf("erase %s: %w", c.Ref, err)
	}
	return e, nil
}

// ComplaintsOf returns every complaint whose complainant's address is email
// (case-insensitive), oldest first.
func (g *Gateway) ComplaintsOf(ctx context.Context, email string) ([]Complaint, error) {
	var cs []Complaint
	if err := g.store.db.SelectContext(ctx, &cs, g.store.q.ComplaintsOfPerson, strings.TrimSpace(email)); err != nil {
		return nil, fmt.Errorf("complaints of %s: %w", email, err)
	}
	return cs, nil
}

// ErasePerson erases (dryRun: plans) every complaint of the person with
// this address, at their request, and the mails from them that belong to
// no complaint. Open complaints are refused unless includeOpen; held ones
// always.
func (g *Gateway) ErasePerson(ctx context.Context, email string, includeOpen, dryRun bool) ([]Erasure, error) {
	cs, err := g.ComplaintsOf(ctx, email)
	if err != nil {
		return nil, err
	}
	var out []Erasure
	for i := range cs {
		e, err := g.EraseComplaint(ctx, &cs[i], EraseRequest, includeOpen, dryRun)
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
	loose, err := g.eraseLoose(ctx, email, dryRun)
	if err != nil {
		return out, err
	}
	if loose.Mails+loose.Letters+loose.Events > 0 {
		out = append(out, loose)
	}
	return out, nil
}

// eraseLoose erases what is tied to no complaint but names the person: their
// mails that were quarantined or not threaded, letters to them, and events
// whose text holds their address.
func (g *Gateway) eraseLoose(ctx context.Context, email string, dryRun bool) (Erasure, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	e := Erasure{Ref: "(no complaint)", Why: EraseRequest}
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(email) + "%"
	err := g.run(ctx, func(t *txn) error {
		var msgRows, outRows, evRows []int64
		if err := t.tx.Select(&msgRows, t.q().LooseMessagesFrom, email); err != nil {
			return err
		}
		if err := t.tx.Select(&outRows, t.q().LooseLettersTo, like); err != nil {
			return err
		}
		if err := t.tx.Select(&evRows, t.q().LooseEventsNaming, like); err != nil {
			return err
		}
		e.Mails, e.Letters, e.Events = len(msgRows), len(outRows), len(evRows)
		if dryRun || len(msgRows)+len(outRows)+len(evRows) == 0 {
			return nil
		}
		if err := t.eraseLoose(msgRows, outRows, evRows, fmt.Sprintf("%s: erased %d mails in, %d letters out, %d event texts tied to no complaint",
			EraseRequest, e.Mails, e.Letters, e.Events)); err != nil {
			return err
		}
		e.Done = true
		return nil
	})
	if err != nil {
		return e, fmt.Errorf("erase mail of %s: %w", email, err)
	}
	if e.Done {
		if err := g.store.checkpoint(ctx); err != nil {
			return e, fmt.Errorf("erase mail of %s: %w", email, err)
		}
	}
	return e, nil
}

// blankRows removes the personal content of the given rows.
// eraseLoose blanks mails, letters and event texts tied to no complaint
// and records it as one "erased" event (why: its text, never the data)
// that each blanked row points to.
func (t *txn) eraseLoose(msgRows, outRows, evRows []int64, why string) error {
	if err := t.blankRows(msgRows, outRows, evRows); err != nil {
		return err
	}
	ev, err := t.eventID(0, "erased", why)
	if err != nil {
		return err
	}
	for _, x := range []struct {
		tbl string
		ids []int64
	}{{"messages", msgRows}, {"outbox", outRows}, {"events", evRows}} {
		if err := t.markErased(x.tbl, x.ids, ev); err != nil {
			return err
		}
	}
	return nil
}

func (t *txn) blankRows(msgRows, outRows, evRows []int64) error {
	for _, id := range msgRows {
		if _, err := t.tx.Exec(t.q().EraseChunksOfMessage, id); err != nil {
			return err
		}
		if _, err := t.tx.Exec(t.q().BlankMessage, id); err != nil {
			return err
		}
	}
	for _, id := range outRows {
		if _, err := t.tx.Exec(t.q().BlankLetter, id); err != nil {
			return err
		}
	}
	for _, id := range evRows {
		if _, err := t.tx.Exec(t.q().BlankEvent, id); err != nil {
			return err
		}
	}
	return nil
}

// checkpoint copies the WAL into the database file and truncates it, so
// erased pages do not stay behind in the WAL. A reader holding an old
// snapshot can keep it from finishing (SQLite reports that in the result
// row, not as an error); the next erasure or SQLite's own checkpoint does
// it then. An error is a real one (the disk) and is returned.
func (s *Store) checkpoint(ctx context.Context) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if _, err := s.db.ExecContext(ctx, s.q.Checkpoint); err != nil {
		return fmt.Errorf("checkpoint after erasure: %w", err)
	}
	return nil
}
