package correspondence

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/ingressus/klachtd/templates"
)

// replyWithFile is reply with one attachment, as a mail client sends it.
func replyWithFile(from string, to outLetter, body, name string, data string) string {
	replyTo := header(to.Raw, "Reply-To")
	return fmt.Sprintf(`From: Sanne van Dijk <%s>
To: %s
Subject: Re: %s
Date: Tue, 24 Nov 2026 09:00:00 +0100
Message-ID: <%d.file@example.nl>
In-Reply-To: <%s>
References: <%s>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

%s

--b1
Content-Type: application/pdf; name="%s"
Content-Disposition: attachment; filename="%s"
Content-Transfer-Encoding: base64

%s
--b1--
`, from, replyTo, to.Subject, time.Now().UnixNano(), to.MessageID, to.MessageID, body, name, name, data)
}

// markSent plays the outbox: every queued letter counts as sent now.
func (e *env) markSent() {
	e.t.Helper()
	if _, err := e.store.db.Exec(`UPDATE outbox SET state = 'sent', sent_at = ? WHERE state = 'queued'`, e.clk.now().UTC()); err != nil {
		e.t.Fatal(err)
	}
}

// objectionScenario plays a complaint from the form to an objection: an
// after-hours form, #info answered with an attachment, a plain relay, a
// delay, an internal note, the response, and the objection. It returns the
// env and the complaint's reference.
func objectionScenario(t *testing.T) (*env, *Complaint) {
	e := newEnv(t, at(2026, 11, 23, 18, 54)) // Monday, after 17:00: counts from Tuesday
	e.deliver(form("dossier", "010-1234567"))
	e.markSent()
	c := e.complaint("KL-2026-0001")
	note := e.lettersOf(templates.HandlerNew)[0]

	e.clk.set(at(2026, 11, 24, 10, 0))
	e.deliver(reply(c.Handler, note, "#info\nKunt u de pakbon van 16 november sturen?"))
	e.markSent()
	info := e.lettersOf(templates.InfoRequest)[0]

	e.clk.set(at(2026, 11, 25, 11, 0))
	e.deliver(replyWithFile(c.Email, info, "Hierbij de pakbon. Er ontbraken twee kratten.", "pakbon.pdf", "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK"))
	e.markSent()

	e.clk.set(at(2026, 11, 26, 9, 30))
	e.deliver(reply(c.Handler, note, "Dank u, wij nemen contact op met de vervoerder."))
	e.clk.set(at(2026, 11, 26, 9, 31))
	e.deliver(reply(c.Handler, note, "#vertraging 5 wij wachten op het rapport van de vervoerder"))
	e.clk.set(at(2026, 11, 26, 9, 32))
	e.deliver(reply(c.Handler, note, "#notitie klant telefonisch gesproken, zeer ontevreden"))
	e.markSent()

	e.clk.set(at(2026, 12, 21, 14, 0))
	e.deliver(reply(c.Handler, note, "#reactie\nGeachte mevrouw Van Dijk,\n\nWij crediteren de twee ontbrekende kratten.\n\nMet vriendelijke groet"))
	e.markSent()
	deadline := e.lettersOf(templates.ObjectionDeadline)[0]

	e.clk.set(at(2026, 12, 28, 10, 0))
	e.deliver(reply(c.Email, deadline, "Bezwaar: ik ben het niet eens met deze afhandeling, de schade is groter."))
	return e, e.complaint("KL-2026-0001")
}

