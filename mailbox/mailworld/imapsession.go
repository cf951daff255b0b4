package mailworld

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// session is one IMAP connection: imapmemserver's session with our own
// login, the failure knobs, and every change serialised per account and,
// when the server keeps its mail on disk, mirrored there (disk.go).
type session struct {
	*imapmemserver.UserSession // nil until login
	s                          *IMAPServer
	c                          *imapserver.Conn
	acct                       *account
	selected                   string
}

func (s *IMAPServer) newSession(c *imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
	s.mu.Lock()
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	sess := &session{s: s, c: c}
	if s.tokens != nil {
		return &saslSession{session: sess}, nil, nil
	}
	return sess, nil, nil
}

// helper reports whether this is one of the test helpers' own connections,
// which the knobs and counters leave alone.
func (sess *session) helper() bool {
	sess.s.mu.Lock()
	defer sess.s.mu.Unlock()
	return sess.s.helpers[sess.c.NetConn().RemoteAddr().String()]
}

// Login checks the password (see IMAPServer.login); it is counted, and
// refused while FailLogins is on.
func (sess *session) Login(username, password string) error {
	helper := sess.helper()
	sess.s.mu.Lock()
	if !helper {
		sess.s.logins++
	}
	fail := sess.s.failLogins && !helper
	sess.s.mu.Unlock()
	if fail {
		return imapserver.ErrAuthFailed
	}
	a, err := sess.s.login(username, password)
	if err != nil {
		return err
	}
	sess.open(a)
	return nil
}

// open starts the authenticated state on a.
func (sess *session) open(a *account) {
	sess.acct = a
	sess.UserSession = imapmemserver.NewUserSession(a.u)
}

// Close forgets the connection.
func (sess *session) Close() error {
	sess.s.mu.Lock()
	delete(sess.s.conns, sess.c)
	sess.s.mu.Unlock()
	return sess.UserSession.Close()
}

// Select remembers the folder for the disk mirror.
func (sess *session) Select(name string, options *imap.SelectOptions) (*imap.SelectData, error) {
	data, err := sess.UserSession.Select(name, options)
	if err == nil {
		sess.selected = name
		data.UIDValidity = sess.s.uidValidity(data.UIDValidity)
	}
	return data, err
}

// Status reports a folder with the UIDVALIDITY clients see.
func (sess *session) Status(name string, options *imap.StatusOptions) (*imap.StatusData, error) {
	data, err := sess.UserSession.Status(name, options)
	if err == nil && options.UIDValidity {
		data.UIDValidity = sess.s.uidValidity(data.UIDValidity)
	}
	return data, err
}

// List refuses a LIST RETURN (STATUS (UIDVALIDITY)) when the world shifts
// UIDVALIDITY (IMAPServer.uvBase): imapmemserver writes that status itself,
// with its own number, and a wrong UIDVALIDITY is worse than a NO. No
// client of ours asks for it; STATUS gives the right one.
func (sess *session) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	if sess.s.uvBase != 0 && options != nil && options.ReturnStatus != nil && options.ReturnStatus.UIDValidity {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Text: "mailworld: LIST RETURN STATUS (UIDVALIDITY) is not supported, use STATUS"}
	}
	return sess.UserSession.List(w, ref, patterns, options)
}

// Unselect forgets the selected folder.
func (sess *session) Unselect() error {
	sess.selected = ""
	return sess.UserSession.Unselect()
}

// Append stores a message a client uploads (e.g. to Sent).
func (sess *session) Append(mailbox string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if options == nil {
		options = &imap.AppendOptions{}
	}
	t := options.Time
	if t.IsZero() {
		t = time.Now()
	}
	uid, err := sess.s.appendMsg(sess.acct, mailbox, raw, options.Flags, t)
	if err != nil {
		return nil, err
	}
	st, err := sess.acct.u.Status(mailbox, &imap.StatusOptions{UIDValidity: true})
	if err != nil {
		return nil, err
	}
	return &imap.AppendData{UID: uid, UIDValidity: sess.s.uidValidity(st.UIDValidity)}, nil
}

// Idle waits for mailbox changes, flushing what imapserver would hold back
// (idle.go).
func (sess *session) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	return idleFlush(sess.UserSession, w, stop)
}

