package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/ingressus/klachtd/e2e/mailservers"
)

// mbsyncResult is the do-it-yourself intake: mbsync (isync) pulling the
// intake mailbox into a local Maildir with FSync on.
type mbsyncResult struct {
	Messages int     `json:"messages"`
	Seconds  float64 `json:"seconds"`
	PerSec   float64 `json:"msgs_per_s"`
	Version  string  `json:"version"`
}

func runMbsync(ctx context.Context, dir string, imapPort int) (mbsyncResult, error) {
	var res mbsyncResult
	bin, err := mailservers.FindBinary("mbsync")
	if err != nil {
		return res, err
	}
	if v, err := exec.Command(bin, "--version").Output(); err == nil {
		res.Version = string(trimNL(v))
	}
	local := filepath.Join(dir, "local")
	if err := os.MkdirAll(local, 0o700); err != nil {
		return res, err
	}
	conf := filepath.Join(dir, "mbsyncrc")
	rc := fmt.Sprintf(`# klachtd-bench: what a do-it-yourself intake would do.
FSync yes

IMAPAccount bench
Host 127.0.0.1
Port %d
User %s
Pass %s
SSLType None
AuthMechs LOGIN

IMAPStore bench-far
Account bench

MaildirStore bench-near
Path %s/
Inbox %s/INBOX

Channel bench
Far :bench-far:
Near :bench-near:
Patterns INBOX
Sync Pull
Create Near
Expunge None
SyncState *
`, imapPort, benchUser, benchPassword, local, local)
	if err := os.WriteFile(conf, []byte(rc), 0o600); err != nil {
		return res, err
	}
	cmd := exec.CommandContext(ctx, bin, "-c", conf, "-q", "bench")
	logf, err := os.Create(filepath.Join(dir, "mbsync.log"))
	if err != nil {
		return res, err
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return res, fmt.Errorf("mbsync: %w\n%s", err, tailFile(logf.Name(), 2000))
	}
	el := time.Since(start)
	res.Seconds = el.Seconds()
	for _, sub := range []string{"cur", "new"} {
		ents, _ := os.ReadDir(filepath.Join(local, "INBOX", sub))
		res.Messages += len(ents)
	}
	if el > 0 {
		res.PerSec = float64(res.Messages) / el.Seconds()
	}
	return res, nil
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// sourceResult is smtp-source sending to the same sink.
type sourceResult struct {
	Messages int     `json:"messages"`
	Accepted int     `json:"accepted"`
	Length   int     `json:"payload_bytes"`
	Sessions int     `json:"sessions"`
	Seconds  float64 `json:"seconds"`
	PerSec   float64 `json:"msgs_per_s"`
	Dump     bool    `json:"sink_captures"`
}

// runSmtpSource runs `smtp-source -d -s sessions -m n -l length` against a
// fresh sink; capture says whether the sink writes every message to a file
// (as in the backlog) or throws it away.
func runSmtpSource(ctx context.Context, dir string, port, n, length, sessions int, capture bool, u mailservers.Account) (sourceResult, error) {
	res := sourceResult{Messages: n, Length: length, Sessions: sessions, Dump: capture}
	bin, err := mailservers.FindBinary("smtp-source")
	if err != nil {
		return res, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	var s *sink
	if capture {
		s, err = startSink(port, filepath.Join(dir, "dump"), filepath.Join(dir, "smtp-sink.log"), u)
	} else {
		s, err = startNullSink(port, filepath.Join(dir, "smtp-sink.log"), u)
	}
	if err != nil {
		return res, err
	}
	defer s.stop()
	cmd := exec.CommandContext(ctx, bin, "-d", "-s", strconv.Itoa(sessions), "-m", strconv.Itoa(n), "-l", strconv.Itoa(length),
		"-f", "bench@bench.test", "-t", "sink@bench.test", "-M", "bench.test", fmt.Sprintf("127.0.0.1:%d", port))
	out, err := os.Create(filepath.Join(dir, "smtp-source.log"))
	if err != nil {
		return res, err
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return res, fmt.Errorf("smtp-source: %w\n%s", err, tailFile(out.Name(), 2000))
	}
	el := time.Since(start)
	res.Seconds = el.Seconds()
	res.PerSec = float64(n) / el.Seconds()
	if capture {
		res.Accepted = s.count()
	} else {
		res.Accepted = n
	}
	return res, nil
}

// startNullSink is smtp-sink without capture: the fastest the sink goes.
func startNullSink(port int, logPath string, u mailservers.Account) (*sink, error) {
	bin, err := mailservers.FindBinary("smtp-sink")
	if err != nil {
		return nil, err
	}
	if err := mailservers.PortFree(port); err != nil {
		return nil, err
	}
	var args []string
	if u.Root {
		args = append(args, "-u", u.Name)
	}
	args = append(args, "-m", "64", fmt.Sprintf("127.0.0.1:%d", port), "256")
	p, err := mailservers.StartProc("smtp-sink", exec.Command(bin, args...), logPath)
	if err != nil {
		return nil, err
	}
	if err := mailservers.WaitPort(port, 10*time.Second, p); err != nil {
		p.Stop(time.Second)
		return nil, err
	}
	return &sink{port: port, p: p}, nil
}
