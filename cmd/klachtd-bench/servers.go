package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const (
	benchUser     = "klachten@bench.test"
	benchPassword = "bench-secret"
)

// mailUser is the system account that owns the Maildir and runs Dovecot's
// mail processes: "nobody" when we are root (Dovecot refuses uid 0 for
// mail), else ourselves.
type mailUser struct {
	name     string
	group    string
	uid, gid int
	root     bool
}

func currentMailUser() (mailUser, error) {
	if os.Geteuid() == 0 {
		u, err := user.Lookup("nobody")
		if err != nil {
			return mailUser{}, fmt.Errorf("running as root needs the user nobody for Dovecot's mail processes: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return mailUser{name: "nobody", uid: uid, gid: gid, root: true}, nil
	}
	u, err := user.Current()
	if err != nil {
		return mailUser{}, err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	group := u.Gid
	if g, err := user.LookupGroupId(u.Gid); err == nil {
		group = g.Name
	}
	return mailUser{name: u.Username, group: group, uid: uid, gid: gid}, nil
}

// dovecot is one private Dovecot instance: its config, run and state
// folders and the Maildir of the single user, all under dir.
type dovecot struct {
	dir     string
	conf    string
	port    int
	maildir string // ~/Maildir of benchUser
	user    mailUser
	p       *proc
}

func findBinary(name string, extra ...string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range append(extra, "/usr/sbin", "/usr/bin", "/usr/local/sbin") {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found: apt-get install -y dovecot-imapd postfix isync (see cmd/klachtd-bench/setup.sh)", name)
}

func newDovecot(dir string, port int, u mailUser) (*dovecot, error) {
	d := &dovecot{dir: dir, conf: filepath.Join(dir, "dovecot.conf"), port: port, user: u,
		maildir: filepath.Join(dir, "home", "Maildir")}
	for _, sub := range []string{"run", "state", "home"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, err
		}
	}
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(d.maildir, sub), 0o700); err != nil {
			return nil, err
		}
	}
	passwd := fmt.Sprintf("%s:{PLAIN}%s:::::\n", benchUser, benchPassword)
	if err := os.WriteFile(filepath.Join(dir, "passwd"), []byte(passwd), 0o644); err != nil {
		return nil, err
	}
	internal, login, extra := "dovecot", "dovenull", ""
	if !u.root {
		// Without root, every Dovecot process runs as us.
		internal, login = u.name, u.name
		extra = "default_internal_group = " + u.group + "\n"
	}
	conf := fmt.Sprintf(`# klachtd-bench: a private Dovecot, loopback only, no TLS.
protocols = imap
listen = 127.0.0.1
base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
info_log_path = %[1]s/dovecot.log
instance_name = klachtd-bench-%[2]d
default_internal_user = %[3]s
default_login_user = %[4]s
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:~/Maildir
mail_max_userip_connections = 50
%[7]snamespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/passwd
}
userdb {
  driver = static
  args = uid=%[5]d gid=%[6]d home=%[1]s/home
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = %[2]d
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`, dir, port, internal, login, u.uid, u.gid, extra)
	if err := os.WriteFile(d.conf, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	return d, nil
}

// chownMail gives the Maildir to the mail user (we wrote it as root).
func (d *dovecot) chownMail() error {
	if !d.user.root {
		return nil
	}
	return filepath.WalkDir(filepath.Join(d.dir, "home"), func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, d.user.uid, d.user.gid)
	})
}

func (d *dovecot) start() error {
	bin, err := findBinary("dovecot")
	if err != nil {
		return err
	}
	if err := d.chownMail(); err != nil {
		return fmt.Errorf("chown maildir: %w", err)
	}
	if err := portFree(d.port); err != nil {
		return err
	}
	// -F: foreground, so the master stays our child and its process group
	// holds every Dovecot process of this instance.
	p, err := startProc("dovecot", exec.Command(bin, "-F", "-c", d.conf), filepath.Join(d.dir, "dovecot.stdout"))
	if err != nil {
		return err
	}
	d.p = p
	if err := waitPort(d.port, 20*time.Second, p); err != nil {
		log, _ := os.ReadFile(filepath.Join(d.dir, "dovecot.log"))
		out, _ := os.ReadFile(filepath.Join(d.dir, "dovecot.stdout"))
		return fmt.Errorf("dovecot: %w\n%s%s", err, out, tail(string(log), 2000))
	}
	return nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// portFree fails when something already listens on 127.0.0.1:port.
func portFree(port int) error {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 300*time.Millisecond)
	if err == nil {
		c.Close()
		return fmt.Errorf("127.0.0.1:%d is in use: choose other ports (-imap-port, -smtp-port)", port)
	}
	return nil
}

// waitPort waits until 127.0.0.1:port accepts connections.
func waitPort(port int, d time.Duration, p *proc) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if p != nil && p.exited() {
			return fmt.Errorf("exited before listening on port %d: %v", port, p.err)
		}
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("nothing listens on 127.0.0.1:%d after %v", port, d)
}

// sink is one run of Postfix's smtp-sink that captures every accepted mail
// transaction to its own file in dumpDir (one file per message, written as
// the message arrives and closed when "." is answered, so the file's mtime is
// the moment of acceptance).
type sink struct {
	port    int
	dumpDir string
	p       *proc
}

func startSink(port int, dumpDir, logPath string, u mailUser) (*sink, error) {
	bin, err := findBinary("smtp-sink")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dumpDir, 0o755); err != nil {
		return nil, err
	}
	if err := portFree(port); err != nil {
		return nil, err
	}
	args := []string{}
	if u.root {
		// smtp-sink refuses to run as root; it switches to -u after bind.
		if err := os.Chown(dumpDir, u.uid, u.gid); err != nil {
			return nil, err
		}
		args = append(args, "-u", u.name)
	}
	// The template has no "/" after the folder, so files are
	// DIR/HHMMSS.<random hex>: the time prefix keeps random names from
	// colliding across a long run.
	args = append(args, "-d", filepath.Join(dumpDir, "%H%M%S."), "-m", "64", fmt.Sprintf("127.0.0.1:%d", port), "256")
	p, err := startProc("smtp-sink", exec.Command(bin, args...), logPath)
	if err != nil {
		return nil, err
	}
	if err := waitPort(port, 10*time.Second, p); err != nil {
		p.stop(time.Second)
		return nil, fmt.Errorf("smtp-sink: %w", err)
	}
	return &sink{port: port, dumpDir: dumpDir, p: p}, nil
}

func (s *sink) stop() { s.p.stop(5 * time.Second) }

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
