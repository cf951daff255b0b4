package templates

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"
)

func testEnvelope() Envelope {
	return Envelope{
		From: "klachten@ingressus.nl", FromName: "Ingressus — klachtenafhandeling",
		To: []string{"anna@korenschoof.example"}, Cc: []string{"directie@ingressus.nl"},
		ReplyTo:    "klachten+KL-2026-0001.k7f3q9@ingressus.nl",
		MessageID:  "kl-2026-0001.ack.1@ingressus.nl",
		InReplyTo:  "<form-1@web.ingressus.nl>",
		References: []string{"form-1@web.ingressus.nl", "<other@x.example>"},
		Date:       time.Date(2026, 11, 23, 9, 15, 0, 0, amsterdam()),
		Auto:       true, Kind: Acknowledgement, Ref: "KL-2026-0001",
	}
}

// parts walks a parsed message and returns each leaf part's content type
// and decoded body (multipart decodes quoted-printable by itself).
func parts(t *testing.T, ct string, body io.Reader) map[string]string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		t.Fatalf("ParseMediaType(%q) = %v", ct, err)
	}
	out := map[string]string{}
	if !strings.HasPrefix(mt, "multipart/") {
		b, _ := io.ReadAll(body)
		out[mt] = string(b)
		return out
	}
	out[mt] = ""
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("NextPart = %v", err)
		}
		for k, v := range parts(t, p.Header.Get("Content-Type"), p) {
			out[k] = v
		}
	}
}

