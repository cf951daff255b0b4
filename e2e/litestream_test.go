package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TestLitestreamRoundTrip is issue 17's continuous replication: klachtd
// runs with Litestream (configured by the shipped deploy/litestream.yml,
// only the paths changed) replicating to a file replica while complaints
// come in; then the replica is restored into a fresh folder, klachtd is
// started on the restore, and it finds every complaint and sends no letter
// a second time. KLACHTD_LITESTREAM names the litestream binary (.ci/run
// installs it with go install, as its users do):
//
//	KLACHTD_LITESTREAM=$(go env GOPATH)/bin/litestream go test -count=1 -v ./e2e/ -run Litestream
func TestLitestreamRoundTrip(t *testing.T) {
	ls := os.Getenv("KLACHTD_LITESTREAM")
	if ls == "" {
		t.Skip("set KLACHTD_LITESTREAM to the litestream binary " +
			"(go install github.com/benbjohnson/litestream/cmd/litestream@v0.5.18)")
	}
	bin := buildKlachtd(t)
	d := startDevWorld(t, bin)
	dir, imapAddr, smtpAddr, w, delivered := d.dir, d.imapAddr, d.smtpAddr, d.w, d.delivered

	// The shipped config, pointed at this test's database and replica.
	db := filepath.Join(dir, "live", "klachtd.db")
	replica := filepath.Join(dir, "replica")
	shipped, err := os.ReadFile("../deploy/litestream.yml")
	if err != nil {
		t.Fatal(err)
	}
	lsCfg := strings.NewReplacer("/var/lib/klachtd/klachtd.db", db, "/var/backups/klachtd/litestream", replica).Replace(string(shipped))
	if !strings.Contains(lsCfg, db) || !strings.Contains(lsCfg, replica) {
		t.Fatalf("deploy/litestream.yml no longer names the paths this test replaces:\n%s", shipped)
	}
	lsCfgPath := filepath.Join(dir, "litestream.yml")
	os.WriteFile(lsCfgPath, []byte(lsCfg), 0o600)

	cfgPath := filepath.Join(dir, "klachtd.toml")
	httpAddr := freeAddr(t)
	config{world: w, imapAddr: imapAddr, imapUser: w.intake, imapPass: "demo", smtpAddr: smtpAddr,
		database: db, httpListen: httpAddr, poll: 2 * time.Second}.write(t, cfgPath)
	daemon := startProc(t, "klachtd run", filepath.Join(dir, "run.log"), bin, "run", "--config", cfgPath)
	t.Cleanup(func() {
		if daemon.running() {
			daemon.kill()
		}
	})
	// Litestream wants the database to exist (klachtd creates it at start).
	waitUntil(t, "klachtd up", 30*time.Second, func() bool {
		if !daemon.running() {
			t.Fatalf("klachtd run exited: %v\n%s", daemon.err, daemon.tail(20))
		}
		m, err := readMetrics(httpAddr)
		return err == nil && m.up
	})
	repl := startProc(t, "litestream replicate", filepath.Join(dir, "litestream.log"), ls, "replicate", "-config", lsCfgPath)
	t.Cleanup(func() {
		if repl.running() {
			repl.kill()
		}
		if t.Failed() {
			t.Logf("litestream log:\n%s", repl.tail(30))
		}
	})

	// Complaints come in while Litestream replicates.
	const forms = 60
	sc, err := smtp.Dial(smtpAddr)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < forms; i++ {
		if err := sc.SendMail(w.formSender, []string{w.intake}, bytes.NewReader(w.formMail(i, w.complainant(i), "ls"))); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	sc.Quit()
	waitUntil(t, "every complaint registered and its letters sent", 90*time.Second, func() bool {
		m, err := readMetrics(httpAddr)
		return err == nil && m.mails["form"] == forms && m.depth == 0 && delivered() == 2*forms
	})
	if err := daemon.stop(15 * time.Second); err != nil {
		t.Fatalf("klachtd run after SIGTERM: %v", err)
	}
	// Litestream ships what the daemon wrote last (it syncs every second),
	// then stops.
	time.Sleep(3 * time.Second)
	if err := repl.stop(15 * time.Second); err != nil {
		t.Logf("litestream after SIGTERM: %v", err)
	}
	sentBefore := delivered()

	// Restore into a fresh folder and start klachtd on it.
	restored := filepath.Join(dir, "fresh", "klachtd.db")
	os.MkdirAll(filepath.Dir(restored), 0o700)
	out, err := exec.Command(ls, "restore", "-config", lsCfgPath, "-o", restored, db).CombinedOutput()
	if err != nil {
		t.Fatalf("litestream restore: %v\n%s", err, out)
	}
	cfg2 := filepath.Join(dir, "klachtd-restored.toml")
	config{world: w, imapAddr: imapAddr, imapUser: w.intake, imapPass: "demo", smtpAddr: smtpAddr,
		database: restored, httpListen: httpAddr, poll: 2 * time.Second}.write(t, cfg2)
	items, err := klachtdList(bin, cfg2)
	if err != nil || len(items) != forms {
		t.Fatalf("klachtd list on the restore: %d complaints (%v), want %d", len(items), err, forms)
	}
	daemon = startProc(t, "klachtd run (restored)", filepath.Join(dir, "run-restored.log"), bin, "run", "--config", cfg2)
	// One more complaint: the restored daemon takes it in and answers it.
	if err := submit(smtpAddr, w.formSender, []string{w.intake}, w.formMail(forms, w.complainant(forms), "ls")); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the restored daemon answered the new complaint", 60*time.Second, func() bool {
		m, err := readMetrics(httpAddr)
		return err == nil && m.mails["form"] == forms+1 && m.depth == 0
	})
	time.Sleep(2 * time.Second)
	if got := delivered() - sentBefore; got != 2 {
		t.Errorf("after the restore %d letters went out, want 2 (the new complaint's): letters were sent again", got)
	}
	if err := daemon.stop(15 * time.Second); err != nil {
		t.Errorf("restored klachtd run after SIGTERM: %v", err)
	}
	t.Logf("LITESTREAM: %d complaints replicated while they came in, restored into a fresh folder: all %d found, "+
		"%d letters before, %d after (the new complaint's only)", forms, len(items), sentBefore, delivered()-sentBefore)
}
