package correspondence

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ingressus/klachtd/parser"
	"github.com/ingressus/klachtd/templates"
)

// route decides what one stored mail means and does it.
func (h *handling) route() error {
	if h.perr != nil && errors.Is(h.perr, parser.ErrUnparseable) {
		return h.quarantineWith("unparseable", h.perr.Error())
	}
	if h.in.Unreadable != "" {
		return h.quarantineWith("unreadable", "the IMAP server would not give this mail ("+h.in.Unreadable+"); it is in the quarantine folder on the server")
	}
	if h.in.Truncated {
		return h.quarantineWith("oversize", fmt.Sprintf("message of %d bytes is over the size limit; stored in part", h.in.Size))
	}
	c, how, err := h.thread()
	if err != nil {
		return err
	}
	if h.msg.Kind.IsMachine() {
		return h.machine(c)
	}
	if c != nil {
		h.complaintID = c.ID
		h.note = "threaded by " + how
		return h.inThread(c, how)
	}
	if h.msg.Reference != "" {
		if handled, err := h.stranger(); handled || err != nil {
			return err
		}
	}
	if h.isStaff() {
		h.note = "staff mail about no known complaint"
		h.event(0, "staff-mail-unthreaded", fmt.Sprintf("from %s: %q", h.msg.From, h.msg.Subject), false, h.row)
		return nil
	}
	return h.register()
}

// quarantineWith keeps the mail aside and alerts the intake team.
func (h *handling) quarantineWith(reason, detail string) error {
	h.quarantine = true
	h.note = reason + ": " + detail
	h.event(0, "quarantined", fmt.Sprintf("message %d (%s): %s", h.row, h.msg.MessageID, h.note), false, h.row)
	d := h.g.baseData(nil, h.now)
	d.About = templates.Notice{Kind: templates.AlertQuarantine, From: h.msg.From, Subject: h.msg.Subject, Reason: reason, Size: int(h.in.Size)}
	switch reason { // the technical cause, for whoever looks into it; the template words the reason
	case templates.ReasonUnparseable:
		d.About.Detail = detail
	case templates.ReasonUnreadable:
		d.About.Detail = h.in.Unreadable
	}
	_, err := h.queue(letter{name: templates.Alert, key: fmt.Sprintf("alert:quarantine:%d", h.row),
		to: h.g.set.IntakeTeam, data: d, staff: true})
	return err
}

func orUnknown(s string) string {
	if s == "" {
		return "(onbekend)"
	}
	return s
}

// thread finds the complaint a mail belongs to, in the order of
// procedure.md: our Message-IDs, the reply token, then the subject's
// reference from a known party.
func (h *handling) thread() (*Complaint, string, error) {
	ids := append(append([]string{}, h.msg.InReplyTo...), h.msg.References...)
	for i := len(ids) - 1; i >= 0; i-- { // the newest reference first
		var cid int64
		err := h.tx.Get(&cid, h.q().ComplaintOfMessageID, ids[i], ids[i])
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("thread by message-id: %w", err)
		}
		c, err := h.complaintByID(cid)
		return c, "message-id", err
	}
	for _, tok := range h.msg.Tokens {
		var c Complaint
		err := h.tx.Get(&c, h.q().ComplaintByToken, strings.ToLower(tok))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("thread by token: %w", err)
		}
		return &c, "token", nil
	}
	if h.msg.Reference != "" {
		var c Complaint
		err := h.tx.Get(&c, h.q().ComplaintByRef, strings.ToUpper(h.msg.Reference))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, "", nil
		}
		if err != nil {
			return nil, "", fmt.Errorf("thread by reference: %w", err)
		}
		speaks, err := h.speaksFor(&c, h.msg.From)
		if err != nil {
			return nil, "", err
		}
		if speaks || h.isStaff() {
			return &c, "reference", nil
		}
	}
	return nil, "", nil
}

// stranger handles a mail naming a known reference from someone who is not a
// party to it: kept, the handler told, nothing relayed.
func (h *handling) stranger() (bool, error) {
	var c Complaint
	err := h.tx.Get(&c, h.q().ComplaintByRef, strings.ToUpper(h.msg.Reference))
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := h.enter(&c, onStranger); err != nil {
		return true, err
	}
	h.complaintID = c.ID
	h.note = "reference from a stranger; not relayed"
	h.event(c.ID, "stranger-mail", fmt.Sprintf("%s wrote about %s; kept, not relayed", h.msg.From, c.Ref), false, h.row)
	_, err = h.staffNotice(&c, fmt.Sprintf("stranger:%d", h.row), []string{c.Handler},
		templates.Notice{Kind: templates.NoticeStranger, From: h.msg.From, Subject: h.msg.Subject}, "")
	return true, err
}

func (h *handling) isStaff() bool {
	_, hh := h.g.set.handler(h.msg.From)
	_, mm := h.g.set.manager(h.msg.From)
	return hh || mm
}

