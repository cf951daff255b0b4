package templates

import (
	"testing"
	"time"
)

// Review F1: every reason a command is refused with has its own words in
// both languages (never the bare "was not carried out"), and a relayed
// message without text says so.
func TestNotNowReasonsWorded(t *testing.T) {
	r := newRenderer(t)
	want := map[string][2]string{
		"already-responded":      {"al op 26 november 2026", "already sent to the complainant on 26 November 2026"},
		"not-complete":           {"nog niet compleet", "not complete yet"},
		"not-now":                {"dat kan niet bij een klacht", "that is not possible for a complaint"},
		"record-without-meeting": {"nog geen gesprek", "no meeting with the complainant has been planned"},
		"no-response-yet":        {"nog geen inhoudelijke reactie naar de indiener gestuurd", "no substantive response has been sent to the complainant yet"},
		"objection-registered":   {"de indiener heeft al bezwaar gemaakt", "the complainant has already objected"},
		"meeting-bad-date":       {"32-12-2026 is geen bestaande datum", "32-12-2026 is not a date that exists"},
		"meeting-not-workday":    {"25 december 2026 is geen werkdag (Eerste Kerstdag)", "25 December 2026 is not a working day (Eerste Kerstdag)"},
	}
	for reason, w := range want {
		for i, lang := range []string{"nl", "en"} {
			d := fullData()
			d.MeetingAt = time.Date(2026, 12, 25, 10, 0, 0, 0, amsterdam())
			d.Act = &ActData{Command: "reactie", Name: "response", Reason: reason, Responded: day(2026, 11, 26), Holiday: "Eerste Kerstdag", Args: "32-12-2026"}
			l := render(t, r, CommandNotDone, lang, d)
			wantIn(t, reason+" "+lang, l.Text, w[i])
			wantIn(t, reason+" "+lang+" html", l.HTML, w[i])
		}
	}
	for i, lang := range []string{"nl", "en"} {
		d := fullData()
		d.Text = ""
		d.Files = []Attachment{{Name: "invite.ics", Size: 265, Included: true}}
		l := render(t, r, RelayToHandler, lang, d)
		wantIn(t, "relay without text "+lang, l.Text, [2]string{"Het bericht bevat geen tekst, alleen de bijlage hieronder.", "The message contains no text, only the attachment below."}[i])
		wantNotIn(t, "relay without text "+lang, l.Text, "----------\ngeen\n----------", "----------\nnone\n----------")
		d.Files[0].Name = "" // Seen in practice: a calendar reply's text/calendar part has no file name.
		l = render(t, r, RelayToHandler, lang, d)
		wantIn(t, "nameless attachment "+lang, l.Text, [2]string{"- een bijlage zonder naam (265 bytes)", "- an attachment without a name (265 bytes)"}[i])
	}
	d := fullData()
	wantIn(t, "usage #info", render(t, r, StaffNotice, "nl", func() Data {
		d.About, d.Command = Notice{Kind: NoticeUsage, Usage: "info"}, "#info"
		return d
	}()).Text, "#info, met daaronder uw vraag aan de indiener")
}
