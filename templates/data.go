// Package templates holds the letters: embedded text and HTML templates per
// language (nl, en), parsed once at start, overridable from a folder, and the
// composition of a rendered letter into a finished MIME message.
package templates

import "time"

// Letter names: one template set per name and language.
const (
	CompletionRequest  = "completion_request"   // complainant: missing/invalid fields
	Acknowledgement    = "acknowledgement"      // complainant: registered, handler, end date
	HandlerNew         = "handler_new"          // handler: new complaint, all fields, commands
	Reminder           = "reminder"             // handler: N working days left
	DelayNotice        = "delay_notice"         // complainant: reason, duration, new end date
	DelayAutoStaff     = "delay_auto_staff"     // handler+management: gateway sent the delay itself
	DelayStaffNote     = "delay_staff_note"     // management: late delay / every second extension
	InfoRequest        = "info_request"         // complainant: the handler's question
	RelayToHandler     = "relay_to_handler"     // handler: complainant's message with context
	RelayToComplainant = "relay_to_complainant" // complainant: handler's plain message
	Response           = "response"             // complainant: substantive response
	ObjectionDeadline  = "objection_deadline"   // complainant: last day to object, how
	ObjectionReceived  = "objection_received"   // complainant: management will invite you
	ObjectionDossier   = "objection_dossier"    // management: whole dossier + objection
	ObjectionLate      = "objection_late"       // complainant: window has passed
	ObjectionLateStaff = "objection_late_staff" // handler+management: a late objection came in
	Invitation         = "invitation"           // complainant: conversation date/time/place (+ .ics)
	Record             = "record"               // complainant (cc management): written record
	Closing            = "closing"              // complainant: window ended, closed
	Closed             = "closed"               // complainant: closed (by #sluiten/#ingetrokken)
	Lapse              = "lapse"                // complainant: incomplete for 20 working days
	ClosedReply        = "closed_reply"         // complainant: reply to a closed complaint (once)
	Reassigned         = "reassigned"           // complainant: who handles it now
	HandlerAssigned    = "handler_assigned"     // new handler: complaint assigned to you
	StaffNotice        = "staff_notice"         // handler/management: something to know (Data.Notice)
	UnknownCommand     = "unknown_command"      // sender of an unknown #command: the list
	CommandRefused     = "command_refused"      // handler: a command was not carried out, why
	Alert              = "alert"                // intake team: quarantine, undeliverable, intake stopped
	Digest             = "digest"               // management: the digest (Data.Digest)

	CategorySet     = "category_set"     // handler: #categorie carried out (Data.Category)
	CategoryRefused = "category_refused" // handler: unknown category, the list (Data.Categories)
	Report          = "report"           // management: the complaints report (Data.Report)
	Survey          = "survey"           // complainant: the satisfaction question after closing
)

// Names lists every letter name; each must exist in every language.
var Names = []string{CompletionRequest, Acknowledgement, HandlerNew, Reminder,
	DelayNotice, DelayAutoStaff, DelayStaffNote, InfoRequest, RelayToHandler,
	RelayToComplainant, Response, ObjectionDeadline, ObjectionReceived,
	ObjectionDossier, ObjectionLate, ObjectionLateStaff, Invitation, Record,
	Closing, Closed, Lapse, ClosedReply, Reassigned, HandlerAssigned,
	StaffNotice, UnknownCommand, CommandRefused, Alert, Digest,
	CategorySet, CategoryRefused, Report, Survey}

// Complaint is the complaint's data as shown in letters.
type Complaint struct {
	Company, Address, Name, Phone, Availability, Email, Date, Description string
	References                                                            []string
}

// Problem is one missing or invalid field, explained for the complainant.
type Problem struct {
	Label  string // the field's label in the letter's language, e.g. "Telefoonnummer"
	Reason string // e.g. "ontbreekt" or "telefoonnummer '0612' is te kort"
}

// Event is one line of a dossier's timeline.
type Event struct {
	At   time.Time
	What string
}

// DigestRow is one complaint in the digest.
type DigestRow struct {
	Ref, Company, Handler, State string
	EndDate                      time.Time
	DaysLeft                     int
	Note                         string // delay reason, meeting time, …
}

// DigestData is the content of a management digest.
type DigestData struct {
	From, To      time.Time // the period covered
	Findings      []string  // things that should never happen; shown first
	New           []DigestRow
	Open          []DigestRow
	Incomplete    []DigestRow
	Urgent        []DigestRow // terms ending within 5 working days, most urgent first
	Delays        []DigestRow
	Objections    []DigestRow
	ByState       map[string]int
	ByHandler     map[string]int
	Received      int
	Closed        int
	MedianDays    float64
	P90Days       float64
	OnTimePercent float64
	ObjectionsN   int
	// Uncategorised are the complaints in the procedure that no handler has
	// given a category yet (#categorie).
	Uncategorised []DigestRow
	// Charts are images shown inline (cid: parts); the digest's small trend.
	Charts []Image
}

// Data is everything a letter may show. A letter uses what it needs; dates
// are shown with the template function `date` ("23 december 2026" in nl,
// "23 December 2026" in en).
type Data struct {
	Ref       string
	State     string
	Complaint Complaint
	// Handler is the assigned handler's name; HandlerEmail their address.
	Handler      string
	HandlerEmail string
	Gateway      string // the gateway's address, e.g. klachten@ingressus.nl
	Organisation string // e.g. Ingressus
	FormURL      string // the web complaint form, for "submit a new complaint"; optional

	Received     time.Time // the day the complete complaint counts as received
	EndDate      time.Time // end of the (possibly extended) handling term
	DelayLatest  time.Time // latest day for a delay notice
	ObjectionEnd time.Time // last day to object
	LapseDate    time.Time // day an incomplete complaint lapses
	DaysLeft     int

	Problems []Problem // completion request: each missing/invalid field

	DelayDays   int
	DelayReason string
	OldEndDate  time.Time
	Automatic   bool // the gateway sent the delay itself
	Late        bool // the delay came after the latest allowed day
	Extensions  int  // how many extensions so far

	Text        string // relayed text, response, question, record, note
	Sender      string // who wrote Text (name or address)
	Attachments []string

	MeetingAt    time.Time
	MeetingPlace string
	Resolved     bool
	Court        string // e.g. "de rechtbank Rotterdam"

	Command  string   // the command word as written
	Commands []string // the list of commands, for unknown_command
	Notice   string   // staff_notice / command_refused / alert: what happened
	Action   string   // what to do about it

	Timeline []Event // dossier
	Digest   *DigestData

	Category   string      // the complaint's category ("" untagged), or the one asked for
	Categories []string    // the configured categories, for #categorie
	Report     *ReportData // the complaints report
}