// The overrides below serialise each change with the account's mutex and
// mirror it to disk; without a disk they only take the lock.

// Create makes a folder.
func (sess *session) Create(name string, options *imap.CreateOptions) error {
	sess.acct.mu.Lock()
	defer sess.acct.mu.Unlock()
	if err := sess.UserSession.Create(name, options); err != nil {
		return err
	}
	return sess.s.disk.created(sess.acct, strings.TrimRight(name, "/"))
}

// Delete removes a folder.
func (sess *session) Delete(name string) error {
	sess.acct.mu.Lock()
	defer sess.acct.mu.Unlock()
	if err := sess.UserSession.Delete(name); err != nil {
		return err
	}
	return sess.s.disk.deleted(sess.acct, name)
}

// Rename renames a folder.
func (sess *session) Rename(name, newName string, options *imap.RenameOptions) error {
	sess.acct.mu.Lock()
	defer sess.acct.mu.Unlock()
	if err := sess.UserSession.Rename(name, newName, options); err != nil {
		return err
	}
	if sess.selected == name {
		sess.selected = newName
	}
	return sess.s.disk.renamed(sess.acct, name, strings.TrimRight(newName, "/"))
}

// Subscribe marks a folder subscribed.
func (sess *session) Subscribe(name string) error {
	sess.acct.mu.Lock()
	defer sess.acct.mu.Unlock()
	if err := sess.UserSession.Subscribe(name); err != nil {
		return err
	}
	return sess.s.disk.subscribed(sess.acct, name, true)
}

// Unsubscribe marks a folder unsubscribed.
func (sess *session) Unsubscribe(name string) error {
	sess.acct.mu.Lock()
	defer sess.acct.mu.Unlock()
	if err := sess.UserSession.Unsubscribe(name); err != nil {
		return err
	}
	return sess.s.disk.subscribed(sess.acct, name, false)
}

// uids resolves a sequence or UID set of the selected folder to UIDs in
// ascending order, the order in which imapmemserver copies them.
func (sess *session) uids(numSet imap.NumSet) ([]uint32, error) {
	var c imap.SearchCriteria
	switch set := numSet.(type) {
	case imap.SeqSet:
		c.SeqNum = []imap.SeqSet{slices.Clone(set)}
	case imap.UIDSet:
		c.UID = []imap.UIDSet{slices.Clone(set)}
	default:
		return nil, fmt.Errorf("unsupported number set %T", numSet)
	}
	return sess.search(&c)
}

func (sess *session) search(c *imap.SearchCriteria) ([]uint32, error) {
	data, err := sess.UserSession.Search(imapserver.NumKindUID, c, &imap.SearchOptions{})
	if err != nil {
		return nil, err
	}
	set, _ := data.All.(imap.UIDSet)
	nums, _ := set.Nums()
	out := make([]uint32, len(nums))
	for i, n := range nums {
		out[i] = uint32(n)
	}
	slices.Sort(out)
	return out, nil
}

// uidNext is the UID the folder gives its next message.
func (sess *session) uidNext(name string) (uint32, error) {
	st, err := sess.acct.u.Status(name, &imap.StatusOptions{UIDNext: true})
	if err != nil {
		return 0, err
	}
	return uint32(st.UIDNext), nil
}

// Copy copies messages to another folder.
func (sess *session) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	sess.acct.mu.Lock()
	defer sess.acct.mu.Unlock()
	if sess.s.disk == nil {
		data, err := sess.UserSession.Copy(numSet, dest)
		if err == nil {
			data.UIDValidity = sess.s.uidValidity(data.UIDValidity)
		}
		return data, err
	}
	uids, err := sess.uids(numSet)
	if err != nil {
		return nil, err
	}
	next, _ := sess.uidNext(dest)
	data, err := sess.UserSession.Copy(numSet, dest)
	if err != nil {
		return nil, err
	}
	return data, sess.s.disk.copied(sess.acct, sess.selected, uids, dest, next)
}

