package mailworld

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"net/smtp"
	"reflect"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

func startTestWorld(t *testing.T) *World {
	t.Helper()
	w, err := Start("127.0.0.1:0", "127.0.0.1:0", nil)
	if err != nil {
		t.Fatalf("Start() = %v", err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func testMsg(i int) []byte {
	return fmt.Appendf(nil, "From: a%d@example.org\r\nTo: klachten@example.nl\r\nSubject: test %d\r\nMessage-ID: <%d@test>\r\n\r\nbody %d\r\n", i, i, i, i)
}

// readInbox is user's folder, raw.
func readInbox(t *testing.T, w *World, user, folder string) [][]byte {
	t.Helper()
	msgs, err := w.List(user, folder)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func TestWorldSMTPToTagAddressReadByIMAP(t *testing.T) {
	w := startTestWorld(t)
	raw := []byte("From: Piet <piet@example.org>\r\nTo: klachten+abc123@ingressus.nl\r\nSubject: Re: [KL-2026-0001]\r\nMessage-ID: <r1@example.org>\r\n\r\nDank u.\r\n")
	// A standard SMTP client, no auth: what swaks or a form backend does.
	if err := smtp.SendMail(w.SMTPAddr(), nil, "piet@example.org", []string{"Klachten+abc123@Ingressus.nl"}, raw); err != nil {
		t.Fatalf("SendMail() = %v", err)
	}
	got := readInbox(t, w, "KLACHTEN@ingressus.nl", "INBOX")
	if len(got) != 1 {
		t.Fatalf("INBOX holds %d mails, want 1", len(got))
	}
	if !bytes.HasSuffix(got[0], raw) {
		t.Errorf("delivered mail does not end with the sent bytes:\n%s", got[0])
	}
	if !bytes.HasPrefix(got[0], []byte("Delivered-To: Klachten+abc123@Ingressus.nl\r\n")) {
		t.Errorf("delivered mail lacks Delivered-To with the exact +tag address:\n%s", got[0])
	}
	// The sender's own mailbox exists too (created on first use) but is empty.
	if n := len(readInbox(t, w, "piet@example.org", "INBOX")); n != 0 {
		t.Errorf("piet's INBOX holds %d, want 0", n)
	}
}

func TestWorldRejectsWrongPassword(t *testing.T) {
	w := startTestWorld(t)
	c, err := imapclient.DialInsecure(w.IMAPAddr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("a@example.org", "nope").Wait(); err == nil {
		t.Errorf("Login with a wrong password succeeded")
	}
}

func TestWorldRefusesNonLoopback(t *testing.T) {
	if _, err := Start("0.0.0.0:0", "127.0.0.1:0", nil); err == nil {
		t.Errorf("Start on 0.0.0.0 succeeded, want an error")
	}
}

// folderState is what a client sees of one folder: UIDVALIDITY, UIDNEXT and
// each message's UID, flags and bytes.
type folderState struct {
	UIDValidity, UIDNext uint32
	Msgs                 []string
}

func snapshot(t *testing.T, addr, user, folder string) folderState {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	if err := c.Login(user, Password).Wait(); err != nil {
		t.Fatalf("login: %v", err)
	}
	sel, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatalf("select %s: %v", folder, err)
	}
	st := folderState{UIDValidity: sel.UIDValidity, UIDNext: uint32(sel.UIDNext)}
	if sel.NumMessages == 0 {
		return st
	}
	body := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{body}}).Collect()
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	for _, m := range msgs {
		st.Msgs = append(st.Msgs, fmt.Sprintf("uid=%d flags=%v len=%d sum=%x", m.UID, m.Flags, len(m.FindBodySection(body)), sha256.Sum256(m.FindBodySection(body))))
	}
	return st
}

func TestWorldDirSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	w, err := StartDir("127.0.0.1:0", "127.0.0.1:0", dir, nil)
	if err != nil {
		t.Fatalf("StartDir() = %v", err)
	}
	const user = "klachten@ingressus.nl"
	for i := 1; i <= 5; i++ {
		if err := w.Deliver("klachten+t"+fmt.Sprint(i)+"@ingressus.nl", testMsg(i)); err != nil {
			t.Fatal(err)
		}
	}
	// A client works on the mailbox: a folder made and dropped (a gap in
	// UIDVALIDITY), two mails moved, one copied, one flagged and expunged,
	// one read without PEEK.
	c, err := imapclient.DialInsecure(w.IMAPAddr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.Login(user, Password).Wait())
	must(c.Create("Tmp", nil).Wait())
	must(c.Delete("Tmp").Wait())
	must(c.Create("Verwerkt", nil).Wait())
	_, err = c.Select("INBOX", nil).Wait()
	must(err)
	_, err = c.Move(imap.UIDSetNum(1, 3), "Verwerkt").Wait()
	must(err)
	_, err = c.Copy(imap.UIDSetNum(2), "Verwerkt").Wait()
	must(err)
	must(c.Store(imap.UIDSetNum(4), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close())
	must(c.UIDExpunge(imap.UIDSetNum(4)).Close())
	_, err = c.Fetch(imap.UIDSetNum(5), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{}}}).Collect()
	must(err)
	c.Logout().Wait()
	c.Close()

	before := map[string]folderState{}
	for _, f := range []string{"INBOX", "Verwerkt", "Sent"} {
		before[f] = snapshot(t, w.IMAPAddr(), user, f)
	}
	if len(before["INBOX"].Msgs) != 2 || len(before["Verwerkt"].Msgs) != 3 {
		t.Fatalf("before restart: INBOX %v, Verwerkt %v", before["INBOX"].Msgs, before["Verwerkt"].Msgs)
	}
	t.Logf("before restart: %+v", before)
	if err := w.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}

	w2, err := StartDir("127.0.0.1:0", "127.0.0.1:0", dir, nil)
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	defer w2.Close()
	for f, want := range before {
		got := snapshot(t, w2.IMAPAddr(), user, f)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s after restart = %+v\nwant %+v", f, got, want)
		}
	}
	// New mail continues the numbering instead of reusing a UID.
	if err := w2.Deliver(user, testMsg(6)); err != nil {
		t.Fatal(err)
	}
	got := snapshot(t, w2.IMAPAddr(), user, "INBOX")
	if got.UIDNext != before["INBOX"].UIDNext+1 || !strings.HasPrefix(got.Msgs[len(got.Msgs)-1], fmt.Sprintf("uid=%d ", before["INBOX"].UIDNext)) {
		t.Errorf("new mail after restart: %+v, want uid %d", got, before["INBOX"].UIDNext)
	}
	// A mailbox that never existed before is still created on first use.
	if n := len(readInbox(t, w2, "nieuw@example.org", "INBOX")); n != 0 {
		t.Errorf("new mailbox holds %d", n)
	}
}
