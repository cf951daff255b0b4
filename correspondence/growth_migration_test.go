package correspondence

import (
	"context"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// migrateBefore applies, as OpenStore would, the embedded migrations whose
// names sort before limit: the schema of a store from before limit.
func migrateBefore(t *testing.T, path, limit string) {
	t.Helper()
	db, err := sqlx.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := &Store{db: db}
	if _, err := db.Exec(`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		if base >= limit {
			continue
		}
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		err = s.tx(context.Background(), func(tx *sqlx.Tx) error {
			for _, stmt := range splitSQL(string(body)) {
				if _, err := tx.Exec(stmt); err != nil {
					return err
				}
			}
			_, err := tx.Exec(`INSERT INTO schema_migrations(name) VALUES (?)`, base)
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
	}
}

// queryPlan is SQLite's plan for query, one detail per line.
func queryPlan(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	var rows []struct {
		ID     int    `db:"id"`
		Parent int    `db:"parent"`
		NotU   int    `db:"notused"`
		Detail string `db:"detail"`
	}
	if err := s.db.Select(&rows, `EXPLAIN QUERY PLAN `+query, args...); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.Detail)
	}
	return strings.Join(out, "\n")
}

// A store made before 0010_growth, with complaints, mails, events and
// letters in it, keeps every row through the migration, and the digest's and
// list's queries then use the new indexes instead of reading every row.
func TestMigration0010GrowthFromPreviousSchemaWithData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "klachtd.db")
	migrateBefore(t, path, "0010")

	// The previous schema, with data: registered through the gateway.
	e := newEnvAt(t, path, at(2026, 11, 23, 10, 15), testSettings())
	var applied int
	if err := e.store.db.Get(&applied, `SELECT count(*) FROM schema_migrations WHERE name = '0010_growth.sql'`); err != nil {
		t.Fatal(err)
	}
	if applied != 1 {
		t.Fatalf("OpenStore did not apply 0010_growth.sql to the older store")
	}
	e.store.Close()

	// Again, this time with rows in the store before 0010 runs.
	path = filepath.Join(t.TempDir(), "klachtd.db")
	migrateBefore(t, path, "0010")
	db, err := sqlx.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	recv := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for i, st := range []string{StateOpen, StateClosed, StateResponded, StateLapsed} {
		ref := "KL-2026-000" + string(rune('1'+i))
		if _, err := db.Exec(`INSERT INTO complaints (id, ref, token, state, email, received_at, term_end, closed_day)
			VALUES (?, ?, ?, ?, 'klant@example.com', ?, '2026-12-18', ?)`, i+1, ref, strings.ToLower(ref)+".t", st, recv, map[bool]string{true: "2026-11-25"}[st == StateClosed]); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO events (complaint_id, at, kind, detail) VALUES (?, ?, 'delay', '+10 working days (x); term ends 2026-12-18; automatic=false late=false')`, i+1, recv); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO outbox (complaint_id, kind, event_key, mail_from, rcpt, message_id, raw, state, next_attempt, created_at, sent_at)
			VALUES (?, 'acknowledgement', ?, 'klachten@example.nl', 'klant@example.com', ?, 'x', 'sent', ?, ?, ?)`, i+1, "ack:"+ref, "<"+ref+"@k>", recv, recv, recv); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	e = newEnvAt(t, path, at(2026, 11, 26, 10, 15), testSettings())
	for table, want := range map[string]int{"complaints": 4, "events": 4, "outbox": 4} {
		var n int
		if err := e.store.db.Get(&n, `SELECT count(*) FROM `+table); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s: %d rows after 0010, want %d", table, n, want)
		}
	}
	c := e.complaint("KL-2026-0002")
	if c.State != StateClosed || c.ClosedDay != "2026-11-25" || !c.ReceivedAt.Equal(recv) {
		t.Errorf("complaint changed by the migration: %+v", c)
	}

	// The digest's queries use the new indexes: the statements themselves,
	// from queries/*.sql.
	from := recv.Add(-24 * time.Hour)
	sq := e.store.q
	for _, q := range []struct {
		sql, index string
		args       []any
	}{
		{sq.DigestComplaints, "complaints_received", []any{from, "2026-11-19", "2026-11-19"}},
		{sq.DigestEvents, "events_kind_at", []any{from, recv.Add(time.Hour)}},
		{sq.DigestAcks, "outbox_kind_sent", []any{from}},
		// list --due-within and the handler loads: the state index.
		{sq.ComplaintsOpen, "complaints_state", nil},
		{sq.HandlerLoads, "complaints_", nil},
	} {
		plan := queryPlan(t, e.store, q.sql, q.args...)
		if !strings.Contains(plan, q.index) {
			t.Errorf("plan does not use %s:\n%s\nfor %s", q.index, plan, q.sql)
		}
		for _, line := range strings.Split(plan, "\n") {
			if f := strings.Fields(line); len(f) == 2 && f[0] == "SCAN" {
				t.Errorf("plan reads every row of %s:\n%s\nfor %s", f[1], plan, q.sql)
			}
		}
	}
	// And they still find what they found before: the digest of the period
	// holds the running complaints, the one closed in it, and the delays.
	d, err := e.g.BuildDigest(context.Background(), from, at(2026, 11, 26, 10, 15))
	if err != nil {
		t.Fatal(err)
	}
	if d.Received != 4 || d.Closed != 1 || len(d.Delays) != 4 || d.ByState[StateOpen] != 1 || d.ByState[StateResponded] != 1 {
		t.Errorf("digest after 0010: received %d closed %d delays %d by state %v", d.Received, d.Closed, len(d.Delays), d.ByState)
	}
}
