package templates

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"time"
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
//
// The message is written straight into one buffer sized for it: headers,
// then each part quoted-printable encoded as it is copied from the letter,
// so a letter's text is copied once (a mail library's composition copied
// it five times, which was most of a backlog's letter cost).
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
	from, err := mail.ParseAddress(clean(e.From))
	if err != nil {
		return nil, fmt.Errorf("compose from %q: %w", e.From, err)
	}
	if name := clean(e.FromName); name != "" {
		from.Name = name
	}
	to, err := addressList(e.To)
	if err != nil {
		return nil, fmt.Errorf("compose to: %w", err)
	}
	if to == "" {
		return nil, errors.New("compose: envelope has no recipient")
	}
	cc, err := addressList(e.Cc)
	if err != nil {
		return nil, fmt.Errorf("compose cc: %w", err)
	}
	var replyTo string
	if e.ReplyTo != "" {
		a, err := mail.ParseAddress(clean(e.ReplyTo))
		if err != nil {
			return nil, fmt.Errorf("compose reply-to %q: %w", e.ReplyTo, err)
		}
		replyTo = a.String()
	}

	size := 2048 + len(l.Text) + len(l.Text)/8 + len(l.HTML) + len(l.HTML)/6
	for _, f := range e.Attachments {
		size += 512 + len(f.Data)*4/3 + len(f.Data)/38
	}
	b := bytes.NewBuffer(make([]byte, 0, size))
	if e.Auto {
		header(b, "Auto-Submitted", "auto-generated")
	}
	header(b, "Date", e.Date.Format(time.RFC1123Z))
	if v := cleanID(e.InReplyTo); v != "" {
		header(b, "In-Reply-To", "<"+v+">")
	}
	header(b, "MIME-Version", "1.0")
	header(b, "Message-ID", "<"+id+">")
	var refs []string
	for _, r := range e.References {
		if v := cleanID(r); v != "" {
			refs = append(refs, "<"+v+">")
		}
	}
	if len(refs) > 0 {
		// Separated by spaces, as RFC 5322 §3.6.4 has it.
		header(b, "References", strings.Join(refs, " "))
	}
	// Encoded and folded so that a decoder gives the subject back exactly,
	// the first word on the Subject line (review #15).
	header(b, "Subject", foldSubject(clean(l.Subject)))
	if e.Auto {
		// Exchange's own way of saying "no out-of-office to this".
		header(b, "X-Auto-Response-Suppress", "All")
	}
	if v := clean(e.Kind); v != "" {
		header(b, HeaderLetter, mime.QEncoding.Encode("UTF-8", v))
	}
	if v := clean(e.Ref); v != "" {
		header(b, HeaderRef, mime.QEncoding.Encode("UTF-8", v))
	}
	header(b, "From", from.String())
	header(b, "To", to)
	if cc != "" {
		header(b, "Cc", cc)
	}
	if replyTo != "" {
		header(b, "Reply-To", replyTo)
	}

	if len(e.Attachments) == 0 {
		if err := writeBody(b, nil, l); err != nil {
			return nil, fmt.Errorf("compose write: %w", err)
		}
		return b.Bytes(), nil
	}
	mixed := multipart.NewWriter(b)
	header(b, "Content-Type", "multipart/mixed;\r\n boundary="+mixed.Boundary())
	b.WriteString("\r\n")
	if err := writeBody(b, mixed, l); err != nil {
		return nil, fmt.Errorf("compose write: %w", err)
	}
	for _, f := range e.Attachments {
		if err := attach(mixed, f); err != nil {
			return nil, fmt.Errorf("compose attachment %q: %w", f.Name, err)
		}
	}
	if err := mixed.Close(); err != nil {
		return nil, fmt.Errorf("compose write: %w", err)
	}
	return b.Bytes(), nil
}

const (
	plainType = "text/plain; charset=UTF-8"
	htmlType  = "text/html; charset=UTF-8"
)

// writeBody writes the letter's text, and its HTML as the alternative, as
// the message body into b (parent nil) or as the next part of parent.
func writeBody(b *bytes.Buffer, parent *multipart.Writer, l Letter) error {
	if l.HTML != "" && len(l.Inline) > 0 {
		return writeRelated(b, parent, l) // report.go: charts as cid: parts
	}
	if l.HTML == "" {
		if parent != nil {
			return textPart(parent, plainType, l.Text)
		}
		header(b, "Content-Transfer-Encoding", "quoted-printable")
		header(b, "Content-Type", plainType)
		b.WriteString("\r\n")
		return writeQP(b, l.Text)
	}
	var alt *multipart.Writer
	if parent == nil {
		alt = multipart.NewWriter(b)
		header(b, "Content-Type", "multipart/alternative;\r\n boundary="+alt.Boundary())
		b.WriteString("\r\n")
	} else {
		boundary := multipart.NewWriter(io.Discard).Boundary()
		pw, err := parent.CreatePart(textproto.MIMEHeader{"Content-Type": {"multipart/alternative;\r\n boundary=" + boundary}})
		if err != nil {
			return err
		}
		alt = multipart.NewWriter(pw)
		if err := alt.SetBoundary(boundary); err != nil {
			return err
		}
	}
	if err := textPart(alt, plainType, l.Text); err != nil {
		return err
	}
	if err := textPart(alt, htmlType, l.HTML); err != nil {
		return err
	}
	return alt.Close()
}

