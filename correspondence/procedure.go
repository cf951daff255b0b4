package correspondence

import (
	"fmt"
	"slices"

	"github.com/ingressus/klachtd/templates"
)

// The procedure of procedure.md as one table: each state of a
// complaint, the events that can happen in it, the state that follows and
// the letters each causes, with the function that carries it out. The code
// consults it: every handler of an event calls enter, which refuses an
// event the table does not allow in the complaint's state and sets the
// state the table names; a #command the table does not allow in the state
// is answered with why, not carried out. procedure_test.go checks the rest:
// that no code sets a state but enter, that the function a row names
// reaches every letter of the row, and that every letter queued anywhere is
// in a row or in asides.
//
// Reading it: "where does the delay notice get queued, and when?" — search
// this file for templates.DelayNotice: on #vertraging in the open state
// (delay, commands.go) and when the last day for a delay notice comes with
// no response (due → delay, scheduler.go). Once the response is sent
// there is no term left to extend: #vertraging is refused then.

// event is something that happens to a complaint: a mail from the
// complainant, a verified command, a third party's mail, a term that
// passes. Which event a mail is, route.go, thread.go and commands.go
// decide; what it does, the table says.
type event string

// Events of mail from the complainant's own address (or one #toevoegen
// added; thread.go fromComplainant) and of a new submission.
const (
	onSubmission      event = "a new submission arrives"                           // §1
	onDoubleSubmit    event = "the same complaint is submitted again"              // §1
	onComplete        event = "the complaint is complete"                          // §1 → §2
	onIncomplete      event = "fields are missing or invalid"                      // §1
	onCompletionLimit event = "still incomplete after the last completion request" // §1
	onComplainant     event = "the complainant writes"                             // relayed, or a correction
	onObjection       event = "the complainant objects within the window"          // §4
	onLateObjection   event = "the complainant objects after the window"           // §4
	onSurveyAnswer    event = "the complainant answers the satisfaction question"
	onWritesFinished  event = "the complainant writes to a finished complaint"
)

// Events of mail from others.
const (
	onThirdParty  event = "a third party writes in the thread" // "Who speaks for the complaint"
	onStranger    event = "a stranger names the reference"
	onMachine     event = "an auto-reply or bounce arrives" // RFC 3834: never answered
	onStaffWrites event = "staff write without a command"   // relayed to the complainant
	// onAdoptLate is #bezwaar on a complaint that the window's end closed:
	// it adopts the late objection the staff letter invited them to.
	onAdoptLate event = "#objection adopting a late objection"
)

// Events of a term that passes (scheduler.go due, survey.go dueSurveys).
const (
	onReminderDay event = "a reminder day comes"                             // §2b
	onDelayLatest event = "the last day for a delay notice comes unanswered" // §2b
	onWindowEnds  event = "the objection window ends without objection"      // §4
	onLapseDay    event = "the lapse day passes"                             // §1
	onSurveyDay   event = "the satisfaction question is due"
)

// commandEvent is the event of a verified #command, by the parser's
// canonical name ("delay" for #vertraging; "unknown" for any other word).
func commandEvent(name string) event { return event("#" + name) }

// stateNone is the state of a complaint not yet registered.
const stateNone = ""

var (
	none     = []string{stateNone}
	running  = []string{StateIncomplete, StateOpen, StateResponded, StateObjection}
	finished = []string{StateClosed, StateLapsed}
	anyState = slices.Concat(running, finished)
	// afterIntake: the complaint has its term (correctable, relayed).
	afterIntake = []string{StateOpen, StateResponded, StateObjection}
)

// transition is one row of the procedure.
type transition struct {
	step string   // where procedure.md says so
	from []string // the states in which the event may happen
	on   event
	to   string // the next state; "" leaves it as it is
	// letters are the letters the event may cause, each only when its
	// condition holds (see the function).
	letters []string
	do      string // the function that carries it out, and its file
	// management: a command only management gives (§4, "the conversation
	// is management's").
	management bool
	// requires is what a #command needs beyond the state; fromStaff
	// refuses it with the reason while it does not hold (unmet,
	// commands.go).
	requires precondition
}

// precondition is a fact of a complaint's history, beyond its state, that
// a #command needs.
type precondition string

// meetingHeld: the record sets down a conversation that was held (§4:
// "invites with #gesprek … and afterwards records the conversation").
const meetingHeld precondition = "a #gesprek was sent and its time has passed"

