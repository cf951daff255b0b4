package mailworld

// Persistence for a world kept on disk (klachtd devmail --dir):
// imapmemserver keeps mail in memory, so every change made through our
// session (imapsession.go) is
// mirrored to disk, and at start the disk copy is replayed into a fresh
// imapmemserver with the same UIDVALIDITY and the same UIDs, so that a
// client's cursor stays valid across a restart of the world.
//
// Layout: DIR/<address>/<folder>/state.json plus <uid>.eml per message.
// state.json is the authority (which UIDs exist, their flags); a message
// file is written and fsynced before the state that names it, so a crash
// leaves at worst an orphan file, never a state entry without its message.
// A move writes the destination before it removes the source: a crash
// between the two duplicates a mail, it never loses one.
//
// Not kept: custom keywords set by STORE (only the system flags), and the
// subscription of folders other than the default ones across a rename.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

const stateFile = "state.json"

// disk mirrors an IMAPServer's folders under dir. Its methods are
// called with the owning account's mutex held; mu guards only the map.
type disk struct {
	dir string

	mu      sync.Mutex
	folders map[string]map[string]*diskFolder // address → folder name
}

// diskFolder is one folder's state.json.
type diskFolder struct {
	UIDValidity uint32                `json:"uidvalidity"`
	UIDNext     uint32                `json:"uidnext"`
	Subscribed  bool                  `json:"subscribed"`
	Messages    map[uint32]*diskEntry `json:"messages"`
}

type diskEntry struct {
	Flags []string  `json:"flags,omitempty"`
	Time  time.Time `json:"time"`
}

func openDisk(dir string) (*disk, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("mail world dir: %w", err)
	}
	return &disk{dir: dir, folders: make(map[string]map[string]*diskFolder)}, nil
}

// fsName escapes a name for use as one path element: letters, digits and
// "-_@+." stay (so addresses remain readable), everything else and a
// leading dot become %XX.
func fsName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_@+", c) >= 0 || (c == '.' && i > 0)
		if ok {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func (d *disk) folderDir(addr, name string) string {
	return filepath.Join(d.dir, fsName(addr), fsName(name))
}

func (d *disk) folder(addr, name string) *diskFolder {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.folders[addr][name]
}

func (d *disk) setFolder(addr, name string, f *diskFolder) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.folders[addr] == nil {
		d.folders[addr] = make(map[string]*diskFolder)
	}
	if f == nil {
		delete(d.folders[addr], name)
	} else {
		d.folders[addr][name] = f
	}
}

// writeFileSync writes data to path and fsyncs it.
func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// save writes a folder's state atomically (temp file, fsync, rename, fsync
// of the directory).
func (d *disk) save(addr, name string, f *diskFolder) error {
	dir := d.folderDir(addr, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, stateFile+".tmp")
	if err := writeFileSync(tmp, data); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, stateFile)); err != nil {
		return err
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	d.setFolder(addr, name, f)
	return nil
}

func (d *disk) emlPath(addr, name string, uid uint32) string {
	return filepath.Join(d.folderDir(addr, name), strconv.FormatUint(uint64(uid), 10)+".eml")
}

// created records a new, empty folder with the UIDVALIDITY the server gave it.
func (d *disk) created(a *account, name string) error {
	if d == nil {
		return nil
	}
	st, err := a.u.Status(name, &imap.StatusOptions{UIDValidity: true, UIDNext: true})
	if err != nil {
		return err
	}
	// A folder of that name that was deleted earlier leaves nothing behind.
	if err := os.RemoveAll(d.folderDir(a.addr, name)); err != nil {
		return err
	}
	sub := name == "INBOX" || name == "Sent" || name == "Trash"
	return d.save(a.addr, name, &diskFolder{UIDValidity: st.UIDValidity, UIDNext: uint32(st.UIDNext), Subscribed: sub, Messages: map[uint32]*diskEntry{}})
}

