package correspondence

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ingressus/klachtd/parser"
	"github.com/ingressus/klachtd/templates"
)

// fromStaff carries out a handler's or management's mail in a thread: a
// #command, or without one a message relayed to the complainant.
func (h *handling) fromStaff(c *Complaint, p Person, management bool) error {
	if ok, why := h.senderVerified(); !ok {
		return h.refuseUnverified(c, why)
	}
	cmd := h.msg.Command
	text := h.text()
	if cmd == nil {
		if err := h.enter(c, onStaffWrites); err != nil {
			return err
		}
		h.event(c.ID, "staff-message", p.Email+": "+firstLine(text), false, h.row)
		if files, _ := h.relayFiles(); text == "" && len(files) == 0 {
			// Only the quoted letter, nothing new: nothing is relayed,
			// and the writer hears so (they may have typed below the
			// quote, or sent the wrong mail).
			h.note = "staff reply without new text: nothing relayed"
			_, err := h.queue(letter{name: templates.NothingRelayed, key: fmt.Sprintf("nothing-relayed:%d", h.row),
				to: []string{h.msg.From}, c: c, data: h.g.baseData(c, h.now), staff: true, inReplyTo: h.msg.MessageID})
			return err
		}
		return h.relayToComplainant(c, p, templates.RelayToComplainant, text)
	}
	detail := fmt.Sprintf("%s: #%s %s", p.Email, cmd.Word, cmd.Args)
	if keepsText(cmd.Name) && text != "" {
		// The text under a command no letter carries (a note's lines, why
		// a complaint is reassigned) is kept in the timeline, not lost.
		detail = strings.TrimSpace(detail) + "\n" + text
	}
	h.event(c.ID, "command", detail, false, h.row)
	if cmd.Name == "hold" { // also on a closed complaint: that is what gets erased
		return h.hold(c, p, strings.TrimSpace(cmd.Args+"\n"+text))
	}
	// A late objection the staff letter invites them to adopt with
	// #bezwaar: the window's closing closed the complaint, the objection
	// reopens it (thread.go, objection_late_staff).
	ev := commandEvent(cmd.Name)
	if cmd.Name == "objection" && c.State == StateClosed && c.ObjectionEnd != "" {
		had, err := h.hadObjection(c)
		if err != nil {
			return err
		}
		if !had {
			ev = onAdoptLate
		}
	}
	// The procedure table (procedure.go) says whether the command can be
	// carried out in the complaint's state, and by whom.
	row, allowed := rowFor(c.State, ev)
	if !allowed {
		return h.notNow(c, cmd)
	}
	if row.management && !management {
		// The conversation after an objection is management's (procedure.md §4).
		_, err := h.staffNoticeCmd(c, fmt.Sprintf("management-only:%d", h.row), cmd,
			templates.Notice{Kind: templates.NoticeManagementOnly, Managers: h.g.set.managementAddrs()})
		return err
	}
	if reason, more := h.unmet(c, row.requires); reason != "" {
		return h.notDone(c, cmd, reason, more)
	}
	// Free text may start on the command line itself: "#info Wat is uw
	// huisnummer?" or "#reactie Geachte mevrouw, …".
	withArgs := strings.TrimSpace(cmd.Args + "\n" + text)
	switch cmd.Name {
	case "info":
		if withArgs == "" {
			return h.usage(c, cmd) // a question with no question (letter table: "the handler's question")
		}
		if err := h.relayToComplainant(c, p, templates.InfoRequest, withArgs); err != nil {
			return err
		}
		return h.confirm(c, cmd, nil)
	case "delay":
		n, reason, ok := parseDelay(cmd.Args, text)
		if !ok {
			return h.usage(c, cmd)
		}
		if err := h.delay(c, n, reason, false, fmt.Sprintf("delay:%s:%d", c.Ref, h.row)); err != nil {
			return err
		}
		return h.confirm(c, cmd, func(d *templates.Data) { d.DelayDays, d.DelayReason = n, reason })
	case "response":
		if withArgs == "" {
			return h.usage(c, cmd)
		}
		if err := h.respond(c, p, withArgs); err != nil {
			return err
		}
		return h.confirm(c, cmd, nil)
	case "note":
		// The event above is the note: never relayed.
		return h.confirm(c, cmd, nil)
	case "assign":
		np, ok := h.g.set.findHandler(cmd.Args)
		if !ok && cmd.Args != "" {
			return h.notDone(c, cmd, "unknown-handler", func(d *templates.Data) { d.Act.Args, d.Act.Handlers = cmd.Args, h.g.set.handlerNames() })
		}
		if !ok {
			return h.usage(c, cmd)
		}
		if err := h.reassign(c, np, text); err != nil {
			return err
		}
		return h.confirm(c, cmd, nil)
	case "objection":
		// The newest message in the thread that is not staff's: the
		// complainant's, or a third party's the handler adopts.
		objText, by := h.lastPartyMessage(c)
		if objText == "" {
			objText = text
		}
		if objText == "" {
			return h.notDone(c, cmd, "no-message", nil)
		}
		if err := h.objection(c, objText, ev); err != nil {
			return err
		}
		return h.confirm(c, cmd, func(d *templates.Data) { d.Act.By = by })
	case "adduser":
		return h.addAddress(c, cmd, p)
	case "meeting":
		at, place, bad, ok := parseMeeting(cmd.Args, h.g.cal.Location())
		if !ok && bad.reason != "" {
			// A date or time that reads as one but does not exist
			// (32-12-2026, 25:00): refused with what is wrong.
			return h.notDone(c, cmd, bad.reason, func(d *templates.Data) { d.Act.Args = bad.text })
		}
		if !ok {
			return h.usage(c, cmd)
		}
		if !at.After(h.now) {
			// A conversation cannot be held in the past: refused with why.
			return h.notDone(c, cmd, "meeting-in-past", func(d *templates.Data) { d.MeetingAt = at })
		}
		if !h.g.cal.IsWorkday(at) {
			// Refused, not only warned: the office is closed that day,
			// and an invitation once sent would need a second letter to
			// take it back. Management sends #gesprek again.
			return h.notDone(c, cmd, "meeting-not-workday", func(d *templates.Data) {
				d.MeetingAt, d.Act.Holiday = at, h.g.holidayName(at)
			})
		}
		if err := h.invite(c, at, place, text); err != nil {
			return err
		}
		return h.confirm(c, cmd, func(d *templates.Data) { d.MeetingAt, d.MeetingPlace = at, place })
	case "record":
		resolved, rest := recordOutcome(cmd.Args)
		if err := h.record(c, resolved, strings.TrimSpace(rest+"\n"+text)); err != nil {
			return err
		}
		return h.confirm(c, cmd, func(d *templates.Data) { d.Resolved = resolved })
	case "change":
		return h.changeCommand(c, cmd.Args, text) // corrections.go
	case "category":
		return h.category(c, cmd.Args)
	case "close", "withdrawn":
		reason := strings.TrimSpace(cmd.Args + "\n" + text)
		if err := h.closeComplaint(c, cmd.Name, reason); err != nil {
			return err
		}
		return h.confirm(c, cmd, nil)
	}
	d := h.g.baseData(c, h.now)
	d.Command = cmd.Word
	d.Commands = commandsFor(h.g.set.Lang, management)
	_, err := h.queue(letter{name: templates.UnknownCommand, key: fmt.Sprintf("unknown:%d", h.row),
		to: []string{h.msg.From}, c: c, data: d, staff: true, inReplyTo: h.msg.MessageID})
	return err
}

