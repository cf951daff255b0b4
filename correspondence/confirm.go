package correspondence

import (
	"cmp"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ingressus/klachtd/parser"
	"github.com/ingressus/klachtd/templates"
)

// Staff hear back (issue 11 item 5): every command carried out is
// confirmed to its sender in the thread — what was done and the new dates
// — and one that cannot be carried out is answered with why.

// confirm queues the confirmation of cmd to its sender; more fills in what
// the letter shows beyond the complaint's own dates (the delay's length,
// the meeting).
func (h *handling) confirm(c *Complaint, cmd *parser.Command, more func(d *templates.Data)) error {
	d := h.g.baseData(c, h.now)
	d.Act = &templates.ActData{Command: cmd.Word, Name: cmd.Name}
	if more != nil {
		more(&d)
	}
	_, err := h.queue(letter{name: templates.CommandDone, key: fmt.Sprintf("done:%d", h.row),
		to: []string{h.msg.From}, c: c, data: d, staff: true, inReplyTo: h.msg.MessageID})
	return err
}

// notDone answers a command that cannot be carried out with the reason.
func (h *handling) notDone(c *Complaint, cmd *parser.Command, reason string, more func(d *templates.Data)) error {
	h.event(c.ID, "command-not-done", fmt.Sprintf("#%s from %s: %s", cmd.Word, h.msg.From, reason), false, h.row)
	h.note = "command not carried out: " + reason
	d := h.g.baseData(c, h.now)
	d.Act = &templates.ActData{Command: cmd.Word, Name: cmd.Name, Reason: reason}
	if more != nil {
		more(&d)
	}
	// The handler is told too (procedure.md: "its sender and the handler
	// are told why"), when someone else — management — gave the command.
	var cc []string
	if c.Handler != "" && !strings.EqualFold(c.Handler, h.msg.From) {
		cc = []string{c.Handler}
	}
	_, err := h.queue(letter{name: templates.CommandNotDone, key: fmt.Sprintf("not-done:%d", h.row),
		to: []string{h.msg.From}, cc: cc, c: c, data: d, staff: true, inReplyTo: h.msg.MessageID})
	return err
}

// refuseUnverified answers a staff mail whose sender could not be
// verified: the mail is kept, nothing is carried out or relayed, and both
// the address it claims to be from and the complaint's handler are told
// why (a forged From tells the real person that someone used their name).
func (h *handling) refuseUnverified(c *Complaint, why string) error {
	h.note = "command refused: sender not verified (" + why + ")"
	h.event(c.ID, "command-refused", fmt.Sprintf("%s: sender not verified (%s)", h.msg.From, why), false, h.row)
	d := h.g.baseData(c, h.now)
	d.Act = &templates.ActData{Reason: why, By: h.sender(), Address: h.msg.From}
	if cmd := h.msg.Command; cmd != nil {
		d.Act.Command, d.Act.Name = cmd.Word, cmd.Name
	}
	_, err := h.queue(letter{name: templates.SenderUnverified, key: fmt.Sprintf("unverified:%d", h.row),
		to: []string{h.msg.From, c.Handler}, c: c, data: d, staff: true})
	return err
}

// meetingPlanned returns the newest meeting set with #gesprek for c, from
// its timeline (the event detail starts "2006-01-02 15:04").
func (t *txn) meetingPlanned(cid int64) (time.Time, bool) {
	var detail string
	err := t.tx.Get(&detail, t.q().LatestMeeting, cid)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false // no meeting set
	}
	if err != nil {
		t.fail(fmt.Errorf("meeting planned: %w", err))
		return time.Time{}, false
	}
	if len(detail) < 16 {
		return time.Time{}, false
	}
	at, err := time.ParseInLocation("2006-01-02 15:04", detail[:16], t.g.cal.Location())
	return at, err == nil
}

// commandsFor is the command list an unknown command is answered with:
// only what that sender may use (#gesprek and #verslag are management's).
func commandsFor(lang string, management bool) []string {
	var out []string
	for _, l := range parser.CommandList(lang) {
		if !management && (strings.HasPrefix(l, "#gesprek") || strings.HasPrefix(l, "#verslag") ||
			strings.HasPrefix(l, "#meeting") || strings.HasPrefix(l, "#record")) {
			continue
		}
		out = append(out, l)
	}
	return out
}

// handlerNames are the configured handlers' names (their addresses where
// no name is set), for a #toewijzen that named no handler.
func (s *Settings) handlerNames() []string {
	var out []string
	for _, p := range s.Handlers {
		out = append(out, cmp.Or(p.Name, p.Email))
	}
	return out
}