// appended stores a message that the server gave data.UID.
func (d *disk) appended(a *account, name string, data *imap.AppendData, raw []byte, flags []imap.Flag, t time.Time) error {
	if d == nil {
		return nil
	}
	f := d.folder(a.addr, name)
	if f == nil {
		return fmt.Errorf("mail world disk: unknown folder %q of %s", name, a.addr)
	}
	uid := uint32(data.UID)
	if err := os.MkdirAll(d.folderDir(a.addr, name), 0o700); err != nil {
		return err
	}
	if err := writeFileSync(d.emlPath(a.addr, name, uid), raw); err != nil {
		return err
	}
	nf := f.clone()
	nf.Messages[uid] = &diskEntry{Flags: flagStrings(flags), Time: t}
	nf.UIDNext = max(nf.UIDNext, uid+1)
	return d.save(a.addr, name, nf)
}

func (f *diskFolder) clone() *diskFolder {
	nf := *f
	nf.Messages = make(map[uint32]*diskEntry, len(f.Messages))
	for k, v := range f.Messages {
		e := *v
		e.Flags = slices.Clone(v.Flags)
		nf.Messages[k] = &e
	}
	return &nf
}

func flagStrings(flags []imap.Flag) []string {
	var out []string
	for _, f := range flags {
		out = append(out, string(f))
	}
	return out
}

// copied stores the messages copied from src (uids, ascending) to dest,
// where the server numbered them from destNext on.
func (d *disk) copied(a *account, src string, uids []uint32, dest string, destNext uint32) error {
	if d == nil || len(uids) == 0 {
		return nil
	}
	sf, df := d.folder(a.addr, src), d.folder(a.addr, dest)
	if sf == nil || df == nil {
		return fmt.Errorf("mail world disk: unknown folder %q or %q of %s", src, dest, a.addr)
	}
	if err := os.MkdirAll(d.folderDir(a.addr, dest), 0o700); err != nil {
		return err
	}
	nf := df.clone()
	for i, uid := range uids {
		e := sf.Messages[uid]
		if e == nil {
			return fmt.Errorf("mail world disk: %s %q has no uid %d", a.addr, src, uid)
		}
		raw, err := os.ReadFile(d.emlPath(a.addr, src, uid))
		if err != nil {
			return err
		}
		nuid := destNext + uint32(i)
		if err := writeFileSync(d.emlPath(a.addr, dest, nuid), raw); err != nil {
			return err
		}
		ne := *e
		ne.Flags = slices.Clone(e.Flags)
		nf.Messages[nuid] = &ne
		nf.UIDNext = max(nf.UIDNext, nuid+1)
	}
	return d.save(a.addr, dest, nf)
}

