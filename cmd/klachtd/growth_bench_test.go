package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/ingressus/klachtd/correspondence"
)

// Growth benchmark (issue 17, "cost as the store grows"): the same figures on
// an empty store and on a store seeded with ten years of a large
// organisation, in one run, with the ratio seeded/empty.
//
// Run:
//
//	go test -run '^$' -bench Growth -benchtime 1x -timeout 60m ./cmd/klachtd/
//
// Environment: GROWTH_INTAKE (form mails per intake, default 400),
// GROWTH_REPS (repetitions of each operator command, default 7; the median
// is reported), GROWTH_COMPLAINTS (seeded history, default 100000),
// GROWTH_CACHE (folder for the seeded file, default the temp folder; the
// seed is made once per schema and copied for each run), GROWTH_PROFILE
// (a folder: a CPU profile of each store's intake and scheduler passes,
// intake-empty.pprof and so on, without the seed and the first open that a
// whole-run -cpuprofile would mostly show).

const (
	growthOpenN  = 2000  // open complaints in the history
	growthRecent = 20000 // latest complaints whose mails and letters keep their bytes
	growthMails  = 3     // mails in per complaint
	growthOut    = 6     // letters out per complaint
	growthEvents = 10    // events per complaint
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// growthFigures is one store's column of the table.
type growthFigures map[string]float64

func BenchmarkGrowth(b *testing.B) {
	if b.N > 1 {
		b.Skip("a fixed workload: run with -benchtime 1x")
	}
	n := envInt("GROWTH_COMPLAINTS", 100000)
	intake := envInt("GROWTH_INTAKE", 400)
	reps := envInt("GROWTH_REPS", 7)

	seedStart := time.Now()
	cached := growthSeed(b, n)
	b.Logf("seeded file %s ready in %s", cached, time.Since(seedStart).Round(time.Millisecond))

	emptyDir := b.TempDir()
	empty := growthMeasure(b, filepath.Join(emptyDir, "klachtd.db"), "empty", intake, reps)

	seededDir := b.TempDir()
	seededDB := filepath.Join(seededDir, "klachtd.db")
	if err := copyFile(cached, seededDB); err != nil {
		b.Fatal(err)
	}
	seeded := growthMeasure(b, seededDB, "seeded", intake, reps)

	rows := []struct{ key, unit string }{
		{"complaints", "complaints"},
		{"first_open", "ms"},
		{"startup", "ms"},
		{"intake", "complaints/s"},
		{"intake_rss", "MB peak RSS"},
		{"intake_heap", "MB peak heap"},
		{"running", "complaints"},
		{"scheduler", "ms"},
		{"scheduler_per_1k", "ms/1000 running"},
		{"scheduler_alloc", "MB alloc/pass"},
		{"list_due5", "ms"},
		{"list_due5_alloc", "MB alloc/op"},
		{"list_due5_n", "items"},
		{"show", "ms"},
		{"show_alloc", "MB alloc/op"},
		{"digest", "ms"},
		{"digest_alloc", "MB alloc/op"},
		{"digest_rss", "MB peak RSS"},
		{"db_size", "MB"},
		{"db_per_complaint", "KB/complaint"},
	}
	var sb strings.Builder
	tw := tabwriter.NewWriter(&sb, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "figure\tunit\tempty\tseeded\tseeded/empty\t\n")
	for _, r := range rows {
		e, s := empty[r.key], seeded[r.key]
		ratio := "-"
		if e != 0 {
			ratio = fmt.Sprintf("%.2f", s/e)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f\t%s\t\n", r.key, r.unit, e, s, ratio)
	}
	tw.Flush()
	// Printed, not logged: the benchmark's log is cut to ten lines.
	fmt.Printf("growth table (intake %d mails, median of %d commands):\n%s", intake, reps, sb.String())
	if empty["intake"] > 0 {
		b.ReportMetric(seeded["intake"]/empty["intake"], "intake-ratio")
	}
	if empty["scheduler"] > 0 {
		b.ReportMetric(seeded["scheduler"]/empty["scheduler"], "scheduler-ratio")
	}
	// The pass walks the running complaints, 6x as many on the seeded store
	// (its 2,000 open ones besides intake's): per running complaint is the
	// figure the store's size could move.
	if empty["scheduler_per_1k"] > 0 {
		b.ReportMetric(seeded["scheduler_per_1k"]/empty["scheduler_per_1k"], "scheduler-per-running-ratio")
	}
	b.ReportMetric(seeded["list_due5"], "seeded-list-ms")
	b.ReportMetric(seeded["show"], "seeded-show-ms")
	b.ReportMetric(seeded["digest"], "seeded-digest-ms")
}

// growthMeasure measures one store: startup, intake through the daemon on
// in-process IMAP/SMTP, a scheduler pass, list --due-within 5, show and the
// digest, each with its allocation and memory peak.
func growthMeasure(b *testing.B, dbPath, name string, intake, reps int) growthFigures {
	b.Helper()
	ctx := context.Background()
	f := growthFigures{}
	// The world's config with its database at dbPath.
	w := newWorldTB(b, atDatabase(dbPath))

	// Startup: open and migrate, as every operator command and the daemon
	// do. The first open applies what migrations the file lacks (on the
	// seeded copy of an older schema: the upgrade at a decade's size).
	open1 := time.Now()
	if _, st := growthOpen(b, w.cfgPath); st != nil {
		st.Close()
	}
	f["first_open"] = float64(time.Since(open1).Microseconds()) / 1000
	f["startup"] = medianMS(reps, func() {
		gw, closeFn, err := openFromFlags(ctx, w.cfgPath, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		_ = gw
		closeFn()
	})

	// Intake: a backlog of form mails through the real daemon; each gives
	// two letters (acknowledgement, handler notice).
	for i := 0; i < intake; i++ {
		w.imap.Append("INBOX", testForm(i))
	}
	peak := startPeak()
	prof := startProfile(b, "intake-"+name)
	start := time.Now()
	stop := w.start()
	if _, err := w.smtp.WaitFor(2*intake, 30*time.Minute); err != nil {
		b.Fatal(err)
	}
	el := time.Since(start).Seconds()
	prof()
	stop()
	f["intake_rss"], f["intake_heap"] = peak.stop()
	f["intake"] = float64(intake) / el

	gw, store := growthOpen(b, w.cfgPath)
	defer store.Close()

	// A scheduler pass with nothing due: the daemon's every minute.
	now := time.Now()
	prof = startProfile(b, "scheduler-"+name)
	f["scheduler"], f["scheduler_alloc"] = medianAlloc(reps, func() {
		if _, err := gw.RunDue(ctx, now); err != nil {
			b.Fatal(err)
		}
	})
	prof()

	// list --due-within 5, as the operator runs it (open, query, print).
	var out countingWriter
	f["list_due5"], f["list_due5_alloc"] = medianAlloc(reps, func() {
		out = countingWriter{}
		if err := run(ctx, []string{"list", "--due-within", "5", "--config", w.cfgPath}, &out, io.Discard); err != nil {
			b.Fatal(err)
		}
	})
	f["list_due5_n"] = float64(out.lines)
	// Counts from the store's own figures (Stats), not from SQL of ours.
	stats, err := gw.Stats(ctx)
	if err != nil {
		b.Fatal(err)
	}
	running, cnt := 0, 0
	for state, n := range stats.ComplaintsBy {
		cnt += n
		switch state {
		case correspondence.StateIncomplete, correspondence.StateOpen, correspondence.StateResponded, correspondence.StateObjection:
			running += n
		}
	}
	f["running"] = float64(running)
	if running > 0 {
		f["scheduler_per_1k"] = f["scheduler"] / float64(running) * 1000
	}

	// show of the complaint most recently registered by intake: real bytes,
	// the full timeline.
	// Intake's complaints are complete, so open: the newest open one (List
	// is oldest first) without reading the decade of closed ones, which
	// would also leave the digest's RSS below a heap of garbage.
	open, err := gw.List(ctx, correspondence.ListFilter{State: correspondence.StateOpen})
	if err != nil || len(open) == 0 {
		b.Fatalf("list open: %d complaints, %v", len(open), err)
	}
	ref := open[len(open)-1].Ref
	f["show"], f["show_alloc"] = medianAlloc(reps, func() {
		if err := run(ctx, []string{"show", ref, "--config", w.cfgPath}, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
	})

	// The daily digest, printed.
	peak = startPeak()
	f["digest"], f["digest_alloc"] = medianAlloc(reps, func() {
		if err := run(ctx, []string{"digest", "--config", w.cfgPath}, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
	})
	f["digest_rss"], _ = peak.stop()

	f["complaints"] = float64(cnt)
	size := fileSize(dbPath) + fileSize(dbPath+"-wal")
	f["db_size"] = float64(size) / (1 << 20)
	if cnt > 0 {
		f["db_per_complaint"] = float64(size) / float64(cnt) / 1024
	}
	return f
}

// startProfile starts a CPU profile into GROWTH_PROFILE/name.pprof when
// that folder is set; the returned func stops it.
func startProfile(b *testing.B, name string) (stop func()) {
	dir := os.Getenv("GROWTH_PROFILE")
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, name+".pprof"))
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

type countingWriter struct{ lines int }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.lines += strings.Count(string(p), "\n")
	return len(p), nil
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// medianMS runs fn reps times and returns the median wall time in ms.
func medianMS(reps int, fn func()) float64 {
	ms, _ := medianAlloc(reps, fn)
	return ms
}

// medianAlloc runs fn reps times (after one warm-up run) and returns the
// median wall time in ms and the mean bytes allocated per run in MB.
func medianAlloc(reps int, fn func()) (float64, float64) {
	fn()
	var ds []float64
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 0; i < reps; i++ {
		t := time.Now()
		fn()
		ds = append(ds, float64(time.Since(t).Microseconds())/1000)
	}
	runtime.ReadMemStats(&after)
	sort.Float64s(ds)
	return ds[len(ds)/2], float64(after.TotalAlloc-before.TotalAlloc) / float64(reps) / (1 << 20)
}

// peakSampler records the process's peak RSS (VmHWM, reset through
// /proc/self/clear_refs) and the peak live heap between start and stop.
type peakSampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	heap uint64
}

func startPeak() *peakSampler {
	runtime.GC()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	p := &peakSampler{done: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > p.heap {
				p.heap = v
			}
			select {
			case <-p.done:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

// stop returns the peak RSS and peak heap in MB.
func (p *peakSampler) stop() (rss, heap float64) {
	close(p.done)
	p.wg.Wait()
	st, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(st), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(line, "VmHWM:"), "kB")))
			rss = float64(kb) / 1024
		}
	}
	return rss, float64(p.heap) / (1 << 20)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	// On disk before the measuring starts: else the kernel writes the
	// copy's 2.4 GB back during the intake, and the first checkpoint's
	// fsync of the file waits for all of it — a store that has been on
	// disk for a decade has no such backlog.
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// growthSeed returns the path of a store holding the seeded history of n
// complaints, made once per schema (the migrations' text is in the name)
// and kept in GROWTH_CACHE or the temp folder.
func growthSeed(b *testing.B, n int) string {
	b.Helper()
	h := sha256.New()
	names, _ := filepath.Glob("../../correspondence/migrations/*.sql")
	sort.Strings(names)
	for _, name := range names {
		body, _ := os.ReadFile(name)
		h.Write([]byte(filepath.Base(name)))
		h.Write(body)
	}
	fmt.Fprintf(h, "seed-v4 %d", n)
	dir := os.Getenv("GROWTH_CACHE")
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("klachtd-growth-%x.db", h.Sum(nil)[:6]))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".part"
	os.Remove(tmp)
	if err := seedHistory(b, tmp, n); err != nil {
		os.Remove(tmp)
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// seedHistory writes ten years of history into a new store at path, in one
// transaction of bulk inserts: n complaints, the latest growthOpenN of them
// open, each with growthEvents events, growthMails mails in and growthOut
// letters out. The latest growthRecent keep the bytes of their mails and
// letters (real ones, made by the gateway); the older ones are what
// retention leaves: the rows without bytes, and for those finished before
// the retention term (24 months) what an erasure leaves too — blanked
// personal fields, an 'erased' event, the complaint_privacy record — so the
// daemon's first retention pass does not erase 79,000 complaints inside the
// measured intake (it did: intake ran at 0.45x, and its heap held every
// expired complaint). The ledger is sealed before the file is cached, as a
// running system seals each transaction, so the copy's first open does not
// seal 1.9M entries.
func seedHistory(b *testing.B, path string, n int) error {
	ctx := context.Background()
	cfgPath := newWorldTB(b, atDatabase(path)).cfgPath
	gw, store := growthOpen(b, cfgPath)
	defer func() { store.Close() }()
	// The seed writes a fabricated decade straight into the file, as a
	// migration test writes an older schema: a fixture, not a read around
	// the Store, so it has a handle of its own (the Store's is unexported).
	// The triggers note its rows in the ledger; the OpenStore at the end
	// seals them.
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000")
	if err != nil {
		return err
	}
	defer db.Close()
	// Real letters: one form through the gateway, its two letters' bytes
	// reused at their real size for every recent letter.
	form := testForm(999999)
	if _, err := gw.Handle(ctx, []correspondence.Incoming{{Mailbox: "seed", UIDValidity: 1, UID: 1, Raw: form}}); err != nil {
		return err
	}
	var letters [][]byte
	rows, err := db.QueryContext(ctx, `SELECT raw FROM outbox ORDER BY id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			rows.Close()
			return err
		}
		letters = append(letters, raw)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(letters) == 0 {
		return fmt.Errorf("seed: the gateway queued no letter")
	}
	// The ledger goes too: its entries name the row ids the history
	// below uses again (UNIQUE (tbl, row_id)); the open at the end seals
	// the seeded rows in the order they were inserted.
	for _, q := range []string{`DELETE FROM events`, `DELETE FROM outbox`, `DELETE FROM messages`, `DELETE FROM complaints`, `DELETE FROM ref_seq`, `DELETE FROM ledger`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	reply := []byte(strings.Replace(string(form), "Subject: Nieuwe klacht", "Subject: Re: Uw klacht", 1) + strings.Repeat("Met vriendelijke groet, een klant die antwoordt.\r\n", 40))

	cal := gw.Calendar()
	now := time.Now().UTC()
	today := cal.Day(now)
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	span := 10 * 365 * 24 * time.Hour
	handlers := []string{"m.devries@example.nl", "j.bakker@example.nl"}
	// The retention pass's cutoff (correspondence.retentionCutoff with the
	// test config's default term).
	cutoff := day(cal.Day(now).AddDate(0, -correspondence.DefaultRetentionMonths, 0))

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	prep := func(q string) *sql.Stmt {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		return st
	}
	insC := prep(`INSERT INTO complaints (id, ref, token, state, lang, company, address, name, phone, availability, email, form_date, description,
		handler, received_at, complete_day, ack_due, term_end, delay_latest, objection_end, responded_day, closed_day, closed_told, root_msgid, staff_msgid)
		VALUES (?, ?, ?, ?, 'nl', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	insM := prep(`INSERT INTO messages (id, mailbox, uidvalidity, uid, message_id, content_hash, arrived_at, raw, size, kind, outcome, from_addr, subject, complaint_id)
		VALUES (?, 'INBOX', 1000, ?, ?, ?, ?, ?, ?, ?, 'processed', ?, ?, ?)`)
	insE := prep(`INSERT INTO events (complaint_id, at, kind, detail, message_row) VALUES (?, ?, ?, ?, ?)`)
	insP := prep(`INSERT INTO complaint_privacy (complaint_id, erased_at, erased_why) VALUES (?, ?, ?)`)
	insO := prep(`INSERT INTO outbox (complaint_id, kind, event_key, mail_from, rcpt, message_id, subject, raw, state, attempts, next_attempt, created_at, sent_at)
		VALUES (?, ?, ?, 'klachten@example.nl', ?, ?, ?, ?, 'sent', 1, ?, ?, ?)`)
	seq := map[int]int{}
	outKinds := []string{"acknowledgement", "handler-new", "reminder", "reminder", "response", "closing"}
	evKinds := []string{"registered", "letter-queued", "letter-queued", "reply", "letter-queued", "letter-queued", "responded", "letter-queued", "letter-queued", "closed"}
	msgRow := int64(0)
	for i := 0; i < n; i++ {
		id := int64(i + 1)
		recv := now.Add(-span / time.Duration(n) * time.Duration(n-i)) // span*n would overflow
		if i >= n-growthOpenN {
			// The open ones: the last weeks' intake, terms running.
			recv = now.Add(-time.Duration(n-i) * 20 * time.Minute)
		}
		y := recv.Year()
		seq[y]++
		ref := fmt.Sprintf("KL-%d-%04d", y, seq[y])
		email := fmt.Sprintf("klant%d@example.com", i%40000)
		complete := cal.Day(recv)
		state, responded, closed, objEnd := "closed", "", "", ""
		termEnd := cal.Add(complete, 30)
		delayLatest := termEnd
		told := 1
		switch {
		case i >= n-growthOpenN:
			state, told = "open", 0
			termEnd = cal.Add(today, 8+i%30)
			delayLatest = termEnd
		case i%20 == 0:
			state = "lapsed"
			closed = day(cal.Add(complete, 10))
		default:
			rd := cal.Add(complete, 5+i%20)
			responded, objEnd = day(rd), day(cal.Add(rd, 10))
			closed = day(cal.Add(rd, 11))
		}
		recent := i >= n-growthRecent
		// Erased by retention: what erase.go's blank statements leave.
		erased := !recent && closed != "" && closed <= cutoff
		company, address, name, phone, avail, desc := fmt.Sprintf("Klant %d B.V.", i%5000), fmt.Sprintf("Hoofdstraat %d, Rotterdam", i%300), fmt.Sprintf("Klant %d", i), "010-1234567", "ma-vr 9-12", "Levering was niet compleet."
		if erased {
			company, address, name, phone, avail, desc, email = "", "", "", "", "", "", ""
		}
		if _, err := insC.ExecContext(ctx, id, ref, strings.ToLower(ref)+".seed"+strconv.Itoa(i), state,
			company, address, name, phone, avail, email,
			day(recv), desc, handlers[i%2], recv, day(complete), day(cal.Add(complete, 5)), day(termEnd), day(delayLatest),
			objEnd, responded, closed, told, fmt.Sprintf("<root-%d@klachtd>", i), fmt.Sprintf("<staff-%d@klachtd>", i)); err != nil {
			return fmt.Errorf("seed complaint %d: %w", i, err)
		}
		firstRow := msgRow + 1
		for m := 0; m < growthMails; m++ {
			msgRow++
			raw := form
			kind, subj := "form", "Nieuwe klacht"
			if m > 0 {
				raw, kind, subj = reply, "reply", "Re: Uw klacht "+ref
			}
			size := len(raw)
			if !recent {
				raw = []byte{}
			}
			at := recv.Add(time.Duration(m) * 48 * time.Hour)
			msgID := fmt.Sprintf("<m%d@example.com>", msgRow)
			if erased {
				msgID, subj = "", ""
			}
			if _, err := insM.ExecContext(ctx, msgRow, msgRow, msgID, fmt.Sprintf("%064x", msgRow),
				at, raw, size, kind, email, subj, id); err != nil {
				return fmt.Errorf("seed message: %w", err)
			}
		}
		for e := 0; e < growthEvents; e++ {
			kind := evKinds[e]
			if e == 5 && i%7 == 0 {
				kind = "delay"
			}
			if state == "open" && e >= 4 {
				kind = "letter-queued"
			}
			var row any
			if e == 0 {
				row = firstRow
			}
			detail := "seeded " + kind
			if erased {
				detail = ""
			}
			if _, err := insE.ExecContext(ctx, id, recv.Add(time.Duration(e)*24*time.Hour), kind, detail, row); err != nil {
				return fmt.Errorf("seed event: %w", err)
			}
		}
		for o := 0; o < growthOut; o++ {
			raw := letters[o%len(letters)]
			if !recent {
				raw = []byte{}
			}
			at := recv.Add(time.Duration(o)*72*time.Hour + time.Minute)
			rcpt, subj := email, "Uw klacht "+ref
			if o == 1 || o == 2 || o == 3 {
				rcpt = handlers[i%2]
			}
			if erased {
				rcpt, subj = "", ""
			}
			if _, err := insO.ExecContext(ctx, id, outKinds[o], fmt.Sprintf("%s:%s:%d", outKinds[o], ref, o), rcpt,
				fmt.Sprintf("<out-%d-%d@klachtd>", i, o), subj, raw, at, at, at.Add(time.Second)); err != nil {
				return fmt.Errorf("seed letter: %w", err)
			}
		}
		if erased {
			// The retention pass the day after the term ended.
			at, _ := time.ParseInLocation("2006-01-02", closed, cal.Location())
			at = at.AddDate(0, correspondence.DefaultRetentionMonths, 1).Add(3 * time.Hour)
			if _, err := insE.ExecContext(ctx, id, at, "erased", fmt.Sprintf("%s: erased %d mails in (with their attachments), %d letters out, %d event texts; fields: none",
				correspondence.EraseRetention, growthMails, growthOut, growthEvents), nil); err != nil {
				return fmt.Errorf("seed erasure: %w", err)
			}
			if _, err := insP.ExecContext(ctx, id, at, correspondence.EraseRetention); err != nil {
				return fmt.Errorf("seed erasure: %w", err)
			}
		}
	}
	for y, last := range seq {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ref_seq(year, last) VALUES (?, ?)`, y, last); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// Seal the ledger as a running system has it: the store opened again
	// seals the backlog (sealBacklog, 500 entries a transaction).
	store.Close()
	sealStart := time.Now()
	_, store = growthOpen(b, cfgPath)
	b.Logf("seed: ledger sealed in %s", time.Since(sealStart).Round(time.Millisecond))
	_, err = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// growthOpen opens the gateway and its store as the operator commands do.
func growthOpen(b *testing.B, cfgPath string) (*correspondence.Gateway, *correspondence.Store) {
	b.Helper()
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		b.Fatal(err)
	}
	gw, store, err := openGateway(context.Background(), cfg, newLogger(io.Discard, "warn"))
	if err != nil {
		b.Fatal(err)
	}
	return gw, store
}

// BenchmarkGrowthDigestOn prints the digest of an existing store, for
// profiling one command on a seeded file: GROWTH_DB=FILE go test -run '^$'
// -bench GrowthDigestOn -cpuprofile cpu.out ./cmd/klachtd/
func BenchmarkGrowthDigestOn(b *testing.B) {
	path := os.Getenv("GROWTH_DB")
	if path == "" {
		b.Skip("GROWTH_DB names the store to run the digest on")
	}
	w := newWorldTB(b, atDatabase(path))
	for i := 0; i < b.N; i++ {
		if err := run(context.Background(), []string{"digest", "--config", w.cfgPath}, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