// TestObjectionDossier checks that management's dossier is the dossier
// (issue 11.2): the complaint as received, every message in and out with
// its text in reading order, the objection, the attachments and the dates
// against the terms, in words, not an event log.
func TestObjectionDossier(t *testing.T) {
	e, c := objectionScenario(t)
	ds := e.lettersOf(templates.ObjectionDossier)
	if len(ds) != 1 {
		t.Fatalf("%d objection dossiers, want 1", len(ds))
	}
	raw := string(ds[0].Raw)
	text := ds[0].text()
	// Only the text part, for the order checks.
	if i := strings.Index(text, "<!DOCTYPE html>"); i > 0 {
		text = text[:i]
	}
	inOrder := []string{
		// the objection first, then the terms
		"ik ben het niet eens met deze afhandeling, de schade is groter.",
		"Ontvangen: 23 november 2026 om 18:54; de termijn telt vanaf 24 november 2026",
		"Ontvangstbevestiging: verstuurd op 23 november 2026, binnen vijf werkdagen (uiterlijk 1 december 2026)",
		"Behandeltermijn: tot en met 22 december 2026",
		"Verlenging 1: gegeven op 26 november 2026; 5 werkdagen langer, tot en met 30 december 2026",
		"Reden: wij wachten op het rapport van de vervoerder",
		"Einde van de verlengde termijn: 30 december 2026",
		"Inhoudelijke reactie: verstuurd op 21 december 2026, binnen de termijn",
		"Bezwaartermijn: tot en met 6 januari 2027; het bezwaar kwam op 28 december 2026, binnen de termijn",
		// the complaint as received, every field, the description verbatim
		"Via het klachtenformulier ontvangen op 23 november 2026 om 18:54.",
		"Bedrijfsnaam: Bakkerij Van Dijk B.V.", "Adres: Hoofdstraat 12, 3011 AB Rotterdam", "Naam: Sanne van Dijk",
		"Telefoonnummer: +31101234567", "Bereikbaarheid: ma t/m vr tussen 9:00 en 12:00", "E-mailadres: sanne@bakkerijvandijk.nl",
		"Datum van indienen: ", "De levering van 16 november was niet compleet.",
		// the thread, in reading order, with texts
		"Brief aan de indiener: Ontvangstbevestiging", "Hartelijk dank voor uw klacht",
		"Brief aan de indiener: Vraag om aanvullende informatie", "Kunt u de pakbon van 16 november sturen?",
		"Bericht van de indiener", "Hierbij de pakbon. Er ontbraken twee kratten.", "pakbon.pdf (", ", bijgevoegd)",
		"Brief aan de indiener: Bericht van de behandelaar", "Dank u, wij nemen contact op met de vervoerder.",
		"Brief aan de indiener: Vertragingsbericht", "wij wachten op het rapport van de vervoerder",
		"Interne notitie van Marieke de Vries", "klant telefonisch gesproken, zeer ontevreden",
		"Brief aan de indiener: Inhoudelijke reactie", "Wij crediteren de twee ontbrekende kratten.",
		"Brief aan de indiener: Bericht over de bezwaartermijn", "6 januari 2027",
		"Bericht van de indiener (HET BEZWAAR)", "de schade is groter.",
		// the letters to staff, listed
		"BERICHTEN AAN MEDEWERKERS", "Nieuwe klacht, aan de behandelaar, aan " + c.Handler,
	}
	pos := 0
	for _, w := range inOrder {
		i := strings.Index(text[pos:], w)
		if i < 0 {
			t.Fatalf("dossier lacks %q after position %d (or it is out of order):\n%s", w, pos, text)
		}
		pos += i + len(w)
	}
	for _, bad := range []string{"letter-queued", "complainant-message:", "staff-message:", "command:", "automatic=", "<no value>"} {
		if strings.Contains(text, bad) {
			t.Errorf("dossier contains event-log text %q", bad)
		}
	}
	if !strings.Contains(raw, `filename="pakbon.pdf"`) {
		t.Errorf("the complainant's attachment is not attached to the dossier")
	}
	if !strings.Contains(text, "Bijlagen tot samen 10 MB zijn bij deze e-mail gevoegd") {
		t.Errorf("dossier does not say which attachments travel with it")
	}
}

