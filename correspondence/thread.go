package correspondence

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ingressus/klachtd/parser"
	"github.com/ingressus/klachtd/templates"
)

// inThread handles a mail that belongs to complaint c, by who sent it.
func (h *handling) inThread(c *Complaint, how string) error {
	if p, ok := h.g.set.handler(h.msg.From); ok {
		return h.fromStaff(c, p, false)
	}
	if p, ok := h.g.set.manager(h.msg.From); ok {
		return h.fromStaff(c, p, true)
	}
	ok, err := h.speaksFor(c, h.msg.From)
	if err != nil {
		return err
	}
	if !ok {
		return h.thirdParty(c)
	}
	if looped, err := h.probableLoop(c); looped || err != nil {
		return err
	}
	return h.fromComplainant(c)
}

// text is the new text of the mail: the reply without quotes, else the body.
func (h *handling) text() string {
	if cmd := h.msg.Command; cmd != nil && !h.isStaff() {
		// Only staff give commands: anyone else's "#sluiten" line is part
		// of what they wrote, and is shown, never dropped.
		return strings.TrimSpace(strings.TrimSpace("#"+cmd.Word+" "+cmd.Args) + "\n" + h.msg.Reply)
	}
	if t := strings.TrimSpace(h.msg.Reply); t != "" || h.msg.Command != nil || h.isStaff() {
		// Staff's text is strictly what they wrote above the quote: the
		// whole body of a reply with nothing new in it is our own letter
		// quoted, and must never go to the complainant.
		return t
	}
	// Never relay less than a complainant wrote: when the reply reading
	// left nothing, the whole body.
	return strings.TrimSpace(h.msg.Text)
}

func (h *handling) fromComplainant(c *Complaint) error {
	h.event(c.ID, "complainant-message", firstLine(h.text()), false, h.row)
	switch c.State {
	case StateIncomplete:
		return h.completion(c)
	case StateClosed, StateLapsed:
		if done, err := h.surveyReply(c); done || err != nil {
			return err // an answer to the satisfaction question starts nothing else
		}
		// After the window closed the complaint, an objection is a late
		// objection, not just a reply to a closed complaint.
		if c.ObjectionEnd != "" && h.today().After(h.g.day(c.ObjectionEnd)) && h.isObjection(c) {
			return h.lateObjection(c)
		}
		return h.replyToClosed(c)
	case StateResponded:
		if h.isObjection(c) {
			if h.today().After(h.g.day(c.ObjectionEnd)) {
				return h.lateObjection(c)
			}
			return h.objection(c, h.text(), onObjection)
		}
	}
	return h.relayOrCorrect(c) // corrections.go
}

// completion merges the fields a complainant supplied in reply to the
// completion request; when complete, the complaint is acknowledged.
func (h *handling) completion(c *Complaint) error {
	old := map[string]reasons{}
	_ = json.Unmarshal([]byte(c.Problems), &old)
	oldInvalid := map[string]string{}
	for k, r := range old {
		if r.NL != "ontbreekt" {
			oldInvalid[k] = r.NL
		}
	}
	merged := mergeFields(c.fields(), h.msg.Fields, oldInvalid)
	invalid := map[string]reasons{}
	newInvalid := invalidOf(h.msg)
	for k, r := range old {
		if r.NL == "ontbreekt" {
			continue
		}
		if fieldValue(h.msg.Fields, k) == "" { // not supplied again: still invalid
			invalid[k] = r
		}
	}
	for k, r := range newInvalid {
		if k == parser.FieldEmail {
			continue // the address we write to is the one we have
		}
		invalid[k] = r
	}
	merged.Email = c.Email
	c.setFields(merged)
	if extra := extraText(h.text()); extra != "" {
		h.event(c.ID, "completion-text", extra, false, h.row) // completion_text.go
	}
	problems := problemsOf(merged, invalid)
	if len(problems) == 0 {
		h.event(c.ID, "completed", "the complainant supplied the missing fields", false, h.row)
		return h.complete(c)
	}
	if stop, err := h.completionLimit(c, problems); stop || err != nil {
		return err
	}
	return h.incomplete(c, problems)
}

func (h *handling) replyToClosed(c *Complaint) error {
	if err := h.enter(c, onWritesFinished); err != nil {
		return err
	}
	if !c.ClosedTold {
		if _, err := h.queue(letter{name: templates.ClosedReply, key: "closed-reply:" + c.Ref, to: []string{c.Email},
			cc: h.senderCc(c), c: c, data: h.g.baseData(c, h.now), inReplyTo: h.msg.MessageID}); err != nil {
			return err
		}
		c.ClosedTold = true
		if err := h.saveComplaint(c); err != nil {
			return err
		}
	}
	_, err := h.staffNotice(c, fmt.Sprintf("closed-reply:%d", h.row), []string{c.Handler},
		templates.Notice{Kind: templates.NoticeClosedReply}, h.text())
	return err
}

