// Package correspondence carries out the complaints procedure: complaint
// states and transitions, the working-day deadlines, the scheduler of due
// letters, the transactional outbox, the digest, and the store they share.
package correspondence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
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
}

// maxAttempts is how often a mail may fail before it is quarantined as it is.
const maxAttempts = 3

// New returns a gateway over store. now is the clock: the domain never reads
// the time any other way.
func New(store *Store, set Settings, cal *workdays.Calendar, tpl *templates.Renderer, popt parser.Options, now func() time.Time, log *slog.Logger) *Gateway {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	popt.OwnAddresses = append(popt.OwnAddresses, set.Gateway)
	return &Gateway{store: store, set: set, cal: cal, tpl: tpl, popt: popt, now: now, log: log,
		wake: make(chan struct{}, 1), failures: map[string]int{}}
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

// Incoming is one mail from the intake folder.
type Incoming struct {
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	Raw         []byte
	Truncated   bool
	Size        int64
	// Unreadable: the server would not give the bytes (Raw is nil); the
	// mail is recorded and quarantined with this reason.
	Unreadable string
}

// Handle stores one incoming mail and every consequence in one transaction.
// It is idempotent: a mail seen before (same folder and UID, or same
// Message-ID and content after a UIDVALIDITY change) is not acted on again.
// It reports whether the mail belongs in quarantine.
func (g *Gateway) Handle(ctx context.Context, in Incoming) (quarantine bool, err error) {
	key := fmt.Sprintf("%s/%d/%d", in.Mailbox, in.UIDValidity, in.UID)
	q, err := g.handleOnce(ctx, in)
	g.noteStore(err)
	if err == nil || ctx.Err() != nil || isStorageError(err) {
		// A full or failing disk is not the mail's fault: it stays in the
		// inbox, uncounted, until the store takes writes again.
		g.failMu.Lock()
		delete(g.failures, key)
		g.failMu.Unlock()
		return q, err
	}
	g.failMu.Lock()
	g.failures[key]++
	n := g.failures[key]
	g.failMu.Unlock()
	if n < maxAttempts {
		return false, err
	}
	// The same mail failed again and again: keep it, quarantine it, tell the
	// intake team, and let the mails behind it through.
	if qerr := g.quarantineRaw(ctx, in, err); qerr != nil {
		g.noteStore(qerr)
		g.log.Error("mail cannot be handled, and quarantining it failed too: it stays in the inbox", "uid", in.UID, "attempts", n, "err", err, "quarantine_err", qerr)
		return false, fmt.Errorf("%w (and quarantine failed: %v)", err, qerr)
	}
	g.log.Error("mail cannot be handled; quarantined as it is", "uid", in.UID, "attempts", n, "err", err)
	g.failMu.Lock()
	delete(g.failures, key)
	g.failMu.Unlock()
	return true, nil
}

// quarantineRaw stores a mail that could not be handled, with the reason.
func (g *Gateway) quarantineRaw(ctx context.Context, in Incoming, cause error) error {
	sum := sha256.Sum256(in.Raw)
	hash := hex.EncodeToString(sum[:])
	return g.run(ctx, func(t *txn) error {
		prior, err := t.priorOutcome(in, "", hash)
		if err != nil || prior != "" {
			return err
		}
		h := &handling{txn: t, in: in, msg: &parser.Message{Kind: parser.KindOther, Invalid: map[string]string{}}}
		if err := h.store(hash); err != nil {
			return err
		}
		if err := h.quarantineWith("handling-failed", cause.Error()); err != nil {
			return err
		}
		_, err = t.tx.Exec(`UPDATE messages SET outcome = 'quarantined', note = ? WHERE id = ?`, h.note, h.row)
		return err
	})
}

// handleOnce is one attempt at Handle. A panic in parsing or handling one
// mail becomes an error for that mail: the daemon goes on.
func (g *Gateway) handleOnce(ctx context.Context, in Incoming) (quarantine bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handle uid %d: panic: %v", in.UID, r)
		}
	}()
	p := g.parse(in)
	var outcome string
	err = g.run(ctx, func(t *txn) error {
		outcome, err = t.handleParsed(p)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("handle uid %d: %w", in.UID, err)
	}
	g.log.Info("mail handled", "uid", in.UID, "kind", p.msg.Kind, "outcome", outcome, "message_id", p.msg.MessageID)
	return outcome == "quarantined", nil
}

// parsed is one incoming mail with its parse result, made before the
// transaction so that parsing never holds the write lock.
type parsed struct {
	in   Incoming
	msg  *parser.Message
	perr error
	hash string
}

