package templates

import (
	"bytes"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
)

// TestComposeFolding: a long subject and a long recipient list are folded
// into lines of at most 78 characters and read back whole.
func TestComposeFolding(t *testing.T) {
	e := testEnvelope()
	e.To = []string{"anna@korenschoof.example", "bert.de.vries@korenschoof.example", "claire.jansen@korenschoof.example", "dirk@korenschoof.example"}
	l := Letter{Subject: strings.Repeat("Uw klacht over de levering van woensdag ", 4) + "[KL-2026-0001]", Text: "t\n", HTML: "<p>h</p>\n"}
	raw, err := Compose(e, l)
	if err != nil {
		t.Fatal(err)
	}
	head := string(raw[:bytes.Index(raw, []byte("\r\n\r\n"))])
	for _, line := range strings.Split(head, "\r\n") {
		if len(line) > 78 {
			t.Errorf("header line of %d characters: %q", len(line), line)
		}
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var dec mime.WordDecoder
	if s, _ := dec.DecodeHeader(m.Header.Get("Subject")); s != l.Subject {
		t.Errorf("Subject = %q, want %q", s, l.Subject)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 4 || to[3].Address != "dirk@korenschoof.example" {
		t.Errorf("To = %v, %v", to, err)
	}
}

// TestComposeShapes: a letter without HTML is a single text part, or the
// first part of multipart/mixed beside its attachments.
func TestComposeShapes(t *testing.T) {
	l := Letter{Subject: "s", Text: "één\nregel\n"}
	e := testEnvelope()
	raw, err := Compose(e, l)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if ct := m.Header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" {
		t.Errorf("Content-Type = %q, want a single text part", ct)
	}
	if text, err := io.ReadAll(quotedprintable.NewReader(m.Body)); err != nil || string(text) != "één\r\nregel\r\n" {
		t.Errorf("text = %q, %v", text, err)
	}
	e.Attachments = []File{{Name: "über \"x\".txt", ContentType: "text/plain", Data: bytes.Repeat([]byte("0123456789"), 20)}}
	if raw, err = Compose(e, l); err != nil {
		t.Fatal(err)
	}
	if m, err = mail.ReadMessage(bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	got := parts(t, m.Header.Get("Content-Type"), m.Body)
	if got["text/plain"] == "" || !strings.Contains(string(raw), `filename="=?UTF-8?q?=C3=BCber_=5Fx=5F.txt?="`) {
		t.Errorf("parts %v; raw:\n%s", keys(got), raw)
	}
}