// notNow answers a command the procedure table has no row for in c's
// state: on a finished complaint with the staff notice that it is
// finished, else with why not now (an objection with no response to
// object to or one already registered, the response already sent, the
// term not started). Nothing reaches the complainant; the state stays.
func (h *handling) notNow(c *Complaint, cmd *parser.Command) error {
	if slices.Contains(finished, c.State) {
		_, err := h.staffNoticeCmd(c, fmt.Sprintf("finished:%d", h.row), cmd,
			templates.Notice{Kind: templates.NoticeFinished})
		return err
	}
	switch {
	case cmd.Name == "objection" && c.State == StateObjection:
		return h.notDone(c, cmd, "objection-registered", nil)
	case cmd.Name == "objection" && c.RespondedDay == "":
		return h.notDone(c, cmd, "no-response-yet", nil)
	case c.RespondedDay != "":
		return h.notDone(c, cmd, "already-responded", func(d *templates.Data) { d.Act.Responded = h.g.day(c.RespondedDay) })
	case c.State == StateIncomplete:
		return h.notDone(c, cmd, "not-complete", nil)
	}
	return h.notDone(c, cmd, "not-now", nil)
}

// unmet is why precondition p of a command does not hold for c ("" when
// it holds), and what the refusal shows.
func (h *handling) unmet(c *Complaint, p precondition) (string, func(d *templates.Data)) {
	switch p {
	case meetingHeld:
		at, ok := h.meetingPlanned(c.ID)
		if !ok {
			return "record-without-meeting", nil
		}
		if h.now.Before(at) {
			return "record-before-meeting", func(d *templates.Data) { d.MeetingAt = at }
		}
	}
	return "", nil
}