func (g *Gateway) parse(in Incoming) parsed {
	if in.Unreadable != "" {
		// No bytes to recognise it by: its place in the folder is its
		// identity.
		sum := sha256.Sum256([]byte(fmt.Sprintf("unreadable %s %d %d", in.Mailbox, in.UIDValidity, in.UID)))
		return parsed{in: in, msg: &parser.Message{Kind: parser.KindOther, Invalid: map[string]string{}, Missing: []string{}},
			hash: hex.EncodeToString(sum[:])}
	}
	sum := sha256.Sum256(in.Raw)
	msg, perr := parser.Parse(in.Raw, g.popt)
	if msg == nil {
		msg = &parser.Message{Kind: parser.KindOther}
	}
	return parsed{in: in, msg: msg, perr: perr, hash: hex.EncodeToString(sum[:])}
}

// parseAll parses a batch on every core: the parser is pure, and parsing
// is most of an intake's CPU.
func (g *Gateway) parseAll(ins []Incoming) []parsed {
	ps := make([]parsed, len(ins))
	var wg sync.WaitGroup
	next := make(chan int)
	var panicked any
	var pmu sync.Mutex
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(ins)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				func() {
					defer func() {
						if r := recover(); r != nil {
							pmu.Lock()
							panicked = r
							pmu.Unlock()
						}
					}()
					ps[i] = g.parse(ins[i])
				}()
			}
		}()
	}
	for i := range ins {
		next <- i
	}
	close(next)
	wg.Wait()
	if panicked != nil {
		panic(panicked) // HandleBatch turns it into an error and goes one by one
	}
	return ps
}

// handleParsed stores one mail and all its consequences in t; it returns the
// outcome ("processed" or "quarantined"), or the earlier one for a mail seen
// before.
func (t *txn) handleParsed(p parsed) (string, error) {
	prior, err := t.priorOutcome(p.in, p.msg.MessageID, p.hash)
	if err != nil || prior != "" {
		return prior, err
	}
	h := &handling{txn: t, in: p.in, msg: p.msg, perr: p.perr}
	if err := h.store(p.hash); err != nil {
		return "", err
	}
	if err := h.route(); err != nil {
		return "", err
	}
	outcome := "processed"
	if h.quarantine {
		outcome = "quarantined"
	}
	var cid any
	if h.complaintID != 0 {
		cid = h.complaintID
	}
	_, err = t.tx.Exec(`UPDATE messages SET outcome = ?, note = ?, complaint_id = ? WHERE id = ?`,
		outcome, h.note, cid, h.row)
	return outcome, err
}

// Bounds of one intake transaction: the outbox records each letter's
// result in a transaction of its own, and it may start the next letter only
// once that result is committed; a long intake transaction would hold the
// write lock and with it every SMTP connection. A batch is committed in
// pieces of at most maxTxMails mails or about maxTxTime of work, whichever
// comes first: small enough that a letter's record waits for at most one
// piece, large enough that one fsync still serves many mails.
const (
	maxTxMails = 16
	maxTxTime  = 100 * time.Millisecond
)

// HandleBatch is Handle for several mails, committed in a few bounded
// transactions (group commit: one fsync per piece, not per mail). A mail
// handled twice is no harm (Handle is idempotent), so the pieces need no
// common transaction. If a piece fails, its mails and the rest are handled
// each on its own, so one bad mail costs the others nothing.
func (g *Gateway) HandleBatch(ctx context.Context, ins []Incoming) ([]bool, error) {
	quarantine := make([]bool, len(ins))
	start := 0
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		ps := g.parseAll(ins)
		for start < len(ps) {
			end := start
			deadline := time.Now().Add(maxTxTime)
			err := g.run(ctx, func(t *txn) error {
				end = start
				for end < len(ps) {
					outcome, err := t.handleParsed(ps[end])
					if err != nil {
						return fmt.Errorf("uid %d: %w", ps[end].in.UID, err)
					}
					quarantine[end] = outcome == "quarantined"
					end++
					if end-start >= maxTxMails || time.Now().After(deadline) {
						break
					}
				}
				return nil
			})
			g.noteStore(err)
			if err != nil {
				return err
			}
			start = end
		}
		return nil
	}()
	if err == nil {
		g.log.Info("mails handled", "count", len(ins), "first_uid", ins[0].UID, "last_uid", ins[len(ins)-1].UID)
		return quarantine, nil
	}
	if ctx.Err() != nil || isStorageError(err) {
		// Shutdown, or a disk that takes no writes: one by one would only
		// fail the same way, mail after mail.
		return nil, err
	}
	g.log.Warn("batch failed, handling its mails one by one", "err", err)
	for i := start; i < len(ins); i++ {
		q, err := g.Handle(ctx, ins[i])
		if err != nil {
			return nil, err
		}
		quarantine[i] = q
	}
	return quarantine, nil
}

// priorOutcome finds a mail handled before.
func (t *txn) priorOutcome(in Incoming, messageID, hash string) (string, error) {
	var out string
	err := t.tx.Get(&out, `SELECT outcome FROM messages WHERE mailbox = ? AND uidvalidity = ? AND uid = ?`,
		in.Mailbox, in.UIDValidity, in.UID)
	if err == nil {
		return out, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("dedupe: %w", err)
	}
	err = t.tx.Get(&out, `SELECT outcome FROM messages WHERE message_id = ? AND content_hash = ? LIMIT 1`, messageID, hash)
	if err == nil {
		return out, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("dedupe: %w", err)
	}
	return "", nil
}

