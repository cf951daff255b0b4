package correspondence

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// CopyDatabase writes a consistent copy of the database at src to the new
// file dst while a daemon may go on writing (SQLite's VACUUM INTO). It runs
// no migrations and writes nothing to src: a backup copies what is there.
// The busy timeout covers a checkpoint of the running daemon.
func CopyDatabase(ctx context.Context, src, dst string) error {
	q, err := loadQueries()
	if err != nil {
		return err
	}
	db, err := sqlx.Open("sqlite3", "file:"+src+"?_busy_timeout=10000&_foreign_keys=on")
	if err != nil {
		return fmt.Errorf("open %s: %w", src, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, q.VacuumInto, dst); err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return nil
}

// CheckDatabase opens the database at path read-only and runs SQLite's
// integrity check; it also refuses a file that is no klachtd database (no
// migrations recorded).
func CheckDatabase(ctx context.Context, path string) error {
	q, err := loadQueries()
	if err != nil {
		return err
	}
	db, err := sqlx.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var results []string
	if err := db.SelectContext(ctx, &results, q.IntegrityCheck); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	var problems []string
	for _, s := range results {
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check: %s", strings.Join(problems, "; "))
	}
	var n int
	if err := db.GetContext(ctx, &n, q.MigrationsRecorded); err != nil || n == 0 {
		return fmt.Errorf("not a klachtd database (no migrations recorded): %v", err)
	}
	return nil
}
