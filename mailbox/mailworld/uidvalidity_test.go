package mailworld

import (
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// review F3 #5: a world kept in memory starts from UID 1 after a restart,
// so it must not start from the same UIDVALIDITY too, or a client's cursor
// from the earlier life (klachtd demo on the same --dir) skips the new mail.
func TestWorldInMemoryFreshUIDValidityPerStart(t *testing.T) {
	const user = "klachten@ingressus.nl"
	start := func() folderState {
		w, err := Start("127.0.0.1:0", "127.0.0.1:0", nil)
		if err != nil {
			t.Fatalf("Start() = %v", err)
		}
		defer w.Close()
		if err := w.Deliver(user, testMsg(1)); err != nil {
			t.Fatal(err)
		}
		return snapshot(t, w.IMAPAddr(), user, "INBOX")
	}
	first := start()
	time.Sleep(1100 * time.Millisecond) // the base is the start's second
	second := start()
	if first.UIDNext != 2 || second.UIDNext != 2 {
		t.Fatalf("UIDNEXT = %d then %d, want 2 both times (a fresh world)", first.UIDNext, second.UIDNext)
	}
	if second.UIDValidity <= first.UIDValidity {
		t.Errorf("UIDVALIDITY = %d then %d after a restart, want it to grow", first.UIDValidity, second.UIDValidity)
	}
}

// The shifted UIDVALIDITY is the one every answer carries: SELECT, STATUS,
// APPENDUID, COPYUID of COPY and of MOVE; and MOVE still moves.
func TestWorldInMemoryUIDValidityConsistent(t *testing.T) {
	w := startTestWorld(t)
	const user = "klachten@ingressus.nl"
	for i := 1; i <= 3; i++ {
		if err := w.Deliver(user, testMsg(i)); err != nil {
			t.Fatal(err)
		}
	}
	c, err := imapclient.DialInsecure(w.IMAPAddr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, Password).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Create("Verwerkt", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	st, err := c.Status("Verwerkt", &imap.StatusOptions{UIDValidity: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if st.UIDValidity <= 1<<20 {
		t.Errorf("STATUS UIDVALIDITY = %d, want the world's time base added", st.UIDValidity)
	}
	app := c.Append("Verwerkt", 0, nil)
	app.Write(nil)
	app.Close()
	ad, err := app.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if ad.UIDValidity != st.UIDValidity {
		t.Errorf("APPENDUID uidvalidity = %d, want %d", ad.UIDValidity, st.UIDValidity)
	}
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sel.UIDValidity <= 1<<20 || sel.UIDValidity == st.UIDValidity {
		t.Errorf("SELECT INBOX UIDVALIDITY = %d (Verwerkt %d), want shifted and distinct", sel.UIDValidity, st.UIDValidity)
	}
	cd, err := c.Copy(imap.UIDSetNum(1), "Verwerkt").Wait()
	if err != nil {
		t.Fatal(err)
	}
	if cd.UIDValidity != st.UIDValidity {
		t.Errorf("COPYUID uidvalidity = %d, want %d", cd.UIDValidity, st.UIDValidity)
	}
	md, err := c.Move(imap.UIDSetNum(2, 3), "Verwerkt").Wait()
	if err != nil {
		t.Fatal(err)
	}
	if md.UIDValidity != st.UIDValidity {
		t.Errorf("MOVE COPYUID uidvalidity = %d, want %d", md.UIDValidity, st.UIDValidity)
	}
	if got := snapshot(t, w.IMAPAddr(), user, "INBOX"); len(got.Msgs) != 1 {
		t.Errorf("INBOX after MOVE holds %v, want only uid 1", got.Msgs)
	}
	got := snapshot(t, w.IMAPAddr(), user, "Verwerkt")
	if len(got.Msgs) != 4 || got.UIDValidity != st.UIDValidity {
		t.Errorf("Verwerkt = %+v, want 4 mails under uidvalidity %d", got, st.UIDValidity)
	}
}
