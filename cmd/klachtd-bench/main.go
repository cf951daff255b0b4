// Command klachtd-bench measures klachtd against real mail servers on one
// machine (issue 7): a private Dovecot (IMAP) and Postfix's smtp-sink, the
// intake mailbox filled with N form mails, then
//
//   - backlog: `klachtd run` works through the N mails; complaints/s and
//     letters/s until every complaint is registered and both its letters
//     (acknowledgement and handler notification) were accepted by the sink;
//   - references in the same run: mbsync (FSync yes) downloading the same
//     mailbox, and smtp-source -d -s 1 sending as many letters to the sink;
//   - latency: with klachtd idle in IDLE, mails APPENDed 100 ms apart; APPEND
//     to acknowledgement accepted, p50/p90/p99/max;
//   - memory: peak RSS during the backlog, and for one 25 MB mail.
//
// It prints a table of the goals and writes it as JSON (-o) and a
// latency histogram as PNG (-png). Needs: apt-get install dovecot-imapd
// postfix isync (see setup.sh), Go and gcc. Run from the repository:
//
//	go run ./cmd/klachtd-bench            # N = 10000
//	go run ./cmd/klachtd-bench -n 500     # a quick run
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/ingressus/klachtd/e2e/mailservers"
)

type bench struct {
	dir         string // everything of this run but the sink's captures
	sinkBase    string // the sink's captures (tmpfs when there is one)
	klachtd     string
	cfg, db     string
	imapPort    int
	smtpPort    int
	n           int
	latencyN    int
	attachBytes int
	stall       time.Duration
	timeout     time.Duration
	latencyWait time.Duration
	verbose     bool
	env         []string
	user        mailservers.Account
	dovecot     *mailservers.Dovecot
	sink        *sink
}

func main() {
	err := run()
	mailservers.StopAll()
	if err != nil {
		fmt.Fprintln(os.Stderr, "klachtd-bench:", err)
		os.Exit(1)
	}
}

