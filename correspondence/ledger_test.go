package correspondence

import (
	"context"
	"strings"
	"testing"
)

// recorded is a closed complaint whose letters went out, and more: a
// scheduler run and a digest, so the ledger holds every kind of row.
func recorded(t *testing.T) (*env, *Complaint) {
	t.Helper()
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	c, _ := closedComplaint(t, e)
	ctx := context.Background()
	if _, err := e.g.FlushOutbox(ctx, []Sender{&acceptingSender{}}); err != nil {
		t.Fatal(err)
	}
	e.clk.set(at(2026, 12, 1, 9, 0))
	if _, err := e.g.RunDue(ctx, e.clk.now()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.g.QueueDigest(ctx, "test", at(2026, 11, 23, 0, 0), e.clk.now()); err != nil {
		t.Fatal(err)
	}
	return e, c
}

func verify(t *testing.T, e *env) *VerifyReport {
	t.Helper()
	r, err := e.store.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// problem finds the one problem of a kind on a table's row.
func problem(r *VerifyReport, kind, table string, row int64) bool {
	for _, p := range r.Problems {
		if p.Kind == kind && p.Table == table && p.Row == row {
			return true
		}
	}
	return false
}

func TestVerifyIntactRecord(t *testing.T) {
	e, _ := recorded(t)
	r := verify(t, e)
	var rows int
	e.store.db.Get(&rows, `SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM outbox) + (SELECT count(*) FROM events) + (SELECT count(*) FROM letter_receipts)`)
	if !r.OK() || r.Entries != rows || r.Intact != rows || len(r.Head) != 64 {
		t.Fatalf("Verify of an untouched record = %+v; want %d intact entries", r, rows)
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	cases := []struct {
		name  string
		do    string // SQL run behind klachtd's back
		kind  string
		table string
		row   string // SQL giving the row id
	}{
		{"changed letter", `UPDATE outbox SET raw = CAST(replace(CAST(raw AS TEXT), 'Sanne', 'Sanna') AS BLOB) WHERE kind = 'acknowledgement'`,
			"changed", "outbox", `SELECT id FROM outbox WHERE kind = 'acknowledgement'`},
		{"changed event", `UPDATE events SET at = datetime(at, '-1 day') WHERE kind = 'response'`,
			"changed", "events", `SELECT id FROM events WHERE kind = 'response'`},
		{"changed mail in", `UPDATE messages SET raw = CAST('From: x' AS BLOB) WHERE id = 1`, "changed", "messages", `SELECT 1`},
		{"changed receipt", `UPDATE letter_receipts SET accepted_at = datetime(accepted_at, '-3 days') WHERE id = 1`, "changed", "letter_receipts", `SELECT 1`},
		{"deleted row", `DELETE FROM events WHERE kind = 'closed'`, "missing", "events", `SELECT max(row_id) FROM ledger WHERE tbl = 'events' AND row_id NOT IN (SELECT id FROM events)`},
		{"inserted row", `INSERT INTO events (complaint_id, at, kind, detail) VALUES (1, '2026-11-24 09:00:00', 'response', 'backdated')`,
			"unsealed", "events", `SELECT max(id) FROM events`},
		{"inserted without trigger", `DROP TRIGGER ledger_events; INSERT INTO events (complaint_id, at, kind, detail) VALUES (1, '2026-11-24 09:00:00', 'response', 'backdated')`,
			"inserted", "events", `SELECT max(id) FROM events`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := recorded(t)
			var row int64
			for _, stmt := range strings.Split(tc.do, "; ") {
				res, err := e.store.db.Exec(stmt)
				if err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
				if n, _ := res.RowsAffected(); n == 0 && !strings.HasPrefix(stmt, "DROP") {
					t.Fatalf("test is wrong: %s changed nothing", stmt)
				}
			}
			if err := e.store.db.Get(&row, tc.row); err != nil {
				t.Fatal(err)
			}
			r := verify(t, e)
			if r.OK() || !problem(r, tc.kind, tc.table, row) {
				t.Fatalf("Verify after %s = %+v; want %s %s row %d", tc.name, r.Problems, tc.kind, tc.table, row)
			}
			if len(r.Problems) != 1 {
				t.Errorf("Verify found %d problems, want only the one: %+v", len(r.Problems), r.Problems)
			}
			if tc.table != "letter_receipts" && r.Problems[0].Ref != "KL-2026-0001" && tc.kind != "missing" {
				t.Errorf("problem does not name the complaint: %+v", r.Problems[0])
			}
		})
	}
}

// TestVerifyAcceptsErasure: an erased complaint checks as erased; a change
// to an erased row afterwards, or a forged erasure mark, does not.
func TestVerifyAcceptsErasure(t *testing.T) {
	e, c := recorded(t)
	ctx := context.Background()
	if res, err := e.g.EraseComplaint(ctx, c, EraseRequest, false, false); err != nil || !res.Done {
		t.Fatalf("EraseComplaint = %+v, %v", res, err)
	}
	r := verify(t, e)
	if !r.OK() || r.Erased == 0 {
		t.Fatalf("Verify after erasure = %+v; want intact with erased rows", r)
	}
	if _, err := e.store.db.Exec(`UPDATE outbox SET subject = 'later' WHERE complaint_id = ? AND kind = 'acknowledgement'`, c.ID); err != nil {
		t.Fatal(err)
	}
	r = verify(t, e)
	if r.OK() || r.Problems[0].Kind != "changed" || !strings.Contains(r.Problems[0].Detail, "after its erasure") {
		t.Errorf("Verify after changing an erased letter = %+v", r.Problems)
	}
	// A row blanked behind klachtd's back and marked erased by hand, under
	// an event that is no erasure, is still a change.
	e2, _ := recorded(t)
	e2.store.db.Exec(`UPDATE events SET detail = '' WHERE kind = 'response'`)
	var id int64
	e2.store.db.Get(&id, `SELECT id FROM events WHERE kind = 'response'`)
	h, _, _ := contentHash(ctx, e2.store.db, e2.store.q, "events", id)
	e2.store.db.Exec(`INSERT INTO erased_rows (tbl, row_id, erased_hash, event) VALUES ('events', ?, ?, 1)`, id, h)
	if r := verify(t, e2); r.OK() || !problem(r, "changed", "events", id) {
		t.Errorf("Verify of a forged erasure = %+v", r.Problems)
	}
}

// TestAnchorCatchesARebuiltChain: someone who changes a row and rebuilds
// the whole chain passes the walk, but not a chain head published before
// (the digest shows it).
func TestAnchorCatchesARebuiltChain(t *testing.T) {
	e, _ := recorded(t)
	ctx := context.Background()
	d, err := e.g.RenderDigest(ctx, at(2026, 11, 23, 0, 0), e.clk.now())
	if err != nil {
		t.Fatal(err)
	}
	head, _ := e.store.LedgerHead(ctx)
	if head == "" || !strings.Contains(d.Text, head) {
		t.Fatalf("digest does not show the chain head %q:\n%s", head, d.Text)
	}
	if _, ok, err := e.g.VerifyAnchor(ctx, head); !ok || err != nil {
		t.Fatalf("VerifyAnchor(current head) = %v, %v", ok, err)
	}
	e.store.db.MustExec(`UPDATE events SET detail = 'by someone else' WHERE kind = 'response'`)
	var entries []struct {
		Seq   int64  `db:"seq"`
		Tbl   string `db:"tbl"`
		RowID int64  `db:"row_id"`
	}
	e.store.db.Select(&entries, `SELECT seq, tbl, row_id FROM ledger ORDER BY seq`)
	prev := ""
	for _, x := range entries {
		h, _, _ := contentHash(ctx, e.store.db, e.store.q, x.Tbl, x.RowID)
		prev = chainHash(prev, x.Tbl, x.RowID, h)
		e.store.db.MustExec(`UPDATE ledger SET content_hash = ?, chain_hash = ? WHERE seq = ?`, h, prev, x.Seq)
	}
	if r := verify(t, e); !r.OK() {
		t.Fatalf("test is wrong: the rebuilt chain should walk clean: %+v", r.Problems)
	}
	if _, ok, _ := e.g.VerifyAnchor(ctx, head); ok {
		t.Error("VerifyAnchor found the published head in a rebuilt chain")
	}
}

// TestUpgradeSealsWhatWasStored: rows stored before the ledger existed are
// entered by the migration and sealed when the store opens.
func TestUpgradeSealsWhatWasStored(t *testing.T) {
	e, _ := recorded(t)
	var path string
	e.store.db.Get(&path, `SELECT file FROM pragma_database_list WHERE name = 'main'`)
	e.store.db.MustExec(`UPDATE ledger SET content_hash = NULL, chain_hash = NULL`)
	if r := verify(t, e); r.OK() {
		t.Fatal("test is wrong: an unsealed ledger walks clean")
	}
	e.store.Close()
	s, err := OpenStore(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := s.Verify(context.Background())
	if err != nil || !r.OK() || r.Intact != r.Entries || r.Entries < 20 {
		t.Fatalf("Verify after reopening = %+v, %v; want every entry sealed", r, err)
	}
}
