package main

import (
	"fmt"
	"sort"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

func imapLogin(port int) (*imapclient.Client, error) {
	c, err := imapclient.DialInsecure(fmt.Sprintf("127.0.0.1:%d", port), nil)
	if err != nil {
		return nil, err
	}
	if err := c.Login(benchUser, benchPassword).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("imap login: %w", err)
	}
	return c, nil
}

// indexMailbox makes Dovecot scan the Maildir written behind its back and
// build its index (UIDs, sizes), so that neither mbsync nor klachtd pays for
// that. It returns the number of messages in INBOX.
func indexMailbox(port int) (int, error) {
	c, err := imapLogin(port)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("select INBOX: %w", err)
	}
	if sel.NumMessages > 0 {
		set := imap.SeqSet{{Start: 1, Stop: 0}}
		if _, err := c.Fetch(set, &imap.FetchOptions{UID: true, RFC822Size: true, Flags: true, Envelope: true}).Collect(); err != nil {
			return 0, fmt.Errorf("fetch 1:*: %w", err)
		}
	}
	_ = c.Logout().Wait()
	return int(sel.NumMessages), nil
}

// appender APPENDs mails to INBOX over one connection.
type appender struct{ c *imapclient.Client }

func newAppender(port int) (*appender, error) {
	c, err := imapLogin(port)
	if err != nil {
		return nil, err
	}
	return &appender{c: c}, nil
}

// append stores raw (CRLF line ends) and returns when the server said OK.
func (a *appender) append(raw []byte) error {
	cmd := a.c.Append("INBOX", int64(len(raw)), nil)
	if _, err := cmd.Write(raw); err != nil {
		return err
	}
	if err := cmd.Close(); err != nil {
		return err
	}
	_, err := cmd.Wait()
	return err
}

func (a *appender) close() {
	done := make(chan struct{})
	go func() { _ = a.c.Logout().Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	a.c.Close()
}

// idleProbeResult is the floor Dovecot puts under any IDLE-driven intake:
// the time from an APPEND's OK to the EXISTS an idling client receives.
type idleProbeResult struct {
	Mails int     `json:"mails"`
	Gap   string  `json:"gap"`
	P50   float64 `json:"p50_ms"`
	Max   float64 `json:"max_ms"`
	Min   float64 `json:"min_ms"`
	Note  string  `json:"note"`
}

// probeIdle APPENDs m small mails, gap apart, to a folder of their own while
// a bare go-imap client idles on it, and times APPEND OK → EXISTS.
func probeIdle(port, m int, gap time.Duration) (idleProbeResult, error) {
	res := idleProbeResult{Mails: m, Gap: gap.String(),
		Note: "bare IMAP client in IDLE on a folder of its own, mails APPENDed by a second connection; Dovecot notifies idlers NOTIFY_DELAY_MSECS (500 ms) after the first change (src/lib-storage/mailbox-watch.c)"}
	const folder = "IdleProbe"
	exists := make(chan time.Time, 16)
	c, err := imapclient.DialInsecure(fmt.Sprintf("127.0.0.1:%d", port), &imapclient.Options{
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select {
					case exists <- time.Now():
					default:
					}
				}
			},
		},
	})
	if err != nil {
		return res, err
	}
	defer c.Close()
	if err := c.Login(benchUser, benchPassword).Wait(); err != nil {
		return res, err
	}
	_ = c.Create(folder, nil).Wait() // exists already on a second run: fine
	if _, err := c.Select(folder, nil).Wait(); err != nil {
		return res, fmt.Errorf("select %s: %w", folder, err)
	}
	idle, err := c.Idle()
	if err != nil {
		return res, err
	}
	defer func() { _ = idle.Close(); _ = idle.Wait() }()
	ap, err := imapLogin(port)
	if err != nil {
		return res, err
	}
	defer ap.Close()
	var ds []float64
	for k := 0; k < m; k++ {
		time.Sleep(gap)
		for len(exists) > 0 {
			<-exists
		}
		raw := []byte(fmt.Sprintf("From: probe@bench.test\r\nTo: probe@bench.test\r\nSubject: idle probe %d\r\nMessage-ID: <probe.%d.%d@bench.test>\r\n\r\nprobe\r\n", k, k, time.Now().UnixNano()))
		cmd := ap.Append(folder, int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			return res, err
		}
		if err := cmd.Close(); err != nil {
			return res, err
		}
		if _, err := cmd.Wait(); err != nil {
			return res, err
		}
		done := time.Now()
		select {
		case t := <-exists:
			ds = append(ds, float64(t.Sub(done).Microseconds())/1000)
		case <-time.After(5 * time.Second):
			return res, fmt.Errorf("no EXISTS within 5 s of an APPEND to %s", folder)
		}
	}
	sort.Float64s(ds)
	res.P50, res.Min, res.Max = pct(ds, 50), ds[0], ds[len(ds)-1]
	return res, nil
}
