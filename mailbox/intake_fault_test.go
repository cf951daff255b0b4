package mailbox

import (
	"context"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ingressus/klachtd/mailbox/mailworld"
)

func TestIntakeMoveFallbackWithoutMOVE(t *testing.T) {
	// Servers without MOVE get COPY + STORE \Deleted + EXPUNGE from
	// imapclient; the result must be the same.
	srv := mailworld.NewIMAPServerWith(t, mailworld.IMAPOptions{Rev1Only: true})
	for i := 1; i <= 3; i++ {
		srv.Append("INBOX", testMsg(i, ""))
	}
	h, cur := newRecHandler(), newMemCursor()
	startIntake(t, testConfig(srv), h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "cursor at 3", func() bool { _, l := cur.get("INBOX"); return l == 3 })
	if got := len(srv.List("INBOX")); got != 0 {
		t.Errorf("INBOX holds %d, want 0", got)
	}
	if got := len(srv.List("Verwerkt")); got != 3 {
		t.Errorf("Verwerkt holds %d, want 3", got)
	}
}

func TestIntakeConnectionDroppedBetweenCommitAndMove(t *testing.T) {
	// The connection dies right after the handler committed: the move
	// fails, the mail stays, and after the reconnect the (idempotent)
	// handler sees it once more and it is moved once. Both mails came in
	// one FETCH, so both were committed before the move, and both are
	// seen once more.
	srv := mailworld.NewIMAPServer(t)
	srv.Append("INBOX", testMsg(1, ""))
	srv.Append("INBOX", testMsg(2, ""))
	h, cur := newRecHandler(), newMemCursor()
	var once sync.Once
	handler := func(ctx context.Context, d Delivery) (Outcome, error) {
		o, err := h.handle(ctx, d)
		once.Do(srv.DropConnections)
		return o, err
	}
	startIntake(t, testConfig(srv), handler, cur, nil)
	waitUntil(t, 5*time.Second, "cursor at 2", func() bool { _, l := cur.get("INBOX"); return l == 2 })
	if calls, uids := h.stats(); calls != 4 || !slices.Equal(uids, []uint32{1, 2, 1, 2}) {
		t.Errorf("handler calls = %d for uids %v, want 4 for [1 2 1 2] (the batch twice)", calls, uids)
	}
	if got := h.handled(); len(got) != 2 {
		t.Errorf("distinct mails handled = %v, want 2", got)
	}
	if got := len(srv.List("Verwerkt")); got != 2 {
		t.Errorf("Verwerkt holds %d, want 2", got)
	}
	if srv.Logins() < 2 {
		t.Errorf("logins = %d, want a reconnect", srv.Logins())
	}
}

func TestIntakeMissingFolderIsAClearError(t *testing.T) {
	srv := mailworld.NewIMAPServer(t)
	cfg := testConfig(srv)
	cfg.Folder = "Webformulier"
	in := startIntake(t, cfg, newRecHandler().handle, newMemCursor(), nil)
	waitUntil(t, 5*time.Second, "failure", func() bool { return in.Status().LastError != "" })
	if st := in.Status(); !strings.Contains(st.LastError, `select "Webformulier"`) || st.Connected {
		t.Errorf("Status() = %+v, want a select error naming the folder", st)
	}
	// Processed and quarantine folders are made when missing.
	if srv.Messages("Verwerkt") != nil || srv.Messages("Quarantaine") != nil {
		t.Errorf("folders not empty")
	}
	srv.Create("Webformulier")
	srv.Append("Webformulier", testMsg(1, ""))
	waitUntil(t, 5*time.Second, "recovered", func() bool { return in.Status().LastError == "" && in.Status().Connected })
}

// freezeProxy forwards TCP to a backend; freeze makes every open
// connection go silent without closing (a hung server or a dead NAT path),
// while new connections work.
type freezeProxy struct {
	ln      net.Listener
	backend string
	mu      sync.Mutex
	cur     chan struct{}
}

