package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Sizes of the busy-intake crash test.
const (
	busyForms = 300 // forms that arrive while the daemon runs and is killed
	busyKills = 12  // SIGKILLs: the first half in the first seconds of the intake
)

// TestCrashBusyIntake is issue 10 item 8 against `klachtd devmail`: forms
// keep arriving by SMTP — hundreds, as fast as the mail world takes them —
// while `klachtd run` is SIGKILLed again and again, the first kills in the
// first seconds of the intake, the later ones while it sends. After each
// kill it counts the letters the mail world accepted that the daemon had
// not recorded as sent (what the next start sends again); at the end every
// form is one complaint, every complainant has one acknowledgement, and
// the resends by Message-ID are at most one per SMTP connection per kill.
//
//	KLACHTD_CRASH=1 go test -count=1 -v ./e2e/ -run CrashBusy
func TestCrashBusyIntake(t *testing.T) {
	if os.Getenv("KLACHTD_CRASH") != "1" {
		t.Skip("busy-intake crash test skipped: set KLACHTD_CRASH=1 (about a minute)")
	}
	bin := buildKlachtd(t)
	d := startDevWorld(t, bin)
	dir, imapAddr, smtpAddr, w, delivered := d.dir, d.imapAddr, d.smtpAddr, d.w, d.delivered
	busyCrash(t, bin, dir, w, imapAddr, smtpAddr, "demo", delivered)
}

// devWorld starts `klachtd devmail` (the in-process mail world kept on
// disk) for a test: its mailWorld, folder, addresses and a count of the
// letters it delivered to anyone but the intake (which gets only forms).
type devWorld struct {
	w                  mailWorld
	dir                string
	imapAddr, smtpAddr string
	delivered          func() int
}

func startDevWorld(t *testing.T, bin string) devWorld {
	t.Helper()
	d := devWorld{dir: t.TempDir(), imapAddr: freeAddr(t), smtpAddr: freeAddr(t),
		w: mailWorld{intake: "klachten@ingressus.nl", formSender: "noreply@web.ingressus.nl", complDom: "klant.nl",
			handlers: [2]string{"m.devries@ingressus.nl", "j.bakker@ingressus.nl"}, management: "directie@ingressus.nl"}}
	devLog := filepath.Join(d.dir, "devmail.log")
	devmail := startProc(t, "devmail", devLog, bin, "devmail", "--dir", filepath.Join(d.dir, "mail"), "--imap", d.imapAddr, "--smtp", d.smtpAddr)
	t.Cleanup(func() { devmail.stop(5 * time.Second) })
	waitListening(t, d.imapAddr, 10*time.Second)
	waitListening(t, d.smtpAddr, 10*time.Second)
	d.delivered = func() int {
		return countLines(devLog, func(l string) bool {
			return strings.Contains(l, `msg="demo mail delivered"`) && !strings.Contains(l, "mailbox="+d.w.intake)
		})
	}
	return d
}

// countLines counts the lines of the file at path that match.
func countLines(path string, match func(string) bool) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if match(sc.Text()) {
			n++
		}
	}
	return n
}