// machine records auto-replies, bounces and other machine mail; it never
// answers them (RFC 3834).
func (h *handling) machine(c *Complaint) error {
	if h.msg.Kind == parser.KindBounce {
		letter, err := h.linkDSN(&c)
		if err != nil {
			return err
		}
		if c == nil && h.msg.BouncedRecipient != "" {
			var found Complaint
			err := h.tx.Get(&found, h.q().LatestComplaintOf, h.msg.BouncedRecipient)
			if err == nil {
				c = &found
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if c != nil {
			if err := h.enter(c, onMachine); err != nil {
				return err
			}
			h.complaintID = c.ID
			if strings.EqualFold(h.msg.BouncedRecipient, c.Email) || h.msg.BouncedRecipient == "" {
				c.Undeliverable = true
				if err := h.saveComplaint(c); err != nil {
					return err
				}
			}
			h.event(c.ID, "bounce", "undeliverable: "+orUnknown(h.msg.BouncedRecipient), false, h.row)
			n, to := h.bounceNotice(c, letter)
			_, err := h.staffNotice(c, fmt.Sprintf("bounce:%d", h.row), to, n, "")
			h.note = "bounce for " + orUnknown(h.msg.BouncedRecipient)
			return err
		}
		h.note = "bounce about no known complaint"
		return nil
	}
	if c != nil {
		if err := h.enter(c, onMachine); err != nil {
			return err
		}
		h.complaintID = c.ID
		h.event(c.ID, "machine-mail", string(h.msg.Kind)+" from "+orUnknown(h.msg.From)+": "+h.msg.Subject, false, h.row)
		if err := h.machineLoop(c); err != nil {
			return err
		}
	}
	h.note = string(h.msg.Kind) + ": not answered"
	return nil
}

// bounceNotice is what the bounce notice about c says — which letter
// bounced (letter, nil when the bounce returns none of ours), the server's
// reason — and to whom it goes. The handler (the intake team while none is
// assigned) keeps contact with the complainant. The intake team hears of it
// too when the letter went to the complainant of a complaint still
// incomplete: completing a complaint is intake's step, and without another
// way to reach the complainant it lapses on its own. A letter to the
// handler that bounced goes to the intake team, as in failLetter.
func (h *handling) bounceNotice(c *Complaint, letter *bouncedLetter) (templates.Notice, []string) {
	rcpt := h.msg.BouncedRecipient
	n := templates.Notice{Kind: templates.NoticeBounce, Rcpt: rcpt, Status: h.msg.BounceStatus, Detail: h.msg.BounceDiagnostic,
		Transient: transientStatus(h.msg.BounceStatus)}
	if letter != nil {
		n.Letter, n.Subject, n.Sent = letter.Kind, letter.Subject, letter.CreatedAt
		if letter.SentAt != nil {
			n.Sent = *letter.SentAt
		}
		if rcpt == "" {
			n.Rcpt = letter.Rcpt
		}
	}
	n.ToComplainant = n.Rcpt == "" || strings.EqualFold(n.Rcpt, c.Email)
	to := h.reportTo(c)
	switch {
	case c.Handler != "" && strings.EqualFold(n.Rcpt, c.Handler):
		to = h.g.set.IntakeTeam
	case n.ToComplainant && c.State == StateIncomplete:
		to = addAll(to, h.g.set.IntakeTeam)
	case n.ToComplainant && letter != nil && (letter.Kind == templates.Invitation || letter.Kind == templates.Record):
		// Management sent these and has the meeting planned: they must know
		// the complainant did not get it.
		var mgmt []string
		for _, p := range h.g.set.Management {
			mgmt = append(mgmt, p.Email)
		}
		to = addAll(to, mgmt)
	}
	return n, to
}

// addAll is to with each address of more it does not hold yet.
func addAll(to, more []string) []string {
	for _, a := range more {
		if !slices.ContainsFunc(to, func(b string) bool { return strings.EqualFold(a, b) }) {
			to = append(to, a)
		}
	}
	return to
}

// transientStatus reports whether a DSN status may pass by itself: a 4.x.x
// (RFC 3463 §3.1: persistent transient), or a full mailbox, which servers
// report as 5.2.2 though RFC 3463 §3.3 calls it "typically a persistent
// transient failure".
func transientStatus(st string) bool {
	return strings.HasPrefix(st, "4.") || strings.HasSuffix(st, ".2.2")
}

// staffNotice queues a staff_notice letter about c; the template words n
// (and shows text, a message quoted, when not empty).
func (t *txn) staffNotice(c *Complaint, key string, to []string, n templates.Notice, text string) (bool, error) {
	d := t.g.baseData(c, t.now)
	d.About, d.Text = n, text
	return t.queue(letter{name: templates.StaffNotice, key: "notice:" + key, to: to, c: c, data: d, staff: true})
}
