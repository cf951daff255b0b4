package correspondence

import (
	"errors"
	"strings"
	"sync"
	"time"
)

// Health is what the gateway knows about the parts it cannot do without:
// the SMTP server it sends by and the disk its store lives on. Zero times
// mean all is well.
type Health struct {
	// SenderDownSince is when sending began to fail as a whole (connection
	// refused, TLS or login failed); SenderError the last such failure.
	SenderDownSince time.Time
	SenderError     string
	// StoreFailingSince is when writing to the store began to fail (disk
	// full, I/O error, read-only file); StoreError the last such failure.
	StoreFailingSince time.Time
	StoreError        string
}

// health is the gateway's mutable Health plus the per-domain deferrals.
type health struct {
	mu       sync.Mutex
	h        Health
	deferred map[string]time.Time // recipient domain → no letters before
}

// Health returns a snapshot of the gateway's health. Safe for concurrent use.
func (g *Gateway) Health() Health {
	g.health.mu.Lock()
	defer g.health.mu.Unlock()
	return g.health.h
}

// senderFailed records an outage of the sending server; the first failure
// of an outage is logged at error, the rest are not (one line per change).
func (g *Gateway) senderFailed(err error) {
	g.health.mu.Lock()
	first := g.health.h.SenderDownSince.IsZero()
	if first {
		g.health.h.SenderDownSince = g.now()
	}
	g.health.h.SenderError = err.Error()
	g.health.mu.Unlock()
	if first {
		g.log.Error("smtp server unusable: letters wait until it is back", "err", err)
	}
}

// senderOK records a letter accepted: an outage, if any, is over.
func (g *Gateway) senderOK() {
	g.health.mu.Lock()
	since := g.health.h.SenderDownSince
	g.health.h.SenderDownSince, g.health.h.SenderError = time.Time{}, ""
	g.health.mu.Unlock()
	if !since.IsZero() {
		g.log.Info("smtp server back: sending again", "down_for", g.now().Sub(since).Round(time.Second))
	}
}

// noteStore records the outcome of a write to the store: a storage
// failure (disk full, I/O error, read-only) begins or continues a store
// outage, logged at error once; success ends it. Other errors (a bad mail,
// a bug) say nothing about the disk and leave the state as it is.
func (g *Gateway) noteStore(err error) {
	if err != nil && !isStorageError(err) {
		return
	}
	g.health.mu.Lock()
	since := g.health.h.StoreFailingSince
	if err == nil {
		g.health.h.StoreFailingSince, g.health.h.StoreError = time.Time{}, ""
	} else {
		if since.IsZero() {
			g.health.h.StoreFailingSince = g.now()
		}
		g.health.h.StoreError = err.Error()
	}
	g.health.mu.Unlock()
	switch {
	case err != nil && since.IsZero():
		g.log.Error("database cannot be written: mail stays in the inbox and letters wait until it can", "err", err)
	case err == nil && !since.IsZero():
		g.log.Info("database writable again", "failed_for", g.now().Sub(since).Round(time.Second))
	}
}

// storageMessages are SQLite's words for a store that cannot take writes
// (sqlite3.c's sqlite3ErrStr): the disk is full, the file is read-only or
// gone, the device failed.
var storageMessages = []string{
	"database or disk is full",
	"disk i/o error",
	"attempt to write a readonly database",
	"unable to open database file",
	"no space left on device",
	"read-only file system",
}

// isStorageError reports whether err says the store's disk refused a
// write, as opposed to something wrong with what was written.
func isStorageError(err error) bool {
	if err == nil {
		return false
	}
	msg := strings.ToLower(err.Error())
	for _, m := range storageMessages {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return errors.Is(err, errStorage)
}

// errStorage marks an error as a storage failure for isStorageError.
var errStorage = errors.New("storage failure")

// deferDomain holds letters to domain back until until: its server
// deferred one (greylisting, over quota), and the others would only be
// deferred too. The rest of the queue goes on.
func (g *Gateway) deferDomain(domain string, until time.Time) {
	if domain == "" || until.IsZero() {
		return
	}
	g.health.mu.Lock()
	defer g.health.mu.Unlock()
	if g.health.deferred == nil {
		g.health.deferred = map[string]time.Time{}
	}
	if until.After(g.health.deferred[domain]) {
		g.health.deferred[domain] = until
	}
}

// domainDeferred returns until when letters to domain must wait, or zero.
func (g *Gateway) domainDeferred(domain string) time.Time {
	g.health.mu.Lock()
	defer g.health.mu.Unlock()
	until, ok := g.health.deferred[domain]
	if !ok {
		return time.Time{}
	}
	if !g.now().Before(until) {
		delete(g.health.deferred, domain)
		return time.Time{}
	}
	return until
}