// textPart writes s as a quoted-printable part of w.
func textPart(w *multipart.Writer, contentType, s string) error {
	pw, err := w.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {contentType},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return err
	}
	return writeQP(pw, s)
}

// chunkPool holds the small buffers writeQP copies a string through: the
// encoder takes bytes, and a letter should not be copied whole to give it
// them.
var chunkPool = sync.Pool{New: func() any { b := make([]byte, 4096); return &b }}

// writeQP writes s quoted-printable encoded to w; the encoder ends every
// line, "\n" or "\r\n", with CRLF.
func writeQP(w io.Writer, s string) error {
	qp := quotedprintable.NewWriter(w)
	buf := chunkPool.Get().(*[]byte)
	defer chunkPool.Put(buf)
	for len(s) > 0 {
		n := copy(*buf, s)
		if _, err := qp.Write((*buf)[:n]); err != nil {
			return err
		}
		s = s[n:]
	}
	return qp.Close()
}

// attach writes f as a base64 attachment part of w, with the headers a
// mail library would give it: name and filename quoted, RFC 2047 encoded
// when not ASCII.
func attach(w *multipart.Writer, f File) error {
	ct := clean(f.ContentType)
	if ct == "" {
		ct = "application/octet-stream"
	}
	name := mime.QEncoding.Encode("UTF-8", sanitizeFilename(clean(f.Name)))
	pw, err := w.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {ct + `; name="` + name + `"`},
		"Content-Transfer-Encoding": {"base64"},
		"Content-Disposition":       {`attachment; filename="` + name + `"`},
	})
	if err != nil {
		return err
	}
	const in = 57 // bytes per 76-character line
	line := make([]byte, base64.StdEncoding.EncodedLen(in)+2)
	for data := f.Data; len(data) > 0; {
		n := min(in, len(data))
		m := base64.StdEncoding.EncodedLen(n)
		base64.StdEncoding.Encode(line, data[:n])
		line[m], line[m+1] = '\r', '\n'
		if _, err := pw.Write(line[:m+2]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// sanitizeFilename replaces the characters no file name in a header
// should carry (controls, quotes, slashes, …) by "_".
func sanitizeFilename(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 32 || r == 127 || strings.ContainsRune(`"/:<>?\|`, r) {
			return '_'
		}
		return r
	}, s)
}

// addressList parses each address of list and gives them as one header
// value; empty entries are skipped.
func addressList(list []string) (string, error) {
	var out []string
	for _, s := range list {
		v := clean(s)
		if v == "" {
			continue
		}
		a, err := mail.ParseAddress(v)
		if err != nil {
			return "", fmt.Errorf("%q: %w", v, err)
		}
		out = append(out, a.String())
	}
	return strings.Join(out, ", "), nil
}

// header writes one header field, folded at spaces so that lines stay
// within 78 characters where the value allows. value must be clean (no
// control characters) except for folds ("\r\n ") already in it.
func header(b *bytes.Buffer, name, value string) {
	b.WriteString(name)
	b.WriteString(": ")
	col := len(name) + 2
	for value != "" {
		if i := strings.Index(value, "\r\n "); i >= 0 && col+i <= 78 {
			b.WriteString(value[:i+3])
			value, col = value[i+3:], 1
			continue
		}
		if col+len(value) <= 78 {
			b.WriteString(value)
			break
		}
		// The last space that keeps this line short, else the first one.
		cut := strings.LastIndexByte(value[:min(len(value), max(0, 78-col))], ' ')
		if cut <= 0 {
			cut = strings.IndexByte(value[1:], ' ') + 1
			if cut <= 0 {
				b.WriteString(value)
				break
			}
		}
		if j := strings.Index(value[:cut], "\r\n "); j >= 0 {
			cut = j + 3
			b.WriteString(value[:cut])
			value, col = value[cut:], 1
			continue
		}
		b.WriteString(value[:cut])
		b.WriteString("\r\n")
		value, col = value[cut:], 0
	}
	b.WriteString("\r\n")
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

// foldSubject writes a subject as a header value: folded at spaces into
// lines of at most 78 characters (the first after "Subject: "), and, when
// it holds anything but printable ASCII, as RFC 2047 Q-encoded words, one
// per line, each starting with the space it follows, so that a decoder
// gives back exactly s.
func foldSubject(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			ascii = false
			break
		}
	}
	// "=?" in plain text would be read as the start of an encoded word.
	if strings.Contains(s, "=?") {
		ascii = false
	}
	enc := func(t string) string {
		if ascii {
			return t
		}
		var b strings.Builder
		b.WriteString("=?UTF-8?q?")
		for i := 0; i < len(t); i++ {
			switch c := t[i]; {
			case c == ' ':
				b.WriteByte('_')
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("!*+-/", c) >= 0:
				b.WriteByte(c)
			default:
				fmt.Fprintf(&b, "=%02X", c)
			}
		}
		b.WriteString("?=")
		return b.String()
	}
	limit := 78 - len("Subject: ")
	var lines []string
	cur := ""
	for i, w := range strings.Split(s, " ") {
		piece := w
		if i > 0 {
			piece = " " + w
		}
		if cur != "" && len(enc(cur+piece)) > limit {
			lines = append(lines, enc(cur))
			limit = 77 // after the folding space
			if ascii {
				// Folding keeps the space: it starts the next line.
				cur = w
			} else {
				cur = piece
			}
			continue
		}
		cur += piece
	}
	lines = append(lines, enc(cur))
	return strings.Join(lines, "\r\n ")
}