func newFreezeProxy(t *testing.T, backend string) *freezeProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &freezeProxy{ln: ln, backend: backend, cur: make(chan struct{})}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b, err := net.Dial("tcp", backend)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			fr := p.cur
			p.mu.Unlock()
			t.Cleanup(func() { c.Close(); b.Close() })
			go p.pipe(c, b, fr)
			go p.pipe(b, c, fr)
		}
	}()
	return p
}

func (p *freezeProxy) pipe(dst, src net.Conn, frozen chan struct{}) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			select {
			case <-frozen:
				io.Copy(io.Discard, src) // swallow everything from now on
				return
			default:
			}
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// freeze silences the connections open now.
func (p *freezeProxy) freeze() {
	p.mu.Lock()
	close(p.cur)
	p.cur = make(chan struct{})
	p.mu.Unlock()
}

func TestIntakeDetectsHungServer(t *testing.T) {
	srv := mailworld.NewIMAPServer(t)
	proxy := newFreezeProxy(t, srv.Addr())
	cfg := testConfig(srv)
	cfg.Addr = proxy.ln.Addr().String()
	cfg.PollInterval = 100 * time.Millisecond // IDLE restarts often: the hang shows at DONE
	h, cur := newRecHandler(), newMemCursor()
	in := startIntake(t, cfg, h.handle, cur, func(in *Intake) { in.cmdTimeout = 300 * time.Millisecond })
	waitUntil(t, 5*time.Second, "connected", func() bool { return in.Status().Connected && srv.Logins() == 1 })
	proxy.freeze()
	srv.Append("INBOX", testMsg(1, ""))
	waitUntil(t, 5*time.Second, "mail handled over a new connection", func() bool { return len(h.handled()) == 1 })
	if srv.Logins() < 2 {
		t.Errorf("logins = %d, want a reconnect after the hang", srv.Logins())
	}
}

func TestIntakeSurvivesDevmailRestart(t *testing.T) {
	// klachtd devmail restarted under a running daemon: same address, same
	// dir, same UIDVALIDITY and UIDs, so nothing is handled twice.
	dir := t.TempDir()
	w, err := mailworld.StartDir("127.0.0.1:0", "127.0.0.1:0", dir, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	imapAddr, smtpAddr := w.IMAPAddr(), w.SMTPAddr()
	const user = "klachten@ingressus.nl"
	for i := 1; i <= 3; i++ {
		w.Deliver(user, testMsg(i, ""))
	}
	h, cur := newRecHandler(), newMemCursor()
	in := startIntake(t, IMAPConfig{
		Addr: imapAddr, TLS: TLSNone, Username: user, Password: mailworld.Password,
		Folder: "INBOX", Processed: "Verwerkt", Quarantine: "Quarantaine", PollInterval: time.Minute,
	}, h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "3 handled", func() bool { _, l := cur.get("INBOX"); return l == 3 })
	uv, _ := cur.get("INBOX")
	w.Close()
	waitUntil(t, 5*time.Second, "intake notices", func() bool { return !in.Status().Connected })

	w2, err := mailworld.StartDir(imapAddr, smtpAddr, dir, testLog(t))
	if err != nil {
		t.Fatalf("restart on the same addresses: %v", err)
	}
	defer w2.Close()
	w2.Deliver(user, testMsg(4, ""))
	waitUntil(t, 10*time.Second, "mail 4 handled", func() bool { _, l := cur.get("INBOX"); return l == 4 })
	if calls, uids := h.stats(); calls != 4 || uids[3] != 4 {
		t.Errorf("handler calls = %d uids %v, want 4 with uid 4 last", calls, uids)
	}
	if uv2, l := cur.get("INBOX"); uv2 != uv || l != 4 {
		t.Errorf("cursor = (%d, %d), want (%d, 4): the restart must keep UIDVALIDITY", uv2, l, uv)
	}
	if got := len(readInbox(t, w2, user, "Verwerkt")); got != 4 {
		t.Errorf("Verwerkt holds %d after restart, want 4", got)
	}
}
