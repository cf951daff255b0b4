package correspondence

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// badInputs are mails that must get a clear outcome — stored, processed or
// quarantined — and never a panic, a hang or a lost mail.
func badInputs() []struct {
	name string
	raw  []byte
} {
	var many bytes.Buffer
	many.WriteString("From: a@b.nl\r\nTo: klachten@ingressus.nl\r\nSubject: veel delen\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n")
	for i := 0; i < 10000; i++ {
		many.WriteString("--b\r\nContent-Type: text/plain\r\n\r\ndeel\r\n")
	}
	many.WriteString("--b--\r\n")
	var nested bytes.Buffer
	nested.WriteString("From: a@b.nl\r\nTo: klachten@ingressus.nl\r\nSubject: diep\r\nMIME-Version: 1.0\r\n")
	for i := 0; i < 500; i++ {
		fmt.Fprintf(&nested, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i)
	}
	nested.WriteString("Content-Type: text/plain\r\n\r\nbodem\r\n")
	return []struct {
		name string
		raw  []byte
	}{
		{"empty", nil},
		{"no header block", []byte("just some words without any header\r\n")},
		{"binary garbage", bytes.Repeat([]byte{0xff, 0x00, 0xfe, 0x13}, 4096)},
		{"NUL bytes in headers and body", []byte("From: a\x00b@c.nl\r\nSubject: nul\x00\r\n\r\nBedrijfsnaam: X\x00Y\r\n")},
		{"8-bit headers", []byte("From: J\xf6rg <jorg@example.de>\r\nSubject: Besch\xe4digt\r\nTo: klachten@ingressus.nl\r\n\r\nDe zending was besch\xe4digd.\r\n")},
		{"unknown charset", []byte("From: a@b.nl\r\nSubject: x\r\nContent-Type: text/plain; charset=x-unknown-42\r\n\r\nOmschrijving van de klacht: iets\r\n")},
		{"broken base64", []byte("From: a@b.nl\r\nSubject: x\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64@@@\r\n")},
		{"unterminated multipart", []byte("From: a@b.nl\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nhalf")},
		{"missing boundary", []byte("From: a@b.nl\r\nSubject: x\r\nContent-Type: multipart/mixed\r\n\r\nbody\r\n")},
		{"10,000 parts", many.Bytes()},
		{"500 levels deep", nested.Bytes()},
		{"CR/LF injection in the name", []byte("From: Website <noreply@web.ingressus.nl>\r\nTo: klachten@ingressus.nl\r\nSubject: klacht\r\nMessage-ID: <inj@x>\r\n\r\n" +
			"Bedrijfsnaam: Evil\rBcc: victim@example.com\r\nAdres: Straat 1\r\nNaam: Mallory\nBcc: victim@example.com\r\nTelefoonnummer: 010-1234567\r\nBereikbaarheid: altijd\r\nE-mailadres: mallory@example.com\r\nOmschrijving van de klacht: <script>alert(1)</script><b>vet</b>\r\n")},
	}
}

func TestBadInputsGetAnOutcome(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	for i, c := range badInputs() {
		t.Run(c.name, func(t *testing.T) {
			q, err := handleOne(e.g, context.Background(), Incoming{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(100 + i), Raw: c.raw})
			if err != nil {
				t.Fatalf("Handle = %v; a bad mail must get an outcome, not an error", err)
			}
			var row struct {
				Outcome string `db:"outcome"`
				Note    string `db:"note"`
				Size    int    `db:"size"`
			}
			if err := e.store.db.Get(&row, `SELECT outcome, note, size FROM messages WHERE uid = ?`, 100+i); err != nil {
				t.Fatalf("mail not stored: %v", err)
			}
			if row.Size != len(c.raw) {
				t.Errorf("stored %d bytes of %d", row.Size, len(c.raw))
			}
			t.Logf("%s → %s (quarantine=%v) %s", c.name, row.Outcome, q, row.Note)
		})
	}
	// The injection attempt: the letter went to the complainant only, and the
	// name did not become a header.
	for _, l := range e.letters() {
		m, err := mail.ReadMessage(bytes.NewReader(l.Raw))
		if err != nil {
			t.Fatalf("letter %s unreadable: %v", l.Kind, err)
		}
		if m.Header.Get("Bcc") != "" || strings.Contains(l.Rcpt, "victim") {
			t.Errorf("header injected into %s: Bcc=%q rcpt=%q", l.Kind, m.Header.Get("Bcc"), l.Rcpt)
		}
		if l.Kind == templates.Acknowledgement {
			html := htmlPartOf(t, l.Raw)
			if html == "" || strings.Contains(html, "<script>") || !strings.Contains(html, "&lt;script&gt;") {
				t.Errorf("HTML from a form field not escaped in the acknowledgement's HTML part")
			}
		}
	}
}

func TestOversizeMailIsQuarantinedInPart(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	raw := []byte(strings.ReplaceAll(form("big", "010-1234567"), "\n", "\r\n"))
	q, err := handleOne(e.g, context.Background(), Incoming{Mailbox: "INBOX", UIDValidity: 1, UID: 1, Raw: raw, Truncated: true, Size: 30 << 20})
	if err != nil || !q {
		t.Fatalf("oversize = %v, %v; want quarantined", q, err)
	}
	if n := len(e.lettersOf(templates.Alert)); n != 1 {
		t.Errorf("intake team alerts = %d, want 1", n)
	}
	if n := len(e.lettersOf(templates.Acknowledgement)); n != 0 {
		t.Errorf("a partly stored mail was acknowledged")
	}
}

// htmlPartOf returns the decoded text/html part of a letter.
func htmlPartOf(t *testing.T, raw []byte) string {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(ct string, body io.Reader) string
	walk = func(ct string, body io.Reader) string {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			return ""
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextPart() // decodes quoted-printable itself
				if err != nil {
					return ""
				}
				if s := walk(p.Header.Get("Content-Type"), p); s != "" {
					return s
				}
			}
		}
		if mt == "text/html" {
			b, _ := io.ReadAll(body)
			return string(b)
		}
		return ""
	}
	return walk(m.Header.Get("Content-Type"), m.Body)
}

func TestLargeMailStoredInChunksExportedWhole(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	big := strings.ReplaceAll(form("big", "010-1234567"), "\n", "\r\n") + strings.Repeat("Nog een regel van de omschrijving.\r\n", 90000) // ~3 MB
	q, err := handleOne(e.g, context.Background(), Incoming{Mailbox: "INBOX", UIDValidity: 1, UID: 1, Raw: []byte(big)})
	if err != nil || q {
		t.Fatalf("Handle = %v, %v", q, err)
	}
	var chunks int
	e.store.db.Get(&chunks, `SELECT count(*) FROM message_chunks`)
	if chunks != (len(big)+rawChunk-1)/rawChunk {
		t.Errorf("chunks = %d for %d bytes", chunks, len(big))
	}
	var b strings.Builder
	if _, err := e.g.ExportMbox(context.Background(), e.complaint("KL-2026-0001"), &b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), strings.ReplaceAll(big[len(big)-200:], "\r\n", "\n")) {
		t.Error("the export does not hold the mail's end: chunks lost")
	}
}
