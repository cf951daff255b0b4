package mailbox

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/ingressus/klachtd/mailbox/mailworld"
)

// review F3 #5: a server restarted without its mail (an in-memory server, a
// mailbox restored from an old backup) numbers from UID 1 again under the
// same UIDVALIDITY. The intake must not skip the new mail up to its stored
// cursor: it rescans from UID 0 and says so.
func TestIntakeUIDsWentBackRescans(t *testing.T) {
	srv := mailworld.NewIMAPServer(t)
	srv.Append("INBOX", testMsg(1, ""))
	h, cur := newRecHandler(), newMemCursor()
	// The cursor of the server's earlier life: 81 mails handled.
	cur.SetCursor(context.Background(), "INBOX", srv.UIDValidity("INBOX"), 81)
	in := startIntake(t, testConfig(srv), h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "the new mail handled", func() bool { return len(h.handled()) == 1 })
	waitUntil(t, 5*time.Second, "INBOX empty", func() bool { return len(srv.List("INBOX")) == 0 })
	waitUntil(t, 5*time.Second, "cursor at 1", func() bool { _, l := cur.get("INBOX"); return l == 1 })
	if uv, _ := cur.get("INBOX"); uv != srv.UIDValidity("INBOX") {
		t.Errorf("cursor uidvalidity = %d, want %d", uv, srv.UIDValidity("INBOX"))
	}
	if in.Status().UIDsWentBack.IsZero() {
		t.Errorf("Status().UIDsWentBack is zero, want the rescan noted")
	}
	srv.Append("INBOX", testMsg(2, ""))
	waitUntil(t, 5*time.Second, "mail 2", func() bool { return len(h.handled()) == 2 })
	if _, uids := h.stats(); !slices.Equal(uids, []uint32{1, 2}) {
		t.Errorf("handled uids = %v, want [1 2]", uids)
	}
}

// A caught-up folder (UIDNEXT = cursor+1, the inbox empty after the moves)
// is the normal case and no fault: a reconnect must not rescan it.
func TestIntakeCaughtUpFolderIsNoFault(t *testing.T) {
	srv := mailworld.NewIMAPServer(t)
	for i := 1; i <= 3; i++ {
		srv.Append("INBOX", testMsg(i, ""))
	}
	h, cur := newRecHandler(), newMemCursor()
	in := startIntake(t, testConfig(srv), h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "3 handled", func() bool { _, l := cur.get("INBOX"); return l == 3 })
	srv.DropConnections()
	srv.Append("INBOX", testMsg(4, ""))
	waitUntil(t, 5*time.Second, "cursor at 4", func() bool { _, l := cur.get("INBOX"); return l == 4 })
	if got := in.Status().UIDsWentBack; !got.IsZero() {
		t.Errorf("Status().UIDsWentBack = %v on a caught-up folder, want zero", got)
	}
	if _, uids := h.stats(); !slices.Equal(uids, []uint32{1, 2, 3, 4}) {
		t.Errorf("handled uids = %v, want [1 2 3 4] (no rescan)", uids)
	}
}

func TestUIDsWentBack(t *testing.T) {
	for _, c := range []struct {
		next uint32
		last uint32
		want bool
	}{
		{1, 81, true},   // restarted server, cursor of its earlier life
		{81, 81, true},  // the last handled UID would be given again
		{82, 81, false}, // caught up: nothing new
		{90, 81, false}, // new mail waiting
		{1, 0, false},   // fresh cursor
		{0, 81, false},  // server did not say
	} {
		if got := uidsWentBack(imap.UID(c.next), c.last); got != c.want {
			t.Errorf("uidsWentBack(%d, %d) = %v, want %v", c.next, c.last, got, c.want)
		}
	}
}
