package mailservers

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// DovecotConfig is one private Dovecot.
type DovecotConfig struct {
	// Dir holds everything of the instance: config, state, log and mail
	// (mail/<domain>/<local>/Maildir). The mail account must be able to
	// walk into it.
	Dir      string
	IMAPPort int
	// LMTPPort, when not 0, is where Postfix hands Dovecot the mail.
	LMTPPort int
	// Users are the addresses that log in, each with Password.
	Users    []string
	Password string
	// OAuth2Introspect, when set, makes Dovecot also take SASL XOAUTH2 and
	// OAUTHBEARER, checking each token with its oauth2 passdb by RFC 7662
	// introspection (POST token=…) at this URL, which must answer
	// {"active":true,"username":"<the login user>"}.
	OAuth2Introspect string
	// Account owns the mail (MailAccount).
	Account Account
}

// Dovecot is a private Dovecot: IMAP (and LMTP) on loopback, no TLS,
// plain-text login, passwd-file users, Maildir. It runs in the foreground
// as our child in its own process group, so Stop ends every process of
// the instance, the imap processes serving logged-in clients included (a
// plain "dovecot stop" leaves those running and answering).
type Dovecot struct {
	c    DovecotConfig
	conf string
	p    *Proc
}

// NewDovecot writes the instance's config and every user's empty Maildir.
func NewDovecot(c DovecotConfig) (*Dovecot, error) {
	d := &Dovecot{c: c, conf: filepath.Join(c.Dir, "dovecot.conf")}
	for _, sub := range []string{"run", "state", "mail"} {
		if err := os.MkdirAll(filepath.Join(c.Dir, sub), 0o755); err != nil {
			return nil, err
		}
	}
	// The mail user must walk into Dir.
	if err := os.Chmod(c.Dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.Chmod(filepath.Join(c.Dir, "mail"), 0o700); err != nil {
		return nil, err
	}
	var users strings.Builder
	for _, u := range c.Users {
		fmt.Fprintf(&users, "%s:{PLAIN}%s\n", u, c.Password)
		for _, sub := range []string{"cur", "new", "tmp"} {
			if err := os.MkdirAll(filepath.Join(d.Maildir(u), sub), 0o700); err != nil {
				return nil, err
			}
		}
	}
	passwd := filepath.Join(c.Dir, "users")
	if err := os.WriteFile(passwd, []byte(users.String()), 0o640); err != nil {
		return nil, err
	}
	if c.Account.Root {
		// Dovecot's auth process runs as its own user, dovecot.
		if g, err := user.LookupGroup("dovecot"); err == nil {
			gid, _ := strconv.Atoi(g.Gid)
			if err := os.Chown(passwd, 0, gid); err != nil {
				return nil, err
			}
		}
	}
	if c.OAuth2Introspect != "" {
		conf := fmt.Sprintf("# Written by klachtd's e2e/mailservers.\nintrospection_mode = post\nintrospection_url = %s\n"+
			"username_attribute = username\nactive_attribute = active\nactive_value = true\n", c.OAuth2Introspect)
		if err := os.WriteFile(d.oauth2Conf(), []byte(conf), 0o644); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(d.conf, []byte(d.config()), 0o644); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *Dovecot) oauth2Conf() string { return filepath.Join(d.c.Dir, "oauth2.conf.ext") }

// config is dovecot.conf (Dovecot 2.3).
func (d *Dovecot) config() string {
	c := d.c
	protocols, mechs, owner, passdb, lmtp := "imap", "plain login", "", "", ""
	if !c.Account.Root {
		// Without root, every Dovecot process runs as us.
		owner = fmt.Sprintf("default_internal_user = %[1]s\ndefault_login_user = %[1]s\ndefault_internal_group = %[2]s\n", c.Account.Name, c.Account.Group)
	}
	if c.LMTPPort != 0 {
		protocols += " lmtp"
		lmtp = fmt.Sprintf("service lmtp {\n  inet_listener lmtp {\n    address = 127.0.0.1\n    port = %d\n  }\n}\n", c.LMTPPort)
	}
	if c.OAuth2Introspect != "" {
		mechs += " xoauth2 oauthbearer"
		// After passwd-file: a token is no user's password, so that passdb
		// fails and Dovecot goes on to this one.
		passdb = fmt.Sprintf("passdb {\n  driver = oauth2\n  args = %s\n}\n", d.oauth2Conf())
	}
	return fmt.Sprintf(`# Written by klachtd's e2e/mailservers: a Dovecot for tests only.
protocols = %[3]s
listen = 127.0.0.1
base_dir = %[1]s/run
state_dir = %[1]s/state
instance_name = klachtd-%[2]d
log_path = %[1]s/dovecot.log
%[5]s# Loopback only, so no TLS, and plain-text login is allowed.
ssl = no
disable_plaintext_auth = no
auth_mechanisms = %[4]s
mail_location = maildir:~/Maildir
mail_max_userip_connections = 50
first_valid_uid = %[8]d
last_valid_uid = %[8]d
first_valid_gid = %[9]d
last_valid_gid = %[9]d
# klachten+token@ingressus.test is klachten@ingressus.test, into its INBOX.
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%Lu %[1]s/users
}
%[6]suserdb {
  driver = static
  args = uid=%[8]d gid=%[9]d home=%[1]s/mail/%%Ld/%%Ln
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
%[7]sservice anvil {
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
`, c.Dir, c.IMAPPort, protocols, mechs, owner, passdb, lmtp, c.Account.UID, c.Account.GID)
}

// Maildir is the Maildir of user (an address of Users).
func (d *Dovecot) Maildir(user string) string {
	local, domain, _ := strings.Cut(strings.ToLower(user), "@")
	return filepath.Join(d.c.Dir, "mail", domain, local, "Maildir")
}

// Log is the path of Dovecot's log.
func (d *Dovecot) Log() string { return filepath.Join(d.c.Dir, "dovecot.log") }

// PID is the Dovecot master's PID and process group, while it runs.
func (d *Dovecot) PID() int { return d.p.PID() }

// Start gives the mail to the mail account (files written as root, e.g. a
// filled Maildir), starts Dovecot and waits until it listens.
func (d *Dovecot) Start() error {
	bin, err := FindBinary("dovecot")
	if err != nil {
		return err
	}
	if d.c.Account.Root {
		err := filepath.WalkDir(filepath.Join(d.c.Dir, "mail"), func(p string, _ os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(p, d.c.Account.UID, d.c.Account.GID)
		})
		if err != nil {
			return fmt.Errorf("chown mail: %w", err)
		}
	}
	ports := []int{d.c.IMAPPort}
	if d.c.LMTPPort != 0 {
		ports = append(ports, d.c.LMTPPort)
	}
	for _, port := range ports {
		if err := PortFree(port); err != nil {
			return err
		}
	}
	// -F: foreground, so the master stays our child and its process group
	// holds every Dovecot process of this instance.
	stdout := filepath.Join(d.c.Dir, "dovecot.stdout")
	p, err := StartProc("dovecot", exec.Command(bin, "-F", "-c", d.conf), stdout)
	if err != nil {
		return err
	}
	d.p = p
	for _, port := range ports {
		if err := WaitPort(port, 20*time.Second, p); err != nil {
			p.Stop(time.Second)
			return fmt.Errorf("dovecot: %w\n%s%s", err, tailFile(stdout, 1000), tailFile(d.Log(), 2000))
		}
	}
	return nil
}

// Stop ends every process of the instance and waits until IMAP is closed.
func (d *Dovecot) Stop() error {
	if d.p == nil {
		return nil
	}
	d.p.Stop(10 * time.Second)
	d.p = nil
	return waitClosed(d.c.IMAPPort, 20*time.Second)
}
