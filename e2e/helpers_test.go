package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-smtp"

	kconfig "github.com/ingressus/klachtd/cmd/klachtd/config"
)

// buildKlachtd builds the klachtd binary into a fresh temporary folder.
func buildKlachtd(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "klachtd")
	start := time.Now()
	out, err := exec.Command("go", "build", "-o", bin, "github.com/ingressus/klachtd/cmd/klachtd").CombinedOutput()
	if err != nil {
		t.Fatalf("go build klachtd: %v\n%s", err, out)
	}
	t.Logf("built %s in %v", bin, time.Since(start).Round(time.Millisecond))
	return bin
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitListening waits until something accepts connections on addr.
func waitListening(t *testing.T, addr string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on %s after %v: %v", addr, within, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// proc is a klachtd subprocess whose stdout and stderr go to a log file.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

// startProc starts bin with args; its output goes to logPath (appended).
func startProc(t *testing.T, name, logPath, bin string, args ...string) *proc {
	t.Helper()
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		t.Fatalf("start %s: %v", name, err)
	}
	p := &proc{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p
}

// running reports whether the process has not exited yet.
func (p *proc) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL and waits until the process is reaped, so its PID is
// gone from /proc (the outbox frees leases of dead PIDs).
func (p *proc) kill() {
	if p.running() {
		p.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-p.done
}

// stop sends SIGTERM and waits up to d for a clean exit, then kills.
func (p *proc) stop(d time.Duration) error {
	if !p.running() {
		return p.err
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.err
	case <-time.After(d):
		p.kill()
		return fmt.Errorf("%s did not stop within %v after SIGTERM; killed", p.name, d)
	}
}

// tail returns the last n lines of the process's log.
func (p *proc) tail(n int) string {
	data, _ := os.ReadFile(p.log)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// mailWorld names the addresses of one test's mail world.
type mailWorld struct {
	intake     string // klachten@…
	formSender string // noreply@web.…
	complDom   string // the complainants' domain
	handlers   [2]string
	management string
}

// complainant is the address of form mail i's complainant.
func (w mailWorld) complainant(i int) string {
	return fmt.Sprintf("klant%03d@%s", i, w.complDom)
}

// formMail is the web form's mail for complaint i from complainant addr;
// id makes its Message-ID unique to the run.
func (w mailWorld) formMail(i int, addr, id string) []byte {
	return crlf(fmt.Sprintf(`From: Ingressus website <%s>
To: %s
Subject: Nieuwe klacht via het klachtenformulier
Date: %s
Message-ID: <form-%d-%s@web.ingressus.test>
Reply-To: %s
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Bedrijfsnaam: Klant %03d B.V.
Adres: Hoofdstraat %d
3011 AB Rotterdam
Naam: Klant %03d
Telefoonnummer: 010-1234567
Bereikbaarheid: ma t/m vr tussen 9:00 en 12:00
E-mailadres: %s
Datum: 23-11-2026
Omschrijving van de klacht: Levering %d was niet compleet.
Er ontbraken twee pallets.
`, w.formSender, w.intake, time.Now().Format(time.RFC1123Z), i, id, addr, i, i+1, i, addr, i))
}

// replyMail is reply number k: complainant i writing again about the
// complaint, threaded by In-Reply-To to the form mail.
func (w mailWorld) replyMail(k, i int, id string) []byte {
	return crlf(fmt.Sprintf(`From: Klant %03d <%s>
To: %s
Subject: Re: Nieuwe klacht via het klachtenformulier
Date: %s
Message-ID: %s
In-Reply-To: <form-%d-%s@web.ingressus.test>
References: <form-%d-%s@web.ingressus.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Ik wil nog iets aanvullen (aanvulling %d): de chauffeur belde ook niet aan.
`, i, w.complainant(i), w.intake, time.Now().Format(time.RFC1123Z), w.replyID(k, id), i, id, i, id, k))
}

// replyID is the Message-ID of reply k.
func (w mailWorld) replyID(k int, id string) string {
	return fmt.Sprintf("<reply-%d-%s@%s>", k, id, w.complDom)
}

func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

// config is klachtd.toml for a test: kconfig.Local at the world's domain,
// on the world's servers.
type config struct {
	world       mailWorld
	imapAddr    string
	imapUser    string
	imapPass    string
	smtpAddr    string
	database    string
	httpListen  string
	poll        time.Duration   // imap.poll_interval; 0: 10s
	retry       []time.Duration // smtp.retry_schedule; nil: klachtd's own
	connections int             // smtp.connections; 0: klachtd's default
}

// build is the config as a value, for a test that changes more.
func (c config) build(t *testing.T) kconfig.Config {
	t.Helper()
	_, domain, _ := strings.Cut(c.world.intake, "@")
	k := kconfig.Local(domain, c.imapAddr, c.smtpAddr)
	if got := [...]string{k.Gateway.FormSenders[0], k.Handlers[0].Email, k.Handlers[1].Email, k.Mgmt[0].Email}; got !=
		[...]string{c.world.formSender, c.world.handlers[0], c.world.handlers[1], c.world.management} {
		t.Fatalf("kconfig.Local(%s) has the people %v; the mail world has %+v", domain, got, c.world)
	}
	k.Gateway.Database = c.database
	k.IMAP.Username, k.IMAP.Password = c.imapUser, c.imapPass
	if c.poll != 0 {
		k.IMAP.PollInterval = kconfig.Dur(c.poll)
	}
	for _, d := range c.retry {
		k.SMTP.RetrySchedule = append(k.SMTP.RetrySchedule, kconfig.Dur(d))
	}
	if c.connections != 0 {
		k.SMTP.Connections = c.connections
	}
	k.HTTP.Listen = c.httpListen
	return k
}

func (c config) write(t *testing.T, path string) {
	t.Helper()
	writeConfig(t, path, c.build(t))
}

// writeConfig writes k to path.
func writeConfig(t *testing.T, path string, k kconfig.Config) {
	t.Helper()
	if err := k.WriteFile(path, "Written by klachtd's e2e tests."); err != nil {
		t.Fatal(err)
	}
}

// seconds is a retry schedule in whole seconds.
func seconds(s ...int) []time.Duration {
	var out []time.Duration
	for _, n := range s {
		out = append(out, time.Duration(n)*time.Second)
	}
	return out
}

// submit sends raw by SMTP to the server at addr, without TLS or login.
func submit(addr, from string, to []string, raw []byte) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("e2e.test"); err != nil {
		return err
	}
	if err := c.SendMail(from, to, bytes.NewReader(raw)); err != nil {
		return err
	}
	return c.Quit()
}

// header is what the tests look at in one stored mail.
type header struct {
	UID       uint32
	MessageID string
	Letter    string // X-Klachtd-Letter
	Subject   string
	To        string
	Ref       string // X-Klachtd-Ref
	ReplyTo   string
	Delivered string // Delivered-To
}

// imapSession is a logged-in test client.
type imapSession struct {
	c *imapclient.Client
}

func imapLogin(addr, user, pass string) (*imapSession, error) {
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		return nil, err
	}
	if err := c.Login(user, pass).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("login %s: %w", user, err)
	}
	return &imapSession{c: c}, nil
}

