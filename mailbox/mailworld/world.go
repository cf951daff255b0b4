// Package mailworld is klachtd's mail world in one process: real IMAP
// (imapserver + imapmemserver) and SMTP (go-smtp) servers on loopback, with
// the failure knobs tests need, and an OAuth2 token endpoint. The same
// servers make `klachtd demo` and `klachtd devmail` (a World: any address
// is a mailbox, SMTP delivers into IMAP, with devmail's mail kept on disk)
// and the tests' servers (testing.go: one IMAP user, an SMTP server that
// records what it accepts).
//
// It lives beside package mailbox, not in it: the production code talks to
// mail servers, this package is one.
package mailworld

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// Password is the IMAP password of every mailbox in a World.
const Password = "demo"

// World is a small closed mail world in one process: an IMAP server and an
// SMTP server on loopback. Every address is a mailbox, created on first
// use; IMAP login is the address with Password; SMTP accepts mail from
// anyone to anyone, without authentication, and delivers it to each
// recipient's INBOX (a +tag address to its base address).
type World struct {
	// IMAP and SMTP are the world's servers, with their failure knobs.
	IMAP *IMAPServer
	SMTP *SMTPServer
}

// Start starts the world's IMAP and SMTP servers on the given loopback
// addresses (port 0 picks a free port) with mail kept in memory.
func Start(imapAddr, smtpAddr string, log *slog.Logger) (*World, error) {
	return start(imapAddr, smtpAddr, "", log)
}

// StartDir is Start with every mailbox kept on disk under dir, so that
// mail survives a restart of the world (klachtd devmail).
func StartDir(imapAddr, smtpAddr, dir string, log *slog.Logger) (*World, error) {
	if dir == "" {
		return nil, errors.New("mail world: empty dir")
	}
	return start(imapAddr, smtpAddr, dir, log)
}

func start(imapAddr, smtpAddr, dir string, log *slog.Logger) (*World, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for _, a := range []string{imapAddr, smtpAddr} {
		// No TLS and no authentication on SMTP: an open relay into our
		// mailboxes, acceptable only where nobody else can reach it.
		if !isLoopback(a) {
			return nil, fmt.Errorf("mail world: %q is not a loopback address", a)
		}
	}
	is, err := startIMAP(imapAddr, imapConfig{
		caps: imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		open: true,
		dir:  dir,
		log:  log,
	})
	if err != nil {
		return nil, fmt.Errorf("demo %w", err)
	}
	ss, err := startSMTP(smtpAddr, "demo.klachtd.localhost", SMTPOptions{}, is.deliver, log)
	if err != nil {
		is.Close()
		return nil, fmt.Errorf("demo %w", err)
	}
	w := &World{IMAP: is, SMTP: ss}
	kept := []any{"dir", dir}
	if dir == "" {
		kept = []any{"mail", "in memory only"} // not the empty folder name: there is none
	}
	log.Info("demo mail world started", append([]any{"imap", w.IMAPAddr(), "smtp", w.SMTPAddr(), "password", "(every mailbox) " + Password}, kept...)...)
	return w, nil
}

// IMAPAddr is the address the IMAP server listens on.
func (w *World) IMAPAddr() string { return w.IMAP.Addr() }

// SMTPAddr is the address the SMTP server listens on.
func (w *World) SMTPAddr() string { return w.SMTP.Addr() }

// Close stops both servers and drops their connections.
func (w *World) Close() error {
	return errors.Join(w.IMAP.Close(), w.SMTP.Close())
}

// Deliver puts raw into rcpt's INBOX as the SMTP server would, with the
// Delivered-To header naming rcpt exactly.
func (w *World) Deliver(rcpt string, raw []byte) error {
	return w.IMAP.deliver("", "localhost", "direct", rcpt, raw)
}

// List returns the raw messages in addr's folder, in UID order, read over
// IMAP without changing anything; nil if there is no such folder.
func (w *World) List(addr, folder string) ([][]byte, error) {
	msgs, err := w.IMAP.read(addr, Password, folder)
	var out [][]byte
	for _, m := range msgs {
		out = append(out, m.Raw)
	}
	return out, err
}

// isLoopback reports whether addr (host:port) names a loopback host.
// (package mailbox has its own: this package may not import it, since
// mailbox's tests import this one.)
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return strings.EqualFold(host, "localhost") || ip != nil && ip.IsLoopback()
}

// printfLogger adapts slog to the Printf loggers of imapserver and go-smtp.
type printfLogger struct{ l *slog.Logger }

func (p printfLogger) Printf(format string, v ...any) { p.l.Warn(fmt.Sprintf(format, v...)) }
func (p printfLogger) Println(v ...any)               { p.l.Warn(strings.TrimSuffix(fmt.Sprintln(v...), "\n")) }
