package mailservers

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// PostfixConfig is one private Postfix. It needs root.
type PostfixConfig struct {
	// Dir holds the instance: etc (main.cf, master.cf, maps), spool, lib
	// and postfix.log.
	Dir      string
	SMTPPort int
	// LMTPPort is Dovecot's LMTP, where the Users' mail goes.
	LMTPPort int
	// Users are the addresses Postfix delivers; their domains are its
	// virtual mailbox domains, the first one its own.
	Users []string
	// SMTPDTimeout is smtpd_timeout; default 3s (see main.cf below).
	SMTPDTimeout string
}

// Postfix is a private Postfix: SMTP on loopback accepting from loopback
// without login, delivering its domains to Dovecot by LMTP, with
// recipient_delimiter "+" (klachten+anything@ lands in klachten@'s INBOX).
// Its master runs as a daemon (postfix start), stopped by postfix stop.
type Postfix struct {
	c   PostfixConfig
	etc string
}

// NewPostfix writes the instance's config.
func NewPostfix(c PostfixConfig) (*Postfix, error) {
	if len(c.Users) == 0 {
		return nil, fmt.Errorf("postfix: no users")
	}
	if c.SMTPDTimeout == "" {
		c.SMTPDTimeout = "3s"
	}
	p := &Postfix{c: c, etc: filepath.Join(c.Dir, "etc")}
	if err := os.MkdirAll(p.etc, 0o755); err != nil {
		return nil, err
	}
	var domains []string
	var vmailbox strings.Builder
	for _, u := range c.Users {
		fmt.Fprintf(&vmailbox, "%s OK\n", u)
		if _, d, _ := strings.Cut(u, "@"); !slices.Contains(domains, d) {
			domains = append(domains, d)
		}
	}
	files := map[string]string{
		"vmailbox":         vmailbox.String(),
		"recipient_access": "",
		"main.cf":          p.mainCF(domains),
		"master.cf":        fmt.Sprintf(masterCF, c.SMTPPort),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(p.etc, name), []byte(text), 0o644); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *Postfix) mainCF(domains []string) string {
	return fmt.Sprintf(`# Written by klachtd's e2e/mailservers: a Postfix for tests only.
compatibility_level = 3.6
queue_directory = %[1]s/spool
data_directory = %[1]s/lib
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.%[2]s
mydomain = %[2]s
myorigin = $mydomain
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
alias_maps =
alias_database =
local_transport = error:5.1.1 local delivery is off in this test instance
virtual_mailbox_domains = %[3]s
virtual_mailbox_maps = texthash:%[4]s/vmailbox
virtual_transport = lmtp:inet:127.0.0.1:%[5]d
recipient_delimiter = +
# Seen in practice: Dovecot's LMTP writes Delivered-To (the +token klachtd
# threads by) only when a transaction has one recipient; a mail to
# klachten+token@ and a colleague in one go would arrive without it.
lmtp_destination_recipient_limit = 1
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
# Defer(DOMAIN) writes "DOMAIN 451 …" here: a deferral at RCPT.
smtpd_recipient_restrictions = check_recipient_access texthash:%[4]s/recipient_access, permit_mynetworks, reject_unauth_destination
smtpd_banner = $myhostname ESMTP
# A reload reaches only new SMTP sessions; klachtd keeps its connection
# open between letters, so Postfix closing idle sessions soon lets a
# Defer/Accept take effect within seconds (default 300s).
smtpd_timeout = %[6]s
# Retry deferred mail (Dovecot stopped) within seconds, not minutes.
queue_run_delay = 2s
minimal_backoff_time = 2s
maximal_backoff_time = 10s
maillog_file = %[1]s/postfix.log
maillog_file_prefixes = /var, /dev/stdout, %[1]s
biff = no
smtputf8_enable = no
`, p.c.Dir, domains[0], strings.Join(domains, " "), p.etc, p.c.LMTPPort, p.c.SMTPDTimeout)
}

