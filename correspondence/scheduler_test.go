package correspondence

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ingressus/klachtd/correspondence/workdays"
	"github.com/ingressus/klachtd/templates"
)

// TestLifeOfOneComplaint takes one complaint through its whole life on the
// clock: intake, reminders, the automatic delay notice, the response, the
// objection window and the closing letter, asserting each letter's day.
func TestLifeOfOneComplaint(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("life", "010-1234567"))
	c := e.complaint("KL-2026-0001")
	note := e.lettersOf(templates.HandlerNew)[0]
	sent := map[string]string{} // letter key → day first queued
	day := workdays.Date(2026, 11, 23)
	for i := 0; i < 70; i++ {
		day = day.AddDate(0, 0, 1)
		for _, hour := range []int{7, 13} {
			now := time.Date(day.Year(), day.Month(), day.Day(), hour, 0, 0, 0, workdays.Amsterdam())
			e.clk.set(now)
			if day.Equal(workdays.Date(2026, 12, 30)) && hour == 13 {
				e.deliver(reply(c.Handler, note, "#reactie\nWij crediteren de levering volledig."))
			}
			due, err := e.g.RunDue(context.Background(), now)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range due {
				sent[d.Letter+" "+strings.Join(d.To, ",")+" "+d.Key] = day.Format("2006-01-02")
			}
		}
	}
	want := map[string]string{
		"reminder:KL-2026-0001:5:2026-12-21": "2026-12-14",
		"reminder:KL-2026-0001:3:2026-12-21": "2026-12-16",
		"autodelay:KL-2026-0001:2026-12-21":  "2026-12-17", // the latest allowed day: 2 working days before the end
		// The extended term (ends 2027-01-06) gets its own first reminder.
		"reminder:KL-2026-0001:5:2027-01-06": "2026-12-29",
		"closing:KL-2026-0001":               "2027-01-15", // the day after the objection window (ends 2027-01-14)
	}
	for key, wantDay := range want {
		found := false
		for k, d := range sent {
			if strings.HasSuffix(k, " "+key) {
				found = true
				if d != wantDay {
					t.Errorf("%s queued on %s, want %s", key, d, wantDay)
				}
			}
		}
		if !found {
			t.Errorf("%s never queued", key)
		}
	}
	got := e.complaint("KL-2026-0001")
	if got.State != StateClosed || got.TermEnd != "2027-01-06" || got.ObjectionEnd != "2027-01-14" {
		t.Errorf("end state %s, term end %s, objection end %s", got.State, got.TermEnd, got.ObjectionEnd)
	}
	if n := len(e.lettersOf(templates.DelayAutoStaff)); n != 1 {
		t.Errorf("handler and management told of the automatic delay %d times, want 1", n)
	}
	if n := len(e.lettersOf(templates.Reminder)); n != 3 {
		t.Errorf("reminders = %d, want 3 (5 and 3 days before the first end, 5 before the extended one)", n)
	}
}

func TestCatchUpAfterDowntimeIsFlaggedLate(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("down", "010-1234567"))
	now := at(2026, 12, 18, 9, 0) // down from before the 14th until after the 17th
	due, err := e.g.RunDue(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	var auto bool
	for _, d := range due {
		if d.Letter == templates.DelayNotice {
			auto = true
			if !d.Late {
				t.Error("automatic delay after downtime not flagged late")
			}
		}
	}
	if !auto {
		t.Fatalf("no automatic delay notice on catch-up: %+v", due)
	}
	var late int
	e.store.db.Get(&late, `SELECT count(*) FROM events WHERE late = 1`)
	if late == 0 {
		t.Error("the event log does not flag the catch-up as late")
	}
}

func TestPreviewDueQueuesNothing(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("p", "010-1234567"))
	before := len(e.letters())
	due, err := e.g.PreviewDue(context.Background(), at(2026, 12, 14, 9, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].Letter != templates.Reminder {
		t.Fatalf("preview at 14 Dec = %+v, want one reminder", due)
	}
	if after := len(e.letters()); after != before {
		t.Errorf("preview queued %d letters", after-before)
	}
	if c := e.complaint("KL-2026-0001"); c.Extensions != 0 {
		t.Error("preview changed the complaint")
	}
}

