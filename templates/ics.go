package templates

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Meeting is the calendar event of an invitation letter.
type Meeting struct {
	// UID identifies the event for every calendar that receives it; it is
	// shared and logged freely, so it must never hold a secret such as the
	// complaint's reply token.
	UID         string
	Start       time.Time
	Duration    time.Duration // 0: one hour
	Summary     string        // worded by the invitation template ("ics_summary")
	Description string        // likewise ("ics_description")
	Location    string
	// Organizer and each attendee: "Name <addr>" or a bare address. RFC 5546
	// §3.2.2 requires both with METHOD:REQUEST.
	Organizer string
	Attendees []string
	Stamp     time.Time // DTSTAMP: when the invitation was made
}

// ICS returns m as an iCalendar object (RFC 5545) with one VEVENT and
// METHOD:REQUEST (RFC 5546 §3.2.2), for the invitation letter's
// text/calendar attachment. Times are written in UTC, so no VTIMEZONE is
// needed. Lines end in CRLF and are folded at 75 octets (§3.1); text values
// are escaped (§3.3.11).
func ICS(m Meeting) []byte {
	const stamp = "20060102T150405Z"
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Ingressus//klachtd//NL")
	line("CALSCALE:GREGORIAN")
	line("METHOD:REQUEST")
	line("BEGIN:VEVENT")
	line("UID:" + escapeText(m.UID))
	line("DTSTAMP:" + m.Stamp.UTC().Format(stamp))
	line("DTSTART:" + m.Start.UTC().Format(stamp))
	dur := m.Duration
	if dur <= 0 {
		dur = time.Hour
	}
	line("DTEND:" + m.Start.Add(dur).UTC().Format(stamp))
	line("SUMMARY:" + escapeText(m.Summary))
	if m.Description != "" {
		line("DESCRIPTION:" + escapeText(m.Description))
	}
	if m.Location != "" {
		line("LOCATION:" + escapeText(m.Location))
	}
	if m.Organizer != "" {
		line("ORGANIZER" + calAddress(m.Organizer))
	}
	for _, a := range m.Attendees {
		if strings.TrimSpace(a) != "" {
			line("ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE" + calAddress(a))
		}
	}
	line("SEQUENCE:0")
	line("STATUS:CONFIRMED")
	line("TRANSP:OPAQUE")
	line("END:VEVENT")
	line("END:VCALENDAR")
	return []byte(b.String())
}

// calAddress renders ";CN=Name:mailto:addr" (or ":mailto:addr").
func calAddress(s string) string {
	name, addr := "", strings.TrimSpace(stripControl(s))
	if a, err := mail.ParseAddress(addr); err == nil {
		name, addr = a.Name, a.Address
	}
	out := ""
	if name = strings.TrimSpace(strings.ReplaceAll(stripControl(name), `"`, "")); name != "" {
		out = `;CN="` + name + `"` // §3.2: a quoted param-value may hold ":;," but not DQUOTE
	}
	return out + ":mailto:" + strings.ReplaceAll(addr, " ", "")
}

// escapeText escapes a TEXT value (RFC 5545 §3.3.11).
func escapeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`)
	s = r.Replace(s)
	return strings.Map(func(c rune) rune { // other control characters are not allowed
		if c < 0x20 && c != '\t' || c == 0x7f {
			return -1
		}
		return c
	}, s)
}

// fold folds a content line at 75 octets without splitting a UTF-8
// character (RFC 5545 §3.1) and ends it with CRLF.
func fold(s string) string {
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}
