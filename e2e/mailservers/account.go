package mailservers

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
)

// SystemMailUser is the system account that owns the Maildirs and runs
// Dovecot's mail processes when we are root (Dovecot refuses uid 0 for
// mail); MailAccount adds it when it is missing.
const SystemMailUser = "klachtdmail"

// Account is the user the mail belongs to on disk.
type Account struct {
	Name     string
	Group    string
	UID, GID int
	// Root: we run as root and Account is SystemMailUser; otherwise every
	// Dovecot process runs as Account, which is ourselves.
	Root bool
}

// MailAccount is SystemMailUser when we are root (added as a system user
// without a home or login shell when missing), else the current user.
func MailAccount() (Account, error) {
	if os.Geteuid() == 0 {
		u, err := user.Lookup(SystemMailUser)
		if err != nil {
			if err := exec.Command("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
				"--shell", "/usr/sbin/nologin", SystemMailUser).Run(); err != nil {
				return Account{}, fmt.Errorf("useradd %s: %w", SystemMailUser, err)
			}
			if u, err = user.Lookup(SystemMailUser); err != nil {
				return Account{}, err
			}
		}
		return account(u, true), nil
	}
	u, err := user.Current()
	if err != nil {
		return Account{}, err
	}
	return account(u, false), nil
}

func account(u *user.User, root bool) Account {
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	group := u.Gid
	if g, err := user.LookupGroupId(u.Gid); err == nil {
		group = g.Name
	}
	return Account{Name: u.Username, Group: group, UID: uid, GID: gid, Root: root}
}
