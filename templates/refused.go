package templates

// CommandRefusedSender answers someone who is neither staff nor the
// complainant and wrote a #command into a complaint's thread
// (procedure.md: "A refused command is kept; its sender and the handler
// are told why"): it was not carried out, the message is kept, the
// handler knows. Sent at most once per sender and complaint, never to
// machine mail. Data.Act holds the command.
const CommandRefusedSender = "command_refused_sender"

// NothingRelayed tells a handler or manager that their reply in a thread
// held no new text, only the quoted letter: nothing was sent on to the
// complainant.
const NothingRelayed = "nothing_relayed"

func init() { Names = append(Names, CommandRefusedSender, NothingRelayed) }