func run() error {
	n := flag.Int("n", 10000, "form mails in the backlog")
	out := flag.String("o", "bench.json", "write the results as JSON to this file (\"\" = none)")
	pngPath := flag.String("png", "bench-latency.png", "write a latency histogram as PNG to this file (\"\" = none)")
	imapPort := flag.Int("imap-port", 11143, "loopback port for the private Dovecot")
	smtpPort := flag.Int("smtp-port", 11025, "loopback port for smtp-sink")
	latencyN := flag.Int("latency-n", 200, "mails for the latency phase")
	gap := flag.Duration("latency-gap", 100*time.Millisecond, "time between two APPENDs in the latency phase")
	attachKB := flag.Int("attach-kb", 200, "size of the attachment 1 mail in 100 carries (KB)")
	bigMB := flag.Float64("big-mb", 25, "size of the big mail of the memory phase (MB; 0 = skip)")
	skip := flag.String("skip", "", "comma-separated phases to skip: idle, mbsync, source, latency, big")
	gctrace := flag.Bool("gctrace", false, "run klachtd with GODEBUG=gctrace=1 (GC lines, with heap sizes, go to its log)")
	var extraEnv envList
	flag.Var(&extraEnv, "env", "extra environment for klachtd, NAME=VALUE (repeatable), e.g. -env GOMEMLIMIT=64MiB")
	baseDir := flag.String("dir", "", "work folder (default: a new temporary folder, removed at the end unless -keep)")
	sinkDir := flag.String("sink-dir", "", "folder for smtp-sink's capture files (default: under /dev/shm when it exists, else the work folder)")
	keep := flag.Bool("keep", false, "keep the work folder (logs, databases, captures)")
	timeout := flag.Duration("timeout", 90*time.Minute, "give up the backlog after this long (the figures so far are reported)")
	stall := flag.Duration("stall", 3*time.Minute, "give up the backlog after this long without progress")
	quiet := flag.Bool("q", false, "no progress lines")
	klachtdBin := flag.String("klachtd", "", "use this klachtd binary instead of building ./cmd/klachtd")
	flag.Parse()
	skipped := map[string]bool{}
	for _, s := range strings.Split(*skip, ",") {
		if s = strings.TrimSpace(s); s != "" {
			skipped[s] = true
		}
	}
	if *n < 1 {
		return errors.New("-n must be at least 1")
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	for _, bin := range []string{"dovecot", "smtp-sink", "smtp-source", "mbsync"} {
		if _, err := mailservers.FindBinary(bin); err != nil {
			return err
		}
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	u, err := mailservers.MailAccount()
	if err != nil {
		return err
	}
	b := &bench{imapPort: *imapPort, smtpPort: *smtpPort, n: *n, latencyN: *latencyN, attachBytes: *attachKB * 1000,
		stall: *stall, timeout: *timeout, latencyWait: 60 * time.Second, verbose: !*quiet, user: u}
	if *gctrace {
		b.env = append(b.env, "GODEBUG=gctrace=1")
	}
	b.env = append(b.env, extraEnv...)
	if *baseDir == "" {
		d, err := os.MkdirTemp("", "klachtd-bench-")
		if err != nil {
			return err
		}
		b.dir = d
	} else {
		b.dir, _ = filepath.Abs(*baseDir)
		if err := os.MkdirAll(b.dir, 0o755); err != nil {
			return err
		}
	}
	// Dovecot's mail processes run as another user when we are root: they
	// must be able to reach the Maildir inside.
	_ = os.Chmod(b.dir, 0o755)
	switch {
	case *sinkDir != "":
		b.sinkBase, _ = filepath.Abs(*sinkDir)
	default:
		if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
			if d, err := os.MkdirTemp("/dev/shm", "klachtd-bench-sink-"); err == nil {
				b.sinkBase = d
			}
		}
		if b.sinkBase == "" {
			b.sinkBase = filepath.Join(b.dir, "sink")
		}
	}
	_ = os.MkdirAll(b.sinkBase, 0o755)
	_ = os.Chmod(b.sinkBase, 0o755)
	defer func() {
		if *keep {
			fmt.Fprintf(os.Stderr, "kept: %s and %s\n", b.dir, b.sinkBase)
			return
		}
		mailservers.StopAll()
		os.RemoveAll(b.dir)
		os.RemoveAll(b.sinkBase)
	}()
	step := func(format string, args ...any) {
		if b.verbose {
			fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
		}
	}

	rep := &report{N: b.n, Started: time.Now().Format(time.RFC3339), Host: hostInfo(), LoadStart: loadavg(), KlachtdEnv: b.env}
	if *klachtdBin != "" {
		b.klachtd, _ = filepath.Abs(*klachtdBin)
		rep.Tree = "prebuilt " + b.klachtd
	} else {
		rep.Tree = gitState(root)
		step("building klachtd (%s)", rep.Tree)
		if b.klachtd, err = buildKlachtd(ctx, root, b.dir); err != nil {
			return err
		}
	}
	b.cfg, b.db, err = writeKlachtdConfig(b.dir, b.imapPort, b.smtpPort)
	if err != nil {
		return err
	}
	if err := checkConfig(b.klachtd, b.cfg); err != nil {
		return err
	}
	if c, err := os.ReadFile(b.cfg); err == nil {
		rep.KlachtdConfig = string(c)
	}
	step("checking that klachtd parses each form format as a complete complaint")
	if rep.Formats, err = checkFormats(b); err != nil {
		return err
	}
	rep.FsyncMs = probeFsync(b.dir, 50)
	step("one 4 KB write+fsync in %s: %.1f ms (median of 50)", b.dir, rep.FsyncMs)

	// Dovecot with the filled mailbox.
	b.dovecot, err = newDovecot(filepath.Join(b.dir, "dovecot"), b.imapPort, u)
	if err != nil {
		return err
	}
	step("writing %d form mails into the Maildir", b.n)
	t := time.Now()
	now := time.Now()
	total, err := fillMaildir(b.dovecot.Maildir(benchUser), b.n, now, b.attachBytes)
	if err != nil {
		return err
	}
	rep.Setup.FillSeconds = time.Since(t).Seconds()
	rep.Setup.MailBytes = total
	step("starting Dovecot on 127.0.0.1:%d", b.imapPort)
	if err := b.dovecot.Start(); err != nil {
		return err
	}
	if v, err := exec.Command("dovecot", "--version").Output(); err == nil {
		rep.Setup.Dovecot = strings.TrimSpace(string(v))
	}
	t = time.Now()
	count, err := indexMailbox(b.imapPort)
	if err != nil {
		return err
	}
	rep.Setup.IndexSeconds = time.Since(t).Seconds()
	step("Dovecot indexed INBOX: %d mails, %.1f MB, in %.1f s", count, float64(total)/1e6, rep.Setup.IndexSeconds)
	if count != b.n {
		return fmt.Errorf("dovecot sees %d mails in INBOX, want %d", count, b.n)
	}

	if !skipped["idle"] {
		ip, err := probeIdle(b.imapPort, 10, 700*time.Millisecond)
		if err != nil {
			return err
		}
		rep.IdleProbe = &ip
		step("Dovecot IDLE notification (bare client, APPEND OK → EXISTS): p50 %.0f ms, min %.0f, max %.0f", ip.P50, ip.Min, ip.Max)
	}

	if !skipped["mbsync"] {
		step("reference: mbsync (FSync yes) pulling INBOX to a local Maildir")
		r, err := runMbsync(ctx, filepath.Join(b.dir, "mbsync"), b.imapPort)
		if err != nil {
			return err
		}
		rep.Mbsync = &r
		step("mbsync: %d messages in %.1f s = %.0f msgs/s", r.Messages, r.Seconds, r.PerSec)
		if r.Messages != b.n {
			return fmt.Errorf("mbsync fetched %d messages, want %d", r.Messages, b.n)
		}
	}

	// The backlog.
	b.sink, err = startSink(b.smtpPort, filepath.Join(b.sinkBase, "klachtd"), filepath.Join(b.dir, "smtp-sink.log"), u)
	if err != nil {
		return err
	}
	step("backlog: klachtd run against %d mails (Dovecot 127.0.0.1:%d, smtp-sink 127.0.0.1:%d)", b.n, b.imapPort, b.smtpPort)
	d, bl, err := runBacklog(ctx, b, b.n)
	rep.Backlog = &bl
	if err != nil {
		if d != nil {
			d.stop()
		}
		return err
	}
	step("backlog: %d complaints in %.1f s (%.1f/s), %d letters in %.1f s (%.1f/s), peak RSS %s",
		bl.Complaints, bl.RegisteredSeconds, bl.ComplaintsPerSec, bl.Letters, bl.LettersSeconds, bl.LettersPerSec, mb(bl.PeakRSS))
	if bl.Incomplete != "" {
		step("backlog incomplete: %s", bl.Incomplete)
	}

	if !skipped["latency"] && bl.Incomplete == "" {
		step("latency: %d mails APPENDed %v apart while klachtd idles", b.latencyN, *gap)
		lr, err := runLatency(ctx, b, d, b.n, b.latencyN, *gap)
		if err != nil {
			d.stop()
			return err
		}
		rep.Latency = &lr
		step("latency: %d/%d acknowledged; p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms", lr.Acked, lr.Mails, lr.P50, lr.P90, lr.P99, lr.Max)
	}
	d.stop()
	b.sink.stop()

	if !skipped["source"] {
		length := bl.MeanLetterBytes
		if length <= 0 {
			length = 4000
		}
		step("reference: smtp-source -d -s 1 -m %d -l %d to the sink (capturing, as for klachtd)", 2*b.n, length)
		sr, err := runSmtpSource(ctx, filepath.Join(b.sinkBase, "source"), b.smtpPort, 2*b.n, length, 1, true, u)
		if err != nil {
			return err
		}
		rep.Source = &sr
		step("smtp-source: %d in %.1f s = %.0f msgs/s", sr.Messages, sr.Seconds, sr.PerSec)
		os.RemoveAll(filepath.Join(b.sinkBase, "source"))
		sn, err := runSmtpSource(ctx, filepath.Join(b.sinkBase, "source-null"), b.smtpPort, 2*b.n, length, 1, false, u)
		if err != nil {
			return err
		}
		rep.SourceNull = &sn
		step("smtp-source, sink not capturing: %.0f msgs/s", sn.PerSec)
	}

	if !skipped["big"] && *bigMB > 0 {
		b.sink, err = startSink(b.smtpPort, filepath.Join(b.sinkBase, "big"), filepath.Join(b.dir, "smtp-sink-big.log"), u)
		if err != nil {
			return err
		}
		step("memory: one %.0f MB mail into a fresh klachtd", *bigMB)
		br, err := runBigMail(ctx, b, int(*bigMB*1e6))
		b.sink.stop()
		if err != nil {
			return err
		}
		rep.Big = &br
		step("big mail: %s; RSS %s before, %s peak (+%s = %.2f × the mail)", br.Outcome, mb(br.RSSBefore), mb(br.Peak), mb(br.Extra), br.ExtraPerMail)
	}
	rep.LoadEnd = loadavg()
	rep.Finished = time.Now().Format(time.RFC3339)
	rep.evaluate()
	rep.print(os.Stdout)
	if *out != "" {
		if err := rep.writeJSON(*out); err != nil {
			return err
		}
		step("wrote %s", *out)
	}
	if *pngPath != "" && rep.Latency != nil && len(rep.Latency.Samples) > 0 {
		if err := writeHistogram(*pngPath, rep.Latency); err != nil {
			return err
		}
		step("wrote %s", *pngPath)
	}
	return nil
}

// envList is a repeatable NAME=VALUE flag.
type envList []string

func (e *envList) String() string { return strings.Join(*e, " ") }
func (e *envList) Set(v string) error {
	if !strings.Contains(v, "=") {
		return fmt.Errorf("want NAME=VALUE, got %q", v)
	}
	*e = append(*e, v)
	return nil
}

// gitState names the commit the daemon is built from and whether the
// working tree differs from it.
func gitState(root string) string {
	head, err := exec.Command("git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown (no git)"
	}
	s := strings.TrimSpace(string(head))
	if st, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
		s += fmt.Sprintf(" + %d changed files", strings.Count(string(st), "\n"))
	}
	return s
}