// busyCrash is the busy-intake crash test in the mail world given:
// delivered counts the letters the world's SMTP server has accepted so far.
func busyCrash(t *testing.T, bin, dir string, w mailWorld, imapAddr, smtpAddr, pass string, delivered func() int) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("KLACHTD_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x5bd1e995))
	t.Logf("seed %d (KLACHTD_CRASH_SEED=%d repeats the kill moments)", seed, seed)
	const connections = 4 // klachtd's default
	cfgPath := filepath.Join(dir, "klachtd.toml")
	httpAddr := freeAddr(t)
	config{world: w, imapAddr: imapAddr, imapUser: w.intake, imapPass: pass, smtpAddr: smtpAddr,
		database: filepath.Join(dir, "klachtd.db"), httpListen: httpAddr, poll: 2 * time.Second,
		retry: seconds(1, 1, 2, 2, 5, 5, 5, 5)}.write(t, cfgPath)

	// The forms arrive while the daemon runs: one SMTP session, as fast as
	// the world takes them.
	runID := strconv.FormatUint(seed%1e9, 36)
	submitted := make(chan error, 1)
	go func() {
		sc, err := smtp.Dial(smtpAddr)
		if err != nil {
			submitted <- err
			return
		}
		for i := 0; i < busyForms; i++ {
			if err := sc.SendMail(w.formSender, []string{w.intake}, bytes.NewReader(w.formMail(i, w.complainant(i), runID))); err != nil {
				submitted <- fmt.Errorf("form %d: %w", i, err)
				return
			}
		}
		submitted <- sc.Quit()
	}()

	var daemon *proc
	t.Cleanup(func() {
		if daemon != nil {
			daemon.kill()
		}
		if keep := os.Getenv("KLACHTD_CRASH_LOGS"); keep != "" {
			os.MkdirAll(keep, 0o700)
			logs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
			for _, l := range logs {
				if data, err := os.ReadFile(l); err == nil {
					os.WriteFile(filepath.Join(keep, filepath.Base(l)), data, 0o600)
				}
			}
		}
	})
	recorded := func() int {
		logs, _ := filepath.Glob(filepath.Join(dir, "busy-run-*.log"))
		n := 0
		for _, l := range logs {
			n += countLines(l, func(s string) bool { return strings.Contains(s, `msg="letter sent"`) })
		}
		return n
	}
	gap := 0 // letters accepted by the world minus letters the daemon recorded as sent
	perKill := make([]int, 0, busyKills)
	for k := 1; k <= busyKills; k++ {
		logPath := filepath.Join(dir, fmt.Sprintf("busy-run-%02d.log", k))
		daemon = startProc(t, "klachtd run", logPath, bin, "run", "--config", cfgPath)
		// The kill moments count from the intake's start (a loaded
		// machine may take a while to get there).
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && daemon.running(); time.Sleep(20 * time.Millisecond) {
			if data, _ := os.ReadFile(logPath); bytes.Contains(data, []byte(`msg="imap connected"`)) {
				break
			}
		}
		start := time.Now()
		// The first half in the first seconds of the intake, the rest
		// later, while letters go out.
		d := time.Duration(300+rng.IntN(1200)) * time.Millisecond
		if k > busyKills/2 {
			d = time.Duration(1000+rng.IntN(2500)) * time.Millisecond
		}
		time.Sleep(d)
		if !daemon.running() {
			t.Fatalf("klachtd run exited by itself before kill %d: %v\n%s", k, daemon.err, daemon.tail(20))
		}
		killedAt := time.Now()
		daemon.kill()
		// What was under way in DATA lands in the world now or never.
		time.Sleep(300 * time.Millisecond)
		g := delivered() - recorded()
		unrecorded := g - gap
		gap = g
		perKill = append(perKill, unrecorded)
		data, _ := os.ReadFile(logPath)
		items, _ := klachtdList(bin, cfgPath)
		t.Logf("kill %2d %4dms after connecting (%s): complaints %3d, letters out %4d, sent but not recorded at the kill %d",
			k, killedAt.Sub(start).Milliseconds(), strings.Join(classifyKill(data, killedAt), ", "), len(items), delivered(), unrecorded)
	}
	daemon = nil
	if err := <-submitted; err != nil {
		t.Fatalf("submitting forms: %v", err)
	}

	// The last run: until every form is a complaint and the outbox is empty.
	daemon = startProc(t, "klachtd run", filepath.Join(dir, "busy-run-final.log"), bin, "run", "--config", cfgPath)
	for deadline := time.Now().Add(180 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		m, err := readMetrics(httpAddr)
		if err == nil && m.up && m.depth == 0 && m.mails["form"] == busyForms {
			if h, err := readFolder(imapAddr, w.intake, pass, "INBOX"); err == nil && len(h) == 0 {
				break
			}
		}
		if !daemon.running() {
			t.Fatalf("klachtd run exited by itself: %v\n%s", daemon.err, daemon.tail(20))
		}
		if time.Now().After(deadline) {
			t.Fatalf("not drained after 180 s: metrics %+v, err %v\n%s", m, err, daemon.tail(20))
		}
	}
	time.Sleep(time.Second)
	if err := daemon.stop(15 * time.Second); err != nil {
		t.Errorf("klachtd run after SIGTERM: %v", err)
	}
	daemon = nil

	items, err := klachtdList(bin, cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	companyRe := regexp.MustCompile(`^Klant (\d{3}) B\.V\.$`)
	perForm := map[int]int{}
	for _, it := range items {
		if sm := companyRe.FindStringSubmatch(it.Company); sm != nil {
			i, _ := strconv.Atoi(sm[1])
			perForm[i]++
		}
	}
	lost, dupComplaints := 0, 0
	for i := 0; i < busyForms; i++ {
		switch n := perForm[i]; {
		case n == 0:
			lost++
		case n > 1:
			dupComplaints += n - 1
		}
	}
	// A real MTA delivers after it accepted: wait until every complainant
	// has a letter (or a minute has passed) before counting.
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(time.Second) {
		missing := 0
		for i := 0; i < busyForms && missing == 0; i++ {
			if hs, err := readFolder(imapAddr, w.complainant(busyForms-1-i), pass, "INBOX"); err != nil || len(hs) == 0 {
				missing++
			}
		}
		if missing == 0 {
			break
		}
	}
	resends, unacked := 0, 0
	for i := 0; i < busyForms; i++ {
		hs, err := readFolder(imapAddr, w.complainant(i), pass, "INBOX")
		if err != nil {
			t.Fatalf("read %s: %v", w.complainant(i), err)
		}
		ids := map[string]int{}
		for _, h := range hs {
			if h.Letter == "acknowledgement" {
				ids[h.MessageID]++
			}
		}
		if len(ids) == 0 {
			unacked++
		}
		if len(ids) > 1 {
			t.Errorf("%s: %d different acknowledgements", w.complainant(i), len(ids))
		}
		for _, n := range ids {
			resends += n - 1
		}
	}
	staffResends := 0
	for _, addr := range []string{w.handlers[0], w.handlers[1], w.management} {
		hs, err := readFolder(imapAddr, addr, pass, "INBOX")
		if err != nil {
			t.Fatalf("read %s: %v", addr, err)
		}
		ids := map[string]int{}
		for _, h := range hs {
			ids[h.MessageID]++
		}
		for _, n := range ids {
			staffResends += n - 1
		}
	}
	worst := 0
	for _, n := range perKill {
		worst = max(worst, n)
	}
	bound := busyKills * connections
	t.Logf("BUSY CRASH FIGURES: forms %d, kills %d over %d SMTP connections; complaints %d (lost %d, duplicates %d), "+
		"unacknowledged %d; resends by Message-ID %d (acknowledgements) + %d (staff letters), bound %d; "+
		"sent but not recorded per kill %v (worst %d)",
		busyForms, busyKills, connections, len(items), lost, dupComplaints, unacked, resends, staffResends, bound, perKill, worst)
	if lost != 0 || dupComplaints != 0 || unacked != 0 {
		t.Errorf("lost %d complaints, %d registered twice, %d complainants without an acknowledgement; want 0", lost, dupComplaints, unacked)
	}
	if resends+staffResends > bound {
		t.Errorf("%d letters went out twice after %d kills over %d connections: more than the letters in flight (%d)",
			resends+staffResends, busyKills, connections, bound)
	}
}
