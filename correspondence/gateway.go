// Package correspondence carries out the complaints procedure: complaint
// states and transitions, the working-day deadlines, the scheduler of due
// letters, the transactional outbox, the digest, and the store they share.
package correspondence

import (
	"log/slog"
	"sync"
	"time"

	"github.com/ingressus/klachtd/correspondence/workdays"
	"github.com/ingressus/klachtd/parser"
	"github.com/ingressus/klachtd/templates"
)

// Gateway is the procedure: it takes incoming mail, keeps the complaints and
// queues the letters. Safe for concurrent use; every change is one
// transaction.
type Gateway struct {
	store  *Store
	set    Settings
	cal    *workdays.Calendar
	tpl    *templates.Renderer
	popt   parser.Options
	now    func() time.Time
	log    *slog.Logger
	wake   chan struct{}
	digest DigestSchedule

	// failures counts consecutive failed attempts per mail, so that one
	// mail that cannot be handled is quarantined instead of blocking the
	// inbox behind it.
	failMu   sync.Mutex
	failures map[string]int

	privacy privacyState // retention term, last retention run, proofs of sending (retention.go)
	// health: sender and store outages, per-domain deferrals (health.go).
	health health
	// owner names this gateway in the outbox's leases (outbox.go).
	owner string
}

// New returns a gateway over store. now is the clock: the domain never reads
// the time any other way.
func New(store *Store, set Settings, cal *workdays.Calendar, tpl *templates.Renderer, popt parser.Options, now func() time.Time, log *slog.Logger) *Gateway {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	popt.OwnAddresses = append(popt.OwnAddresses, set.Gateway)
	return &Gateway{store: store, set: set, cal: cal, tpl: tpl, popt: popt, now: now, log: log,
		wake: make(chan struct{}, 1), failures: map[string]int{}, owner: leaseOwner()}
}

// SetDigestSchedule sets when digests go out (default: none).
func (g *Gateway) SetDigestSchedule(s DigestSchedule) { g.digest = s }

// Wake tells the outbox sender that letters were queued.
func (g *Gateway) Wake() {
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

// Settings returns the gateway's settings.
func (g *Gateway) Settings() Settings { return g.set }

// Calendar returns the working-day calendar.
func (g *Gateway) Calendar() *workdays.Calendar { return g.cal }