// TestObjectionDossierListsLargeAttachments: over the limit, an attachment
// is named with its size and said not to be attached.
func TestObjectionDossierListsLargeAttachments(t *testing.T) {
	set := testSettings()
	set.MaxRelayAttachment = 20 // bytes: the pakbon is larger
	e := newEnvAt(t, t.TempDir()+"/k.db", at(2026, 11, 23, 10, 0), set)
	e.deliver(form("big", "010-1234567"))
	c := e.complaint("KL-2026-0001")
	note := e.lettersOf(templates.HandlerNew)[0]
	e.deliver(reply(c.Handler, note, "#reactie\nWij crediteren de kratten."))
	deadline := e.lettersOf(templates.ObjectionDeadline)[0]
	e.deliver(replyWithFile(c.Email, deadline, "Bezwaar: niet eens, zie de foto.", "foto.pdf", "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK"))
	ds := e.lettersOf(templates.ObjectionDossier)
	if len(ds) != 1 {
		t.Fatalf("%d dossiers", len(ds))
	}
	text := ds[0].text()
	if !strings.Contains(text, "foto.pdf (54 bytes, niet bijgevoegd)") || strings.Contains(string(ds[0].Raw), `filename="foto.pdf"`) {
		t.Errorf("large attachment not listed as not attached:\n%s", text)
	}
	if !strings.Contains(text, "Bijlagen tot samen 20 bytes") {
		t.Errorf("dossier does not name the limit")
	}
}

// icsProp is one parsed iCalendar content line.
type icsProp struct {
	Name   string
	Params map[string]string
	Value  string
}

