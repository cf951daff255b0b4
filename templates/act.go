package templates

import "time"

// Letters about who may act in a complaint and what staff hear back
// (issue 10 items 1–7, issue 11 items 4–5). Their data is Data.Act.
const (
	CommandDone      = "command_done"      // sender of a command: what was done, the new dates
	CommandNotDone   = "command_not_done"  // sender of a command: why it could not be carried out (Act.Reason)
	SenderUnverified = "sender_unverified" // sender and handler: a command from an unverified sender was refused
	RelayThirdParty  = "relay_third_party" // handler: a message in the thread from someone who is not the complainant
	LoopSuspected    = "loop_suspected"    // handler (intake team while none): probable auto-reply loop, no more letters
)

// ActData is what the letters above show beyond Data's dates.
type ActData struct {
	// Command is the command word as written (without '#'); Name its
	// canonical English name (info, delay, response, note, assign,
	// objection, meeting, record, close, withdrawn, adduser).
	Command, Name string
	// Reason is a code the letter words: for SenderUnverified no-check,
	// no-results, fail, not-internal, no-signature, bad-signature; for
	// CommandNotDone record-before-meeting, record-without-meeting,
	// meeting-in-past, meeting-not-workday, meeting-bad-date and
	// meeting-bad-time (Args: the date or time as written), already-responded,
	// not-complete, not-now, no-response-yet and objection-registered (a
	// #bezwaar before the response or after the objection), no-address,
	// no-message, unknown-handler; for
	// LoopSuspected quick-replies, machine-replies, completion-limit.
	Reason string
	// By is who wrote the mail ("Name <address>" or the address); Address
	// the bare address (RelayThirdParty) or the address added (adduser).
	By, Address string
	// Count is how many such mails came (LoopSuspected).
	Count int
	// Args are the command's arguments as written, and Handlers the
	// configured handlers' names (CommandNotDone unknown-handler: a
	// #toewijzen that names no handler).
	Args     string
	Handlers []string
	// Responded is the day the substantive response was sent
	// (CommandNotDone already-responded: a second #reactie, a #vertraging
	// after it).
	Responded time.Time
	// Holiday names the public holiday or closing day a #gesprek fell on
	// (CommandNotDone meeting-not-workday; empty on a weekend).
	Holiday string
}
