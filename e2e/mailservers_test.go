package e2e

import (
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// TestE2EDovecotPostfix runs klachtd against a real Dovecot (IMAP) and
// Postfix (SMTP, delivering locally to Dovecot by LMTP), set up on loopback
// by package e2e/mailservers: a form mail submitted to Postfix reaches
// klachten@'s Dovecot inbox, klachtd registers it and its acknowledgement
// comes back through Postfix into the complainant's Dovecot inbox. Then the
// faults of issue 6: Dovecot stopped while the daemon idles (it reconnects
// and handles the mail that arrived meanwhile), and Postfix deferring the
// complainant's domain with 451 (the letter waits in klachtd's outbox and
// arrives, once, when Postfix accepts again).
//
// It needs root on Debian (e2e/setup-mailservers.sh installs dovecot-imapd,
// dovecot-lmtpd and postfix when missing) and free ports 10143, 10025 and 10124
// (KLACHTD_E2E_IMAP_PORT, KLACHTD_E2E_SMTP_PORT, KLACHTD_E2E_LMTP_PORT).
// Run with:
//
//	KLACHTD_E2E=1 go test -count=1 -v ./e2e/ -run E2E
//
// KLACHTD_E2E_LOGS=DIR keeps klachtd's, Postfix's and Dovecot's logs there.
func TestE2EDovecotPostfix(t *testing.T) {
	if os.Getenv("KLACHTD_E2E") != "1" {
		t.Skip("needs a real Dovecot and Postfix: set KLACHTD_E2E=1 to run it (as root on Debian; " +
			"e2e/setup-mailservers.sh installs them, the test starts them on loopback ports 10143/10025): " +
			"KLACHTD_E2E=1 go test -count=1 -v ./e2e/ -run E2E")
	}
	begin := time.Now()
	servers := startRealServers(t, serverPorts{imap: 10143, smtp: 10025, lmtp: 10124}.fromEnv(t), 0, "")
	imapAddr, smtpAddr := servers.imapAddr, servers.smtpAddr
	const pass = e2ePassword

	w := mailWorld{intake: "klachten@ingressus.test", formSender: "noreply@web.ingressus.test", complDom: "klant.test",
		handlers: [2]string{"m.devries@ingressus.test", "j.bakker@ingressus.test"}, management: "directie@ingressus.test"}
	bin := buildKlachtd(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "klachtd.toml")
	httpAddr := freeAddr(t)
	config{world: w, imapAddr: imapAddr, imapUser: w.intake, imapPass: pass, smtpAddr: smtpAddr,
		database: filepath.Join(dir, "klachtd.db"), httpListen: httpAddr, poll: 5 * time.Second,
		// About 45 s of retrying in all, then the letter would fail.
		retry: seconds(1, 1, 2, 2, 3, 3, 5, 5, 5, 5, 5, 5)}.write(t, cfgPath)
	logPath := filepath.Join(dir, "klachtd.log")
	daemon := startProc(t, "klachtd run", logPath, bin, "run", "--config", cfgPath)
	t.Cleanup(func() {
		if daemon.running() {
			daemon.kill()
		}
		if keep := os.Getenv("KLACHTD_E2E_LOGS"); keep != "" {
			os.MkdirAll(keep, 0o700)
			for _, l := range []string{logPath, servers.postfix.Log(), servers.dovecot.Log()} {
				if data, err := os.ReadFile(l); err == nil {
					os.WriteFile(filepath.Join(keep, filepath.Base(l)), data, 0o600)
				}
			}
			t.Logf("logs copied to %s", keep)
		}
		if t.Failed() {
			t.Logf("klachtd log (last lines):\n%s", daemon.tail(40))
		}
	})
	connected := func() bool {
		m, err := readMetrics(httpAddr)
		return err == nil && m.up
	}
	waitUntil(t, "klachtd connected to Dovecot", 20*time.Second, connected)

	runID := fmt.Sprintf("%x", time.Now().UnixNano())
	// acks reads addr's INBOX: its acknowledgements' Message-IDs with copies.
	acks := func(addr string) map[string]int {
		t.Helper()
		hs, err := readFolder(imapAddr, addr, pass, "INBOX")
		if err != nil {
			t.Fatalf("read %s: %v", addr, err)
		}
		ids := map[string]int{}
		for _, h := range hs {
			if h.Letter == "acknowledgement" {
				ids[h.MessageID]++
			}
		}
		return ids
	}
	waitAck := func(addr string, within time.Duration) time.Duration {
		t.Helper()
		start := time.Now()
		waitUntil(t, "the acknowledgement in "+addr+"'s Dovecot INBOX", within, func() bool { return len(acks(addr)) > 0 })
		return time.Since(start)
	}
	submitForm := func(i int, addr string) {
		t.Helper()
		if err := submit(smtpAddr, w.formSender, []string{w.intake}, w.formMail(i, addr, runID)); err != nil {
			t.Fatalf("submit form %d to Postfix: %v", i, err)
		}
	}
	staffLetters := func(kind string) []header {
		t.Helper()
		var out []header
		for _, a := range w.handlers {
			hs, err := readFolder(imapAddr, a, pass, "INBOX")
			if err != nil {
				t.Fatalf("read %s: %v", a, err)
			}
			for _, h := range hs {
				if h.Letter == kind {
					out = append(out, h)
				}
			}
		}
		return out
	}

	// 1. The normal path: form → Postfix → Dovecot → klachtd → Postfix → Dovecot.
	t1 := time.Now()
	submitForm(1, "sanne@klant.test")
	took := waitAck("sanne@klant.test", 30*time.Second)
	t.Logf("normal path: form submitted to Postfix, acknowledgement in sanne@klant.test's INBOX after %v", took.Round(time.Millisecond))
	sanne, err := readFolder(imapAddr, "sanne@klant.test", pass, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	var ack header
	for _, h := range sanne {
		if h.Letter == "acknowledgement" {
			ack = h
		}
	}
	if !strings.HasPrefix(ack.Ref, "KL-") {
		t.Fatalf("acknowledgement %s has X-Klachtd-Ref %q", ack.MessageID, ack.Ref)
	}
	waitUntil(t, "the handler's new-complaint notification", 20*time.Second, func() bool { return len(staffLetters("handler_new")) == 1 })

	// sanne answers the acknowledgement: to its Reply-To, klachten+token@…,
	// which Postfix (recipient_delimiter) and Dovecot deliver to klachten@.
	replyTo, err := mail.ParseAddress(ack.ReplyTo)
	if err != nil || !strings.HasPrefix(replyTo.Address, "klachten+") {
		t.Fatalf("acknowledgement Reply-To = %q (%v), want klachten+token@ingressus.test", ack.ReplyTo, err)
	}
	reply := crlf(fmt.Sprintf(`From: Sanne van Dijk <sanne@klant.test>
To: %s
Subject: Re: %s
Date: %s
Message-ID: <sanne-reply-%s@klant.test>
In-Reply-To: %s
References: %s
Content-Type: text/plain; charset=utf-8

Dank u. Er ontbrak ook nog een doos gist.
`, replyTo.Address, strings.TrimSpace(ack.Subject), time.Now().Format(time.RFC1123Z), runID, ack.MessageID, ack.MessageID))
	if err := submit(smtpAddr, "sanne@klant.test", []string{replyTo.Address}, reply); err != nil {
		t.Fatalf("sanne's reply to %s: %v", replyTo.Address, err)
	}
	waitUntil(t, "sanne's reply relayed to the handler", 30*time.Second, func() bool { return len(staffLetters("relay_to_handler")) == 1 })
	if r := staffLetters("relay_to_handler")[0]; r.Ref != ack.Ref {
		t.Errorf("relayed reply is about %q, want %s", r.Ref, ack.Ref)
	}
	s, err := imapLogin(imapAddr, w.intake, pass)
	if err != nil {
		t.Fatal(err)
	}
	processed, _, _, err := s.read("Verwerkt")
	s.close()
	if err != nil {
		t.Fatal(err)
	}
	var plus bool
	for _, h := range processed {
		plus = plus || strings.HasPrefix(h.Delivered, "klachten+")
	}
	if len(processed) != 2 || !plus {
		t.Errorf("Verwerkt after the normal path: %d mails (want 2), one delivered to klachten+token: %v", len(processed), plus)
	}
	t.Logf("normal path done in %v: acknowledgement %s (%s); reply via %s relayed to the handler",
		time.Since(t1).Round(time.Millisecond), ack.MessageID, ack.Ref, replyTo.Address)

	// Dovecot's UID FETCH last+1:* quirk, which the intake must (and does)
	// filter out: seen here against the real server.
	high, fetched, unilateral := uidFetchQuirk(t, imapAddr, "sanne@klant.test", pass)
	t.Logf("Dovecot: UID FETCH %d:* sent back UIDs %v; go-imap's Fetch returned %v (it hands a UID outside the set to the unilateral handler); the intake also drops UIDs <= its cursor",
		high+1, unilateral, fetched)
	for _, u := range fetched {
		if u <= high {
			t.Logf("note: go-imap returned UID %d for UID FETCH %d:*; only the intake's own filter drops it", u, high+1)
		}
	}

	// 2. Dovecot stops while the daemon idles; a form mail arrives at
	// Postfix meanwhile (it waits in Postfix's queue); Dovecot comes back.
	waitUntil(t, "an idle daemon with an empty outbox", 20*time.Second, func() bool {
		m, err := readMetrics(httpAddr)
		return err == nil && m.up && m.depth == 0
	})
	t2 := time.Now()
	must(t, "stop Dovecot", servers.dovecot.Stop())
	waitUntil(t, "klachtd noticing that Dovecot is gone", 20*time.Second, func() bool { return !connected() })
	submitForm(2, "piet@klant.test")
	time.Sleep(2 * time.Second) // Dovecot is down for a while; the daemon retries.
	if !daemon.running() {
		t.Fatalf("klachtd exited while Dovecot was down: %v", daemon.err)
	}
	back := time.Now()
	must(t, "start Dovecot", servers.dovecot.Start())
	must(t, "flush Postfix's queue", servers.postfix.Flush()) // Postfix retries the deferred form mail now
	waitUntil(t, "klachtd reconnected to Dovecot", 60*time.Second, connected)
	reconnected := time.Since(back)
	waitAck("piet@klant.test", 60*time.Second)
	t.Logf("fault (a) Dovecot stopped for %v while klachtd idled (the form mail waited in Postfix's queue): klachtd reconnected %v after Dovecot came back, acknowledgement in piet@klant.test's INBOX %v after",
		back.Sub(t2).Round(time.Millisecond), reconnected.Round(time.Millisecond), time.Since(back).Round(time.Millisecond))

	// 3. Postfix defers the complainants' domain (451 at RCPT): the letter
	// stays queued in klachtd's outbox, then arrives once, when Postfix
	// accepts again.
	t3 := time.Now()
	must(t, "Postfix deferring klant.test", servers.postfix.Defer("klant.test"))
	// klachtd's open SMTP session predates the reload and still has the old
	// rules; Postfix closes it once idle for smtpd_timeout (3 s here).
	time.Sleep(4 * time.Second)
	logBefore := fileLen(logPath)
	submitForm(3, "anna@klant.test")
	waitUntil(t, "klachtd's first deferred attempt for anna@klant.test", 30*time.Second, func() bool {
		data, _ := os.ReadFile(logPath)
		return strings.Contains(string(data[min(logBefore, len(data)):]), "451")
	})
	time.Sleep(3 * time.Second) // a few more retries
	m, err := readMetrics(httpAddr)
	if err != nil {
		t.Fatal(err)
	}
	if q := m.letters["acknowledgement"]["queued"]; q != 1 {
		t.Errorf("while Postfix defers: %d acknowledgements queued in klachtd's outbox, want 1 (%v)", q, m.letters["acknowledgement"])
	}
	if n := len(acks("anna@klant.test")); n != 0 {
		t.Fatalf("anna@klant.test got %d acknowledgements while Postfix deferred her domain", n)
	}
	if n := len(staffLetters("handler_new")); n != 3 {
		t.Errorf("handlers got %d new-complaint notifications, want 3 (their domain is not deferred)", n)
	}
	deferredFor := time.Since(t3)
	must(t, "Postfix accepting again", servers.postfix.Accept())
	took = waitAck("anna@klant.test", 60*time.Second)
	data, _ := os.ReadFile(logPath)
	deferrals := strings.Count(string(data[min(logBefore, len(data)):]), "451 4.7.1")
	t.Logf("fault (b) Postfix deferring klant.test with 451: acknowledgement queued in klachtd's outbox for %v, "+
		"%d attempts answered 451 (the last ones on klachtd's SMTP session that predates the reload), delivered %v after Postfix accepted again",
		deferredFor.Round(time.Millisecond), deferrals, took.Round(time.Millisecond))
	time.Sleep(2 * time.Second) // a second delivery would show now

	// Every complainant: one acknowledgement, by Message-ID, one copy.
	for _, a := range []string{"sanne@klant.test", "piet@klant.test", "anna@klant.test"} {
		ids := acks(a)
		if len(ids) != 1 {
			t.Errorf("%s: %d acknowledgements (Message-IDs %v), want 1", a, len(ids), keys(ids))
		}
		for id, n := range ids {
			if n != 1 {
				t.Errorf("%s: acknowledgement %s delivered %d times, want once", a, id, n)
			}
		}
	}
	m, err = readMetrics(httpAddr)
	if err != nil {
		t.Fatal(err)
	}
	for kind, states := range m.letters {
		if states["queued"] != 0 || states["failed"] != 0 {
			t.Errorf("klachtd's outbox: %s letters %v, want all sent", kind, states)
		}
	}
	if got := m.letters["acknowledgement"]["sent"]; got != 3 {
		t.Errorf("klachtd's outbox: %d acknowledgements sent, want 3", got)
	}
	items, err := klachtdList(bin, cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 {
		t.Errorf("klachtd list: %d complaints, want 3: %+v", len(items), items)
	}
	inbox, err := readFolder(imapAddr, w.intake, pass, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if len(inbox) != 0 {
		t.Errorf("klachten@'s INBOX holds %d mails, want 0", len(inbox))
	}
	if err := daemon.stop(15 * time.Second); err != nil {
		t.Errorf("klachtd run after SIGTERM: %v, want a clean exit", err)
	}
	t.Logf("E2E: 3 complaints, 3 acknowledgements (one Message-ID each, no duplicates), 1 reply relayed; total %v", time.Since(begin).Round(time.Second))
}

// uidFetchQuirk asks Dovecot for UID FETCH top+1:* on addr's INBOX, where
// top is its highest UID, and returns top, the UIDs go-imap's Fetch
// returned, and the UIDs that came back anyway. RFC 3501 §6.4.8: "*" is the
// highest UID, so the range includes it and Dovecot sends that message.
// go-imap v2 (beta.8) passes a FETCH whose UID is outside the requested set
// to the unilateral-data handler instead of the command.
func uidFetchQuirk(t *testing.T, addr, user, pass string) (top uint32, fetched, unilateral []uint32) {
	t.Helper()
	got := make(chan uint32, 16)
	c, err := imapclient.DialInsecure(addr, &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Fetch: func(msg *imapclient.FetchMessageData) {
			if buf, err := msg.Collect(); err == nil && buf.UID != 0 {
				got <- uint32(buf.UID)
			}
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, pass).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	all, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true}).Collect()
	if err != nil {
		t.Fatalf("fetch 1:*: %v", err)
	}
	for _, m := range all {
		top = max(top, uint32(m.UID))
	}
	msgs, err := c.Fetch(imap.UIDSet{{Start: imap.UID(top + 1), Stop: 0}}, &imap.FetchOptions{UID: true}).Collect()
	if err != nil {
		t.Fatalf("uid fetch %d:*: %v", top+1, err)
	}
	for _, m := range msgs {
		fetched = append(fetched, uint32(m.UID))
	}
	c.Noop().Wait() // the handler runs in its own goroutine: give it a round trip
	for len(got) > 0 {
		unilateral = append(unilateral, <-got)
	}
	c.Logout().Wait()
	return top, fetched, unilateral
}

// waitUntil polls cond every 200 ms until it holds or within has passed.
func waitUntil(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", within, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func fileLen(path string) int {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return int(fi.Size())
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
