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
	DoubleSubmit       = "double_submit"        // handler: the same complaint was submitted again
	Correction         = "correction"           // handler: fields corrected (by the complainant or #wijzig)
	CorrectionNotice   = "correction_notice"    // complainant: her correction refused (why), or her e-mail address changed
	Digest             = "digest"               // management: the digest (Data.Digest)
	// CredentialExpiry warns the intake team that the OAuth2 credential
	// ends: Data.Command is its config key (client_secret_expires or
	// certificate_file), Notice what it is, EndDate its end, DaysLeft.
	CredentialExpiry = "credential_expiry"
	// ConnectionTest is the test letter of check-connection --send-test.
	ConnectionTest = "connection_test"
	HoldNotice     = "hold_notice" // staff: legal hold set (Data.Text: reason) or released (Data.Notice "released")

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
	StaffNotice, UnknownCommand, CommandRefused, Alert, Digest, CredentialExpiry, ConnectionTest,
	DoubleSubmit, Correction, CorrectionNotice, HoldNotice,
	// act.go: who may act, staff hearing back
	CommandDone, CommandNotDone, SenderUnverified, RelayThirdParty, LoopSuspected,
	CategorySet, CategoryRefused, Report, Survey}

// Complaint is the complaint's data as shown in letters.
type Complaint struct {
	Company, Address, Name, Phone, Availability, Email, Date, Description string
	References                                                            []string
	// DateAssumed: the form had no date, and Date is the day the mail
	// arrived (the letters say so).
	DateAssumed bool
}

// Problem is one missing or invalid field, explained for the complainant.
type Problem struct {
	Label  string // the field's label in the letter's language, e.g. "Telefoonnummer"
	Reason string // e.g. "ontbreekt" or "telefoonnummer '0612' is te kort"
	// OwnAddress is set (Reason empty) when the value is an address of the
	// organisation itself, not the complainant's: the letter says why.
	OwnAddress string
}

// Event is one line of a dossier's timeline.
type Event struct {
	At   time.Time
	What string
}

// DigestRow is one complaint in the digest. Every figure is a field, not
// prose: the template words it in the digest's language.
type DigestRow struct {
	Ref, Company, Handler, State string
	EndDate                      time.Time
	DaysLeft                     int
	// TermRunning: the handling term still runs (state open), so DaysLeft
	// means something; a responded or closed complaint shows no days left.
	TermRunning bool
	Note        string // free text from the store (e.g. a delay's reason), shown as it is

	LapseDate time.Time    // incomplete: the day it lapses
	Delay     *DigestDelay // in Delays: the extension
	// ObjectionAt is when the objection came; MeetingAt and MeetingPlace the
	// conversation management invited to (zero: not yet invited).
	ObjectionAt  time.Time
	MeetingAt    time.Time
	MeetingPlace string
}

// DigestDelay is one extension of a term in the digest.
type DigestDelay struct {
	Days      int
	Reason    string
	Automatic bool // sent by the gateway itself on the last allowed day
	Late      bool // given after the latest allowed day
}

// Finding is something the procedure should never produce, shown first in
// the digest. Kind says which: FindingTermPassed, FindingAckLate,
// FindingUndeliverable, FindingIntakeStopped.
type Finding struct {
	Kind    string
	Ref     string
	Company string
	Day     time.Time // term end / day the acknowledgement went / intake stopped since
	Due     time.Time // the acknowledgement's latest day
	Letter  string    // undeliverable: the letter's kind
	Rcpt    string    // undeliverable: to whom
	Detail  string    // undeliverable: the server's answer, as it came
}

// Finding kinds.
const (
	FindingTermPassed    = "term-passed"
	FindingAckLate       = "ack-late"
	FindingUndeliverable = "undeliverable"
	FindingIntakeStopped = "intake-stopped"
)

