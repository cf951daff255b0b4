package parser

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: on any input Parse returns a Message, never panics, keeps its
// JSON contract (missing and invalid never null) and does not grow the
// text beyond a bound of the input.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("From: a@b\n\n"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\n\n--x\n\n--x--"))
	f.Add([]byte("Subject: =?utf-8?b?////?=\nContent-Transfer-Encoding: base64\n\n!!!="))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw, Options{})
		if m == nil {
			t.Fatalf("Parse(%q) = nil, %v", raw, err)
		}
		for _, d := range m.Defects {
			if strings.HasPrefix(d, "internal error") {
				t.Fatalf("Parse(%q) recovered a panic: %s", raw, d)
			}
		}
		if m.Missing == nil || m.Invalid == nil {
			t.Fatalf("Parse(%q): Missing or Invalid nil", raw)
		}
		if _, err := json.Marshal(m); err != nil {
			t.Fatalf("json.Marshal(Parse(%q)): %v", raw, err)
		}
		if len(m.Text) > 4*len(raw)+16 {
			t.Fatalf("Parse: text %d bytes from %d bytes of input", len(m.Text), len(raw))
		}
	})
}

// FuzzHTMLToText: no panic, bounded output.
func FuzzHTMLToText(f *testing.F) {
	f.Add("<table><tr><td>Naam:</td><td>Jan</td></tr></table>")
	f.Add("<pre>\x1f</pre><td><td>")
	f.Fuzz(func(t *testing.T, s string) {
		if out := HTMLToText(s); len(out) > 4*len(s)+16 {
			t.Fatalf("HTMLToText: %d bytes from %d", len(out), len(s))
		}
	})
}

// FuzzValidateFields: normalising twice changes nothing.
func FuzzValidateFields(f *testing.F) {
	f.Add("0612345678", "23-11-2026", "Jan@X.nl", "A, B")
	f.Add("+31 (0)6 1234", "5 dec. 2026", "x", "n.v.t.")
	f.Fuzz(func(t *testing.T, phone, date, email, refs string) {
		in := Fields{Phone: phone, Date: date, Email: email, References: []string{refs}}
		once, _, _, _ := ValidateFields(in, Options{})
		twice, _, _, _ := ValidateFields(once, Options{})
		a, _ := json.Marshal(once)
		b, _ := json.Marshal(twice)
		if string(a) != string(b) {
			t.Fatalf("ValidateFields not idempotent: %s then %s", a, b)
		}
	})
}
