package mailworld

// imapserver's IDLE tracker wakes IDLE only for updates queued after IDLE
// began, so a mail that arrived between a client's last command and its
// IDLE would go unannounced until the next change. (Dovecot sends such
// pending updates as soon as IDLE starts.) idleFlush works around it.

import (
	"time"

	"github.com/emersion/go-imap/v2/imapserver"
)

// idleSession is the part of an imapserver session idleFlush needs.
type idleSession interface {
	Poll(w *imapserver.UpdateWriter, allowExpunge bool) error
	Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error
}

// idleFlush flushes the queued updates first and then idles in rounds of a
// second, flushing between rounds, so nothing waits longer than that.
func idleFlush(sess idleSession, w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	for {
		if err := sess.Poll(w, true); err != nil {
			return err
		}
		round := make(chan struct{})
		t := time.AfterFunc(time.Second, func() { close(round) })
		var outer bool
		done := make(chan struct{})
		go func() {
			select {
			case <-stop:
				outer = true
				if t.Stop() {
					close(round)
				}
			case <-round:
			}
			close(done)
		}()
		err := sess.Idle(w, round)
		<-done
		if err != nil || outer {
			return err
		}
	}
}
