package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// writerLock is the one-writer-per-database lock: an flock(2) on
// DATABASE.lock, held by `klachtd run` for its lifetime. The kernel drops
// it when the process ends in any way (SIGKILL included), so a killed
// holder is never stale; the file's content only names the holder for the
// refusal message. Operator commands (list, show, digest, backup, …) do not
// take it: SQLite's own locking lets them read and write beside the daemon.
type writerLock struct {
	f    *os.File
	prev lockHolder // who held it before us, if anyone wrote it
}

// lockHolder is what the lock file records about its holder.
type lockHolder struct {
	PID   int       `json:"pid"`
	Host  string    `json:"host"`
	Since time.Time `json:"since"`
}

// lockPatience is how long a start waits for a held lock before it
// refuses: long enough for a killed holder's exit, short enough that a
// second daemon is told within seconds.
const lockPatience = 3 * time.Second

// errLocked is a second daemon on the same database.
var errLocked = errors.New("database in use")

// lockPath is the lock file next to the database.
func lockPath(db string) string { return db + ".lock" }

// acquireWriterLock takes the lock for db, or fails at once naming the
// holder.
func acquireWriterLock(db string) (*writerLock, error) {
	path := lockPath(db)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil { // a first start: the store makes it too
		return nil, fmt.Errorf("writer lock %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("writer lock %s: %w", path, err)
	}
	var prev lockHolder
	if data, err := os.ReadFile(path); err == nil && len(data) > 0 {
		_ = json.Unmarshal(data, &prev) // only for messages: a torn file names no one
	}
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	// A holder killed a moment ago may still be tearing down (its main
	// thread a zombie, the others closing its files): give it a moment.
	for deadline := time.Now().Add(lockPatience); errors.Is(err, syscall.EWOULDBLOCK) && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	}
	if err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			if data, rerr := os.ReadFile(path); rerr == nil && len(data) > 0 {
				_ = json.Unmarshal(data, &prev) // the holder now, for the message
			}
			who := "another process"
			if prev.PID != 0 {
				who = fmt.Sprintf("klachtd run, pid %d on %s, since %s", prev.PID, prev.Host, prev.Since.Local().Format("2006-01-02 15:04:05 MST"))
			}
			return nil, fmt.Errorf("%w: %s is held by %s (lock file %s); one daemon per database — stop that one first (operator commands such as list, show and backup work beside it)",
				errLocked, db, who, path)
		}
		return nil, fmt.Errorf("writer lock %s: %w", path, err)
	}
	host, _ := os.Hostname()
	me := lockHolder{PID: os.Getpid(), Host: host, Since: time.Now().UTC().Truncate(time.Second)}
	data, _ := json.Marshal(me)
	if err := f.Truncate(0); err == nil {
		if _, err := f.WriteAt(append(data, '\n'), 0); err == nil {
			_ = f.Sync()
		}
	}
	return &writerLock{f: f, prev: prev}, nil
}

// release gives the lock up. The file stays: removing it would let a third
// process lock a new file while a second still waits on the old one.
func (l *writerLock) release() {
	if l == nil || l.f == nil {
		return
	}
	_ = l.f.Truncate(0)
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
	l.f = nil
}
