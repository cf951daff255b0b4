package correspondence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// The ledger makes the record tamper-evident. Every row of the record
// tables gets a ledger entry (by trigger, see migration 0008); Store.tx
// seals new entries before each commit: the entry keeps a hash of the row's
// content and a chain hash over the entry before it. Because the chain is
// over content hashes, not content, an erasure blanks a row and the chain
// still checks: the row is then reported as erased, not as changed.
//
// Why triggers plus a seal in Store.tx rather than a call at each insert:
// other code inserts events, letters and mails in many places and will add
// more; a trigger notes every insert whatever code made it, and the one
// funnel every write transaction passes computes the hashes, so no insert
// needs to know about the ledger.
//
// What a clean walk proves: every mail, letter, event, acceptance and DSN
// link that klachtd stored is still there with the content it had (the
// columns that never change), none was added behind klachtd's back (a row
// without an entry, or an entry the seal never saw), no entry was removed
// or reordered (the chain), and each blanked row was blanked by a recorded
// erasure and not touched since. What it cannot prove: that a person who
// can write the file and knows this scheme did not rewrite rows and rebuild
// the chain — only a head published outside the file (the digest) catches
// that, up to the published point; the state columns that change by design
// (a complaint's fields and state, a letter's state and retries, a mail's
// outcome); that what klachtd stored was true to begin with (the raw mail is
// what the IMAP server gave; the SMTP reply what the server said); and
// anything after the last seal of a transaction still open.

// The record tables' statements (the columns that never change after the
// insert, every id, a row's complaint) are named per table in
// queries/ledger.sql and found with queries.ledgerTable.

// ledgerTables are the record tables in a fixed order.
var ledgerTables = []string{"messages", "outbox", "events", "letter_receipts", "letter_dsns"}

// goneHash is the content hash of a row that was already gone when its
// entry was sealed (inserted and removed in one transaction).
const goneHash = "gone"

