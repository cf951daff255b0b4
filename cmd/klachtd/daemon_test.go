package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ingressus/klachtd/cmd/klachtd/config"
	"github.com/ingressus/klachtd/correspondence"
	"github.com/ingressus/klachtd/mailbox/mailworld"
)

// world is one daemon's surroundings in a test: real IMAP and SMTP servers
// in-process and a config pointing at them.
type world struct {
	t       testing.TB
	imap    *mailworld.IMAPServer
	smtp    *mailworld.SMTPServer
	dir     string
	cfgPath string
	conf    config.Config // what cfgPath holds
}

func newWorld(t *testing.T, opts ...func(*config.Config)) *world { return newWorldTB(t, opts...) }

// newWorldTB writes the world's config: config.Local at example.nl on the
// two servers, changed by opts.
func newWorldTB(t testing.TB, opts ...func(*config.Config)) *world {
	t.Helper()
	w := &world{t: t, imap: mailworld.NewIMAPServer(t), smtp: mailworld.NewSMTPServer(t), dir: t.TempDir()}
	w.cfgPath = filepath.Join(w.dir, "klachtd.toml")
	w.conf = testConfig(w.imap.Addr(), w.smtp.Addr())
	w.change(opts...)
	return w
}

// change rewrites the world's config with opts applied.
func (w *world) change(opts ...func(*config.Config)) {
	w.t.Helper()
	for _, o := range opts {
		o(&w.conf)
	}
	if err := w.conf.WriteFile(w.cfgPath); err != nil {
		w.t.Fatal(err)
	}
}

// testConfig is the tests' config on the mailworld servers at imapAddr and
// smtpAddr.
func testConfig(imapAddr, smtpAddr string) config.Config {
	c := config.Local("example.nl", imapAddr, smtpAddr)
	c.Gateway.IntakeTeam = []string{"intake@example.nl"}
	c.Gateway.LogLevel = "warn"
	c.IMAP.Username, c.IMAP.Password = mailworld.IMAPUser, mailworld.IMAPPassword
	c.IMAP.PollInterval = config.Dur(2 * time.Second)
	c.SMTP.Timeout = config.Dur(5 * time.Second)
	return c
}

// atDatabase sets [gateway] database.
func atDatabase(path string) func(*config.Config) {
	return func(c *config.Config) { c.Gateway.Database = path }
}

// retry sets [smtp] retry_schedule.
func retry(ds ...time.Duration) func(*config.Config) {
	return func(c *config.Config) {
		c.SMTP.RetrySchedule = nil
		for _, d := range ds {
			c.SMTP.RetrySchedule = append(c.SMTP.RetrySchedule, config.Dur(d))
		}
	}
}

// start runs the daemon until the returned stop is called.
func (w *world) start() (stop func()) {
	w.t.Helper()
	cfg, err := LoadConfig(w.cfgPath)
	if err != nil {
		w.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := runDaemon(ctx, cfg, testLog(), nil); err != nil {
			w.t.Errorf("runDaemon: %v", err)
		}
	}()
	return func() { cancel(); wg.Wait() }
}

func testForm(i int) []byte {
	return []byte(strings.ReplaceAll(fmt.Sprintf(`From: Website <noreply@web.example.nl>
To: klachten@example.nl
Subject: Nieuwe klacht
Date: Mon, 23 Nov 2026 10:12:31 +0100
Message-ID: <form-%d@web.example.nl>
Content-Type: text/plain; charset=utf-8

Bedrijfsnaam: Klant %d B.V.
Adres: Hoofdstraat %d, Rotterdam
Naam: Klant %d
Telefoonnummer: 010-1234567
Bereikbaarheid: ma-vr 9-12
E-mailadres: klant%d@example.com
Datum: 23-11-2026
Omschrijving van de klacht: Levering %d was niet compleet.
`, i, i, i, i, i, i), "\n", "\r\n"))
}

// letterKind reads the X-Klachtd-Letter header of a captured letter.
func letterKind(raw []byte) (kind, msgID string) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", ""
	}
	return m.Header.Get("X-Klachtd-Letter"), m.Header.Get("Message-Id")
}

func countKinds(msgs []mailworld.Message) (map[string]int, map[string]int) {
	kinds := map[string]int{}
	ids := map[string]int{}
	for _, m := range msgs {
		k, id := letterKind(m.Raw)
		kinds[k]++
		ids[id]++
	}
	return kinds, ids
}

