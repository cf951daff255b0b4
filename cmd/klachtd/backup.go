package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ingressus/klachtd/correspondence"
)

func init() {
	commands["backup"] = command{"consistent copy of the database, also while the daemon runs: klachtd backup --to FILE --config FILE", cmdBackup}
}

// cmdBackup writes a consistent copy of the database with VACUUM INTO: one
// read transaction, so the copy is the database as it was at one instant —
// complaints, timelines and the outbox with every letter's state — while
// the daemon goes on writing beside it. The copy is checked with PRAGMA
// integrity_check before it is put in place; FILE appears only when whole.
//
// Restore: stop the daemon, put the copy in place of the database (and
// remove DATABASE-wal and DATABASE-shm), start the daemon. Letters the copy
// records as sent are not sent again; letters queued in it go out once.
func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", stderr)
	cfgPath := fs.String("config", "", "config file (TOML)")
	to := fs.String("to", "", "the copy to write (must not exist)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := needConfig(*cfgPath); err != nil {
		return err
	}
	if *to == "" {
		return usageError{"--to FILE is required: where the copy goes"}
	}
	cfg, err := LoadConfig(*cfgPath)
	if err != nil {
		return err
	}
	src := cfg.path(cfg.Gateway.Database)
	n, err := backupDatabase(ctx, src, *to)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup of %s written to %s (%d bytes), integrity check ok\n", src, *to, n)
	return nil
}

// backupDatabase copies the SQLite database src to dst and checks the
// copy; it returns the copy's size.
func backupDatabase(ctx context.Context, src, dst string) (int64, error) {
	if _, err := os.Stat(src); err != nil {
		return 0, fmt.Errorf("backup: database %s: %w", src, err)
	}
	if _, err := os.Stat(dst); err == nil {
		return 0, fmt.Errorf("backup: %s exists already; choose a new file (a backup never overwrites)", dst)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("backup: %s: %w", dst, err)
	}
	abs, err := filepath.Abs(dst)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	tmp := abs + ".partial"
	os.Remove(tmp)
	defer os.Remove(tmp)
	if err := correspondence.CopyDatabase(ctx, src, tmp); err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	if err := correspondence.CheckDatabase(ctx, tmp); err != nil {
		return 0, fmt.Errorf("backup: the copy failed its check, nothing written: %w", err)
	}
	f, err := os.OpenFile(tmp, os.O_RDWR, 0)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	err = f.Sync()
	st, serr := f.Stat()
	f.Close()
	if err != nil || serr != nil {
		return 0, fmt.Errorf("backup: sync %s: %w", tmp, errors.Join(err, serr))
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	if err := os.Link(tmp, abs); err != nil { // not rename: never replaces a file made meanwhile
		return 0, fmt.Errorf("backup: put %s in place: %w", dst, err)
	}
	if d, err := os.Open(filepath.Dir(abs)); err == nil {
		d.Sync()
		d.Close()
	}
	return st.Size(), nil
}