// removed drops uids from a folder: the state first, then the files.
func (d *disk) removed(a *account, name string, uids []uint32) error {
	if d == nil || len(uids) == 0 {
		return nil
	}
	f := d.folder(a.addr, name)
	if f == nil {
		return nil
	}
	nf := f.clone()
	for _, uid := range uids {
		delete(nf.Messages, uid)
	}
	if err := d.save(a.addr, name, nf); err != nil {
		return err
	}
	for _, uid := range uids {
		if err := os.Remove(d.emlPath(a.addr, name, uid)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// retain drops every message of a folder that is not in keep (after an
// EXPUNGE, whose victims we do not see directly).
func (d *disk) retain(a *account, name string, keep []uint32) error {
	if d == nil {
		return nil
	}
	f := d.folder(a.addr, name)
	if f == nil {
		return nil
	}
	var gone []uint32
	for uid := range f.Messages {
		if !slices.Contains(keep, uid) {
			gone = append(gone, uid)
		}
	}
	return d.removed(a, name, gone)
}

// flagsChanged applies a STORE to the recorded flags of uids, as
// imapmemserver applies it to its own.
func (d *disk) flagsChanged(a *account, name string, uids []uint32, op imap.StoreFlagsOp, flags []imap.Flag) error {
	if d == nil || len(uids) == 0 {
		return nil
	}
	f := d.folder(a.addr, name)
	if f == nil {
		return nil
	}
	nf := f.clone()
	for _, uid := range uids {
		e := nf.Messages[uid]
		if e == nil {
			continue
		}
		e.Flags = applyFlags(e.Flags, op, flagStrings(flags))
	}
	return d.save(a.addr, name, nf)
}

func applyFlags(have []string, op imap.StoreFlagsOp, flags []string) []string {
	has := func(l []string, f string) bool {
		return slices.ContainsFunc(l, func(x string) bool { return strings.EqualFold(x, f) })
	}
	switch op {
	case imap.StoreFlagsSet:
		return slices.Clone(flags)
	case imap.StoreFlagsAdd:
		for _, f := range flags {
			if !has(have, f) {
				have = append(have, f)
			}
		}
		return have
	case imap.StoreFlagsDel:
		return slices.DeleteFunc(have, func(x string) bool { return has(flags, x) })
	}
	return have
}

// deleted removes a folder and its messages.
func (d *disk) deleted(a *account, name string) error {
	if d == nil {
		return nil
	}
	d.setFolder(a.addr, name, nil)
	return os.RemoveAll(d.folderDir(a.addr, name))
}

// renamed moves a folder's directory.
func (d *disk) renamed(a *account, oldName, newName string) error {
	if d == nil {
		return nil
	}
	f := d.folder(a.addr, oldName)
	if err := os.Rename(d.folderDir(a.addr, oldName), d.folderDir(a.addr, newName)); err != nil {
		return err
	}
	if err := syncDir(filepath.Join(d.dir, fsName(a.addr))); err != nil {
		return err
	}
	d.setFolder(a.addr, oldName, nil)
	d.setFolder(a.addr, newName, f)
	return nil
}

// subscribed records a folder's subscription.
func (d *disk) subscribed(a *account, name string, on bool) error {
	if d == nil {
		return nil
	}
	f := d.folder(a.addr, name)
	if f == nil {
		return nil
	}
	nf := f.clone()
	nf.Subscribed = on
	return d.save(a.addr, name, nf)
}

// restore loads every account from disk into fresh imapmemserver users,
// folders with their old UIDVALIDITY, messages with their old UIDs.
func (s *IMAPServer) restore() error {
	d := s.disk
	accts, err := os.ReadDir(d.dir)
	if err != nil {
		return err
	}
	for _, ae := range accts {
		if !ae.IsDir() {
			continue
		}
		addr, err := url.PathUnescape(ae.Name())
		if err != nil {
			continue
		}
		a, err := d.restoreAccount(addr, filepath.Join(d.dir, ae.Name()))
		if err != nil {
			return fmt.Errorf("restore %s: %w", addr, err)
		}
		s.accounts[addr] = a
	}
	if len(s.accounts) > 0 {
		s.log.Info("demo mail world restored from disk", "dir", d.dir, "mailboxes", len(s.accounts))
	}
	return nil
}

type loadedFolder struct {
	name string
	f    *diskFolder
}

func (d *disk) restoreAccount(addr, dir string) (*account, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var folders []loadedFolder
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name, err := url.PathUnescape(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name(), stateFile))
		if errors.Is(err, fs.ErrNotExist) {
			continue // a folder whose creation did not finish
		}
		if err != nil {
			return nil, err
		}
		var f diskFolder
		if err := json.Unmarshal(data, &f); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, e.Name(), stateFile), err)
		}
		if f.Messages == nil {
			f.Messages = map[uint32]*diskEntry{}
		}
		folders = append(folders, loadedFolder{name, &f})
	}
	// imapmemserver numbers UIDVALIDITY per user 1, 2, 3… in order of
	// creation; create in the old order, with throwaway folders filling the
	// gaps left by deleted ones, and every folder gets its old value back.
	slices.SortFunc(folders, func(x, y loadedFolder) int { return int(int64(x.f.UIDValidity) - int64(y.f.UIDValidity)) })
	a := &account{addr: addr, u: imapmemserver.NewUser(addr, Password)}
	var counter uint32
	const gap = "\x00restore-gap"
	for _, lf := range folders {
		for counter+1 < lf.f.UIDValidity {
			if err := a.u.Create(gap, nil); err != nil {
				return nil, err
			}
			if err := a.u.Delete(gap); err != nil {
				return nil, err
			}
			counter++
		}
		if err := a.u.Create(lf.name, nil); err != nil {
			return nil, fmt.Errorf("create %q: %w", lf.name, err)
		}
		counter++
		if lf.f.Subscribed {
			a.u.Subscribe(lf.name)
		}
		if err := d.restoreFolder(a, lf.name, lf.f); err != nil {
			return nil, fmt.Errorf("folder %q: %w", lf.name, err)
		}
		st, err := a.u.Status(lf.name, &imap.StatusOptions{UIDValidity: true, UIDNext: true})
		if err != nil {
			return nil, err
		}
		if st.UIDValidity != lf.f.UIDValidity || uint32(st.UIDNext) != lf.f.UIDNext {
			return nil, fmt.Errorf("folder %q restored as uidvalidity %d uidnext %d, want %d %d", lf.name, st.UIDValidity, st.UIDNext, lf.f.UIDValidity, lf.f.UIDNext)
		}
		d.setFolder(addr, lf.name, lf.f)
	}
	return a, nil
}