func TestDaemonWorksThroughBacklogAcrossRestart(t *testing.T) {
	w := newWorld(t)
	const n = 40
	for i := 0; i < n; i++ {
		w.imap.Append("INBOX", testForm(i))
	}
	stop := w.start()
	if _, err := w.smtp.WaitFor(10, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	stop() // mid-backlog: a clean stop and a new daemon
	stop = w.start()
	defer stop()
	if _, err := w.smtp.WaitFor(2*n, 30*time.Second); err != nil {
		t.Fatalf("%v (got %d letters)", err, len(w.smtp.Messages()))
	}
	time.Sleep(500 * time.Millisecond) // a second acknowledgement would show up now
	msgs := w.smtp.Messages()
	kinds, ids := countKinds(msgs)
	if kinds["acknowledgement"] != n || kinds["handler_new"] != n {
		t.Errorf("letters by kind = %v, want %d acknowledgements and %d handler notifications", kinds, n, n)
	}
	for id, c := range ids {
		if c > 1 {
			t.Errorf("Message-ID %s sent %d times", id, c)
		}
	}
	acksTo := map[string]int{}
	for _, m := range msgs {
		if k, _ := letterKind(m.Raw); k == "acknowledgement" {
			acksTo[m.To[0]]++
		}
	}
	if len(acksTo) != n {
		t.Errorf("acknowledged %d complainants, want %d", len(acksTo), n)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(w.imap.List("INBOX")) > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if left := len(w.imap.List("INBOX")); left != 0 {
		t.Errorf("%d mails left in the inbox", left)
	}
	if got := len(w.imap.List("Verwerkt")); got != n {
		t.Errorf("processed folder holds %d mails, want %d", got, n)
	}
}

func TestDaemonRetriesAfterTemporaryFailure(t *testing.T) {
	w := newWorld(t, retry(200*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond))
	w.smtp.FailData(451, 2) // the first two attempts are deferred
	w.imap.Append("INBOX", testForm(1))
	stop := w.start()
	defer stop()
	msgs, err := w.smtp.WaitFor(2, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	kinds, ids := countKinds(msgs)
	if kinds["acknowledgement"] != 1 || kinds["handler_new"] != 1 {
		t.Errorf("after 451s: %v", kinds)
	}
	for id, c := range ids {
		if c > 1 {
			t.Errorf("%s accepted %d times", id, c)
		}
	}
}

func TestDaemonPermanentFailureTellsHandler(t *testing.T) {
	w := newWorld(t, retry(200*time.Millisecond), func(c *config.Config) {
		c.SMTP.Connections = 1 // the acknowledgement is the first RCPT
	})
	w.smtp.FailRcpt(550, 1) // the acknowledgement's recipient is refused
	w.imap.Append("INBOX", testForm(2))
	stop := w.start()
	defer stop()
	msgs, err := w.smtp.WaitFor(2, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	kinds, _ := countKinds(msgs)
	if kinds["acknowledgement"] != 0 || kinds["handler_new"] != 1 || kinds["staff_notice"] != 1 {
		t.Fatalf("after a 550: %v", kinds)
	}
	for _, m := range msgs {
		if k, _ := letterKind(m.Raw); k == "staff_notice" && !strings.Contains(strings.Join(m.To, ","), "@example.nl") {
			t.Errorf("undeliverable notice went to %v", m.To)
		}
	}
}

func TestIntakeStoppedAlertsOnce(t *testing.T) {
	w := newWorld(t)
	w.change(func(c *config.Config) { c.Digest.IntakeAlertAfter = config.Dur(time.Second) })
	w.imap.FailLogins(true)
	stop := w.start()
	defer stop()
	msgs, err := w.smtp.WaitFor(1, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := letterKind(msgs[0].Raw); k != "alert" || msgs[0].To[0] != "intake@example.nl" {
		t.Fatalf("first letter = %s to %v, want the intake-stopped alert to the intake team", k, msgs[0].To)
	}
	time.Sleep(6 * time.Second) // the status loop runs every 5 s: no second alert for the same outage
	if n := len(w.smtp.Messages()); n != 1 {
		t.Errorf("alerts for one outage = %d, want 1", n)
	}
}

// A message the server will not give (NO to FETCH) must not block the mails
// behind it: it is recorded, quarantined and the intake team told.
func TestUnreadableMailDoesNotBlockTheInbox(t *testing.T) {
	w := newWorld(t)
	w.imap.Append("INBOX", testForm(1))
	bad := w.imap.Append("INBOX", testForm(2))
	w.imap.Append("INBOX", testForm(3))
	w.imap.FailFetch(bad)
	stop := w.start()
	defer stop()
	msgs, err := w.smtp.WaitFor(5, 20*time.Second) // 2 × 2 letters + the alert
	if err != nil {
		t.Fatal(err)
	}
	kinds, _ := countKinds(msgs)
	if kinds["acknowledgement"] != 2 || kinds["alert"] != 1 {
		t.Fatalf("letters = %v, want 2 acknowledgements and 1 alert", kinds)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(w.imap.List("Quarantaine")) == 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if n := len(w.imap.List("Quarantaine")); n != 1 {
		t.Errorf("quarantine folder holds %d mails, want the unreadable one", n)
	}
}

// testLog is the daemon's log in a test: errors only, or everything on
// stderr with KLACHTD_TEST_LOG set (to see why a test waited in vain).
func testLog() *slog.Logger {
	if os.Getenv("KLACHTD_TEST_LOG") != "" {
		return newLogger(os.Stderr, "info")
	}
	return newLogger(io.Discard, "error")
}

// handle stores raws in w's database as the daemon would (UIDs 1, 2, …)
// without a daemon running, and returns the gateway's settings: for the
// operator commands' tests, which then read the database.
func (w *world) handle(raws ...[]byte) correspondence.Settings {
	w.t.Helper()
	cfg, err := LoadConfig(w.cfgPath)
	if err != nil {
		w.t.Fatal(err)
	}
	gw, store, err := openGateway(context.Background(), cfg, newLogger(io.Discard, "error"))
	if err != nil {
		w.t.Fatal(err)
	}
	defer store.Close()
	var ins []correspondence.Incoming
	for i, raw := range raws {
		ins = append(ins, correspondence.Incoming{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i + 1), Raw: raw})
	}
	if _, err := gw.Handle(context.Background(), ins); err != nil {
		w.t.Fatal(err)
	}
	return gw.Settings()
}
