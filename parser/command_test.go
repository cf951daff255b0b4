package parser

import (
	"strings"
	"testing"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     *Command // nil: no command
		wantText string
	}{
		{"none", "Geachte mevrouw,\n\nTekst.", nil, "Geachte mevrouw,\n\nTekst."},
		{"empty", "", nil, ""},
		{"blank only", "\n  \n", nil, "\n  \n"},
		{"info", "#info Wat is uw adres?\n", &Command{"info", "info", "Wat is uw adres?"}, ""},
		{"vertraging", "#vertraging 10 wachten op de leverancier\n\nGeachte mevrouw,\nHet duurt langer.",
			&Command{"delay", "vertraging", "10 wachten op de leverancier"}, "Geachte mevrouw,\nHet duurt langer."},
		{"delay", "#delay 5 supplier", &Command{"delay", "delay", "5 supplier"}, ""},
		{"reactie", "#reactie\nGeachte mevrouw,\n\nOnze reactie.", &Command{"response", "reactie", ""}, "Geachte mevrouw,\n\nOnze reactie."},
		{"response", "#response\r\nDear madam,", &Command{"response", "response", ""}, "Dear madam,"},
		{"notitie", "#notitie klant belde", &Command{"note", "notitie", "klant belde"}, ""},
		{"note", "#note called", &Command{"note", "note", "called"}, ""},
		{"toewijzen", "#toewijzen Piet Jansen", &Command{"assign", "toewijzen", "Piet Jansen"}, ""},
		{"assign", "#assign piet@ingressus.nl", &Command{"assign", "assign", "piet@ingressus.nl"}, ""},
		{"bezwaar", "#bezwaar", &Command{"objection", "bezwaar", ""}, ""},
		{"objection", "#objection\n", &Command{"objection", "objection", ""}, ""},
		{"gesprek", "#gesprek 2026-12-01 14:00 Rotterdam\nUitnodiging.", &Command{"meeting", "gesprek", "2026-12-01 14:00 Rotterdam"}, "Uitnodiging."},
		{"meeting", "#meeting 1-12-2026 14:00", &Command{"meeting", "meeting", "1-12-2026 14:00"}, ""},
		{"verslag", "#verslag onopgelost\nVerslag.", &Command{"record", "verslag", "onopgelost"}, "Verslag."},
		{"record", "#record opgelost", &Command{"record", "record", "opgelost"}, ""},
		{"sluiten", "#sluiten dubbel ingediend", &Command{"close", "sluiten", "dubbel ingediend"}, ""},
		{"close", "#close duplicate", &Command{"close", "close", "duplicate"}, ""},
		{"ingetrokken", "#ingetrokken", &Command{"withdrawn", "ingetrokken", ""}, ""},
		{"withdrawn", "#withdrawn", &Command{"withdrawn", "withdrawn", ""}, ""},
		{"case", "#REACTIE\nTekst", &Command{"response", "reactie", ""}, "Tekst"},
		{"mixed case", "#Vertraging 3 reden", &Command{"delay", "vertraging", "3 reden"}, ""},
		{"leading blank lines", "\n\n  #info vraag\n\n\nTekst\n", &Command{"info", "info", "vraag"}, "Tekst\n"},
		{"colon after word", "#info: wat is uw adres?", &Command{"info", "info", "wat is uw adres?"}, ""},
		{"bold stars", "*#reactie*\nTekst", &Command{"response", "reactie", ""}, "Tekst"},
		{"args spaces trimmed", "#note    a  b   ", &Command{"note", "note", "a  b"}, ""},
		{"unknown", "#foo bar\nTekst", &Command{"unknown", "foo", "bar"}, "Tekst"},
		{"unknown accented", "#vertragïng 3", &Command{"unknown", "vertragïng", "3"}, ""},
		{"number is not a command", "#1 prioriteit\nTekst", nil, "#1 prioriteit\nTekst"},
		{"hash space is not a command", "# Kop\nTekst", nil, "# Kop\nTekst"},
		{"hash alone", "#\nTekst", nil, "#\nTekst"},
		{"not on first line", "Hallo\n#reactie\nTekst", nil, "Hallo\n#reactie\nTekst"},
		{"hash mid-line", "zie #reactie", nil, "zie #reactie"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, text := ParseCommand(tt.in)
			switch {
			case tt.want == nil && got != nil:
				t.Errorf("ParseCommand(%q) = %+v, want no command", tt.in, *got)
			case tt.want != nil && got == nil:
				t.Errorf("ParseCommand(%q) = nil, want %+v", tt.in, *tt.want)
			case tt.want != nil && *got != *tt.want:
				t.Errorf("ParseCommand(%q) = %+v, want %+v", tt.in, *got, *tt.want)
			}
			if text != tt.wantText {
				t.Errorf("ParseCommand(%q) text = %q, want %q", tt.in, text, tt.wantText)
			}
		})
	}
}

