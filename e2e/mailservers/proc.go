// Package mailservers runs a private Dovecot (IMAP, LMTP) and Postfix
// (SMTP) from Debian's packages on loopback ports, with their own config,
// state and mail under one folder, next to (never instead of) a system
// Dovecot or Postfix: the real servers of the end-to-end tests (package
// e2e) and of the benchmark (cmd/klachtd-bench). It writes their config,
// starts them, waits until they listen and stops them; installing the
// packages is e2e/setup-mailservers.sh's job.
package mailservers

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Proc is a child process started in its own process group, so that
// stopping it also stops whatever it forked (Dovecot's imap and auth
// processes, say). Every Proc is registered until stopped; StopAll stops
// the rest.
type Proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

var (
	procsMu sync.Mutex
	procs   []*Proc
)

// StartProc starts cmd in a new process group with its output appended to
// logPath ("" = discarded). The child is killed if we die.
func StartProc(name string, cmd *exec.Cmd, logPath string) (*Proc, error) {
	if logPath != "" {
		f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, err
		}
		cmd.Stdout, cmd.Stderr = f, f
		defer f.Close() // the child has its own copy
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Proc{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	procsMu.Lock()
	procs = append(procs, p)
	procsMu.Unlock()
	return p, nil
}

// PID is the process ID, which is also its process group's ID.
func (p *Proc) PID() int { return p.cmd.Process.Pid }

// Done is closed when the process has ended.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Err is how the process ended; nil while it runs.
func (p *Proc) Err() error {
	if !p.Exited() {
		return nil
	}
	return p.err
}

// Stop sends SIGTERM to the process group, waits up to grace, then SIGKILLs
// the group. Safe to call twice.
func (p *Proc) Stop(grace time.Duration) {
	pgid := p.cmd.Process.Pid
	if !p.Exited() {
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(grace):
			fmt.Fprintf(os.Stderr, "mailservers: %s did not stop within %v, killing it\n", p.name, grace)
		}
	}
	// Children that outlived the leader (or ignored TERM) go too.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	<-p.done
	procsMu.Lock()
	for i, q := range procs {
		if q == p {
			procs = append(procs[:i], procs[i+1:]...)
			break
		}
	}
	procsMu.Unlock()
}

// StopAll stops every process still registered, newest first.
func StopAll() {
	procsMu.Lock()
	list := append([]*Proc(nil), procs...)
	procsMu.Unlock()
	for i := len(list) - 1; i >= 0; i-- {
		list[i].Stop(10 * time.Second)
	}
}

// FindBinary finds a program on PATH or in the sbin folders, which an
// ordinary user's PATH often lacks.
func FindBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range []string{"/usr/sbin", "/usr/bin", "/usr/local/sbin"} {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found: bash e2e/setup-mailservers.sh install (as root) installs Dovecot and Postfix", name)
}

func dialPort(port int) bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// PortFree fails when something already listens on 127.0.0.1:port.
func PortFree(port int) error {
	if dialPort(port) {
		return fmt.Errorf("127.0.0.1:%d is in use (a leftover instance?): choose other ports", port)
	}
	return nil
}

// WaitPort waits until 127.0.0.1:port accepts connections, or p (if not
// nil) has exited.
func WaitPort(port int, d time.Duration, p *Proc) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if p != nil && p.Exited() {
			return fmt.Errorf("exited before listening on port %d: %v", port, p.err)
		}
		if dialPort(port) {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("nothing listens on 127.0.0.1:%d after %v", port, d)
}

// waitClosed waits until nothing accepts on 127.0.0.1:port.
func waitClosed(port int, d time.Duration) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if !dialPort(port) {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("127.0.0.1:%d still accepts connections after %v", port, d)
}

// run runs a command to its end with its output appended to logPath (a
// file, not a pipe: a daemon the command starts may keep its output open);
// on failure the error holds the log's end.
func run(logPath, name string, args ...string) error {
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, tailFile(logPath, 2000))
	}
	return nil
}

// tailFile is the last n bytes of a file.
func tailFile(path string, n int) string {
	data, _ := os.ReadFile(path)
	if len(data) > n {
		return "…" + string(data[len(data)-n:])
	}
	return string(data)
}