// usage answers a command that could not be read with how to write it
// (the template shows the syntax of cmd.Name).
func (h *handling) usage(c *Complaint, cmd *parser.Command) error {
	_, err := h.staffNoticeCmd(c, fmt.Sprintf("usage:%d", h.row), cmd,
		templates.Notice{Kind: templates.NoticeUsage, Args: cmd.Args, Usage: cmd.Name})
	return err
}

// staffNoticeCmd answers the sender of cmd with a staff notice about it.
func (h *handling) staffNoticeCmd(c *Complaint, key string, cmd *parser.Command, n templates.Notice) (bool, error) {
	d := h.g.baseData(c, h.now)
	d.About, d.Command = n, "#"+cmd.Word
	return h.queue(letter{name: templates.StaffNotice, key: "notice:" + key, to: []string{h.msg.From}, c: c, data: d, staff: true})
}

func (h *handling) relayToComplainant(c *Complaint, p Person, name, text string) error {
	d := h.g.baseData(c, h.now)
	d.Text = text
	d.Sender = p.Name
	files, names := h.relayFiles()
	d.Files = names
	l := letter{name: name, key: fmt.Sprintf("%s:%s:%d", name, c.Ref, h.row), to: []string{c.Email}, c: c,
		data: d, files: files, fromName: p.Name + " (" + h.g.set.Organisation + ")"}
	if h.g.set.ExposeHandlerAddress {
		l.replyTo = p.Email
	}
	_, err := h.queue(l)
	return err
}

var delayRe = regexp.MustCompile(`^\s*(\d{1,3})\s*(?:werkdagen|werkdag|working days|working day|dagen|days)?\b[\s:,.-]*(.*)$`)