// procedure is the table, one row per line: the step of procedure.md,
// the states the event may happen in, the event, the next state ("" it
// stays), the letters it may cause (some only when a condition holds: the
// comment, or the function, says when), and the function that carries it
// out. A #command with no row for the complaint's state is refused with
// the reason, not carried out.
var procedure = []transition{
	// §1 Intake (register.go, thread.go completion, scheduler.go).
	{step: "§1", from: none, on: onSubmission, to: StateIncomplete, do: "register (register.go)"}, // then onComplete or onIncomplete
	{step: "§1", from: only(StateIncomplete), on: onComplete, to: StateOpen, letters: l(templates.Acknowledgement, templates.HandlerNew), do: "complete (register.go)"},
	{step: "§1", from: only(StateIncomplete), on: onIncomplete, to: StateIncomplete, letters: l(templates.CompletionRequest), do: "incomplete (register.go)"},
	{step: "§1", from: only(StateIncomplete), on: onCompletionLimit, letters: l(templates.LoopSuspected), do: "completionLimit (loops.go)"}, // no further request
	{step: "§1", from: anyState, on: onDoubleSubmit, letters: l(templates.DoubleSubmit), do: "doubleSubmit (register.go)"},                  // incomplete: also completes it
	{step: "§1", from: only(StateIncomplete), on: onLapseDay, to: StateLapsed, letters: l(templates.Lapse), do: "due (scheduler.go)"},

	// §2 The term, §2b delay (commands.go, scheduler.go).
	{step: "§2b", from: only(StateOpen), on: onReminderDay, letters: l(templates.Reminder), do: "due (scheduler.go)"},
	{step: "§2b", from: only(StateOpen), on: commandEvent("delay"), letters: l(templates.DelayNotice, templates.DelayStaffNote), do: "delay (commands.go)"}, // the staff note when late or every second extension
	{step: "§2b", from: only(StateOpen), on: onDelayLatest, letters: l(templates.DelayNotice, templates.DelayAutoStaff), do: "delay (commands.go), called by due (scheduler.go)"},

	// §2c Extra information; the thread both ways.
	{step: "§2c", from: running, on: commandEvent("info"), letters: l(templates.InfoRequest), do: "fromStaff (commands.go)"},
	{step: "§2c", from: anyState, on: onStaffWrites, letters: l(templates.RelayToComplainant, templates.NothingRelayed), do: "fromStaff (commands.go)"},    // nothing relayed: only a quote
	{step: "§2c", from: afterIntake, on: onComplainant, letters: l(templates.RelayToHandler, templates.Correction), do: "relayOrCorrect (corrections.go)"}, // a correction: Label: value lines
	{step: "who speaks", from: anyState, on: onThirdParty, letters: l(templates.RelayThirdParty, templates.CommandRefusedSender), do: "thirdParty (speakers.go)"},
	{step: "who speaks", from: anyState, on: onStranger, letters: l(templates.StaffNotice), do: "stranger (route.go)"},
	{step: "never", from: anyState, on: onMachine, letters: l(templates.StaffNotice, templates.LoopSuspected), do: "machine (route.go)"}, // a bounce: notice; many auto-replies: loop

	// §3 Substantive response.
	// Only once the complaint is complete: the handling starts then (§1).
	{step: "§3", from: only(StateOpen), on: commandEvent("response"), to: StateResponded, letters: l(templates.Response, templates.ObjectionDeadline), do: "respond (commands.go)"},

	// §4 Objection, conversation, record, the window's end. A complaint
	// gets one response (§3): a second #reactie is refused, the window
	// and the objection stay.
	{step: "§4", from: only(StateResponded), on: onObjection, to: StateObjection, letters: l(templates.ObjectionReceived, templates.ObjectionDossier), do: "objection (thread.go)"},
	// #bezwaar marks an objection made in the window after the response
	// (§4): before it there is nothing to object to, and once the
	// objection is with management a second one is not registered.
	{step: "§4", from: only(StateResponded), on: commandEvent("objection"), to: StateObjection, letters: l(templates.ObjectionReceived, templates.ObjectionDossier), do: "objection (thread.go)"},
	{step: "§4", from: only(StateClosed), on: onAdoptLate, to: StateObjection, letters: l(templates.ObjectionReceived, templates.ObjectionDossier), do: "objection (thread.go)"},
	{step: "§4", from: only(StateResponded, StateClosed, StateLapsed), on: onLateObjection, letters: l(templates.ObjectionLate, templates.ObjectionLateStaff), do: "lateObjection (thread.go)"},
	{step: "§4", from: running, on: commandEvent("meeting"), management: true, letters: l(templates.Invitation), do: "invite (commands.go)"},
	{step: "§4", from: running, on: commandEvent("record"), to: StateClosed, management: true, requires: meetingHeld, letters: l(templates.Record), do: "record (commands.go)"},
	{step: "§4", from: only(StateResponded), on: onWindowEnds, to: StateClosed, letters: l(templates.Closing), do: "due (scheduler.go)"},

	// Commands of the handling (procedure.md's command table).
	{step: "commands", from: running, on: commandEvent("assign"), letters: l(templates.Reassigned, templates.HandlerAssigned), do: "reassign (commands.go)"},
	{step: "commands", from: running, on: commandEvent("adduser"), do: "addAddress (speakers.go)"},
	{step: "commands", from: running, on: commandEvent("change"), letters: l(templates.Correction), do: "changeCommand (corrections.go)"},
	{step: "commands", from: running, on: commandEvent("close"), to: StateClosed, letters: l(templates.Closed), do: "closeComplaint (commands.go)"},
	{step: "commands", from: running, on: commandEvent("withdrawn"), to: StateClosed, letters: l(templates.Closed), do: "closeComplaint (commands.go)"},
	{step: "commands", from: running, on: commandEvent("unknown"), letters: l(templates.UnknownCommand), do: "fromStaff (commands.go)"},
	// Also on a finished complaint: a note, a category for the figures,
	// and a hold on what would otherwise be erased.
	{step: "commands", from: anyState, on: commandEvent("note"), do: "fromStaff (commands.go)"},
	{step: "commands", from: anyState, on: commandEvent("category"), letters: l(templates.CategorySet, templates.CategoryRefused), do: "category (category.go)"},
	{step: "commands", from: anyState, on: commandEvent("hold"), letters: l(templates.HoldNotice), do: "hold (hold.go)"},

	// After the end.
	{step: "letters", from: finished, on: onWritesFinished, letters: l(templates.ClosedReply, templates.StaffNotice), do: "replyToClosed (thread.go)"}, // the complainant's letter once
	{step: "letters", from: finished, on: onSurveyAnswer, do: "surveyReply (survey.go)"},
	{step: "letters", from: only(StateClosed), on: onSurveyDay, letters: l(templates.Survey), do: "dueSurveys (survey.go)"},
}