// handling is the work on one incoming mail inside its transaction.
type handling struct {
	*txn
	in          Incoming
	msg         *parser.Message
	perr        error
	row         int64 // messages.id
	complaintID int64
	quarantine  bool
	note        string
	// emailAsGiven: the form's unusable e-mail field, when the letters go
	// to the sender's address instead (register.go).
	emailAsGiven string
}

// rawChunk is the most of a mail stored in one row (see migration 0002).
const rawChunk = 1 << 20

func (h *handling) store(hash string) error {
	pj, _ := json.Marshal(h.msg)
	inline := h.in.Raw
	if inline == nil {
		inline = []byte{} // an empty mail is still a mail: stored, not NULL
	}
	if len(inline) > rawChunk {
		inline = []byte{}
	}
	res, err := h.tx.Exec(`INSERT INTO messages (mailbox, uidvalidity, uid, message_id, content_hash, arrived_at, raw, size, truncated, kind, parse_json, outcome, from_addr, subject)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'processed', ?, ?)`,
		h.in.Mailbox, h.in.UIDValidity, h.in.UID, h.msg.MessageID, hash, h.now.UTC(), inline,
		max(h.in.Size, int64(len(h.in.Raw))), h.in.Truncated, string(h.msg.Kind), string(pj), h.msg.From, h.msg.Subject)
	if err != nil {
		return fmt.Errorf("store message: %w", err)
	}
	if h.row, err = res.LastInsertId(); err != nil {
		return err
	}
	if len(h.in.Raw) > rawChunk {
		for seq, off := 0, 0; off < len(h.in.Raw); seq, off = seq+1, off+rawChunk {
			if _, err := h.tx.Exec(`INSERT INTO message_chunks (message_row, seq, data) VALUES (?, ?, ?)`,
				h.row, seq, h.in.Raw[off:min(off+rawChunk, len(h.in.Raw))]); err != nil {
				return fmt.Errorf("store message chunk %d: %w", seq, err)
			}
		}
	}
	return nil
}

// rawOf returns a stored mail's bytes, joining its chunks if it has them.
func (g *Gateway) rawOf(ctx context.Context, row int64, inline []byte) ([]byte, error) {
	var chunks [][]byte
	if err := g.store.DB.SelectContext(ctx, &chunks, `SELECT data FROM message_chunks WHERE message_row = ? ORDER BY seq`, row); err != nil {
		return nil, fmt.Errorf("message %d: %w", row, err)
	}
	if len(chunks) == 0 {
		return inline, nil
	}
	return bytes.Join(chunks, nil), nil
}

// day parses a stored YYYY-MM-DD; zero when empty.
func (g *Gateway) day(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	d, err := workdays.ParseDate(s)
	if err != nil {
		return time.Time{}
	}
	return d
}

func fmtDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// today is the working-day calendar's date of the transaction's instant.
func (t *txn) today() time.Time { return t.g.cal.Day(t.now) }

func (t *txn) complaintByID(id int64) (*Complaint, error) {
	var c Complaint
	if err := t.tx.Get(&c, `SELECT * FROM complaints WHERE id = ?`, id); err != nil {
		return nil, fmt.Errorf("complaint %d: %w", id, err)
	}
	return &c, nil
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// RecordIntakeStatus keeps how long intake has been failing, so the digest
// (in any process) can report a stopped intake.
func (g *Gateway) RecordIntakeStatus(ctx context.Context, failingSince, lastOK time.Time) error {
	var fs, ok any
	if !failingSince.IsZero() {
		fs = failingSince.UTC()
	}
	if !lastOK.IsZero() {
		ok = lastOK.UTC()
	}
	_, err := g.store.exec(ctx, `INSERT INTO intake_status (id, failing_since, last_ok) VALUES (1, ?, ?)
		ON CONFLICT(id) DO UPDATE SET failing_since = excluded.failing_since, last_ok = excluded.last_ok`, fs, ok)
	return err
}

// AlertIntakeStopped tells the intake team, once per outage, that no mail
// has been read since since: complaints may be waiting unseen.
func (g *Gateway) AlertIntakeStopped(ctx context.Context, since time.Time, lastErr string) error {
	return g.run(ctx, func(t *txn) error {
		d := g.baseData(nil, t.now)
		d.About = templates.Notice{Kind: templates.AlertIntakeStopped, Since: since, Detail: lastErr}
		_, err := t.queue(letter{name: templates.Alert, key: fmt.Sprintf("alert:intake-stopped:%d", since.Unix()),
			to: g.set.IntakeTeam, data: d, staff: true})
		return err
	})
}
