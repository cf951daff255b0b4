package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/ingressus/klachtd/e2e/mailservers"
)

const (
	benchUser     = "klachten@bench.test"
	benchPassword = "bench-secret"
)

// newDovecot writes the config of the bench's private Dovecot: IMAP only,
// benchUser alone.
func newDovecot(dir string, port int, u mailservers.Account) (*mailservers.Dovecot, error) {
	return mailservers.NewDovecot(mailservers.DovecotConfig{Dir: dir, IMAPPort: port,
		Users: []string{benchUser}, Password: benchPassword, Account: u})
}

// sink is one run of Postfix's smtp-sink that captures every accepted mail
// transaction to its own file in dumpDir (one file per message, written as
// the message arrives and closed when "." is answered, so the file's mtime is
// the moment of acceptance).
type sink struct {
	port    int
	dumpDir string
	p       *mailservers.Proc
}

func startSink(port int, dumpDir, logPath string, u mailservers.Account) (*sink, error) {
	bin, err := mailservers.FindBinary("smtp-sink")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dumpDir, 0o755); err != nil {
		return nil, err
	}
	if err := mailservers.PortFree(port); err != nil {
		return nil, err
	}
	args := []string{}
	if u.Root {
		// smtp-sink refuses to run as root; it switches to -u after bind.
		if err := os.Chown(dumpDir, u.UID, u.GID); err != nil {
			return nil, err
		}
		args = append(args, "-u", u.Name)
	}
	// The template has no "/" after the folder, so files are
	// DIR/HHMMSS.<random hex>: the time prefix keeps random names from
	// colliding across a long run.
	args = append(args, "-d", filepath.Join(dumpDir, "%H%M%S."), "-m", "64", fmt.Sprintf("127.0.0.1:%d", port), "256")
	p, err := mailservers.StartProc("smtp-sink", exec.Command(bin, args...), logPath)
	if err != nil {
		return nil, err
	}
	if err := mailservers.WaitPort(port, 10*time.Second, p); err != nil {
		p.Stop(time.Second)
		return nil, fmt.Errorf("smtp-sink: %w", err)
	}
	return &sink{port: port, dumpDir: dumpDir, p: p}, nil
}

func (s *sink) stop() { s.p.Stop(5 * time.Second) }

// count is the number of messages accepted so far.
func (s *sink) count() int {
	f, err := os.Open(s.dumpDir)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	for {
		names, err := f.Readdirnames(4096)
		n += len(names)
		if err != nil {
			break
		}
	}
	return n
}

// captured is one message the sink accepted.
type captured struct {
	file      string
	at        time.Time // mtime: when "." was answered
	from      string
	rcpts     []string
	messageID string
	subject   string
	size      int64 // the message as received, without the sink's own headers
}

// readCaptured reads the envelope and a few headers of one dump file.
func readCaptured(path string) (captured, error) {
	c := captured{file: path}
	f, err := os.Open(path)
	if err != nil {
		return c, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return c, err
	}
	c.at = st.ModTime()
	br := bufio.NewReaderSize(f, 16<<10)
	var own int64 // bytes of the sink's headers
	inOwn := true
	lastWasReceived := false
	for {
		line, err := br.ReadString('\n')
		if line == "" && err != nil {
			break
		}
		if inOwn {
			own += int64(len(line))
		}
		l := strings.TrimRight(line, "\r\n")
		switch {
		case l == "":
			goto done
		case inOwn && strings.HasPrefix(l, "X-Mail-Args: "):
			c.from = strings.Trim(strings.Fields(l[len("X-Mail-Args: "):] + " ")[0], "<>")
		case inOwn && strings.HasPrefix(l, "X-Rcpt-Args: "):
			c.rcpts = append(c.rcpts, strings.ToLower(strings.Trim(strings.Fields(l[len("X-Rcpt-Args: "):] + " ")[0], "<>")))
		case inOwn && strings.HasPrefix(l, "Received: "):
			lastWasReceived = true
			continue
		case inOwn && lastWasReceived && (strings.HasPrefix(l, "\t") || strings.HasPrefix(l, " ")):
			continue
		case inOwn && lastWasReceived:
			inOwn = false
			own -= int64(len(line))
		}
		if !inOwn {
			low := strings.ToLower(l)
			if strings.HasPrefix(low, "message-id:") {
				c.messageID = strings.TrimSpace(l[len("message-id:"):])
			} else if strings.HasPrefix(low, "subject:") {
				c.subject = strings.TrimSpace(l[len("subject:"):])
			}
		}
		if err != nil {
			break
		}
	}
done:
	c.size = st.Size() - own
	return c, nil
}

// readAllCaptured reads every dump file of dir.
func readAllCaptured(dir string) ([]captured, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := make([]captured, 0, len(ents))
	var errs []error
	for _, e := range ents {
		c, err := readCaptured(filepath.Join(dir, e.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, c)
	}
	return out, errors.Join(errs...)
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