func hostInfo() map[string]string {
	h := map[string]string{"cpus": fmt.Sprint(runtime.NumCPU()), "go": runtime.Version(), "os": runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				if _, v, ok := strings.Cut(l, ":"); ok {
					h["cpu"] = strings.TrimSpace(v)
				}
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		h["mem"] = strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
	}
	return h
}

// checkFormats makes one mail of each form format (and one with the
// attachment) and asks `klachtd parse --json` whether it is a complete form.
func checkFormats(b *bench) ([]string, error) {
	dir := filepath.Join(b.dir, "formats")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	var seen []string
	now := time.Now()
	for i := 0; i < len(formats)+1; i++ {
		withAttach := -1
		if i == len(formats) {
			withAttach = 1
		}
		f := newForm(i, now, b.attachBytes, withAttach)
		raw := wire(f.render())
		name := f.format
		if withAttach > 0 {
			name += "+attachment"
		}
		p := filepath.Join(dir, strings.ReplaceAll(name, "+", "-")+".eml")
		if err := os.WriteFile(p, raw, 0o600); err != nil {
			return nil, err
		}
		out, err := exec.Command(b.klachtd, "parse", "--json", "--config", b.cfg, p).Output()
		if err != nil {
			return nil, fmt.Errorf("klachtd parse %s: %w", p, err)
		}
		js := string(out)
		if !strings.Contains(js, `"kind": "form"`) || !strings.Contains(js, `"missing": []`) || !strings.Contains(js, `"invalid": {}`) ||
			!strings.Contains(js, complainant(i)) {
			return nil, fmt.Errorf("klachtd does not read the %s form as a complete complaint:\n%s", name, js)
		}
		seen = append(seen, fmt.Sprintf("%s (%d bytes)", name, len(raw)))
	}
	return seen, nil
}