func (s *imapSession) close() {
	s.c.Logout().Wait()
	s.c.Close()
}

// read returns the headers of every mail in folder (read-only), the
// folder's UIDVALIDITY, and whether the folder exists.
func (s *imapSession) read(folder string) ([]header, uint32, bool, error) {
	sel, err := s.c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		var ierr *imap.Error
		if asIMAPError(err, &ierr) && ierr.Type == imap.StatusResponseTypeNo {
			return nil, 0, false, nil
		}
		return nil, 0, false, fmt.Errorf("select %s: %w", folder, err)
	}
	if sel.NumMessages == 0 {
		return nil, sel.UIDValidity, true, nil
	}
	msgs, err := s.c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{
		Specifier: imap.PartSpecifierHeader, Peek: true,
		HeaderFields: []string{"Message-Id", "X-Klachtd-Letter", "X-Klachtd-Ref", "Subject", "To", "Reply-To", "Delivered-To"},
	}}}).Collect()
	if err != nil {
		return nil, 0, true, fmt.Errorf("fetch %s: %w", folder, err)
	}
	out := make([]header, 0, len(msgs))
	for _, m := range msgs {
		h := header{UID: uint32(m.UID)}
		if len(m.BodySection) > 0 {
			if pm, err := mail.ReadMessage(bytes.NewReader(append(m.BodySection[0].Bytes, "\r\n"...))); err == nil {
				h.MessageID = strings.TrimSpace(pm.Header.Get("Message-Id"))
				h.Letter = strings.TrimSpace(pm.Header.Get("X-Klachtd-Letter"))
				h.Subject = pm.Header.Get("Subject")
				h.To = pm.Header.Get("To")
				h.Ref = strings.TrimSpace(pm.Header.Get("X-Klachtd-Ref"))
				h.ReplyTo = pm.Header.Get("Reply-To")
				h.Delivered = strings.TrimSpace(pm.Header.Get("Delivered-To"))
			}
		}
		out = append(out, h)
	}
	return out, sel.UIDValidity, true, nil
}