// DigestData is the content of a management digest.
type DigestData struct {
	From, To      time.Time // the period covered
	Findings      []Finding // things that should never happen; shown first
	New           []DigestRow
	Open          []DigestRow
	Incomplete    []DigestRow
	Urgent        []DigestRow // terms ending within 5 working days, most urgent first
	Delays        []DigestRow
	Objections    []DigestRow
	Held          []DigestRow // under a legal hold: kept past the retention term
	LedgerHead    string      // the record's chain hash when the digest was made (klachtd verify --anchor)
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
	DelayLatest  time.Time // latest day for a delay notice; the gateway sends its own as it starts (§2b)
	DelayBy      time.Time // the handler's last day for #vertraging: the working day before DelayLatest
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
	Rescheduled  bool // the invitation replaces an earlier one (a second #gesprek)
	Resolved     bool
	Court        string // e.g. "de rechtbank Rotterdam"

	Command  string   // the command word as written
	Commands []string // the list of commands, for unknown_command
	Notice   string   // free text for a notice whose About.Kind no template knows; prefer About
	Action   string   // what to do about it, likewise

	Timeline []Event // an event log, for staff letters that show one
	Digest   *DigestData

	// About says what a staff notice, alert or refusal is about; its
	// template words it per About.Kind.
	About Notice
	// Dossier is the objection dossier's content.
	Dossier *Dossier
	// Files are the attachments of a relayed message, with sizes; a
	// letter shows them, where set, instead of Attachments.
	Files []Attachment
	// English: the complainant writes English (staff letters say so).
	English bool
	Act     *ActData // act.go: command confirmations, refusals, third parties, loops
	// Arrived is the instant the mail that made the complaint complete
	// arrived. When Received (the day the term counts from) is a later
	// day, the acknowledgement says why: AfterHours is the end of the
	// business day ("17:00") when the mail came after it on a working day;
	// empty when it came on a day that is not a working day.
	Arrived    time.Time
	AfterHours string
	// EmailAsGiven is the form's e-mail field when it was not a usable
	// address and the letters go to Complaint.Email instead: the
	// complainant is asked to confirm that address.
	EmailAsGiven string
	// SubmittedAt is when a double submit arrived (double_submit).
	SubmittedAt time.Time
	// Changes are the corrected fields (correction); ByStaff when a
	// handler corrected them with #wijzig, else the complainant did.
	Changes []Change
	ByStaff bool
	// EmailWas is the complainant's former address when a correction
	// changed her e-mail address: it goes on speaking for the complaint,
	// and the letter about the change goes there too.
	EmailWas string

	Category   string      // the complaint's category ("" untagged), or the one asked for
	Categories []string    // the configured categories, for #categorie
	Report     *ReportData // the complaints report
}

// Change is one corrected field: its label in the letter's language, the
// value before and after.
type Change struct {
	Label, Old, New string
}

// Attachment is a file named in a letter: relayed with it, or only listed.
type Attachment struct {
	Name     string
	Size     int  // bytes
	Included bool // attached to this letter; false: too large (or not kept), only listed
}

// Dossier is the objection dossier for management: the complaint as
// received, the whole thread in reading order, and the dates against the
// terms (procedure.md §4, "objection dossier").
type Dossier struct {
	Arrived time.Time // the complaint's first mail arrived
	Direct  bool      // mailed directly, not through the web form
	// Complaint are the attachments of the mail that brought the complaint.
	Complaint []Attachment
	Entries   []DossierEntry
	Internal  []DossierEntry // letters to staff (reminders, notices): listed, without text
	Terms     Terms
	// AsReceived are the complaint's fields as received, before any
	// correction (each correction is an entry of the thread); under
	// Complaint, so that the "fields" partial shows them.
	AsReceived *Received
	// AttachLimit is the most, in bytes, of all attachments together that
	// travel with the dossier; the rest are listed with name and size.
	AttachLimit int
}

// DossierEntry is one message of the thread, in or out.
type DossierEntry struct {
	At          time.Time
	Out         bool   // a letter the gateway sent; false: a mail that came in
	Kind        string // out: the letter name (Acknowledgement …); in: "complainant", "other", "note", "auto-reply", "bounce"
	From, To    string // as written in the mail: "Name <addr>" or an address
	Subject     string
	Text        string // the message's own text, verbatim (quotes of earlier mails left out)
	Attachments []Attachment
	Objection   bool // this message is the objection
	// Changes: a correction (Kind "correction"), by From, or the
	// complainant when From is empty.
	Changes []Change
	Failed  bool // out: could not be delivered
	Pending bool // out: not sent yet
}

