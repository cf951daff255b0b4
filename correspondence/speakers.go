package correspondence

import (
	"fmt"
	"strings"

	"github.com/ingressus/klachtd/parser"
	"github.com/ingressus/klachtd/templates"
)

// Who speaks for a complaint (procedure.md, "Who speaks for the
// complaint"): only the complainant's own address and the addresses a
// handler added can complete, correct or object. Anyone else who writes
// into the thread — a colleague on CC replying to all, someone with a
// forwarded letter — is relayed to the handler as from that person.

// speaksFor reports whether addr may act for complaint c.
func (t *txn) speaksFor(c *Complaint, addr string) (bool, error) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	if addr == "" {
		return false, nil
	}
	if strings.EqualFold(addr, c.Email) {
		return true, nil
	}
	var n int
	if err := t.tx.Get(&n, t.q().CountComplaintAddress, c.ID, addr); err != nil {
		return false, fmt.Errorf("complaint addresses: %w", err)
	}
	return n > 0, nil
}

// sender is the mail's sender as a person reads it: "Name <address>".
func (h *handling) sender() string {
	if h.msg.FromName != "" && !strings.EqualFold(h.msg.FromName, h.msg.From) {
		return h.msg.FromName + " <" + h.msg.From + ">"
	}
	return h.msg.From
}

// reportTo is who hears about a complaint: its handler, else (while none
// is assigned) the intake team.
func (t *txn) reportTo(c *Complaint) []string {
	if c != nil && c.Handler != "" {
		return []string{c.Handler}
	}
	return t.g.set.IntakeTeam
}

// thirdParty handles a mail in c's thread from someone who neither is
// staff nor speaks for the complaint: kept, relayed to the handler named
// as its sender, never as the complainant's message, never an objection,
// completion or correction. A #command in it is not carried out.
func (h *handling) thirdParty(c *Complaint) error {
	if err := h.enter(c, onThirdParty); err != nil {
		return err
	}
	h.event(c.ID, "third-party-message", h.sender()+": "+firstLine(h.text()), false, h.row)
	h.note = "from a third party (" + h.msg.From + "); relayed to the handler, not as the complainant's"
	act := &templates.ActData{By: h.sender(), Address: h.msg.From}
	if cmd := h.msg.Command; cmd != nil {
		act.Command, act.Name = cmd.Word, cmd.Name
		h.event(c.ID, "command-refused", fmt.Sprintf("#%s from %s, who is not staff", cmd.Word, h.msg.From), false, h.row)
		h.note = "command from a third party (" + h.msg.From + ") refused; relayed to the handler"
	}
	d := h.g.baseData(c, h.now)
	d.Text = h.text()
	d.Sender = h.sender()
	d.Act = act
	files, names := h.relayFiles()
	d.Files = names
	if _, err := h.queue(letter{name: templates.RelayThirdParty, key: fmt.Sprintf("third-party:%s:%d", c.Ref, h.row),
		to: h.reportTo(c), c: c, data: d, staff: true, files: files}); err != nil {
		return err
	}
	if h.msg.Command == nil || h.msg.Kind.IsMachine() {
		return nil
	}
	// Its sender is told too, once per complaint: a second refused
	// command, or an auto-reply to this answer, gets no more mail (no
	// backscatter loop).
	rd := h.g.baseData(c, h.now)
	rd.Act = &templates.ActData{Command: act.Command, Name: act.Name, By: h.sender(), Address: h.msg.From}
	_, err := h.queue(letter{name: templates.CommandRefusedSender,
		key: "command-refused-sender:" + c.Ref + ":" + strings.ToLower(h.msg.From),
		to:  []string{h.msg.From}, c: c, data: rd, inReplyTo: h.msg.MessageID})
	return err
}

// addAddress carries out #toevoegen/#adduser: another address may act for
// the complaint from now on.
func (h *handling) addAddress(c *Complaint, cmd *parser.Command, by Person) error {
	addr := ""
	for _, f := range strings.Fields(cmd.Args + " " + firstLine(h.text())) {
		f = strings.ToLower(strings.Trim(f, "<>,;:()\"'"))
		f = strings.TrimPrefix(f, "mailto:")
		if strings.Count(f, "@") == 1 && strings.Contains(f[strings.IndexByte(f, '@'):], ".") && !strings.HasPrefix(f, "@") {
			addr = f
			break
		}
	}
	if addr == "" || h.g.set.ownAddress(addr, h.g.popt) {
		return h.notDone(c, cmd, "no-address", nil)
	}
	if _, err := h.tx.Exec(h.q().AddComplaintAddress, c.ID, addr, by.Email, h.now.UTC()); err != nil {
		return fmt.Errorf("add address: %w", err)
	}
	h.event(c.ID, "address-added", fmt.Sprintf("%s may act for the complainant (added by %s)", addr, by.Email), false, h.row)
	return h.confirm(c, cmd, func(d *templates.Data) { d.Act.Address = addr })
}

// senderCc is whom a letter that answers this mail is copied to: its
// sender, when that is not the complainant's present address but speaks
// for the complaint (her former address, kept after an e-mail change, or
// one a handler added). She wrote from there, so she must see there that
// it arrived (review 2 #12); staff and strangers never get her letters.
func (h *handling) senderCc(c *Complaint) []string {
	from := strings.ToLower(strings.TrimSpace(h.msg.From))
	if from == "" || strings.EqualFold(from, c.Email) {
		return nil
	}
	ok, err := h.speaksFor(c, from)
	if err != nil {
		h.fail(err)
		return nil
	}
	if !ok {
		return nil
	}
	return []string{from}
}
