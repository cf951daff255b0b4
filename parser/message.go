// Package parser turns the bytes of one mail into a typed, validated value:
// the MIME walk, charsets, HTML to text, web-form fields, the new text of a
// reply, #command lines, references and reply tokens, and the classification
// of machine mail. It is pure: no I/O, no clock.
//
// Parse reads a message once, with internal/mime, into one MIME tree, and
// every reader walks that tree: the text and attachment walker and the
// form reader here, the reply stripper (reply) and the machine-mail
// classifier (classify). HTML becomes text in one converter
// (internal/htmltext), in the mode each reader needs. The sub-packages
// import only downwards: internal/mime and internal/htmltext import
// nothing of ours, reply imports htmltext, classify imports mime, htmltext
// and reply, and parser imports them all.
package parser

import "time"

// Kind says what sort of mail a message is; it decides what the gateway may
// answer. Machine kinds (auto-reply, bounce, automated) are never answered.
type Kind string

// The kinds of mail, as they appear in `klachtd parse --json`.
const (
	KindForm      Kind = "form"
	KindReply     Kind = "reply"
	KindAutoReply Kind = "auto-reply"
	KindBounce    Kind = "bounce"
	KindAutomated Kind = "automated"
	KindOther     Kind = "other"
)

// IsMachine reports whether mail of this kind was sent by a machine and must
// never be answered (RFC 3834 §2).
func (k Kind) IsMachine() bool {
	return k == KindAutoReply || k == KindBounce || k == KindAutomated
}

// Field names, as used in Fields' JSON keys, Missing and Invalid.
const (
	FieldCompany      = "company"
	FieldAddress      = "address"
	FieldName         = "name"
	FieldPhone        = "phone"
	FieldAvailability = "availability"
	FieldEmail        = "email"
	FieldDate         = "date"
	FieldDescription  = "description"
	FieldReferences   = "references"
)

// RequiredFields lists the fields a complete complaint must have, in the
// order the procedure names them.
var RequiredFields = []string{FieldCompany, FieldAddress, FieldName, FieldPhone,
	FieldAvailability, FieldEmail, FieldDate, FieldDescription}

// Fields are the complaint's data as found in a form mail (or in a
// complainant's reply that supplies what was missing). Phone is E.164, Date is
// YYYY-MM-DD, Email the bare address; a field not found is empty.
type Fields struct {
	Company      string   `json:"company,omitempty"`
	Address      string   `json:"address,omitempty"`
	Name         string   `json:"name,omitempty"`
	Phone        string   `json:"phone,omitempty"`
	Availability string   `json:"availability,omitempty"`
	Email        string   `json:"email,omitempty"`
	Date         string   `json:"date,omitempty"`
	Description  string   `json:"description,omitempty"`
	References   []string `json:"references,omitempty"`
	// Contact is the Ingressus contact person named in the form, if any; it
	// steers handler assignment (procedure.md §2).
	Contact string `json:"contact,omitempty"`
	// Other holds a form's lines that map to no field, under the heading
	// "Overige velden:", when the form has no description to append
	// them to (with a description they are appended to it).
	Other string `json:"other,omitempty"`
}

// Command is a handler's or management's `#command` line: Name is the
// canonical English name (info, delay, response, note, assign, objection,
// meeting, record, close, withdrawn) or "unknown"; Word is the word as
// written (without '#'); Args is the rest of the line.
type Command struct {
	Name string `json:"name"`
	Word string `json:"word,omitempty"`
	Args string `json:"args"`
}

// Attachment is a non-text part of a message.
type Attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	Data        []byte `json:"-"`
}

// Message is what the gateway makes of one mail. Its JSON form is the
// contract of `klachtd parse --json`; fields tagged "-" are for the gateway
// only.
type Message struct {
	Kind             Kind              `json:"kind"`
	Fields           Fields            `json:"fields"`
	Missing          []string          `json:"missing"`
	Invalid          map[string]string `json:"invalid"`
	Reference        string            `json:"reference,omitempty"`
	Reply            string            `json:"reply,omitempty"`
	Command          *Command          `json:"command,omitempty"`
	BouncedRecipient string            `json:"bounced_recipient,omitempty"`
	// BounceStatus and BounceDiagnostic are a bounce's reason: the DSN's
	// Status code (5.2.2) and the remote server's answer as it came
	// ("552 5.2.2 Mailbox full"); empty when the bounce does not say.
	BounceStatus     string `json:"bounce_status,omitempty"`
	BounceDiagnostic string `json:"bounce_diagnostic,omitempty"`

	// InvalidEN holds the reasons of Invalid in English (Invalid is Dutch).
	InvalidEN map[string]string `json:"-"`
	// Header facts, decoded. Addresses are bare and lower-cased.
	MessageID   string    `json:"-"` // canonical, without angle brackets
	InReplyTo   []string  `json:"-"` // canonical Message-IDs
	References  []string  `json:"-"` // canonical Message-IDs
	Subject     string    `json:"-"`
	From        string    `json:"-"`
	FromName    string    `json:"-"`
	ReplyTo     string    `json:"-"`
	To          []string  `json:"-"`
	Cc          []string  `json:"-"`
	DeliveredTo []string  `json:"-"` // Delivered-To and X-Original-To
	Date        time.Time `json:"-"` // zero when absent or unreadable
	// AuthResults are the raw Authentication-Results header values.
	AuthResults []string `json:"-"`
	// Tokens are the plus-address parts (after '+') of every recipient in
	// Delivered-To, X-Original-To, To and Cc, in that order, deduplicated.
	Tokens []string `json:"-"`
	// Text is the decoded plain text of the body (from HTML when there is no
	// text part); HTML the decoded HTML part, if any.
	Text        string       `json:"-"`
	HTML        string       `json:"-"`
	Attachments []Attachment `json:"-"`
	// Defects are problems met on the way (bad charset, broken MIME); the
	// message is still usable.
	Defects []string `json:"-"`
	// DateAssumed is true when the form had no date and none could be read.
	DateAssumed bool `json:"-"`
}

// Options steer parsing; the zero value works.
type Options struct {
	// FormSenders are the web form's own sending addresses: they are never
	// taken as the complainant's address. Compared case-insensitively.
	FormSenders []string
	// Labels extends the label→field mapping: a form label (any case and
	// spacing) to a field name (FieldCompany …, or "contact").
	Labels map[string]string
	// Region is the default phone region; "NL" when empty.
	Region string
	// OwnAddresses are the gateway's own addresses; mail from them is our
	// own letter coming back and is classified automated.
	OwnAddresses []string
	// MaxBytes bounds how much of a message is read; 0 means 25 MB.
	MaxBytes int
	// MaxAttachment: attachments larger than this many bytes are listed
	// but not decoded (their Data is nil); 0 decodes every one.
	MaxAttachment int
}
