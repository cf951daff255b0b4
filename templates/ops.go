package templates

// Alerts about the gateway's own outages, to the intake team. They are not
// sent by SMTP (that may be what is down) but put by IMAP APPEND into the
// intake mailbox; Data.Received is when the outage began, Data.Text the
// last error.
const (
	SenderDown   = "sender_down"   // the SMTP server refuses us: letters wait
	StoreFailing = "store_failing" // the database takes no writes: mail waits in the inbox
)

func init() { Names = append(Names, SenderDown, StoreFailing) }