// Received holds a complaint's fields as received (Dossier.AsReceived).
type Received struct {
	Complaint Complaint
}

// Extension is one extension of the handling term.
type Extension struct {
	At             time.Time // when it was given
	Days           int       // working days
	Reason         string
	OldEnd, NewEnd time.Time
	Automatic      bool // the gateway sent it itself on the last allowed day
	Late           bool // given after the latest day for a delay notice
}

// Terms are the procedure's dates for one complaint and whether each was
// met. A zero time means the step has not happened (yet).
type Terms struct {
	Arrived         time.Time // the complete complaint's mail arrived
	Received        time.Time // the day it counts as received (the term counts from the next working day)
	AckDue          time.Time // acknowledgement due: 5 working days after Received
	AckSent         time.Time
	AckInTime       bool
	FirstEnd        time.Time // end of the term before any extension
	Extensions      []Extension
	End             time.Time // end of the (extended) term
	Responded       time.Time
	ResponseInTime  bool
	ObjectionEnd    time.Time
	Objected        time.Time
	ObjectionInTime bool
}

// Notice says what a staff notice, alert or refusal is about: a code the
// template words (Notice… and Alert… constants) and the facts it needs, so
// that no wording is built in Go.
type Notice struct {
	Kind     string
	From     string    // the sender of the mail concerned
	Subject  string    // the subject of the mail or letter concerned
	Reason   string    // a reason code, e.g. ReasonNoAddress
	Detail   string    // a technical detail (an error text), shown as is
	Letter   string    // the letter name concerned (undeliverable)
	Rcpt     string    // the recipient concerned
	Since    time.Time // intake stopped since
	Size     int       // bytes (oversize)
	Args     string    // the command's arguments as written
	Usage    string    // the command name whose syntax to show (usage)
	Managers []string  // management's addresses (management-only)
	// Bounce: when the bounced letter (Letter, Subject) was sent, the DSN's
	// status code (5.2.2; the server's answer is Detail), whether that
	// failure may pass by itself (4.x.x, a full mailbox), and whether the
	// letter went to the complainant.
	Sent          time.Time
	Status        string
	Transient     bool
	ToComplainant bool
}

// Notice kinds. The staff_notice, alert and command_refused templates word
// each; an unknown kind prints Data.Notice/Data.Action as given.
const (
	NoticeClosedReply    = "closed-reply"    // staff_notice: the complainant wrote after closing (Text)
	NoticeFinished       = "finished"        // staff_notice: a command on a closed complaint (Command, State)
	NoticeManagementOnly = "management-only" // staff_notice: #gesprek/#verslag from a handler (Command, Managers)
	NoticeUsage          = "usage"           // staff_notice: a command that could not be read (Command, Args, Usage)
	NoticeStranger       = "stranger"        // staff_notice: a mail naming the reference from a non-party (From, Subject)
	NoticeBounce         = "bounce"          // staff_notice: a letter bounced (Rcpt, Letter, Subject, Sent, Status, Detail, Transient, ToComplainant)
	NoticeUndeliverable  = "undeliverable"   // staff_notice: the outbox gave up on a letter (Subject, Letter, Rcpt, Detail)
	NoticeUnverified     = "unverified"      // command_refused: the sender could not be verified (From, Detail)
	AlertQuarantine      = "quarantine"      // alert: a mail was put in quarantine (From, Subject, Reason, Detail, Size)
	AlertIntakeStopped   = "intake-stopped"  // alert: no mail read since Since (Detail)
)

// Quarantine reason codes (Notice.Reason of an AlertQuarantine).
const (
	ReasonNoAddress   = "no-address"  // no usable e-mail address to answer
	ReasonUnparseable = "unparseable" // the mail could not be read as a message
	ReasonUnreadable  = "unreadable"  // the IMAP server would not give the mail
	ReasonOversize    = "oversize"    // the mail is over the size limit
)
