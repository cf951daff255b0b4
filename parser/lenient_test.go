package parser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseLenientMIME: mail whose MIME lies or whose header block does
// not start on the first byte is still read (issue 13, MIME leniency).
// The fixtures in testdata/lenient are our own.
func TestParseLenientMIME(t *testing.T) {
	tests := []struct {
		file     string
		kind     Kind
		text     string // Text must contain it
		subject  string
		noDefect string // no defect may contain it
	}{
		// A multipart whose boundary never occurs: the body is the
		// reply's text, and a reply, never a form.
		{"boundary-never-occurs.eml", KindReply, "De lekkage zit in de keuken.", "Re: [KL-2026-0042] Lekkage", ""},
		{"bom-before-header.eml", KindReply, "De monteur mag dinsdag komen.", "Re: [KL-2026-0042] Lekkage", "no header block"},
		{"blank-before-header.eml", KindReply, "De monteur mag dinsdag komen.", "Re: [KL-2026-0042] Lekkage", "no header block"},
		// Labelled Big5, bytes UTF-8: read as UTF-8.
		{"lying-charset-big5.eml", KindReply, "keuken — één meter", "Re: [KL-2026-0042] Lekkage", ""},
		// An honest Latin-1 label stays Latin-1.
		{"honest-latin1.eml", KindReply, "Café op de hoek", "Re: [KL-2026-0042] Lekkage", "valid utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "lenient", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(raw, Options{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if m.Kind != tt.kind {
				t.Errorf("Kind = %q, want %q", m.Kind, tt.kind)
			}
			if !strings.Contains(m.Text, tt.text) {
				t.Errorf("Text = %q, want it to contain %q", m.Text, tt.text)
			}
			if tt.kind == KindReply && !strings.Contains(m.Reply, tt.text) {
				t.Errorf("Reply = %q, want it to contain %q", m.Reply, tt.text)
			}
			if m.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, tt.subject)
			}
			if m.Reference != "KL-2026-0042" {
				t.Errorf("Reference = %q, want KL-2026-0042", m.Reference)
			}
			for _, d := range m.Defects {
				if tt.noDefect != "" && strings.Contains(d, tt.noDefect) {
					t.Errorf("defect %q", d)
				}
			}
		})
	}
}

// TestParseBoundaryNeverOccursNoForm: a mail that is not a reply and whose
// declared boundary never occurs is read as the person's text, not as an
// empty form.
func TestParseBoundaryNeverOccursNoForm(t *testing.T) {
	raw := "From: Sanne <sanne@example.nl>\r\nTo: klachten@ingressus.nl\r\nSubject: Lekkage\r\n" +
		"Content-Type: multipart/mixed; boundary=zzz\r\n\r\nGoedemiddag,\r\n\r\nBij ons lekt het dak sinds uw monteur er was.\r\n\r\nSanne\r\n"
	m, err := Parse([]byte(raw), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != KindOther || !strings.Contains(m.Fields.Description, "lekt het dak") {
		t.Errorf("Kind = %q, Description = %q; want other with the text as description", m.Kind, m.Fields.Description)
	}
}

// TestClassifyLenientHeader: the classifier reads the same tree, so a
// BOM or a blank line before the header does not hide an auto-reply.
func TestClassifyLenientHeader(t *testing.T) {
	for _, prefix := range []string{"\ufeff", "\r\n", "\n\n"} {
		raw := prefix + "From: sanne@example.nl\r\nAuto-Submitted: auto-replied\r\nSubject: Re: x\r\n\r\nAfwezig.\r\n"
		if k, _ := ClassifyMachine([]byte(raw), "", nil); k != KindAutoReply {
			t.Errorf("ClassifyMachine(%q…) = %q, want auto-reply", prefix, k)
		}
	}
}

// TestParseHTMLReplyNeverLess: an HTML-only reply written below a quote
// header is relayed; one with nothing written above Gmail's quote stays
// empty (the quote is ours, not the complainant's text).
func TestParseHTMLReplyNeverLess(t *testing.T) {
	head := "From: Sanne <sanne@example.nl>\r\nTo: klachten@ingressus.nl\r\nSubject: Re: [KL-2026-0042] Lekkage\r\n" +
		"In-Reply-To: <a1.kl-2026-0042@ingressus.nl>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
	below := head + `<div dir="ltr"><div class="gmail_quote"><div class="gmail_attr">Op ma 23 nov. 2026 om 10:12 schreef Ingressus &lt;klachten@ingressus.nl&gt;:<br></div>` +
		`<div>De lekkage zit in de keuken.</div></div></div>`
	m, err := Parse([]byte(below), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Reply, "De lekkage zit in de keuken.") {
		t.Errorf("Reply = %q, want the text written below the header", m.Reply)
	}
	empty := head + `<div dir="ltr"><br></div><div class="gmail_quote"><div class="gmail_attr">Op ma 23 nov. 2026 om 10:12 schreef Ingressus &lt;klachten@ingressus.nl&gt;:<br></div>` +
		`<blockquote class="gmail_quote" style="margin:0 0 0 .8ex">Past dinsdag?</blockquote></div>`
	if m, _ := Parse([]byte(empty), Options{}); m.Reply != "" {
		t.Errorf("Reply = %q, want empty: nothing was written above the quote", m.Reply)
	}
}
