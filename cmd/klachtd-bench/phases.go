package main

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// timePoint is one second of the backlog, for the JSON and for seeing
// which side (intake or sending) lags.
type timePoint struct {
	T          float64 `json:"t_s"`
	Mails      int     `json:"mails_stored"`
	Complaints int     `json:"complaints"`
	Queued     int     `json:"outbox_queued"`
	Accepted   int     `json:"letters_accepted"`
	RSS        int64   `json:"rss_bytes"`
	CPU        float64 `json:"klachtd_cpu_s"`
}

type letterCheck struct {
	Captured          int `json:"letters_captured"`
	Acks              int `json:"acknowledgements"`
	ComplainantsAcked int `json:"complainants_acknowledged"`
	MissingAcks       int `json:"complainants_without_letter"`
	DuplicateLetters  int `json:"complainants_with_2plus_letters"`
	HandlerNotices    int `json:"handler_notices"`
	OtherLetters      int `json:"other_letters"`
	NotInOutbox       int `json:"captured_not_in_outbox_as_sent"`
	SentBeforeQueued  int `json:"captured_before_outbox_created_at"`
	DuplicateMsgIDs   int `json:"duplicate_message_ids"`
}

type backlogResult struct {
	Mails              int         `json:"mails"`
	MailBytes          int64       `json:"mail_bytes"`
	WithAttachment     int         `json:"mails_with_attachment"`
	Complaints         int         `json:"complaints_registered"`
	Quarantined        int         `json:"quarantined"`
	Letters            int         `json:"letters_accepted"`
	RegisteredSeconds  float64     `json:"seconds_to_all_registered"`
	LettersSeconds     float64     `json:"seconds_to_all_letters_accepted"`
	FirstLetterSeconds float64     `json:"seconds_to_first_letter"`
	ComplaintsPerSec   float64     `json:"complaints_per_s"`
	LettersPerSec      float64     `json:"letters_per_s"`
	MeanLetterBytes    int         `json:"mean_letter_bytes"`
	PeakRSS            int64       `json:"peak_rss_bytes"`
	PolledMaxRSS       int64       `json:"polled_max_rss_bytes"`
	KlachtdCPU         float64     `json:"klachtd_cpu_s"`
	DovecotCPU         float64     `json:"dovecot_cpu_s_live_processes"`
	Check              letterCheck `json:"exactly_once_check"`
	Timeline           []timePoint `json:"timeline"`
	Incomplete         string      `json:"incomplete,omitempty"`
}

