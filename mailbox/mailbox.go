// Package mailbox talks to mail servers: the IMAP intake (IDLE, polling, UID
// bookkeeping, move), SMTP sending of finished letters, and the embedded demo
// mail world. No go-imap or go-mail type crosses out of this package: callers
// see plain types only.
package mailbox

import (
	"context"
	"crypto/x509"
	"io"
	"time"
)

// Delivery is one mail fetched from the intake folder.
type Delivery struct {
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	Raw         []byte
	// Truncated is true when the message was larger than the configured
	// limit and Raw holds only its first part.
	Truncated bool
	// Size is the message's full size as the server reports it.
	Size int64
	// Unreadable, when set, says why the server would not give the
	// message's bytes (a NO to FETCH); Raw is then nil. The handler must
	// still record it, so that it does not block the mails behind it.
	Unreadable string
}

// Outcome tells the intake where a handled mail goes.
type Outcome int

const (
	// Processed mails are moved to the processed folder.
	Processed Outcome = iota
	// Quarantined mails are moved to the quarantine folder.
	Quarantined
)

// Handler stores deliveries and all their consequences durably and says
// where each mail goes: one outcome per delivery, in the order given (UID
// order). The intake hands it every fetched batch at once, one mail or a
// hundred (a batch of one is a batch), so that a backlog can be committed
// in a few transactions (group commit) and go at the speed of the servers.
// It must be idempotent: the same (mailbox, uidvalidity, uid), or the same
// message after a UIDVALIDITY change, returns the earlier outcome without
// doing anything twice. An error keeps the whole batch in the inbox; the
// intake backs off and tries again.
type Handler func(ctx context.Context, ds []Delivery) ([]Outcome, error)

// CursorStore keeps, per mailbox, the UIDVALIDITY and the highest UID whose
// mail has been handled and moved.
type CursorStore interface {
	Cursor(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error)
	SetCursor(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error
}

// TLSMode is how a connection is secured.
type TLSMode string

// TLS modes for IMAP and SMTP connections.
const (
	TLSImplicit TLSMode = "tls"      // TLS from the first byte (IMAPS 993, SMTPS 465)
	TLSStartTLS TLSMode = "starttls" // upgrade after connecting
	TLSNone     TLSMode = "none"     // plain text; allowed on loopback only
)

// IMAPConfig says where the intake inbox is and how to watch it.
type IMAPConfig struct {
	Addr     string // host:port
	TLS      TLSMode
	Username string
	Password string
	Insecure bool // skip certificate verification (tests, self-signed)
	// RootCAs, when set, verifies the server against these CAs (a private
	// CA) instead of the system's.
	RootCAs    *x509.CertPool
	Folder     string // intake folder, e.g. INBOX
	Processed  string // handled mail is moved here
	Quarantine string // unparseable mail is moved here
	// PollInterval is used when the server has no IDLE, and as the longest
	// wait between checks even with IDLE.
	PollInterval time.Duration
	// MaxBytes bounds how much of one message is fetched (default 25 MB).
	MaxBytes int64
	// Trace, when non-nil, receives the protocol transcript.
	Trace io.Writer
	// OAuth2, when set, logs in with SASL XOAUTH2 or OAUTHBEARER and a
	// token from it instead of LOGIN with Password.
	OAuth2 Tokens
}

// SMTPConfig says where letters are sent.
type SMTPConfig struct {
	Addr     string // host:port
	TLS      TLSMode
	Username string
	Password string
	Insecure bool
	// RootCAs, when set, verifies the server against these CAs instead of
	// the system's.
	RootCAs  *x509.CertPool
	HeloName string
	Timeout  time.Duration
	// OAuth2, when set, authenticates with SASL XOAUTH2 or OAUTHBEARER
	// and a token from it instead of the password.
	OAuth2 Tokens
}