// isObjection: a message that says it objects (procedure.md §4), or one a
// handler marks with #bezwaar. Being a reply to the objection-deadline
// letter does not make a message an objection (an out-of-office answers
// it too), and our own letter's subject quoted in "Re: …" says nothing.
func (h *handling) isObjection(c *Complaint) bool {
	if h.msg.Command != nil && h.msg.Command.Name == "objection" {
		return true
	}
	t := strings.ToLower(h.text())
	if !h.ourSubject(c) {
		t += " " + strings.ToLower(h.msg.Subject)
	}
	for _, no := range []string{"geen bezwaar", "niet in bezwaar", "no objection", "not object", "don't object", "do not object"} {
		if strings.Contains(t, no) {
			return false // "ik heb geen bezwaar" is the opposite: to the handler
		}
	}
	for _, yes := range []string{"bezwaar", "niet eens", "niet mee eens", "oneens", "onvoldoende", "objection", "i object", "disagree"} {
		if strings.Contains(t, yes) {
			return true
		}
	}
	return false
}

// ourSubject reports whether the mail's subject is one of our letters'
// subjects about c with a reply prefix ("Re: Bezwaar maken kan tot …").
func (h *handling) ourSubject(c *Complaint) bool {
	subj := stripReplyPrefixes(h.msg.Subject)
	if subj == "" {
		return false
	}
	var n int
	if err := h.tx.Get(&n, h.q().CountLettersOfSubject, c.ID, strings.ToLower(subj)); err != nil {
		h.fail(fmt.Errorf("our subject %s: %w", c.Ref, err))
		return false
	}
	return n > 0
}

// stripReplyPrefixes drops "Re:", "AW:", "Antw:", "Fwd:" … from a subject.
func stripReplyPrefixes(s string) string {
	s = strings.TrimSpace(s)
	for {
		l := strings.ToLower(s)
		cut := false
		for _, p := range []string{"re:", "aw:", "antw:", "antwoord:", "sv:", "vs:", "fw:", "fwd:", "doorst:", "wg:", "tr:"} {
			if strings.HasPrefix(l, p) {
				s = strings.TrimSpace(s[len(p):])
				cut = true
				break
			}
		}
		if !cut {
			return s
		}
	}
}

// relayFiles are the mail's attachments that travel with the relayed
// letter (up to MaxRelayAttachment together), and every attachment named
// with its size and whether it travels, for the letter to say so.
func (h *handling) relayFiles() ([]templates.File, []templates.Attachment) {
	var files []templates.File
	var names []templates.Attachment
	total := 0
	for _, a := range h.msg.Attachments {
		if total+a.Size > h.g.set.MaxRelayAttachment || a.Data == nil {
			names = append(names, templates.Attachment{Name: a.Filename, Size: a.Size})
			continue
		}
		total += a.Size
		files = append(files, templates.File{Name: a.Filename, ContentType: a.ContentType, Data: a.Data})
		names = append(names, templates.Attachment{Name: a.Filename, Size: a.Size, Included: true})
	}
	return files, names
}

func (h *handling) relayToHandler(c *Complaint) error {
	d := h.g.baseData(c, h.now)
	d.Text = h.text()
	d.Sender = h.msg.From
	if h.msg.FromName != "" {
		d.Sender = h.msg.FromName + " <" + h.msg.From + ">"
	}
	files, names := h.relayFiles()
	d.Files = names
	to := []string{c.Handler}
	var cc []string
	if c.State == StateObjection {
		cc = h.g.set.managementAddrs()
	}
	_, err := h.queue(letter{name: templates.RelayToHandler, key: fmt.Sprintf("relay-handler:%s:%d", c.Ref, h.row),
		to: to, cc: cc, c: c, data: d, staff: true, files: files})
	return err
}

// objection confirms to the complainant that management will invite them
// and gives management the whole dossier. on is how it came: the
// complainant's own words, a #bezwaar, or a #bezwaar adopting a late one.
func (h *handling) objection(c *Complaint, text string, on event) error {
	if err := h.enter(c, on); err != nil {
		return err
	}
	h.event(c.ID, "objection", firstLine(text), false, h.row)
	if _, err := h.queue(letter{name: templates.ObjectionReceived, key: "objection-received:" + c.Ref,
		to: []string{c.Email}, cc: h.senderCc(c), c: c, data: h.g.baseData(c, h.now), inReplyTo: h.msg.MessageID}); err != nil {
		return err
	}
	d := h.g.baseData(c, h.now)
	d.Text = text
	d.Sender = c.Name
	ds, files, err := h.dossier(c, true)
	if err != nil {
		return err
	}
	d.Dossier = ds
	if _, err := h.queue(letter{name: templates.ObjectionDossier, key: "objection-dossier:" + c.Ref,
		to: h.g.set.managementAddrs(), cc: []string{c.Handler}, c: c, data: d, staff: true, files: files}); err != nil {
		return err
	}
	return h.saveComplaint(c)
}

func (h *handling) lateObjection(c *Complaint) error {
	if err := h.enter(c, onLateObjection); err != nil {
		return err
	}
	h.event(c.ID, "objection-late", firstLine(h.text()), false, h.row)
	if _, err := h.queue(letter{name: templates.ObjectionLate, key: "objection-late:" + c.Ref,
		to: []string{c.Email}, cc: h.senderCc(c), c: c, data: h.g.baseData(c, h.now), inReplyTo: h.msg.MessageID}); err != nil {
		return err
	}
	d := h.g.baseData(c, h.now)
	d.Text = h.text()
	_, err := h.queue(letter{name: templates.ObjectionLateStaff, key: fmt.Sprintf("objection-late-staff:%s:%d", c.Ref, h.row),
		to: append([]string{c.Handler}, h.g.set.managementAddrs()...), c: c, data: d, staff: true})
	return err
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