// TestSimulatedYear: 1,000 complaints over a year, handlers answering early,
// late, with a delay or never, and the daemon restarted at random. Every
// promise of the procedure must hold.
func TestSimulatedYear(t *testing.T) {
	if testing.Short() {
		t.Skip("the simulated year takes a while; run without -short")
	}
	rng := rand.New(rand.NewSource(20261125))
	// A year of fsyncs is the slow part and proves nothing here (the crash
	// tests cover durability): keep the file in memory where there is tmpfs.
	dir := t.TempDir()
	if shm, err := os.MkdirTemp("/dev/shm", "klachtd-sim-"); err == nil {
		dir = shm
		t.Cleanup(func() { os.RemoveAll(shm) })
	}
	path := filepath.Join(dir, "sim.db")
	e := newEnvAt(t, path, at(2026, 1, 2, 9, 0), testSettings())
	type plan struct {
		ref    string
		behave string
		actDay int // working days after intake on which the handler acts
		delayN int
		acted  bool
		intake time.Time
	}
	var plans []*plan
	cal := e.g.cal
	restarts, handlerDelays, formsSent := 0, 0, 0
	day := workdays.Date(2026, 1, 5)
	end := workdays.Date(2026, 12, 31)
	violations := 0
	for !day.After(end) {
		morning := day.Add(9 * time.Hour)
		if rng.Intn(25) == 0 { // a restart: a new gateway over the same file
			e.store.Close()
			e = newEnvAt(t, path, morning, testSettings())
			e.uid = uint32(formsSent * 10)
			restarts++
		}
		e.clk.set(morning)
		if _, err := e.g.RunDue(context.Background(), morning); err != nil {
			t.Fatal(err)
		}
		if cal.IsWorkday(day) && formsSent < 1000 {
			for i := 0; i < 4 && formsSent < 1000; i++ {
				formsSent++
				e.clk.set(morning.Add(time.Duration(i) * time.Minute))
				e.deliver(strings.ReplaceAll(form(fmt.Sprintf("sim%d", formsSent), "010-1234567"), "sanne@bakkerijvandijk.nl", fmt.Sprintf("klant%d@example.com", formsSent)))
				ref := fmt.Sprintf("KL-2026-%04d", formsSent)
				p := &plan{ref: ref, intake: day}
				switch r := rng.Intn(4); r {
				case 0:
					p.behave, p.actDay = "early", 2+rng.Intn(14)
				case 1:
					p.behave, p.actDay = "late", 19+rng.Intn(8)
				case 2:
					p.behave, p.actDay, p.delayN = "delay", 5+rng.Intn(12), 3+rng.Intn(10)
				default:
					p.behave = "never"
				}
				plans = append(plans, p)
			}
		}
		afternoon := day.Add(14 * time.Hour)
		e.clk.set(afternoon)
		for _, p := range plans {
			if p.acted || p.behave == "never" || !cal.IsWorkday(day) || cal.Between(p.intake, day) != p.actDay {
				continue
			}
			c := e.complaint(p.ref)
			var note outLetter
			if err := e.store.db.Get(&note, `SELECT kind, rcpt, message_id, subject, raw, event_key FROM outbox WHERE event_key = ?`, "handler-new:"+p.ref); err != nil {
				t.Fatal(err)
			}
			if p.behave == "delay" {
				e.deliver(reply(c.Handler, note, fmt.Sprintf("#vertraging %d wij wachten op de leverancier", p.delayN)))
				handlerDelays++
				p.behave, p.actDay = "early", p.actDay+p.delayN
				continue
			}
			e.deliver(reply(c.Handler, note, "#reactie\nOnze inhoudelijke reactie."))
			p.acted = true
		}
		if _, err := e.g.RunDue(context.Background(), afternoon); err != nil {
			t.Fatal(err)
		}
		var overdue int
		e.store.db.Get(&overdue, `SELECT count(*) FROM complaints WHERE state = 'open' AND term_end < ?`, day.Format("2006-01-02"))
		if overdue > 0 {
			violations++
			t.Errorf("%s: %d terms passed without response or delay notice", day.Format("2006-01-02"), overdue)
		}
		day = day.AddDate(0, 0, 1)
	}

	// Every acknowledgement within 5 working days of receipt.
	var acks []struct {
		Created time.Time `db:"created_at"`
		Due     string    `db:"ack_due"`
	}
	if err := e.store.db.Select(&acks, `SELECT o.created_at, c.ack_due FROM outbox o JOIN complaints c ON c.id = o.complaint_id WHERE o.kind = 'acknowledgement'`); err != nil {
		t.Fatal(err)
	}
	if len(acks) != 1000 {
		t.Errorf("acknowledgements = %d, want 1000", len(acks))
	}
	for _, a := range acks {
		if cal.Day(a.Created).After(e.g.day(a.Due)) {
			t.Errorf("acknowledgement on %s, due %s", a.Created, a.Due)
		}
	}
	// Every delay notice at least 2 working days before the term it extends ended.
	var delays []struct {
		At     time.Time `db:"at"`
		Detail string    `db:"detail"`
	}
	if err := e.store.db.Select(&delays, `SELECT at, detail FROM events WHERE kind = 'delay'`); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\+(\d+) working days .*term ends (\d{4}-\d{2}-\d{2})`)
	minMargin, auto := 99, 0
	for _, d := range delays {
		m := re.FindStringSubmatch(d.Detail)
		if m == nil {
			t.Fatalf("delay event %q unreadable", d.Detail)
		}
		n, _ := strconv.Atoi(m[1])
		oldEnd := cal.Add(e.g.day(m[2]), -n)
		margin := cal.Between(cal.Day(d.At), oldEnd)
		minMargin = min(minMargin, margin)
		if margin < 2 {
			t.Errorf("delay notice %s only %d working days before the end %s", cal.Day(d.At).Format("2006-01-02"), margin, oldEnd.Format("2006-01-02"))
		}
		if strings.Contains(d.Detail, "automatic=true") {
			auto++
		}
	}
	// No letter twice: per complaint at most one of each once-only letter.
	var dups int
	e.store.db.Get(&dups, `SELECT count(*) FROM (SELECT complaint_id, kind, count(*) n FROM outbox
		WHERE kind IN ('acknowledgement', 'handler_new', 'response', 'objection_deadline', 'closing')
		GROUP BY complaint_id, kind HAVING n > 1)`)
	if dups > 0 {
		t.Errorf("%d (complaint, letter) pairs queued twice", dups)
	}
	var delayLetters, extensions int
	e.store.db.Get(&delayLetters, `SELECT count(*) FROM outbox WHERE kind = 'delay_notice'`)
	e.store.db.Get(&extensions, `SELECT coalesce(sum(extensions), 0) FROM complaints`)
	if delayLetters != extensions {
		t.Errorf("delay notices = %d, extensions = %d: a notice was queued twice or not at all", delayLetters, extensions)
	}
	var total int
	e.store.db.Get(&total, `SELECT count(*) FROM outbox`)
	t.Logf("simulated year: %d complaints, %d letters, %d restarts, %d handler delays, %d automatic delays, smallest delay margin %d working days, %d days with an overdue term, %d duplicates",
		formsSent, total, restarts, handlerDelays, auto, minMargin, violations, dups)
}

func TestDigestListsDelaysInDutch(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("dg", "010-1234567"))
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, e.lettersOf(templates.HandlerNew)[0], "#vertraging 5 wachten op de vervoerder"))
	d, err := e.g.BuildDigest(context.Background(), at(2026, 11, 22, 8, 0), at(2026, 11, 23, 12, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.New) != 1 || len(d.Delays) != 1 || d.Delays[0].Delay == nil ||
		*d.Delays[0].Delay != (templates.DigestDelay{Days: 5, Reason: "wachten op de vervoerder"}) {
		t.Fatalf("digest new %d, delays %+v", len(d.New), d.Delays)
	}
	if d.Delays[0].Handler != "Marieke de Vries" && d.Delays[0].Handler != "Jeroen Bakker" {
		t.Errorf("digest shows handler %q, want the name", d.Delays[0].Handler)
	}
}

func TestObjectionAfterTheWindowIsLate(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("late-obj", "010-1234567"))
	c := e.complaint("KL-2026-0001")
	e.deliver(reply(c.Handler, e.lettersOf(templates.HandlerNew)[0], "#reactie\nWij crediteren alles."))
	dl := e.lettersOf(templates.ObjectionDeadline)[0] // window ends 2026-12-07
	e.clk.set(at(2026, 12, 8, 9, 0))
	if _, err := e.g.RunDue(context.Background(), e.clk.now()); err != nil {
		t.Fatal(err)
	}
	if got := e.complaint("KL-2026-0001").State; got != StateClosed {
		t.Fatalf("after the window: state %s", got)
	}
	e.deliver(reply(c.Email, dl, "Ik maak alsnog bezwaar."))
	if n := len(e.lettersOf(templates.ObjectionLate)); n != 1 {
		t.Errorf("window-passed letters = %d, want 1", n)
	}
	staff := e.lettersOf(templates.ObjectionLateStaff)
	if len(staff) != 1 || !strings.Contains(staff[0].Rcpt, "directie@") || !strings.Contains(staff[0].Rcpt, c.Handler) {
		t.Errorf("management and handler not told of the late objection: %+v", staff)
	}
	if n := len(e.lettersOf(templates.ObjectionReceived)); n != 0 {
		t.Error("a late objection was confirmed as received")
	}
}