// parseICS is a small RFC 5545 reader for the test: it insists on CRLF
// line endings and lines of at most 75 octets, unfolds (§3.1), splits
// name, parameters (quoted values may hold ":;,") and value, and unescapes
// TEXT (§3.3.11). A test-only reader rather than a library: the point is
// to check exactly the rules the writer must keep, strictly.
func parseICS(t *testing.T, b []byte) []icsProp {
	t.Helper()
	s := string(b)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatalf("ics does not end in CRLF")
	}
	var lines []string
	for i, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("ics line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Fatalf("ics line %d is %d octets, want <= 75: %q", i+1, len(l), l)
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(lines) == 0 {
				t.Fatalf("ics starts with a continuation line")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	var out []icsProp
	for _, l := range lines {
		p := icsProp{Params: map[string]string{}}
		// name and params end at the first ':' outside quotes
		inq, cut := false, -1
		for i, r := range l {
			if r == '"' {
				inq = !inq
			}
			if r == ':' && !inq {
				cut = i
				break
			}
		}
		if cut < 0 {
			t.Fatalf("ics line without ':': %q", l)
		}
		head, val := l[:cut], l[cut+1:]
		parts := []string{}
		inq, start := false, 0
		for i, r := range head {
			if r == '"' {
				inq = !inq
			}
			if r == ';' && !inq {
				parts = append(parts, head[start:i])
				start = i + 1
			}
		}
		parts = append(parts, head[start:])
		p.Name = strings.ToUpper(parts[0])
		for _, kv := range parts[1:] {
			k, v, _ := strings.Cut(kv, "=")
			p.Params[strings.ToUpper(k)] = strings.Trim(v, `"`)
		}
		p.Value = strings.NewReplacer(`\\`, `\`, `\;`, ";", `\,`, ",", `\n`, "\n", `\N`, "\n").Replace(val)
		out = append(out, p)
	}
	return out
}

// TestInvitationICS: the .ics of #gesprek is a valid METHOD:REQUEST with
// ORGANIZER, ATTENDEE and DESCRIPTION, and its UID does not carry the
// complaint's secret reply token (issue 11.10).
func TestInvitationICS(t *testing.T) {
	e, c := objectionScenario(t)
	dossier := e.lettersOf(templates.ObjectionDossier)[0]
	e.clk.set(at(2026, 12, 29, 9, 0))
	e.deliver(reply("directie@ingressus.nl", dossier, "#gesprek 07-01-2027 14:30 Kantoor Ingressus, Coolsingel 1; Rotterdam"))
	inv := e.lettersOf(templates.Invitation)
	if len(inv) != 1 {
		t.Fatalf("%d invitations, want 1", len(inv))
	}
	ics := attachmentOf(t, inv[0].Raw, "text/calendar")
	props := parseICS(t, ics)
	get := func(name string) []icsProp {
		var out []icsProp
		for _, p := range props {
			if p.Name == name {
				out = append(out, p)
			}
		}
		return out
	}
	one := func(name string) icsProp {
		ps := get(name)
		if len(ps) != 1 {
			t.Fatalf("ics has %d %s, want 1:\n%s", len(ps), name, ics)
		}
		return ps[0]
	}
	if v := one("METHOD").Value; v != "REQUEST" {
		t.Errorf("METHOD = %q", v)
	}
	uid := one("UID").Value
	tokenPart := c.Token[strings.IndexByte(c.Token, '.')+1:]
	if strings.Contains(strings.ToLower(uid), strings.ToLower(tokenPart)) || strings.Contains(uid, c.Token) {
		t.Errorf("UID %q contains the reply token %q", uid, c.Token)
	}
	org := one("ORGANIZER")
	if !strings.HasPrefix(strings.ToLower(org.Value), "mailto:") || org.Params["CN"] == "" {
		t.Errorf("ORGANIZER = %+v, want a mailto with CN", org)
	}
	var attendees []string
	for _, a := range get("ATTENDEE") {
		attendees = append(attendees, strings.ToLower(a.Value))
		if a.Params["ROLE"] == "" || a.Params["PARTSTAT"] != "NEEDS-ACTION" {
			t.Errorf("ATTENDEE %+v lacks ROLE/PARTSTAT", a)
		}
	}
	if !strings.Contains(strings.Join(attendees, " "), "mailto:"+c.Email) || !strings.Contains(strings.Join(attendees, " "), "mailto:directie@ingressus.nl") {
		t.Errorf("ATTENDEEs = %v, want the complainant and management", attendees)
	}
	for _, a := range get("ATTENDEE") {
		if strings.EqualFold(a.Value, "mailto:"+c.Email) && a.Params["CN"] != "Sanne van Dijk" {
			t.Errorf("complainant's CN = %q", a.Params["CN"])
		}
	}
	if d := one("DESCRIPTION").Value; !strings.Contains(d, c.Ref) || !strings.Contains(d, "\n") {
		t.Errorf("DESCRIPTION = %q, want the reference, several lines", d)
	}
	if s := one("SUMMARY").Value; !strings.Contains(s, c.Ref) {
		t.Errorf("SUMMARY = %q", s)
	}
	if l := one("LOCATION").Value; l != "Kantoor Ingressus, Coolsingel 1; Rotterdam" {
		t.Errorf("LOCATION = %q (escaping lost)", l)
	}
	if v := one("DTSTART").Value; v != "20270107T133000Z" {
		t.Errorf("DTSTART = %q, want 14:30 Amsterdam in UTC", v)
	}
	if len(get("BEGIN")) != 2 || len(get("END")) != 2 {
		t.Errorf("ics is not one VCALENDAR with one VEVENT")
	}
}

// attachmentOf returns the decoded body of the first part of raw whose
// Content-Type starts with ct.
func attachmentOf(t *testing.T, raw []byte, ct string) []byte {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var found []byte
	var walk func(h textproto.MIMEHeader, body io.Reader)
	walk = func(h textproto.MIMEHeader, body io.Reader) {
		mt, params, _ := mime.ParseMediaType(h.Get("Content-Type"))
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err != nil {
					return
				}
				walk(p.Header, p)
			}
		}
		if strings.HasPrefix(mt, ct) && found == nil {
			var r io.Reader = body
			switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
			case "base64":
				r = base64.NewDecoder(base64.StdEncoding, body)
			case "quoted-printable":
				r = quotedprintable.NewReader(body)
			}
			found, _ = io.ReadAll(r)
		}
	}
	walk(textproto.MIMEHeader(m.Header), m.Body)
	if found == nil {
		t.Fatalf("no %s part in the letter", ct)
	}
	return found
}
