package templates

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
)

// File is an attachment.
type File struct {
	Name        string
	ContentType string // e.g. "text/calendar; method=REQUEST; charset=utf-8"
	Data        []byte
}

// Envelope is everything about a letter's message that is not its content.
type Envelope struct {
	From, FromName string
	To, Cc         []string
	ReplyTo        string
	MessageID      string // without <>; required
	InReplyTo      string // without <>
	References     []string
	Date           time.Time // required
	// Auto marks a letter the gateway sent by itself: "Auto-Submitted:
	// auto-generated" (RFC 3834 §5) and "X-Auto-Response-Suppress: All"
	// (Exchange), so no out-of-office answers it.
	Auto        bool
	Kind        string // X-Klachtd-Letter, e.g. "acknowledgement"
	Ref         string // X-Klachtd-Ref, e.g. "KL-2026-0001"
	Attachments []File
}

// Headers set by Compose.
const (
	HeaderLetter = "X-Klachtd-Letter"
	HeaderRef    = "X-Klachtd-Ref"
)

// Compose builds the finished RFC 5322 message for letter l: CRLF line
// endings, multipart/alternative text/plain + text/html in UTF-8
// quoted-printable, inside multipart/mixed when there are attachments.
// Every header value is stripped of control characters first, so no value
// from a complaint can inject a header.
func Compose(e Envelope, l Letter) ([]byte, error) {
	id := cleanID(e.MessageID)
	if id == "" {
		return nil, errors.New("compose: envelope has no message-id")
	}
	if e.Date.IsZero() {
		return nil, errors.New("compose: envelope has no date")
	}
	if len(e.To) == 0 {
		return nil, errors.New("compose: envelope has no recipient")
	}
	m := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := m.FromFormat(clean(e.FromName), clean(e.From)); err != nil {
		return nil, fmt.Errorf("compose from %q: %w", e.From, err)
	}
	if err := m.To(cleanAll(e.To)...); err != nil {
		return nil, fmt.Errorf("compose to: %w", err)
	}
	if len(e.Cc) > 0 {
		if err := m.Cc(cleanAll(e.Cc)...); err != nil {
			return nil, fmt.Errorf("compose cc: %w", err)
		}
	}
	if e.ReplyTo != "" {
		if err := m.ReplyTo(clean(e.ReplyTo)); err != nil {
			return nil, fmt.Errorf("compose reply-to %q: %w", e.ReplyTo, err)
		}
	}
	m.Subject(clean(l.Subject))
	m.SetMessageIDWithValue(id)
	m.SetDateWithValue(e.Date)
	if v := cleanID(e.InReplyTo); v != "" {
		m.SetGenHeader(mail.HeaderInReplyTo, "<"+v+">")
	}
	var refs []string
	for _, r := range e.References {
		if v := cleanID(r); v != "" {
			refs = append(refs, "<"+v+">")
		}
	}
	if len(refs) > 0 {
		// One value: go-mail joins several with ", ", RFC 5322 §3.6.4 wants spaces.
		m.SetGenHeader(mail.HeaderReferences, strings.Join(refs, " "))
	}
	if e.Auto {
		m.SetGenHeader("Auto-Submitted", "auto-generated")
		m.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
	}
	if v := clean(e.Kind); v != "" {
		m.SetGenHeader(HeaderLetter, v)
	}
	if v := clean(e.Ref); v != "" {
		m.SetGenHeader(HeaderRef, v)
	}
	m.SetBodyString(mail.TypeTextPlain, crlf(l.Text))
	if l.HTML != "" {
		m.AddAlternativeString(mail.TypeTextHTML, crlf(l.HTML))
	}
	if err := embedImages(m, l.Inline); err != nil {
		return nil, err
	}
	for _, f := range e.Attachments {
		ct := clean(f.ContentType)
		if ct == "" {
			ct = "application/octet-stream"
		}
		if err := m.AttachReader(clean(f.Name), bytes.NewReader(f.Data),
			mail.WithFileContentType(mail.ContentType(ct))); err != nil {
			return nil, fmt.Errorf("compose attachment %q: %w", f.Name, err)
		}
	}
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("compose write: %w", err)
	}
	return b.Bytes(), nil
}

// clean makes s safe as (part of) one header line.
func clean(s string) string {
	return strings.Join(strings.Fields(stripControl(s)), " ")
}

func cleanAll(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		if v := clean(s); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// cleanID returns a message-id without angle brackets, spaces or control
// characters.
func cleanID(s string) string {
	s = strings.Join(strings.Fields(stripControl(s)), "")
	return strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
}

// crlf gives s CRLF line endings, the form SMTP carries.
func crlf(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}