// TestParseCommandAfterReplyText is the way the gateway uses it: the
// command line of a handler's Outlook reply survives ReplyText, and never
// reaches the complainant.
func TestParseCommandAfterReplyText(t *testing.T) {
	in := "#reactie\r\nGeachte mevrouw De Vries,\r\n\r\nWij vergoeden de kosten.\r\n\r\n" +
		"Van: Ingressus Klachten <klachten@ingressus.nl>\r\nVerzonden: maandag 23 november 2026 14:02\r\n" +
		"Aan: Jan Bakker\r\nOnderwerp: [KL-2026-0042]\r\n\r\nOud\r\n"
	cmd, text := ParseCommand(ReplyText(in))
	if cmd == nil || cmd.Name != "response" {
		t.Fatalf("ParseCommand(ReplyText(…)) = %+v, want response", cmd)
	}
	if want := "Geachte mevrouw De Vries,\n\nWij vergoeden de kosten."; text != want {
		t.Errorf("text = %q, want %q", text, want)
	}
	if strings.Contains(text, "#") {
		t.Errorf("text %q still holds the command", text)
	}
}

func TestCommandList(t *testing.T) {
	for _, lang := range []string{"nl", "en", ""} {
		l := CommandList(lang)
		if len(l) != len(cmdTable) {
			t.Fatalf("CommandList(%q) has %d lines, want %d", lang, len(l), len(cmdTable))
		}
		joined := strings.Join(l, "\n")
		for _, w := range []string{"#info", "#vertraging", "#delay", "#reactie", "#response", "#notitie", "#note",
			"#toewijzen", "#assign", "#bezwaar", "#objection", "#gesprek", "#meeting", "#verslag", "#record",
			"#sluiten", "#close", "#ingetrokken", "#withdrawn"} {
			if !strings.Contains(joined, w) {
				t.Errorf("CommandList(%q) does not name %s", lang, w)
			}
		}
		for _, line := range l {
			if strings.Contains(line, "\n") || !strings.Contains(line, " — ") {
				t.Errorf("CommandList(%q) line %q: want one line 'command — description'", lang, line)
			}
		}
	}
	if nl, en := CommandList("nl")[1], CommandList("en")[1]; !strings.HasPrefix(nl, "#vertraging (#delay)") || !strings.HasPrefix(en, "#delay (#vertraging)") {
		t.Errorf("CommandList lines = %q / %q, want the language's own word first", nl, en)
	}
	// Every listed word is recognised.
	for _, c := range cmdTable {
		for _, w := range []string{c.name, c.nl} {
			if got, _ := ParseCommand("#" + w); got == nil || got.Name != c.name {
				t.Errorf("ParseCommand(#%s) = %+v, want %s", w, got, c.name)
			}
		}
	}
}

func FuzzParseCommand(f *testing.F) {
	f.Add("#reactie\nTekst")
	f.Add("\n\n#vertraging 10 reden\n\nTekst")
	f.Add("#1 nee")
	f.Add("*#info*: vraag")
	f.Fuzz(func(t *testing.T, in string) {
		cmd, text := ParseCommand(in)
		if len(text) > len(in) {
			t.Errorf("ParseCommand(%q) text %q longer than the input", in, text)
		}
		if cmd == nil {
			if text != in {
				t.Errorf("ParseCommand(%q) = nil, %q: text changed without a command", in, text)
			}
			return
		}
		if cmd.Name == "" || strings.HasPrefix(cmd.Word, "#") || strings.Contains(cmd.Args, "\n") {
			t.Errorf("ParseCommand(%q) = %+v: malformed", in, *cmd)
		}
		if cmd.Name != "unknown" && cmdByWord[cmd.Word] != cmd.Name {
			t.Errorf("ParseCommand(%q) = %+v: name does not match word", in, *cmd)
		}
	})
}
