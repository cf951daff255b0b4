package mailworld

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
)

// serving is a protocol server's listener and its Serve goroutine, shared
// by the IMAP and the SMTP server.
type serving struct {
	ln     net.Listener
	wg     sync.WaitGroup
	closed atomic.Bool
}

// listen opens addr (with implicit TLS when tlsConfig is set) and runs
// serve on it; an error from serve while the server is not being closed is
// logged.
func (sv *serving) listen(addr, what string, tlsConfig *tls.Config, log *slog.Logger, serve func(net.Listener) error) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s listen: %w", what, err)
	}
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
	}
	sv.ln = ln
	sv.wg.Add(1)
	go func() {
		defer sv.wg.Done()
		if err := serve(ln); err != nil && !sv.closed.Load() {
			log.Error(what+" server stopped", "err", err)
		}
	}()
	return nil
}

// Addr is host:port of the server.
func (sv *serving) Addr() string { return sv.ln.Addr().String() }

// stop closes the listener and then the server (closeServer), once, and
// waits until Serve has returned.
func (sv *serving) stop(closeServer func() error) error {
	if sv.closed.Swap(true) {
		return nil
	}
	// Close the listener ourselves too: a Serve goroutine that has not
	// registered it with the server yet would otherwise keep it open.
	sv.ln.Close()
	err := closeServer()
	sv.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