// Move moves messages to another folder: on disk the copy is written
// before the source is removed.
func (sess *session) Move(mw *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	sess.acct.mu.Lock()
	defer sess.acct.mu.Unlock()
	if sess.s.disk == nil && sess.s.uvBase == 0 {
		return sess.UserSession.Move(mw, numSet, dest)
	}
	if sess.s.disk == nil {
		return sess.moveShifted(mw, numSet, dest)
	}
	uids, err := sess.uids(numSet)
	if err != nil {
		return err
	}
	next, _ := sess.uidNext(dest)
	if err := sess.UserSession.Move(mw, numSet, dest); err != nil {
		return err
	}
	if err := sess.s.disk.copied(sess.acct, sess.selected, uids, dest, next); err != nil {
		return err
	}
	return sess.s.disk.removed(sess.acct, sess.selected, uids)
}

// moveShifted is MOVE for a world that shifts UIDVALIDITY: imapmemserver's
// Move writes COPYUID with its own UIDVALIDITY, so the move is done as
// RFC 6851 §3.3 describes it, COPY + STORE \Deleted + UID EXPUNGE of just
// those messages, with our COPYUID written first; the EXPUNGE responses
// follow from the mailbox tracker when imapserver polls before the OK.
func (sess *session) moveShifted(mw *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	uids, err := sess.uids(numSet)
	if err != nil {
		return err
	}
	data, err := sess.UserSession.Copy(numSet, dest)
	if err != nil {
		return err
	}
	data.UIDValidity = sess.s.uidValidity(data.UIDValidity)
	if err := mw.WriteCopyData(data); err != nil {
		return err
	}
	var set imap.UIDSet
	for _, uid := range uids {
		set.AddNum(imap.UID(uid))
	}
	if err := sess.UserSession.Store(nil, set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, &imap.StoreOptions{}); err != nil {
		return err
	}
	// MailboxView.Expunge does not use its writer (see restoreFolder).
	return sess.UserSession.Expunge((*imapserver.ExpungeWriter)(nil), &set)
}

// Expunge removes messages flagged \Deleted.
func (sess *session) Expunge(ew *imapserver.ExpungeWriter, uids *imap.UIDSet) error {
	sess.acct.mu.Lock()
	defer sess.acct.mu.Unlock()
	if err := sess.UserSession.Expunge(ew, uids); err != nil {
		return err
	}
	if sess.s.disk == nil {
		return nil
	}
	keep, err := sess.search(&imap.SearchCriteria{})
	if err != nil {
		return err
	}
	return sess.s.disk.retain(sess.acct, sess.selected, keep)
}

// Store changes flags.
func (sess *session) Store(fw *imapserver.FetchWriter, numSet imap.NumSet, flags *imap.StoreFlags, options *imap.StoreOptions) error {
	sess.acct.mu.Lock()
	defer sess.acct.mu.Unlock()
	if sess.s.disk == nil {
		return sess.UserSession.Store(fw, numSet, flags, options)
	}
	uids, err := sess.uids(numSet)
	if err != nil {
		return err
	}
	if err := sess.UserSession.Store(fw, numSet, flags, options); err != nil {
		return err
	}
	return sess.s.disk.flagsChanged(sess.acct, sess.selected, uids, flags.Op, flags.Flags)
}

// Fetch reads messages. It refuses (NO) a body fetch that includes a UID
// marked by FailFetch, as a server does for a message it cannot read; a
// BODY[] without PEEK sets \Seen, which is a change.
func (sess *session) Fetch(fw *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	if set, ok := numSet.(imap.UIDSet); ok && len(options.BodySection) > 0 && sess.s.fetchFails(set) {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Text: "mailworld: message cannot be read"}
	}
	if !slices.ContainsFunc(options.BodySection, func(bs *imap.FetchItemBodySection) bool { return !bs.Peek }) || sess.s.disk == nil {
		return sess.UserSession.Fetch(fw, numSet, options)
	}
	sess.acct.mu.Lock()
	defer sess.acct.mu.Unlock()
	uids, err := sess.uids(numSet)
	if err != nil {
		return err
	}
	if err := sess.UserSession.Fetch(fw, numSet, options); err != nil {
		return err
	}
	return sess.s.disk.flagsChanged(sess.acct, sess.selected, uids, imap.StoreFlagsAdd, []imap.Flag{imap.FlagSeen})
}