func TestCompose(t *testing.T) {
	r := newRenderer(t)
	l, err := r.Render(Acknowledgement, "nl", fullData())
	if err != nil {
		t.Fatal(err)
	}
	raw, err := Compose(testEnvelope(), l)
	if err != nil {
		t.Fatalf("Compose = %v", err)
	}
	if bare := regexp.MustCompile(`[^\r]\n`).FindIndex(raw); bare != nil {
		t.Errorf("Compose output has a bare LF at %d: %q", bare[0], raw[max(0, bare[0]-40):bare[1]])
	}
	for i, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 {
			t.Errorf("line %d is %d octets long", i, len(line))
		}
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("mail.ReadMessage = %v", err)
	}
	h := m.Header
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil || subject != l.Subject {
		t.Errorf("Subject = %q (%v), want %q", subject, err, l.Subject)
	}
	from, err := mail.ParseAddress(h.Get("From"))
	if err != nil || from.Name != "Ingressus — klachtenafhandeling" || from.Address != "klachten@ingressus.nl" {
		t.Errorf("From = %q, %v", h.Get("From"), err)
	}
	for k, want := range map[string]string{
		"Message-Id":               "<kl-2026-0001.ack.1@ingressus.nl>",
		"In-Reply-To":              "<form-1@web.ingressus.nl>",
		"References":               "<form-1@web.ingressus.nl> <other@x.example>",
		"Auto-Submitted":           "auto-generated",
		"X-Auto-Response-Suppress": "All",
		"X-Klachtd-Letter":         "acknowledgement",
		"X-Klachtd-Ref":            "KL-2026-0001",
		"Reply-To":                 "<klachten+KL-2026-0001.k7f3q9@ingressus.nl>",
		"To":                       "<anna@korenschoof.example>",
		"Cc":                       "<directie@ingressus.nl>",
		"Mime-Version":             "1.0",
	} {
		if got := strings.Join(strings.Fields(h.Get(k)), " "); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	if d, err := h.Date(); err != nil || !d.Equal(testEnvelope().Date) {
		t.Errorf("Date = %v, %v, want %v", d, err, testEnvelope().Date)
	}
	got := parts(t, h.Get("Content-Type"), m.Body)
	if _, ok := got["multipart/alternative"]; !ok {
		t.Errorf("no multipart/alternative in %v", keys(got))
	}
	if got["text/plain"] != strings.ReplaceAll(l.Text, "\n", "\r\n") {
		t.Errorf("text/plain part = %q, want the letter's text", got["text/plain"])
	}
	if got["text/html"] != strings.ReplaceAll(l.HTML, "\n", "\r\n") {
		t.Errorf("text/html part differs from the letter's HTML")
	}
	if !bytes.Contains(raw, []byte("Content-Type: text/plain; charset=UTF-8")) || !bytes.Contains(raw, []byte("Content-Transfer-Encoding: quoted-printable")) {
		t.Errorf("parts are not utf-8 quoted-printable")
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestComposeAttachment(t *testing.T) {
	e := testEnvelope()
	e.Auto = false
	ics := ICS(Meeting{UID: "kl-2026-0001.meeting@ingressus.nl", Start: time.Date(2027, 1, 12, 14, 30, 0, 0, amsterdam()), Duration: time.Hour,
		Summary: "Gesprek over klacht KL-2026-0001", Location: "Kantoor Ingressus", Organizer: "Directie <directie@ingressus.nl>",
		Stamp: time.Date(2026, 12, 20, 10, 0, 0, 0, time.UTC), Attendees: []string{"anna@korenschoof.example"}})
	e.Attachments = []File{{Name: "uitnodiging.ics", ContentType: "text/calendar; method=REQUEST; charset=utf-8", Data: ics}}
	raw, err := Compose(e, Letter{Subject: "Uitnodiging [KL-2026-0001]", Text: "Tekst\n", HTML: "<p>HTML</p>\n"})
	if err != nil {
		t.Fatalf("Compose = %v", err)
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if m.Header.Get("Auto-Submitted") != "" {
		t.Errorf("Auto-Submitted set on a letter that is not automatic")
	}
	got := parts(t, m.Header.Get("Content-Type"), m.Body)
	for _, want := range []string{"multipart/mixed", "multipart/alternative", "text/plain", "text/html"} {
		if _, ok := got[want]; !ok {
			t.Errorf("no %s part in %v", want, keys(got))
		}
	}
	if !bytes.Contains(raw, []byte("Content-Type: text/calendar; method=REQUEST; charset=utf-8")) {
		t.Errorf("no text/calendar attachment with method=REQUEST:\n%s", raw)
	}
}

// TestComposeInjection: CR/LF in any value from a complaint must not start a
// header of its own.
func TestComposeInjection(t *testing.T) {
	e := testEnvelope()
	e.FromName = "Ingressus\r\nBcc: victim@example.com"
	e.Kind = "ack\r\nX-Injected-Kind: 1"
	e.Ref = "KL-1\nX-Injected-Ref: 1"
	e.InReplyTo = "a@b\r\nX-Injected-Irt: 1"
	e.References = []string{"c@d\r\nX-Injected-Refs: 1"}
	e.Attachments = []File{{Name: "a\r\nX-Injected-File: 1.txt", ContentType: "text/plain\r\nX-Injected-Ct: 1", Data: []byte("x")}}
	l := Letter{Subject: "Hallo\r\nBcc: victim@example.com\nX-Injected: yes", Text: "t\n", HTML: "<p>h</p>\n"}
	raw, err := Compose(e, l)
	if err != nil {
		t.Fatalf("Compose = %v", err)
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for k := range m.Header {
		if k == "Bcc" || strings.HasPrefix(k, "X-Injected") {
			t.Errorf("injected header %s: %q", k, m.Header[k])
		}
	}
	if bytes.Contains(raw, []byte("\nBcc:")) || bytes.Contains(raw, []byte("\nX-Injected")) {
		t.Errorf("an injected line starts a header:\n%s", raw)
	}
	var dec mime.WordDecoder
	if s, _ := dec.DecodeHeader(m.Header.Get("Subject")); s != "Hallo Bcc: victim@example.com X-Injected: yes" {
		t.Errorf("Subject = %q, want the value on one line", s)
	}
}

func TestComposeEncodedWords(t *testing.T) {
	e := testEnvelope()
	e.FromName = "Ingressus, klachten"
	l := Letter{Subject: "Uw klacht over de café-levering “snel” [KL-2026-0001]", Text: "Ü\n"}
	raw, err := Compose(e, l)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(raw[:bytes.Index(raw, []byte("\r\n\r\n"))]), "\r\n") {
		for _, c := range []byte(line) {
			if c >= 0x80 {
				t.Fatalf("header line %q has 8-bit characters", line)
			}
		}
	}
	var dec mime.WordDecoder
	if s, _ := dec.DecodeHeader(m.Header.Get("Subject")); s != l.Subject {
		t.Errorf("Subject = %q, want %q", s, l.Subject)
	}
	if a, err := mail.ParseAddress(m.Header.Get("From")); err != nil || a.Name != "Ingressus, klachten" {
		t.Errorf("From = %q, %v", m.Header.Get("From"), err)
	}
}

func TestComposeErrors(t *testing.T) {
	for name, mod := range map[string]func(*Envelope){
		"no message-id": func(e *Envelope) { e.MessageID = "" },
		"no date":       func(e *Envelope) { e.Date = time.Time{} },
		"no recipient":  func(e *Envelope) { e.To = nil },
		"bad from":      func(e *Envelope) { e.From = "not an address" },
	} {
		e := testEnvelope()
		mod(&e)
		if _, err := Compose(e, Letter{Subject: "s", Text: "t"}); err == nil {
			t.Errorf("Compose(%s) = nil error, want an error", name)
		}
	}
}

func TestICS(t *testing.T) {
	start := time.Date(2027, 1, 12, 14, 30, 0, 0, amsterdam())
	summary := "Gesprek over klacht KL-2026-0001; bezwaar, \"heel\" lang onderwerp met een backslash \\ en\nnieuwe regel, en nog meer tekst zodat de regel gevouwen moet worden — ëëë"
	ics := string(ICS(Meeting{UID: "uid-1@ingressus.nl", Start: start, Duration: 90 * time.Minute, Summary: summary,
		Description: "Regel één; met komma, en\nnieuwe regel", Location: "Kantoor, Rotterdam",
		Organizer: "Directie Ingressus <directie@ingressus.nl>", Stamp: time.Date(2026, 12, 20, 10, 0, 0, 0, time.UTC),
		Attendees: []string{"anna@korenschoof.example"}}))
	if !strings.HasSuffix(ics, "\r\n") || strings.Contains(strings.ReplaceAll(ics, "\r\n", ""), "\n") {
		t.Errorf("ICS lines do not all end in CRLF")
	}
	for _, line := range strings.Split(strings.TrimSuffix(ics, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("ICS line %q is %d octets, want <= 75", line, len(line))
		}
	}
	unfolded := strings.ReplaceAll(ics, "\r\n ", "")
	for _, want := range []string{
		"BEGIN:VCALENDAR\r\n", "VERSION:2.0\r\n", "METHOD:REQUEST\r\n", "BEGIN:VEVENT\r\n",
		"UID:uid-1@ingressus.nl\r\n", "DTSTAMP:20261220T100000Z\r\n",
		"DTSTART:20270112T133000Z\r\n", "DTEND:20270112T150000Z\r\n",
		`SUMMARY:Gesprek over klacht KL-2026-0001\; bezwaar\, "heel" lang onderwerp met een backslash \\ en\nnieuwe regel\, en nog meer tekst zodat de regel gevouwen moet worden — ëëë` + "\r\n",
		`LOCATION:Kantoor\, Rotterdam` + "\r\n",
		`ORGANIZER;CN="Directie Ingressus":mailto:directie@ingressus.nl` + "\r\n",
		"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:anna@korenschoof.example\r\n",
		`DESCRIPTION:Regel één\; met komma\, en\nnieuwe regel` + "\r\n",
		"END:VEVENT\r\nEND:VCALENDAR\r\n",
	} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("ICS lacks %q:\n%s", want, ics)
		}
	}
}

func TestFold(t *testing.T) {
	s := strings.Repeat("é", 100) // 200 octets
	f := fold(s)
	for _, line := range strings.Split(strings.TrimSuffix(f, "\r\n"), "\r\n") {
		if len(line) > 75 || !strings.HasPrefix(strings.TrimPrefix(line, " "), "é") {
			t.Errorf("fold line %q: %d octets or split character", line, len(line))
		}
	}
	if strings.ReplaceAll(strings.TrimSuffix(f, "\r\n"), "\r\n ", "") != s {
		t.Errorf("fold(%q) does not unfold to the input", s)
	}
}