// contentHash hashes the unchanging content of one row; found is false when
// the row does not exist. A stored mail's chunks are part of its content.
func contentHash(ctx context.Context, q sqlx.QueryerContext, qs *queries, tbl string, id int64) (hash string, found bool, err error) {
	query, _, _, ok := qs.ledgerTable(tbl)
	if !ok {
		return "", false, fmt.Errorf("ledger: unknown table %q", tbl)
	}
	rows, err := q.QueryContext(ctx, query, id)
	if err != nil {
		return "", false, fmt.Errorf("ledger %s %d: %w", tbl, id, err)
	}
	cols, err := rows.Columns()
	if err != nil {
		rows.Close()
		return "", false, fmt.Errorf("ledger %s %d: %w", tbl, id, err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if !rows.Next() {
		err := rows.Err()
		rows.Close()
		return "", false, err
	}
	if err := rows.Scan(ptrs...); err != nil {
		rows.Close()
		return "", false, fmt.Errorf("ledger %s %d: %w", tbl, id, err)
	}
	rows.Close()
	h := sha256.New()
	h.Write([]byte(tbl))
	for i, v := range vals {
		if tbl == "messages" && cols[i] == "raw" {
			raw, _ := v.([]byte)
			var chunks [][]byte
			if err := sqlx.SelectContext(ctx, q, &chunks, qs.MessageChunks, id); err != nil {
				return "", false, fmt.Errorf("ledger message %d chunks: %w", id, err)
			}
			if len(chunks) > 0 {
				raw = bytes.Join(chunks, nil)
			}
			v = raw
		}
		writeField(h, cols[i], v)
	}
	return hex.EncodeToString(h.Sum(nil)), true, nil
}

// writeField writes one column unambiguously: name, type, length, value.
func writeField(h io.Writer, name string, v any) {
	var tag byte
	var b []byte
	switch x := v.(type) {
	case nil:
		tag = 'n'
	case []byte:
		tag, b = 'b', x
	case string:
		tag, b = 's', []byte(x)
	case int64:
		tag, b = 'i', []byte(strconv.FormatInt(x, 10))
	case float64:
		tag, b = 'f', []byte(strconv.FormatFloat(x, 'g', -1, 64))
	case bool:
		tag, b = 'i', []byte(strconv.FormatBool(x))
	case time.Time:
		tag, b = 't', []byte(x.UTC().Format(time.RFC3339Nano))
	default:
		tag, b = '?', []byte(fmt.Sprint(x))
	}
	h.Write([]byte(name))
	h.Write([]byte{0, tag})
	h.Write([]byte(strconv.Itoa(len(b))))
	h.Write([]byte{0})
	h.Write(b)
}

// chainHash links one entry to the one before it.
func chainHash(prev, tbl string, rowID int64, content string) string {
	sum := sha256.Sum256([]byte(prev + "\n" + tbl + "\n" + strconv.FormatInt(rowID, 10) + "\n" + content))
	return hex.EncodeToString(sum[:])
}

// sealLedger computes the hashes of the entries the triggers noted in this
// transaction (or left unsealed before), in order.
func sealLedger(ctx context.Context, tx *sqlx.Tx, qs *queries) error {
	_, err := sealSome(ctx, tx, qs, -1)
	return err
}

// sealSome seals up to limit unsealed entries (all when limit < 0) and
// returns how many it sealed.
func sealSome(ctx context.Context, tx *sqlx.Tx, qs *queries, limit int) (int, error) {
	var pending []struct {
		Seq   int64  `db:"seq"`
		Tbl   string `db:"tbl"`
		RowID int64  `db:"row_id"`
	}
	if err := tx.SelectContext(ctx, &pending, qs.LedgerUnsealed, limit); err != nil {
		return 0, fmt.Errorf("ledger: %w", err)
	}
	if len(pending) == 0 {
		return 0, nil
	}
	var prev string
	err := tx.GetContext(ctx, &prev, qs.LedgerHeadBefore, pending[0].Seq)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("ledger head: %w", err)
	}
	for _, p := range pending {
		content, found, err := contentHash(ctx, tx, qs, p.Tbl, p.RowID)
		if err != nil {
			return 0, err
		}
		if !found {
			content = goneHash
		}
		prev = chainHash(prev, p.Tbl, p.RowID, content)
		if _, err := tx.ExecContext(ctx, qs.LedgerSeal, content, prev, p.Seq); err != nil {
			return 0, fmt.Errorf("ledger seal %d: %w", p.Seq, err)
		}
	}
	return len(pending), nil
}

// sealBacklog seals what an upgrade entered into the ledger (migration
// 0008 notes every row stored before it), a batch per transaction, so a
// large store does not hold the write lock for one long transaction. It
// runs before Store.tx seals by itself (s.sealing), which would seal all.
func (s *Store) sealBacklog(ctx context.Context) error {
	for {
		var n int
		err := s.tx(ctx, func(tx *sqlx.Tx) error {
			var err error
			n, err = sealSome(ctx, tx, s.q, 500)
			return err
		})
		if err != nil {
			return fmt.Errorf("seal ledger: %w", err)
		}
		if n == 0 {
			return nil
		}
	}
}

// VerifyProblem is one thing the ledger walk found wrong.
type VerifyProblem struct {
	Kind  string `json:"kind"` // changed, missing, inserted, unsealed, chain, gap
	Table string `json:"table,omitempty"`
	Row   int64  `json:"row,omitempty"`
	Seq   int64  `json:"seq,omitempty"`
	// Ref is the complaint the row belongs to, when known.
	Ref    string `json:"ref,omitempty"`
	Detail string `json:"detail"`
}

// VerifyReport is the result of walking the ledger.
type VerifyReport struct {
	Entries  int             `json:"entries"`  // ledger entries walked
	Intact   int             `json:"intact"`   // rows whose content matches
	Erased   int             `json:"erased"`   // rows blanked by a recorded erasure, unchanged since
	Head     string          `json:"head"`     // the last chain hash: write it down to anchor the chain
	Problems []VerifyProblem `json:"problems"` // empty when the record is intact
}

// OK reports whether nothing was found wrong.
func (r *VerifyReport) OK() bool { return len(r.Problems) == 0 }

// Verify walks the ledger: every chain hash is recomputed, every row's
// content hashed again and compared, and every row of the record tables
// must have an entry. It changes nothing.
func (s *Store) Verify(ctx context.Context) (*VerifyReport, error) {
	// One read transaction: the walk sees one snapshot, so rows the daemon
	// adds meanwhile are neither half-seen nor reported as inserted, and
	// the daemon's writers are not held up (a deferred BEGIN takes no lock).
	db, err := s.db.Connx(ctx)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, s.q.BeginSnapshot); err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	// Nothing was written: the rollback only ends the snapshot, and a
	// failure leaves nothing to undo (closing the connection ends it too).
	defer db.ExecContext(context.WithoutCancel(ctx), s.q.EndSnapshot)
	r := &VerifyReport{Problems: []VerifyProblem{}}
	var entries []struct {
		Seq     int64          `db:"seq"`
		Tbl     string         `db:"tbl"`
		RowID   int64          `db:"row_id"`
		Content sql.NullString `db:"content_hash"`
		Chain   sql.NullString `db:"chain_hash"`
	}
	if err := db.SelectContext(ctx, &entries, s.q.LedgerEntries); err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	erased := map[string]struct {
		Hash  string
		Event int64
	}{}
	var er []struct {
		Tbl   string `db:"tbl"`
		RowID int64  `db:"row_id"`
		Hash  string `db:"erased_hash"`
		Event int64  `db:"event"`
	}
	if err := db.SelectContext(ctx, &er, s.q.ErasedRows); err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	for _, e := range er {
		erased[e.Tbl+":"+strconv.FormatInt(e.RowID, 10)] = struct {
			Hash  string
			Event int64
		}{e.Hash, e.Event}
	}
	intactEvent := map[int64]bool{} // events whose own entry checks
	type erasedRow struct {
		p     VerifyProblem
		event int64
	}
	var byErasure []erasedRow
	var prev string
	var lastSeq int64
	inLedger := map[string]bool{}
	for _, e := range entries {
		r.Entries++
		if lastSeq != 0 && e.Seq != lastSeq+1 {
			r.Problems = append(r.Problems, VerifyProblem{Kind: "gap", Seq: lastSeq + 1,
				Detail: fmt.Sprintf("ledger entries %d to %d are missing", lastSeq+1, e.Seq-1)})
		}
		lastSeq = e.Seq
		inLedger[e.Tbl+":"+strconv.FormatInt(e.RowID, 10)] = true
		if !e.Chain.Valid || !e.Content.Valid {
			r.Problems = append(r.Problems, VerifyProblem{Kind: "unsealed", Table: e.Tbl, Row: e.RowID, Seq: e.Seq,
				Detail: "row inserted but never sealed: written outside klachtd"})
			continue
		}
		want := chainHash(prev, e.Tbl, e.RowID, e.Content.String)
		if want != e.Chain.String {
			r.Problems = append(r.Problems, VerifyProblem{Kind: "chain", Table: e.Tbl, Row: e.RowID, Seq: e.Seq,
				Detail: "chain hash does not follow from the entry before: the ledger was edited here"})
		}
		prev = e.Chain.String
		got, found, err := contentHash(ctx, db, s.q, e.Tbl, e.RowID)
		if err != nil {
			return nil, err
		}
		switch {
		case e.Content.String == goneHash && !found:
			r.Intact++
		case !found:
			r.Problems = append(r.Problems, VerifyProblem{Kind: "missing", Table: e.Tbl, Row: e.RowID, Seq: e.Seq,
				Detail: "row deleted"})
		case got == e.Content.String:
			r.Intact++
			if e.Tbl == "events" {
				intactEvent[e.RowID] = true
			}
		default:
			x, ok := erased[e.Tbl+":"+strconv.FormatInt(e.RowID, 10)]
			switch {
			case ok && x.Hash == got:
				// Judged after the walk: the erasure's event comes later
				// in the ledger than the rows it blanked.
				byErasure = append(byErasure, erasedRow{VerifyProblem{Kind: "changed", Table: e.Tbl, Row: e.RowID, Seq: e.Seq}, x.Event})
			case ok:
				r.Problems = append(r.Problems, VerifyProblem{Kind: "changed", Table: e.Tbl, Row: e.RowID, Seq: e.Seq,
					Detail: "erased row changed after its erasure"})
			default:
				r.Problems = append(r.Problems, VerifyProblem{Kind: "changed", Table: e.Tbl, Row: e.RowID, Seq: e.Seq,
					Detail: "content differs from what was stored"})
			}
		}
	}
	var erasures []int64
	if err := db.SelectContext(ctx, &erasures, s.q.ErasureEvents); err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	isErasure := map[int64]bool{}
	for _, id := range erasures {
		isErasure[id] = true
	}
	for _, b := range byErasure {
		if isErasure[b.event] && intactEvent[b.event] {
			r.Erased++
			continue
		}
		b.p.Detail = fmt.Sprintf("marked erased by event %d, but that is no intact erasure event in the ledger", b.event)
		r.Problems = append(r.Problems, b.p)
	}
	r.Head = prev
	for _, tbl := range ledgerTables {
		_, idsQuery, _, _ := s.q.ledgerTable(tbl)
		var ids []int64
		if err := db.SelectContext(ctx, &ids, idsQuery); err != nil {
			return nil, fmt.Errorf("verify %s: %w", tbl, err)
		}
		for _, id := range ids {
			if !inLedger[tbl+":"+strconv.FormatInt(id, 10)] {
				r.Problems = append(r.Problems, VerifyProblem{Kind: "inserted", Table: tbl, Row: id,
					Detail: "row not in the ledger: inserted outside klachtd"})
			}
		}
	}
	if err := nameRefs(ctx, db, s.q, r); err != nil {
		return nil, err
	}
	return r, nil
}

