package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// actCases are the letters of act.go with the data each is golden-tested
// with: one case per distinct wording that matters.
func actCases() []struct {
	file, name string
	act        ActData
} {
	return []struct {
		file, name string
		act        ActData
	}{
		{"command_done_delay", CommandDone, ActData{Command: "vertraging", Name: "delay"}},
		{"command_done_response", CommandDone, ActData{Command: "reactie", Name: "response"}},
		{"command_not_done_record", CommandNotDone, ActData{Command: "verslag", Name: "record", Reason: "record-before-meeting"}},
		{"sender_unverified_no_check", SenderUnverified, ActData{Command: "sluiten", Name: "close", Reason: "no-check", By: "Marieke de Vries <m.devries@ingressus.nl>"}},
		{"relay_third_party", RelayThirdParty, ActData{Command: "sluiten", Name: "close", By: "Piet Collega <piet@korenschoof.example>", Address: "piet@korenschoof.example"}},
		{"loop_suspected", LoopSuspected, ActData{Reason: "quick-replies", By: "anna@korenschoof.example", Count: 3}},
	}
}

// TestActGolden pins the letters of act.go byte for byte in both
// languages; run with -update after a deliberate change and read the diff.
func TestActGolden(t *testing.T) {
	r := newRenderer(t)
	for _, c := range actCases() {
		for _, lang := range Languages {
			d := fullData()
			act := c.act
			d.Act = &act
			l, err := r.Render(c.name, lang, d)
			if err != nil {
				t.Fatalf("Render(%s, %s) = %v", c.name, lang, err)
			}
			got := "Subject: " + l.Subject + "\n\n" + l.Text + "\n==== HTML ====\n" + l.HTML
			file := filepath.Join("testdata", c.file+"."+lang+".golden")
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("Render(%s, %s) differs from %s (run go test -update and check the diff):\n%s", c.name, lang, file, got)
			}
		}
	}
}

// TestActContent checks what each wording must say, whatever its phrasing.
func TestActContent(t *testing.T) {
	r := newRenderer(t)
	for _, tc := range []struct {
		name, lang string
		act        ActData
		want       []string
	}{
		{CommandDone, "nl", ActData{Command: "vertraging", Name: "delay"}, []string{"21 december 2026", "10 werkdagen"}},
		{CommandDone, "nl", ActData{Command: "reactie", Name: "response"}, []string{"5 januari 2027"}},
		{CommandDone, "en", ActData{Command: "gesprek", Name: "meeting"}, []string{"12 January 2027", "14:30"}},
		{CommandNotDone, "nl", ActData{Command: "verslag", Reason: "record-before-meeting"}, []string{"12 januari 2027", "nog niet plaatsgevonden"}},
		{SenderUnverified, "nl", ActData{Command: "sluiten", Reason: "fail"}, []string{"#sluiten", "DMARC"}},
		{RelayThirdParty, "nl", ActData{By: "Piet <piet@x.example>", Address: "piet@x.example", Command: "sluiten"}, []string{"Piet", "niet de indiener", "#bezwaar", "#toevoegen piet@x.example", "niet uitgevoerd"}},
	} {
		d := fullData()
		act := tc.act
		d.Act = &act
		l, err := r.Render(tc.name, tc.lang, d)
		if err != nil {
			t.Fatalf("Render(%s, %s) = %v", tc.name, tc.lang, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(l.Subject+"\n"+l.Text, w) || !strings.Contains(l.HTML, strings.ReplaceAll(w, "<", "&lt;")) {
				t.Errorf("Render(%s, %s, %+v): %q missing in text or HTML:\n%s", tc.name, tc.lang, tc.act, w, l.Text)
			}
		}
		if strings.Contains(l.Text, "Bericht van de indiener") {
			t.Errorf("Render(%s, %s) speaks of the complainant", tc.name, tc.lang)
		}
	}
}