// parseDelay reads "5 reden…" (the reason may also be the text below).
func parseDelay(args, text string) (int, string, bool) {
	m := delayRe.FindStringSubmatch(args)
	if m == nil {
		return 0, "", false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n <= 0 || n > 250 {
		return 0, "", false
	}
	reason := strings.TrimSpace(m[2])
	if reason == "" {
		reason = strings.TrimSpace(text)
	}
	if reason == "" {
		return 0, "", false
	}
	return n, reason, true
}

// delay extends the term by n working days and queues the delay notice
// (procedure.md §2b). auto marks the gateway's own notice.
func (t *txn) delay(c *Complaint, n int, reason string, auto bool, key string) error {
	g := t.g
	on := commandEvent("delay")
	if auto {
		on = onDelayLatest
	}
	if err := t.enter(c, on); err != nil {
		return err
	}
	oldEnd := g.day(c.TermEnd)
	late := !auto && t.today().After(g.day(c.DelayLatest))
	newEnd := g.cal.Add(oldEnd, n)
	c.TermEnd = fmtDay(newEnd)
	c.DelayLatest = fmtDay(g.cal.Add(newEnd, -g.set.DelayNoticeDays))
	c.Extensions++
	t.event(c.ID, "delay", fmt.Sprintf("+%d working days (%s); term ends %s; automatic=%v late=%v", n, reason, c.TermEnd, auto, late), late, 0)
	d := g.baseData(c, t.now)
	d.DelayDays, d.DelayReason, d.OldEndDate, d.Automatic, d.Late = n, reason, oldEnd, auto, late
	if _, err := t.queue(letter{name: templates.DelayNotice, key: key, to: []string{c.Email}, c: c, data: d}); err != nil {
		return err
	}
	if auto {
		if _, err := t.queue(letter{name: templates.DelayAutoStaff, key: key + ":staff",
			to: append([]string{c.Handler}, g.set.managementAddrs()...), c: c, data: d, staff: true}); err != nil {
			return err
		}
	} else if late || c.Extensions%2 == 0 {
		if _, err := t.queue(letter{name: templates.DelayStaffNote, key: key + ":management",
			to: g.set.managementAddrs(), c: c, data: d, staff: true}); err != nil {
			return err
		}
	}
	return t.saveComplaint(c)
}

// respond sends the substantive response and at once the
// objection-deadline letter (procedure.md §3).
func (h *handling) respond(c *Complaint, p Person, text string) error {
	g := h.g
	today := h.today()
	if err := h.enter(c, commandEvent("response")); err != nil {
		return err
	}
	c.RespondedDay = fmtDay(today)
	c.ObjectionEnd = fmtDay(g.cal.Add(today, g.set.ObjectionDays))
	h.event(c.ID, "response", fmt.Sprintf("by %s; objection window ends %s", p.Email, c.ObjectionEnd), false, h.row)
	d := g.baseData(c, h.now)
	d.Text, d.Sender = text, p.Name
	files, names := h.relayFiles()
	d.Files = names
	if _, err := h.queue(letter{name: templates.Response, key: "response:" + c.Ref, to: []string{c.Email}, c: c,
		data: d, files: files, fromName: p.Name + " (" + g.set.Organisation + ")"}); err != nil {
		return err
	}
	if _, err := h.queue(letter{name: templates.ObjectionDeadline, key: "objection-deadline:" + c.Ref,
		to: []string{c.Email}, c: c, data: g.baseData(c, h.now)}); err != nil {
		return err
	}
	return h.saveComplaint(c)
}

// keepsText reports whether the text under a command is kept only in the
// command's timeline event (no letter to the complainant carries it).
func keepsText(name string) bool { return name == "note" || name == "assign" }

// reassign gives c to np; reason (the text under #toewijzen) goes to the
// new handler. The old handler hears of it once: by the confirmation when
// they gave the command, else by a copy of the new handler's notice.
func (h *handling) reassign(c *Complaint, np Person, reason string) error {
	old := c.Handler
	c.Handler = np.Email
	h.event(c.ID, "assigned", fmt.Sprintf("from %s to %s", old, np.Email), false, h.row)
	if _, err := h.queue(letter{name: templates.Reassigned, key: fmt.Sprintf("reassigned:%s:%d", c.Ref, h.row),
		to: []string{c.Email}, c: c, data: h.g.baseData(c, h.now)}); err != nil {
		return err
	}
	d := h.g.baseData(c, h.now)
	ds, files, err := h.dossier(c, false) // the new handler reads the thread so far
	if err != nil {
		return err
	}
	d.Dossier = ds
	d.Text, d.Sender = reason, h.sender()
	var cc []string
	if !strings.EqualFold(old, h.msg.From) {
		cc = []string{old}
	}
	if _, err := h.queue(letter{name: templates.HandlerAssigned, key: fmt.Sprintf("assigned:%s:%d", c.Ref, h.row),
		to: []string{np.Email}, cc: cc, c: c, data: d, staff: true, files: files}); err != nil {
		return err
	}
	return h.saveComplaint(c)
}

// lastPartyMessage is the newest message text in c's thread from anyone
// but staff — the complainant, or a third party a handler's #bezwaar
// adopts — and who wrote it.
func (h *handling) lastPartyMessage(c *Complaint) (string, string) {
	var rows []struct {
		From string `db:"from_addr"`
		PJ   string `db:"parse_json"`
	}
	if err := h.tx.Select(&rows, h.q().LastPartyMessages, c.ID, h.row); err != nil {
		h.fail(fmt.Errorf("last message of %s: %w", c.Ref, err))
		return "", ""
	}
	for _, r := range rows {
		_, hh := h.g.set.handler(r.From)
		_, mm := h.g.set.manager(r.From)
		if hh || mm || r.From == "" || strings.EqualFold(r.From, h.g.set.Gateway) {
			continue
		}
		var m parser.Message
		if r.PJ != "" {
			_ = jsonUnmarshal(r.PJ, &m)
		}
		if m.Kind.IsMachine() {
			continue
		}
		if t := strings.TrimSpace(m.Reply); t != "" {
			return t, r.From
		}
	}
	return "", ""
}

var meetingDateRe = regexp.MustCompile(`(\d{1,2})[-./](\d{1,2})[-./](\d{4})|(\d{4})-(\d{2})-(\d{2})`)
var meetingTimeRe = regexp.MustCompile(`\b(\d{1,2})[:.](\d{2})\b`)

// badMeeting is what is wrong with a #gesprek whose date or time has the
// form of one but does not exist: the refusal's reason (meeting-bad-date,
// meeting-bad-time) and the text as written.
type badMeeting struct{ reason, text string }

// parseMeeting reads "<datum> <tijd> [plaats]". A date or time written in
// the right form that does not exist is named in bad, so the refusal can
// say which; with no date or time at all bad is empty.
func parseMeeting(args string, loc *time.Location) (time.Time, string, badMeeting, bool) {
	dm := meetingDateRe.FindStringSubmatchIndex(args)
	if dm == nil {
		return time.Time{}, "", badMeeting{}, false
	}
	ds := meetingDateRe.FindStringSubmatch(args)
	var y, mo, d int
	if ds[1] != "" {
		d, _ = strconv.Atoi(ds[1])
		mo, _ = strconv.Atoi(ds[2])
		y, _ = strconv.Atoi(ds[3])
	} else {
		y, _ = strconv.Atoi(ds[4])
		mo, _ = strconv.Atoi(ds[5])
		d, _ = strconv.Atoi(ds[6])
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || time.Date(y, time.Month(mo), d, 12, 0, 0, 0, loc).Day() != d {
		return time.Time{}, "", badMeeting{"meeting-bad-date", ds[0]}, false
	}
	rest := args[dm[1]:]
	tm := meetingTimeRe.FindStringSubmatchIndex(rest)
	if tm == nil {
		return time.Time{}, "", badMeeting{}, false
	}
	hh, _ := strconv.Atoi(rest[tm[2]:tm[3]])
	mm, _ := strconv.Atoi(rest[tm[4]:tm[5]])
	if hh > 23 || mm > 59 {
		return time.Time{}, "", badMeeting{"meeting-bad-time", rest[tm[0]:tm[1]]}, false
	}
	at := time.Date(y, time.Month(mo), d, hh, mm, 0, 0, loc)
	place := strings.TrimSpace(strings.Trim(strings.TrimSpace(rest[tm[1]:]), ",;-"))
	return at, place, badMeeting{}, true
}

// invite sends the invitation to the conversation at at; a later
// #gesprek moves it: the same calendar event one revision on, and the
// letter says it replaces the earlier invitation.
func (h *handling) invite(c *Complaint, at time.Time, place, text string) error {
	var earlier int
	if err := h.tx.Get(&earlier, h.q().CountEventsOfKind, c.ID, "meeting"); err != nil {
		return fmt.Errorf("earlier meetings: %w", err)
	}
	h.event(c.ID, "meeting", fmt.Sprintf("%s at %s", at.Format("2006-01-02 15:04"), place), false, h.row)
	d := h.g.baseData(c, h.now)
	d.MeetingAt, d.MeetingPlace, d.Text, d.Rescheduled = at, place, text, earlier > 0
	_, err := h.queue(letter{name: templates.Invitation, key: fmt.Sprintf("invitation:%s:%d", c.Ref, h.row),
		to: []string{c.Email}, cc: h.g.set.managementAddrs(), c: c, data: d, meeting: h.g.meeting(c, at, place, earlier, h.now)})
	return err
}

func (h *handling) record(c *Complaint, resolved bool, text string) error {
	d := h.g.baseData(c, h.now)
	d.Resolved, d.Text = resolved, text
	if _, err := h.queue(letter{name: templates.Record, key: "record:" + c.Ref, to: []string{c.Email},
		cc: h.g.set.managementAddrs(), c: c, data: d}); err != nil {
		return err
	}
	return h.finish(c, commandEvent("record"), fmt.Sprintf("written record sent; resolved=%v", resolved))
}

func (h *handling) closeComplaint(c *Complaint, how, reason string) error {
	d := h.g.baseData(c, h.now)
	d.Text = reason
	d.Notice = how
	if how == "withdrawn" {
		d.State = "withdrawn" // the letter words a withdrawal differently
	}
	if _, err := h.queue(letter{name: templates.Closed, key: "closed:" + c.Ref, to: []string{c.Email}, c: c, data: d}); err != nil {
		return err
	}
	return h.finish(c, commandEvent(how), how+": "+firstLine(reason))
}

// finish ends the procedure of c by event on, in the state the table
// names for it (closed or lapsed).
func (t *txn) finish(c *Complaint, on event, why string) error {
	if err := t.enter(c, on); err != nil {
		return err
	}
	c.ClosedDay = fmtDay(t.today())
	t.event(c.ID, c.State, why, false, 0)
	t.noteOutcome(c.ID, c.State, why) // report_outcome.go: survives the erasure of the event's text
	return t.saveComplaint(c)
}

// recordOutcome reads "#verslag [opgelost|onopgelost] …": whether the
// conversation resolved the complaint, and the rest of the line.
func recordOutcome(args string) (bool, string) {
	f := strings.Fields(args)
	if len(f) == 0 {
		return true, ""
	}
	switch strings.ToLower(strings.Trim(f[0], ".,:;")) {
	case "onopgelost", "unresolved", "niet-opgelost":
		return false, strings.Join(f[1:], " ")
	case "opgelost", "resolved":
		return true, strings.Join(f[1:], " ")
	}
	low := strings.ToLower(args)
	return !strings.Contains(low, "onopgelost") && !strings.Contains(low, "unresolved") && !strings.Contains(low, "niet opgelost"), args
}
