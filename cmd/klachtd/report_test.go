package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestReportCommand writes the report in every format and mails it: the
// figures agree across formats, the HTML file carries its charts as data:
// URIs, the PDF is a PDF, and --send goes to management through the outbox.
func TestReportCommand(t *testing.T) {
	w := newWorld(t)
	w.imap.Append("INBOX", testForm(16))
	w.imap.Append("INBOX", testForm(17))
	stop := w.start()
	if _, err := w.smtp.WaitFor(4, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	stop()
	year := strconv.Itoa(time.Now().Year())
	dir := t.TempDir()
	for _, f := range []string{"html", "csv", "json", "pdf"} {
		if out, err := cli(t, "report", "--year", year, "--format", f, "-o", filepath.Join(dir, "r."+f), "--config", w.cfgPath); err != nil {
			t.Fatalf("report --format %s: %v\n%s", f, err, out)
		}
	}
	var js struct {
		Total struct {
			Received int `json:"received"`
			Complete int `json:"complete"`
		} `json:"total"`
		Months []json.RawMessage `json:"months"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "r.json"))
	if err := json.Unmarshal(b, &js); err != nil || js.Total.Received != 2 || js.Total.Complete != 2 || len(js.Months) != 12 {
		t.Fatalf("report JSON total = %+v, %d months (%v)", js.Total, len(js.Months), err)
	}
	cb, _ := os.ReadFile(filepath.Join(dir, "r.csv"))
	recs, err := csv.NewReader(bytes.NewReader(cb)).ReadAll()
	if err != nil || len(recs) < 14 || recs[1][0] != "total" || recs[1][3] != "2" {
		t.Fatalf("report CSV = %q (%v)", recs, err)
	}
	html, _ := os.ReadFile(filepath.Join(dir, "r.html"))
	if n := strings.Count(string(html), `src="data:image/png;base64,`); n != 3 || strings.Contains(string(html), "cid:") {
		t.Errorf("report HTML file has %d data: charts (want 3) or a cid: left", n)
	}
	if !strings.Contains(string(html), "Klachtenrapportage 1 januari "+year) {
		t.Error("report HTML has no Dutch title")
	}
	pdf, _ := os.ReadFile(filepath.Join(dir, "r.pdf"))
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(pdf) < 20000 {
		t.Errorf("report PDF: %d bytes, starts %q", len(pdf), pdf[:min(8, len(pdf))])
	}
	before := len(w.smtp.Messages())
	if out, err := cli(t, "report", "--year", year, "--send", "--config", w.cfgPath); err != nil {
		t.Fatalf("report --send: %v\n%s", err, out)
	}
	msgs := w.smtp.Messages()
	if len(msgs) != before+1 {
		t.Fatalf("report --send sent %d letters, want 1", len(msgs)-before)
	}
	last := msgs[len(msgs)-1]
	if k, _ := letterKind(last.Raw); k != "report" || last.To[0] != "directie@example.nl" {
		t.Fatalf("last letter = %s to %v, want the report to management", k, last.To)
	}
	if !bytes.Contains(last.Raw, []byte("Content-ID: <chart-on-time@klachtd>")) || !bytes.Contains(last.Raw, []byte(".pdf")) {
		t.Error("report mail lacks its inline chart or its PDF")
	}
	for _, bad := range [][]string{
		{"report", "--config", w.cfgPath},
		{"report", "--year", year, "--from", "2026-01-01", "--config", w.cfgPath},
		{"report", "--from", "2026-12-01", "--to", "2026-01-01", "--config", w.cfgPath},
		{"report", "--from", "1-1-2026", "--to", "2026-01-31", "--config", w.cfgPath},
		{"report", "--year", year, "--format", "xlsx", "--config", w.cfgPath},
	} {
		if _, err := cli(t, bad...); err == nil || exitCode(err) != 2 {
			t.Errorf("klachtd %v = %v; want a usage error", bad, err)
		}
	}
}

// TestReportConfig: [categories] and [survey] reach the settings; a bad
// value is named with its key.
func TestReportConfig(t *testing.T) {
	base := `
[imap]
address = "127.0.0.1:993"
[smtp]
address = "127.0.0.1:587"
[[handlers]]
name = "Marieke de Vries"
email = "m.devries@example.nl"
[[management]]
name = "Directie"
email = "directie@example.nl"
`
	cfg, err := ParseConfig(strings.NewReader(base+`
[categories]
list = ["Levering", "facturatie"]
[survey]
enabled = true
after_workdays = 0
`), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.settings()
	if strings.Join(s.Categories, ",") != "levering,facturatie" || !s.Survey.Enabled || s.Survey.AfterWorkdays != 0 {
		t.Errorf("settings: categories %v, survey %+v", s.Categories, s.Survey)
	}
	def, err := ParseConfig(strings.NewReader(base), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if s := def.settings(); len(s.Categories) != 5 || s.Survey.Enabled || s.Survey.AfterWorkdays != 5 {
		t.Errorf("default settings: categories %v, survey %+v", s.Categories, s.Survey)
	}
	_, err = ParseConfig(strings.NewReader(base+`
[categories]
list = ["levering", "te laat", "Levering", ""]
[survey]
after_workdays = -1
`), t.TempDir())
	for _, want := range []string{"categories.list[1]", "categories.list[2]", "categories.list[3]", "survey.after_workdays"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad [categories]/[survey]: error %v does not name %s", err, want)
		}
	}
}