// masterCF is Debian's master.cf without chroot: ours runs nothing
// chrooted.
const masterCF = `# Written by klachtd's e2e/mailservers.
127.0.0.1:%d inet n - n - - smtpd
pickup     unix  n - n 60   1 pickup
cleanup    unix  n - n -    0 cleanup
qmgr       unix  n - n 300  1 qmgr
rewrite    unix  - - n -    - trivial-rewrite
bounce     unix  - - n -    0 bounce
defer      unix  - - n -    0 bounce
trace      unix  - - n -    0 bounce
verify     unix  - - n -    1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -    - proxymap
proxywrite unix  - - n -    1 proxymap
smtp       unix  - - n -    - smtp
relay      unix  - - n -    - smtp
showq      unix  n - n -    - showq
error      unix  - - n -    - error
retry      unix  - - n -    - error
discard    unix  - - n -    - discard
local      unix  - n n -    - local
virtual    unix  - n n -    - virtual
lmtp       unix  - - n -    - lmtp
anvil      unix  - - n -    1 anvil
scache     unix  - - n -    1 scache
postlog    unix-dgram n - n - 1 postlogd
`

// Log is the path of Postfix's log.
func (p *Postfix) Log() string { return filepath.Join(p.c.Dir, "postfix.log") }

// cmdLog collects the output of the postfix commands we run.
func (p *Postfix) cmdLog() string { return filepath.Join(p.c.Dir, "commands.log") }

// Start checks the config (postfix check also makes the queue's folders
// with their owners), starts Postfix and waits until it listens.
func (p *Postfix) Start() error {
	bin, err := FindBinary("postfix")
	if err != nil {
		return err
	}
	if err := PortFree(p.c.SMTPPort); err != nil {
		return err
	}
	lib := filepath.Join(p.c.Dir, "lib")
	for _, d := range []string{filepath.Join(p.c.Dir, "spool"), lib} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	u, err := user.Lookup("postfix")
	if err != nil {
		return fmt.Errorf("postfix: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(lib, uid, gid); err != nil {
		return err
	}
	for _, cmd := range []string{"check", "start"} {
		if err := run(p.cmdLog(), bin, "-c", p.etc, cmd); err != nil {
			return fmt.Errorf("%w%s", err, tailFile(p.Log(), 1000))
		}
	}
	if err := WaitPort(p.c.SMTPPort, 20*time.Second, nil); err != nil {
		return fmt.Errorf("postfix: %w; see %s", err, p.Log())
	}
	return nil
}

// Stop stops Postfix and waits until SMTP is closed.
func (p *Postfix) Stop() error {
	bin, err := FindBinary("postfix")
	if err != nil {
		return err
	}
	if run(p.cmdLog(), bin, "-c", p.etc, "status") != nil {
		return nil // not running
	}
	if err := run(p.cmdLog(), bin, "-c", p.etc, "stop"); err != nil {
		return err
	}
	return waitClosed(p.c.SMTPPort, 20*time.Second)
}

// Defer makes Postfix answer 451 to RCPT TO:<…@domain> until Accept. It
// reaches only new SMTP sessions.
func (p *Postfix) Defer(domain string) error {
	return p.setAccess(domain + " 451 4.7.1 deferred by klachtd e2e test\n")
}

// Accept undoes Defer.
func (p *Postfix) Accept() error { return p.setAccess("") }

func (p *Postfix) setAccess(text string) error {
	if err := os.WriteFile(filepath.Join(p.etc, "recipient_access"), []byte(text), 0o644); err != nil {
		return err
	}
	bin, err := FindBinary("postfix")
	if err != nil {
		return err
	}
	return run(p.cmdLog(), bin, "-c", p.etc, "reload")
}

// Flush makes Postfix retry its deferred mail now.
func (p *Postfix) Flush() error {
	bin, err := FindBinary("postqueue")
	if err != nil {
		return err
	}
	return run(p.cmdLog(), bin, "-c", p.etc, "-f")
}