// nameRefs adds the complaint reference to each problem, where the row has
// one, so the report can be read without SQL.
func nameRefs(ctx context.Context, db *sqlx.Conn, qs *queries, r *VerifyReport) error {
	for i := range r.Problems {
		p := &r.Problems[i]
		_, _, q, ok := qs.ledgerTable(p.Table)
		if !ok {
			continue
		}
		err := db.GetContext(ctx, &p.Ref, q, p.Row)
		if err != nil && !errors.Is(err, sql.ErrNoRows) { // no row: deleted, or tied to no complaint
			return fmt.Errorf("verify: complaint of %s %d: %w", p.Table, p.Row, err)
		}
	}
	return nil
}

// Verify walks the ledger of the gateway's store (see Store.Verify).
func (g *Gateway) Verify(ctx context.Context) (*VerifyReport, error) { return g.store.Verify(ctx) }

// LedgerHead returns the newest chain hash ("" before anything is sealed).
// Published outside the database (the digest shows it), it anchors the
// chain: VerifyAnchor later proves that nothing up to it was rewritten.
func (s *Store) LedgerHead(ctx context.Context) (string, error) {
	var h string
	err := s.db.GetContext(ctx, &h, s.q.LedgerHead)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("ledger head: %w", err)
	}
	return h, nil
}

// VerifyAnchor reports whether head, a chain hash published earlier, is
// still in the chain, and at which entry. With an intact walk (Verify) this
// proves the record up to that entry is as it was when head was published,
// even against someone who rebuilt the chain after changing a row.
func (g *Gateway) VerifyAnchor(ctx context.Context, head string) (seq int64, found bool, err error) {
	err = g.store.db.GetContext(ctx, &seq, g.store.q.LedgerSeqOfHash, strings.ToLower(strings.TrimSpace(head)))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("verify anchor: %w", err)
	}
	return seq, true, nil
}