// runBacklog starts klachtd against the filled mailbox and waits until every
// complaint is registered and its two letters were accepted by the sink.
func runBacklog(ctx context.Context, b *bench, n int) (*daemon, backlogResult, error) {
	res := backlogResult{Mails: n}
	logPath := filepath.Join(b.dir, "klachtd-backlog.log")
	t0 := time.Now()
	d, err := startDaemon(b.klachtd, b.cfg, b.db, logPath, 100*time.Millisecond, b.env)
	if err != nil {
		return nil, res, err
	}
	var db *sql.DB
	var registeredAt, lettersSeenAt time.Time
	lastProgress, lastMails, lastAcc := time.Now(), -1, -1
	nextPoint := time.Duration(0)
	for {
		if err := ctx.Err(); err != nil {
			return d, res, err
		}
		if d.p.Exited() {
			return d, res, fmt.Errorf("klachtd exited during the backlog: %v\n%s", d.p.Err(), tailFile(logPath, 3000))
		}
		if db == nil {
			if _, err := os.Stat(b.db); err == nil {
				db, _ = openDBReadOnly(b.db)
			}
		}
		el := time.Since(t0)
		complaints, mails, queued := 0, 0, 0
		if db != nil {
			complaints = countRows(db, `SELECT count(*) FROM complaints`)
			mails = countRows(db, `SELECT count(*) FROM messages`)
		}
		acc := b.sink.count()
		if complaints >= n && registeredAt.IsZero() {
			registeredAt = time.Now()
		}
		if acc >= 2*n && lettersSeenAt.IsZero() {
			lettersSeenAt = time.Now()
		}
		if el >= nextPoint {
			if db != nil {
				queued = countRows(db, `SELECT count(*) FROM outbox WHERE state = 'queued'`)
			}
			res.Timeline = append(res.Timeline, timePoint{T: math.Round(el.Seconds()*10) / 10, Mails: mails, Complaints: complaints,
				Queued: queued, Accepted: acc, RSS: d.rss(), CPU: d.cpu().Seconds()})
			nextPoint += time.Second
			if b.verbose {
				fmt.Fprintf(os.Stderr, "\r  backlog %5.0fs: stored %d/%d, complaints %d, queued %d, letters accepted %d/%d, rss %s   ",
					el.Seconds(), mails, n, complaints, queued, acc, 2*n, mb(d.rss()))
			}
		}
		if !registeredAt.IsZero() && !lettersSeenAt.IsZero() {
			break
		}
		if mails != lastMails || acc != lastAcc {
			lastMails, lastAcc, lastProgress = mails, acc, time.Now()
		}
		if time.Since(lastProgress) > b.stall {
			res.Incomplete = fmt.Sprintf("no progress for %v: %d mails stored, %d complaints, %d letters accepted", b.stall, mails, complaints, acc)
			break
		}
		if el > b.timeout {
			res.Incomplete = fmt.Sprintf("stopped after %v: %d mails stored, %d complaints, %d letters accepted", b.timeout, mails, complaints, acc)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if b.verbose {
		fmt.Fprintln(os.Stderr)
	}
	res.PeakRSS = d.hwm()
	res.PolledMaxRSS = d.polledMax()
	res.KlachtdCPU = d.cpu().Seconds()
	res.DovecotCPU = groupCPU(b.dovecot.PID()).Seconds()

	if db == nil {
		return d, res, fmt.Errorf("klachtd never created its database\n%s", tailFile(logPath, 3000))
	}
	defer db.Close()
	res.Complaints = countRows(db, `SELECT count(*) FROM complaints`)
	res.Quarantined = countRows(db, `SELECT count(*) FROM messages WHERE outcome = 'quarantined'`)

	caps, err := readAllCaptured(b.sink.dumpDir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: reading captures: %v\n", err)
	}
	res.Letters = len(caps)
	var first, last time.Time
	var bytes int64
	for _, c := range caps {
		if first.IsZero() || c.at.Before(first) {
			first = c.at
		}
		if c.at.After(last) {
			last = c.at
		}
		bytes += c.size
	}
	if len(caps) > 0 {
		res.MeanLetterBytes = int(bytes / int64(len(caps)))
		res.FirstLetterSeconds = first.Sub(t0).Seconds()
		res.LettersSeconds = last.Sub(t0).Seconds()
		res.LettersPerSec = float64(len(caps)) / res.LettersSeconds
	}
	if !registeredAt.IsZero() {
		// The poll saw the last registration; received_at of the last
		// complaint (written in its transaction) is closer to the commit.
		reg := registeredAt
		var lastRecv sql.NullString
		if err := db.QueryRow(`SELECT max(received_at) FROM complaints`).Scan(&lastRecv); err == nil && lastRecv.Valid {
			if lt, ok := parseDBTime(lastRecv.String); ok && lt.After(t0) && lt.Before(reg) {
				reg = lt
			}
		}
		res.RegisteredSeconds = reg.Sub(t0).Seconds()
		res.ComplaintsPerSec = float64(res.Complaints) / res.RegisteredSeconds
	}
	res.Check = checkLetters(db, caps, 0, n)
	return d, res, nil
}

// checkLetters checks exactly-once for complainants [lo, hi): one letter
// each, one handler notice per complaint, every captured letter queued in the
// outbox (committed) before the sink accepted it and marked sent.
func checkLetters(db *sql.DB, caps []captured, lo, hi int) letterCheck {
	var ck letterCheck
	ck.Captured = len(caps)
	handlers := handlerAddrs()
	per := map[string]int{}
	msgids := map[string]int{}
	type row struct {
		created time.Time
		state   string
	}
	outbox := map[string]row{}
	if rows, err := db.Query(`SELECT message_id, created_at, state FROM outbox`); err == nil {
		for rows.Next() {
			var id, state string
			var created time.Time
			if rows.Scan(&id, &created, &state) == nil {
				outbox[strings.Trim(id, "<>")] = row{created, state}
			}
		}
		rows.Close()
	}
	for _, c := range caps {
		id := strings.Trim(c.messageID, "<>")
		msgids[id]++
		if r, ok := outbox[id]; !ok || r.state != "sent" {
			ck.NotInOutbox++
		} else if c.at.Before(r.created) {
			ck.SentBeforeQueued++
		}
		kind := "other"
		for _, rc := range c.rcpts {
			switch {
			case handlers[rc]:
				kind = "handler"
			case strings.HasPrefix(rc, "klager") && strings.HasSuffix(rc, ".example.nl"):
				per[rc]++
				kind = "ack"
			}
		}
		switch kind {
		case "handler":
			ck.HandlerNotices++
		case "ack":
			ck.Acks++
		default:
			ck.OtherLetters++
		}
	}
	for _, v := range msgids {
		if v > 1 {
			ck.DuplicateMsgIDs += v - 1
		}
	}
	for i := lo; i < hi; i++ {
		switch k := per[complainant(i)]; {
		case k == 0:
			ck.MissingAcks++
		case k > 1:
			ck.DuplicateLetters++
			ck.ComplainantsAcked++
		default:
			ck.ComplainantsAcked++
		}
	}
	return ck
}

// waitIdle waits until klachtd has nothing queued and its log is quiet.
func waitIdle(ctx context.Context, d *daemon, quiet time.Duration) {
	db, err := openDBReadOnly(d.db)
	if err == nil {
		defer db.Close()
	}
	var lastSize int64 = -1
	since := time.Now()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		st, _ := os.Stat(d.logPath)
		var sz int64
		if st != nil {
			sz = st.Size()
		}
		if sz != lastSize {
			lastSize, since = sz, time.Now()
		}
		q := 0
		if db != nil {
			q = countRows(db, `SELECT count(*) FROM outbox WHERE state = 'queued'`)
		}
		if q == 0 && time.Since(since) >= quiet {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type latencyResult struct {
	Mails      int       `json:"mails"`
	Gap        string    `json:"gap"`
	Acked      int       `json:"acknowledged"`
	Duplicates int       `json:"complainants_with_2plus_letters"`
	P50        float64   `json:"p50_ms"`
	P90        float64   `json:"p90_ms"`
	P99        float64   `json:"p99_ms"`
	Max        float64   `json:"max_ms"`
	Min        float64   `json:"min_ms"`
	Mean       float64   `json:"mean_ms"`
	AppendP50  float64   `json:"append_p50_ms"`
	Samples    []float64 `json:"samples_ms"`
	Note       string    `json:"note"`
}

// runLatency APPENDs m form mails one by one, gap apart, while klachtd idles
// in IDLE, and times each from the APPEND's OK to the sink's acceptance of
// the acknowledgement to that complainant.
func runLatency(ctx context.Context, b *bench, d *daemon, first, m int, gap time.Duration) (latencyResult, error) {
	res := latencyResult{Mails: m, Gap: gap.String(),
		Note: "from the tagged OK of APPEND to the mtime of the sink's capture file of the acknowledgement (closed when the sink answers \".\"); file times have the kernel's coarse clock granularity (a few ms)"}
	waitIdle(ctx, d, 1500*time.Millisecond)
	aw := newAckWaiter()
	w, err := watchDir(b.sink.dumpDir, aw.add)
	if err != nil {
		return res, fmt.Errorf("inotify on %s: %w", b.sink.dumpDir, err)
	}
	defer w.close()
	ap, err := newAppender(b.imapPort)
	if err != nil {
		return res, err
	}
	defer ap.close()
	now := time.Now()
	appended := make([]time.Time, m)
	var appendDur []float64
	start := time.Now()
	for k := 0; k < m; k++ {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if wait := time.Until(start.Add(time.Duration(k) * gap)); wait > 0 {
			time.Sleep(wait)
		}
		f := newForm(first+k, now, b.attachBytes, 0)
		raw := wire(f.render())
		t := time.Now()
		if err := ap.append(raw); err != nil {
			return res, fmt.Errorf("append %d: %w", k, err)
		}
		appended[k] = time.Now()
		appendDur = append(appendDur, float64(appended[k].Sub(t).Microseconds())/1000)
	}
	deadline := time.Now().Add(b.latencyWait)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		done := 0
		for k := 0; k < m; k++ {
			if len(aw.get(complainant(first+k))) > 0 {
				done++
			}
		}
		if done == m {
			break
		}
		select {
		case <-aw.ch:
		case <-time.After(100 * time.Millisecond):
		}
	}
	time.Sleep(200 * time.Millisecond) // a duplicate, if any, shows up too
	for k := 0; k < m; k++ {
		ts := aw.get(complainant(first + k))
		if len(ts) == 0 {
			continue
		}
		if len(ts) > 1 {
			res.Duplicates++
		}
		sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
		res.Samples = append(res.Samples, float64(ts[0].Sub(appended[k]).Microseconds())/1000)
	}
	res.Acked = len(res.Samples)
	if len(res.Samples) > 0 {
		s := append([]float64(nil), res.Samples...)
		sort.Float64s(s)
		res.P50, res.P90, res.P99 = pct(s, 50), pct(s, 90), pct(s, 99)
		res.Min, res.Max = s[0], s[len(s)-1]
		var sum float64
		for _, v := range s {
			sum += v
		}
		res.Mean = sum / float64(len(s))
	}
	sort.Float64s(appendDur)
	res.AppendP50 = pct(appendDur, 50)
	return res, nil
}

// pct is the nearest-rank percentile of sorted s.
func pct(s []float64, p float64) float64 {
	if len(s) == 0 {
		return 0
	}
	k := int(math.Ceil(p/100*float64(len(s)))) - 1
	k = max(0, min(k, len(s)-1))
	return math.Round(s[k]*10) / 10
}

type bigResult struct {
	MailBytes       int     `json:"mail_bytes"`
	AttachmentBytes int     `json:"attachment_bytes"`
	AppendSeconds   float64 `json:"append_seconds"`
	Seconds         float64 `json:"seconds_append_to_letters_sent"`
	LettersSent     int     `json:"letters_sent"`
	Outcome         string  `json:"outcome"`
	RSSBefore       int64   `json:"rss_before_bytes"`
	HWMBefore       int64   `json:"hwm_before_bytes"`
	Peak            int64   `json:"peak_rss_bytes"`
	Extra           int64   `json:"extra_bytes"`
	ExtraPerMail    float64 `json:"extra_per_mail_size"`
}

// runBigMail starts a fresh klachtd (own database) on the now empty intake
// folder, then APPENDs one mail of about mailBytes with an attachment, and
// measures RSS before and at peak until both letters are sent.
func runBigMail(ctx context.Context, b *bench, mailBytes int) (bigResult, error) {
	var res bigResult
	dir := filepath.Join(b.dir, "bigmail")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, err
	}
	cfg, db, err := writeKlachtdConfig(dir, b.imapPort, b.smtpPort)
	if err != nil {
		return res, err
	}
	d, err := startDaemon(b.klachtd, cfg, db, filepath.Join(dir, "klachtd.log"), 10*time.Millisecond, b.env)
	if err != nil {
		return res, err
	}
	defer d.stop()
	if err := d.waitLog("imap connected", 30*time.Second); err != nil {
		return res, err
	}
	waitIdle(ctx, d, 2*time.Second)
	res.RSSBefore, res.HWMBefore = d.rss(), d.hwm()
	d.mu.Lock()
	d.maxRSS = 0
	d.mu.Unlock()

	i := b.n + b.latencyN + 1
	attach := int(float64(mailBytes-4000) * 3 / 4 * 76 / 77)
	f := newForm(i, time.Now(), attach, 1)
	raw := wire(f.render())
	res.MailBytes, res.AttachmentBytes = len(raw), attach
	_ = os.WriteFile(filepath.Join(dir, "big.eml"), raw, 0o600) // for a closer look with -keep
	ap, err := newAppender(b.imapPort)
	if err != nil {
		return res, err
	}
	t := time.Now()
	err = ap.append(raw)
	ap.close()
	if err != nil {
		return res, fmt.Errorf("append big mail: %w", err)
	}
	res.AppendSeconds = time.Since(t).Seconds()
	rdb, err := openDBReadOnly(db)
	if err != nil {
		return res, err
	}
	defer rdb.Close()
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if d.p.Exited() {
			return res, fmt.Errorf("klachtd exited: %v\n%s", d.p.Err(), tailFile(d.logPath, 3000))
		}
		q := countRows(rdb, `SELECT count(*) FROM messages WHERE outcome = 'quarantined'`)
		if q > 0 {
			res.Outcome = "quarantined"
			break
		}
		if sent := countRows(rdb, `SELECT count(*) FROM outbox WHERE state = 'sent'`); sent >= 2 {
			res.LettersSent = sent
			res.Outcome = "registered, both letters sent"
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	res.Seconds = time.Since(t).Seconds()
	time.Sleep(200 * time.Millisecond)
	hwm := d.hwm()
	res.Peak = d.polledMax()
	if hwm > res.HWMBefore && hwm > res.Peak {
		res.Peak = hwm
	}
	res.Extra = res.Peak - res.RSSBefore
	res.ExtraPerMail = float64(res.Extra) / float64(res.MailBytes)
	if res.Outcome == "" {
		res.Outcome = "not finished within 3 minutes"
	}
	return res, nil
}

// parseDBTime reads a time as go-sqlite3 writes it.
func parseDBTime(s string) (time.Time, bool) {
	for _, l := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999-07:00",
		"2006-01-02 15:04:05.999999999Z07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// probeFsync times n small write+fsync pairs in dir: the price of one
// durable commit on this disk, which bounds SQLite, Dovecot and mbsync.
func probeFsync(dir string, n int) (medianMs float64) {
	p := filepath.Join(dir, "fsync-probe")
	f, err := os.Create(p)
	if err != nil {
		return 0
	}
	defer os.Remove(p)
	defer f.Close()
	buf := make([]byte, 4096)
	var ds []float64
	for i := 0; i < n; i++ {
		t := time.Now()
		f.WriteAt(buf, int64(i)*4096)
		f.Sync()
		ds = append(ds, float64(time.Since(t).Microseconds())/1000)
	}
	sort.Float64s(ds)
	return pct(ds, 50)
}
