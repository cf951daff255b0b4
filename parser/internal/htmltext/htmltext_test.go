package htmltext

import (
	"strings"
	"testing"
)

// The modes differ only where a reader needs them to; everything else
// (blocks, entities, white space, skipped elements) is the same reading.
func TestTextModes(t *testing.T) {
	tests := []struct {
		name, in            string
		plain, heads, quote string
	}{
		{"cells", "<table><tr><td>Naam:</td><td>Jan</td></tr></table>", "Naam: Jan", "Naam: Jan", "Naam: Jan\n"},
		{"bold label", "<b>Naam</b><br>Jan", "Naam\nJan", HeadingMark + "Naam\nJan", "Naam\nJan\n"},
		{"quote", "a<blockquote type=cite>q</blockquote>", "a\nq", "a\nq", "a\n> q\n"},
		{"lists", "<ol start=3><li>x<li>y</ol>", "x\ny", "x\ny", "3. x\n4. y\n\n"},
		{"nbsp paragraph", "<div>a</div><div>&nbsp;</div><div>b</div>", "a\nb", "a\nb", "a\n\nb\n"},
		{"pre indentation", "<pre>a\n  b</pre>", "a\n  b", "a\n  b", "a\nb\n"},
		{"svg skipped", "x<svg><text>s</text></svg>y", "xy", "xy", "xy\n"},
		{"stray cell", "<p>a<td>b</p>", "a b", "a b", "a b\n\n"},
		{"stray row", "a<tr>b", "a\nb", "a\nb", "a\nb\n"},
		{"input marks", "a\x1fb\x02c", "a b c", "a b c", "a\x1fb\x02c\n"},
		{"unicode space", "a\u3000b", "a b", "a b", "a\u3000b\n"},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			mode Mode
			want string
		}{{Plain, tt.plain}, {Headings, tt.heads}, {Quoted, tt.quote}} {
			if got := Text(tt.in, c.mode); got != c.want {
				t.Errorf("%s: Text(%q, %d) = %q, want %q", tt.name, tt.in, c.mode, got, c.want)
			}
		}
	}
}

// Deep nesting costs no text: x/net/html refuses more than 512 open
// elements, and Parse then reads the document with its deepest markup
// dropped.
func TestTextDeep(t *testing.T) {
	tests := map[string]string{
		"divs":   strings.Repeat("<div>", 5000) + "diep" + strings.Repeat("</div>", 5000),
		"tables": strings.Repeat("<table><tr><td>a</td><td>", 1000) + "diep",
		"bold":   strings.Repeat("<b><i><u>", 2000) + "diep",
	}
	for name, in := range tests {
		for _, m := range []Mode{Plain, Quoted} {
			if got := Text(in, m); !strings.Contains(got, "diep") {
				t.Errorf("Text(%s, %d) = %.80q…, want it to hold %q", name, m, got, "diep")
			}
		}
	}
}

// FuzzText: no panic, output bounded by the input in every mode.
func FuzzText(f *testing.F) {
	f.Add("<table><tr><td>Naam:</td><td>Jan</td></tr></table>")
	f.Add("<pre>\x1f</pre><td><td><tr>")
	f.Add("<ol start=999999><li>a<blockquote type=cite><li>b")
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range []Mode{Plain, Headings, Quoted} {
			if out := Text(s, m); len(out) > 4*len(s)+16 {
				t.Fatalf("Text(%q, %d): %d bytes from %d", s, m, len(out), len(s))
			}
		}
	})
}
