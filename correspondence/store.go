package correspondence

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/jmoiron/sqlx"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is the gateway's SQLite database. The driver ("sqlite3") is
// registered by the program that links this package; it is not imported here.
type Store struct {
	// db is unexported: every statement is the Store's (queries/*.sql), so
	// other packages ask the Store or the Gateway, never the database.
	db *sqlx.DB
	// q is every statement's text, parsed from queries/*.sql at OpenStore.
	q *queries
	// writeMu queues this process's writers in Go: two writers meeting in
	// SQLite's busy handler would sleep for milliseconds each time.
	writeMu sync.Mutex
	// sealing is set once the ledger exists (after the migrations): from
	// then on every transaction seals the ledger entries it added.
	sealing bool
}

// OpenStore opens (creating if needed) the database at path and applies the
// embedded migrations. The file and its WAL are readable by the owner only:
// they hold every complainant's mail.
func OpenStore(ctx context.Context, path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}
	if f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600); err == nil {
		f.Close()
	}
	// _txlock=immediate: every write transaction takes the write lock at
	// BEGIN, so two writers never deadlock upgrading a read lock.
	// _secure_delete=on: an erasure's bytes are overwritten, not left in
	// free space of the file (see erase.go).
	dsn := "file:" + path + "?_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000&_synchronous=FULL&_txlock=immediate&_stmt_cache_size=64&_secure_delete=on"
	q, err := loadQueries()
	if err != nil {
		return nil, err
	}
	db, err := sqlx.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	s := &Store{db: db, q: q}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.sealBacklog(ctx); err != nil {
		db.Close()
		return nil, err
	}
	s.sealing = true
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// migrate applies, in name order, each embedded migration not yet recorded,
// one transaction each.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, s.q.CreateMigrationsTable); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		var done int
		if err := s.db.GetContext(ctx, &done, s.q.MigrationDone, base); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
		if done > 0 {
			continue
		}
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return err
		}
		err = s.tx(ctx, func(tx *sqlx.Tx) error {
			for _, stmt := range splitSQL(string(body)) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("%.60s: %w", stmt, err)
				}
			}
			_, err := tx.ExecContext(ctx, s.q.RecordMigration, base)
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}

// splitSQL splits a migration into statements on semicolons at line ends;
// our migrations hold no triggers or string literals with ";\n".
func splitSQL(body string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(body, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			if s := strings.TrimSpace(cur.String()); s != ";" {
				out = append(out, s)
			}
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// tx runs fn in one immediate transaction, committing when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if s.sealing {
		if err := sealLedger(ctx, tx, s.q); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Cursor returns the stored UIDVALIDITY and last handled UID of a mailbox
// (zeros when none is stored). It makes Store a mailbox.CursorStore.
func (s *Store) Cursor(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error) {
	var row struct {
		V uint32 `db:"uidvalidity"`
		L uint32 `db:"last_uid"`
	}
	err = s.db.GetContext(ctx, &row, s.q.GetCursor, mailbox)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("read cursor %s: %w", mailbox, err)
	}
	return row.V, row.L, nil
}

// SetCursor records the UIDVALIDITY and last handled UID of a mailbox.
func (s *Store) SetCursor(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error {
	_, err := s.exec(ctx, s.q.SetCursor, mailbox, uidValidity, lastUID)
	if err != nil {
		return fmt.Errorf("write cursor %s: %w", mailbox, err)
	}
	return nil
}

// exec runs one writing statement outside a transaction, queued with the
// other writers.
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.db.ExecContext(ctx, query, args...)
}