// l and only keep the table's rows on one line each.
func l(letters ...string) []string   { return letters }
func only(states ...string) []string { return states }

// asides are the letters that belong to no step of a complaint's
// procedure: answers about a command that was not carried out, notices to
// staff, alerts to the intake team, management's mail on a schedule.
var asides = []struct {
	letter string
	when   string
	do     string
}{
	{templates.CommandDone, "every command carried out, to its sender: what was done, the new dates", "confirm (confirm.go)"},
	{templates.CommandNotDone, "a command that cannot be carried out as given or now (no such handler, a meeting in the past or on a day off, a second response, a delay after it, a record with no conversation held)", "notDone (confirm.go), notNow (commands.go)"},
	{templates.CorrectionNotice, "a correction (by reply or #wijzig) that refused a value of the complainant's, or changed her e-mail address: to her, at the old address too", "tellComplainant (corrections.go)"},
	{templates.StaffNotice, "a command on a finished complaint, or badly written; a letter undeliverable", "staffNoticeCmd (commands.go), failLetter (outbox.go)"},
	{templates.SenderUnverified, "a command from a staff address whose sender is not verified", "refuseUnverified (confirm.go)"},
	{templates.Alert, "a mail quarantined, the intake stopped", "quarantineWith (route.go), AlertIntakeStopped (intake_status.go), quarantineRaw (quarantine_raw.go)"},
	{templates.CredentialExpiry, "an OAuth2 credential about to expire", "credentials.go"},
	{templates.SenderDown, "the SMTP server down for long", "OpsAlert (opsalert.go)"},
	{templates.StoreFailing, "the database not writable for long", "OpsAlert (opsalert.go)"},
	{templates.Digest, "on management's schedule", "QueueDigest (digest.go)"},
	{templates.Report, "the complaints report on request", "report_letter.go"},
}

// rowFor is the table's row for event on in state, if the table allows it.
func rowFor(state string, on event) (transition, bool) {
	for _, t := range procedure {
		if t.on == on && slices.Contains(t.from, state) {
			return t, true
		}
	}
	return transition{}, false
}

// enter carries c through event on: it refuses an event the table does not
// allow in c's state (a bug: the code decided on an event the procedure
// does not have there), and sets the state the table names.
func (t *txn) enter(c *Complaint, on event) error {
	row, ok := rowFor(c.State, on)
	if !ok {
		return fmt.Errorf("procedure: %q is not an event of a complaint in state %q", on, c.State)
	}
	if row.to != "" {
		c.State = row.to
	}
	return nil
}