func asIMAPError(err error, target **imap.Error) bool {
	for err != nil {
		if e, ok := err.(*imap.Error); ok {
			*target = e
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// readFolder logs in, reads one folder and logs out.
func readFolder(addr, user, pass, folder string) ([]header, error) {
	s, err := imapLogin(addr, user, pass)
	if err != nil {
		return nil, err
	}
	defer s.close()
	h, _, _, err := s.read(folder)
	return h, err
}

// listItem is one line of `klachtd list --json`.
type listItem struct {
	Ref     string `json:"ref"`
	Company string `json:"company"`
	State   string `json:"state"`
	Handler string `json:"handler"`
}

func klachtdList(bin, cfg string) ([]listItem, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "list", "--json", "--config", cfg)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("klachtd list: %w: %s", err, stderr.String())
	}
	var items []listItem
	if err := json.Unmarshal(bytes.TrimSpace(out), &items); err != nil && len(bytes.TrimSpace(out)) > 0 && string(bytes.TrimSpace(out)) != "null" {
		return nil, fmt.Errorf("klachtd list: %w: %s", err, out)
	}
	return items, nil
}

// showEmail is the complainant's address of one complaint (`klachtd show --json`).
func showEmail(bin, cfg, ref string) (string, error) {
	out, err := exec.Command(bin, "show", ref, "--json", "--config", cfg).Output()
	if err != nil {
		return "", fmt.Errorf("klachtd show %s: %w", ref, err)
	}
	var v struct {
		Complaint map[string]any `json:"complaint"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return "", err
	}
	for _, k := range []string{"email", "Email"} {
		if s, ok := v.Complaint[k].(string); ok {
			return s, nil
		}
	}
	return "", fmt.Errorf("klachtd show %s: no email in %s", ref, out)
}

// metrics reads klachtd's /metrics: letters by kind and state, outbox depth.
type metrics struct {
	letters map[string]map[string]int
	mails   map[string]int
	depth   int
	up      bool
}

var metricLine = regexp.MustCompile(`^(klachtd_[a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$`)
var labelRe = regexp.MustCompile(`([a-z]+)="([^"]*)"`)

func readMetrics(httpAddr string) (*metrics, error) {
	cl := http.Client{Timeout: 5 * time.Second}
	resp, err := cl.Get("http://" + httpAddr + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	m := &metrics{letters: map[string]map[string]int{}, mails: map[string]int{}}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		sm := metricLine.FindStringSubmatch(sc.Text())
		if sm == nil {
			continue
		}
		v, _ := strconv.ParseFloat(sm[3], 64)
		labels := map[string]string{}
		for _, l := range labelRe.FindAllStringSubmatch(sm[2], -1) {
			labels[l[1]] = l[2]
		}
		switch sm[1] {
		case "klachtd_letters_total":
			if m.letters[labels["letter"]] == nil {
				m.letters[labels["letter"]] = map[string]int{}
			}
			m.letters[labels["letter"]][labels["state"]] = int(v)
		case "klachtd_mails_processed_total":
			m.mails[labels["kind"]] = int(v)
		case "klachtd_outbox_depth":
			m.depth = int(v)
		case "klachtd_imap_connected":
			m.up = v == 1
		}
	}
	return m, sc.Err()
}

// lastLogMsg is the msg= of the last log line in data (slog text format).
func lastLogMsg(data []byte) string {
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if _, rest, ok := strings.Cut(lines[i], " msg="); ok {
			if strings.HasPrefix(rest, `"`) {
				if s, err := strconv.QuotedPrefix(rest); err == nil {
					u, _ := strconv.Unquote(s)
					return u
				}
			}
			msg, _, _ := strings.Cut(rest, " ")
			return msg
		}
	}
	return "(nothing logged yet)"
}