// restoreFolder appends the stored messages with their old UIDs.
// imapmemserver gives UIDs 1, 2, 3…; placeholders flagged \Deleted fill
// the gaps and are expunged at the end.
func (d *disk) restoreFolder(a *account, name string, f *diskFolder) error {
	uids := make([]uint32, 0, len(f.Messages))
	for uid := range f.Messages {
		uids = append(uids, uid)
	}
	slices.Sort(uids)
	var fillers imap.UIDSet
	next := uint32(1)
	fill := func(upto uint32) error {
		for ; next < upto; next++ {
			data, err := a.u.Append(name, strings.NewReader("Subject: restore gap\r\n\r\n"), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagDeleted}})
			if err != nil {
				return err
			}
			fillers.AddNum(data.UID)
		}
		return nil
	}
	var kept []uint32
	for _, uid := range uids {
		raw, err := os.ReadFile(d.emlPath(a.addr, name, uid))
		if errors.Is(err, fs.ErrNotExist) {
			// Cannot happen with our write order; skip rather than refuse
			// to start the world.
			continue
		}
		if err != nil {
			return err
		}
		if err := fill(uid); err != nil {
			return err
		}
		e := f.Messages[uid]
		var flags []imap.Flag
		for _, fl := range e.Flags {
			flags = append(flags, imap.Flag(fl))
		}
		data, err := a.u.Append(name, bytes.NewReader(raw), &imap.AppendOptions{Flags: flags, Time: e.Time})
		if err != nil {
			return err
		}
		if uint32(data.UID) != uid {
			return fmt.Errorf("restored uid %d as %d", uid, data.UID)
		}
		next = uid + 1
		kept = append(kept, uid)
	}
	if err := fill(f.UIDNext); err != nil {
		return err
	}
	for uid := range f.Messages {
		if !slices.Contains(kept, uid) {
			delete(f.Messages, uid)
		}
	}
	if len(fillers) == 0 {
		return nil
	}
	sess := imapmemserver.NewUserSession(a.u)
	defer sess.Close()
	if _, err := sess.Select(name, nil); err != nil {
		return err
	}
	// MailboxView.Expunge does not use its writer.
	return sess.Expunge((*imapserver.ExpungeWriter)(nil), &fillers)
}
