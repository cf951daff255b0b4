package parser

import (
	"reflect"
	"testing"
)

// TestCanonicalMessageID pins our tolerance where go-message's strict
// msg-id parser refuses: no brackets, "<a@@b>", blanks, case.
func TestCanonicalMessageID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<abc@example.com>", "abc@example.com"},
		{"  <ABC@Example.COM>  ", "abc@example.com"},
		{"abc@example.com", "abc@example.com"},
		{"<abc@example.com", "abc@example.com"},
		{"<a@@b>", "a@@b"},
		{"<no-at-sign>", "no-at-sign"},
		{"<abc @example.com>", "abc@example.com"},
		{"<a@b> (comment)", "a@b"},
		{"", ""},
		{"<>", ""},
		{"0<", ""},
		{"<", ""},
	}
	for _, tt := range tests {
		if got := CanonicalMessageID(tt.in); got != tt.want {
			t.Errorf("CanonicalMessageID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMessageIDs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"<a@b> <c@d>\r\n <a@b>", []string{"a@b", "c@d"}},
		{"a@b, c@d", []string{"a@b", "c@d"}},
		{"<a@b><c@d>", []string{"a@b", "c@d"}},
		{"Your message of Mon <a@b>", []string{"a@b"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := MessageIDs(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("MessageIDs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"23-11-2026", "2026-11-23"},
		{"23.11.2026", "2026-11-23"},
		{"23/11/2026", "2026-11-23"},
		{"3-1-2026", "2026-01-03"},
		{"23 november 2026", "2026-11-23"},
		{"23 November 2026", "2026-11-23"},
		{"5 dec. 2026", "2026-12-05"},
		{"5 mrt 2026", "2026-03-05"},
		{"2026-11-23", "2026-11-23"},
		{"2026-11-23T10:00:00Z", "2026-11-23"},
		{"maandag 23 november 2026", "2026-11-23"},
		{"ma 23-11-2026", "2026-11-23"},
		{"Monday, 23 November 2026", "2026-11-23"},
		{"November 23, 2026", "2026-11-23"},
		{"Nov 23rd 2026", "2026-11-23"},
		{"23-11-2026 14:32", "2026-11-23"},
		{"23-11-2026 om 14.32 uur", "2026-11-23"},
		{"11/23/2026", "2026-11-23"},
		{"23-11-26", "2026-11-23"},
		{"1 mei 2026", "2026-05-01"},
		{"31-02-2026", ""},
		{"gisteren", ""},
		{"23-13-2026", ""},
		{"2026", ""},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("parseDate(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestNormPhone(t *testing.T) {
	tests := []struct{ in, want, reason string }{
		{"010-1234567", "+31101234567", ""},
		{"06 12 34 56 78", "+31612345678", ""},
		{"+31 (0)6 12345678", "+31612345678", ""},
		{"0031 20 123 4567", "+31201234567", ""},
		{"+44 113 496 0000", "+441134960000", ""},
		{"Tel: 010-1234567 (na 17:00)", "+31101234567", ""},
		{"0612", "", "telefoonnummer '0612' is te kort"},
		{"06123456789012345678", "", "telefoonnummer '06123456789012345678' is te lang"},
		{"geen", "", "telefoonnummer 'geen' is geen telefoonnummer"},
		{"0612345", "", "telefoonnummer '0612345' is te kort"},
	}
	for _, tt := range tests {
		got, nl, en := normPhone(tt.in, "NL")
		if got != tt.want || nl != tt.reason || (nl == "") != (en == "") {
			t.Errorf("normPhone(%q) = %q, %q, %q; want %q, %q", tt.in, got, nl, en, tt.want, tt.reason)
		}
	}
	if _, _, en := normPhone("0612", "NL"); en != "phone number '0612' is too short" {
		t.Errorf("normPhone(0612) English = %q, want \"phone number '0612' is too short\"", en)
	}
}

func TestNormEmail(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Jan@Example.NL", "jan@example.nl"},
		{"Jan Jansen <jan@example.nl>", "jan@example.nl"},
		{"mailto:jan@example.nl", "jan@example.nl"},
		{"jan@example.nl (werk)", "jan@example.nl"},
		{"jan@example", ""},
		{"jan example.nl", ""},
		{"jan@.nl", ""},
		{"@example.nl", ""},
	}
	for _, tt := range tests {
		got, nl, en := normEmail(tt.in)
		if got != tt.want || (got == "") == (nl == "") || (nl == "") != (en == "") {
			t.Errorf("normEmail(%q) = %q, %q, %q; want %q", tt.in, got, nl, en, tt.want)
		}
	}
}

func TestSplitReferences(t *testing.T) {
	tests := []struct {
		in   []string
		want []string
	}{
		{[]string{"A-1, B-2; A-1"}, []string{"A-1", "B-2"}},
		{[]string{"12345 67890"}, []string{"12345", "67890"}},
		{[]string{"Order 12345"}, []string{"Order 12345"}},
		{[]string{"A-1\nB-2", "b-2"}, []string{"A-1", "B-2"}},
		{[]string{"123 en 456"}, []string{"123", "456"}},
		{[]string{"n.v.t."}, nil},
		{[]string{"-"}, nil},
	}
	for _, tt := range tests {
		if got := splitReferences(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitReferences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLabelLookup(t *testing.T) {
	m := newLabelMap(nil)
	tests := []struct{ in, want string }{
		{"Bedrijfsnaam", FieldCompany},
		{"BEDRIJFSNAAM *", FieldCompany},
		{"Company name", FieldCompany},
		{"Organisation", FieldCompany},
		{"Naam van de indiener", FieldName},
		{"Your name", FieldName},
		{"E-mailadres van de indiener", FieldEmail},
		{"Email address", FieldEmail},
		{"E-mail", FieldEmail},
		{"Telefoonnummer (bijv. 0612345678)", FieldPhone},
		{"Phone number*", FieldPhone},
		{"Datum van indienen", FieldDate},
		{"Omschrijving van de klacht", FieldDescription},
		{"Message Body", FieldDescription},
		{"Referentienummer(s)", FieldReferences},
		{"Referentienummers", FieldReferences},
		{"Referentienummers / contractnummers / bestelnummers", FieldReferences},
		{"Referentie-, contract- of bestelnummer(s)", FieldReferences},
		{"Order numbers", FieldReferences},
		{"Contactpersoon", FieldContact},
		{"Contact person", FieldContact},
		{"Bereikbaarheid", FieldAvailability},
		{"Hoe heeft u ons gevonden", ""},
		{"Naam / telefoon", ""},
	}
	for _, tt := range tests {
		if got := m.lookup(tt.in); got != tt.want {
			t.Errorf("lookup(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHTMLToText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"br and p", "<p>a<br>b</p><p>c</p>", "a\nb\n\nc"},
		{"entities", "<p>Smith &amp; Sons &#039;t &lt;x&gt; &euro;5&nbsp;nu</p>", "Smith & Sons 't <x> €5 nu"},
		{"script and style dropped", "<style>p{}</style><script>var x=1</script><p>tekst</p>", "tekst"},
		{"head title dropped", "<html><head><title>T</title></head><body>b</body></html>", "b"},
		{"ninja row", "<table><tr><td>Naam:</td><td>Jan</td></tr><tr><td>Tel:</td><td>010</td></tr></table>", "Naam: Jan\nTel: 010"},
		{"label cell without colon", "<table><tr><th>Naam</th><td>Jan</td></tr></table>", "Naam: Jan"},
		{"gravity spacer", "<table><tr><td colspan=2><strong>Naam</strong></td></tr><tr><td>&nbsp;</td><td>Jan</td></tr></table>", "Naam\nJan"},
		{"three cells", "<table><tr><td>a</td><td>b</td><td>c</td></tr></table>", "a | b | c"},
		{"pre kept", "<pre>a\n  b</pre>", "a\n  b"},
		{"list", "<ul><li>x</li><li>y</li></ul>", "x\ny"},
		{"whitespace", "<div>  a \n\n b  </div>", "a b"},
		{"drupal", "<b>Naam</b><br />Jan<br /><br /><b>Adres</b><br />Straat 1<br />\nPlaats", "Naam\nJan\n\nAdres\nStraat 1\nPlaats"},
		{"broken html", "<p>a<td>b</p></table></table><b", "a b"},
	}
	for _, tt := range tests {
		if got := HTMLToText(tt.in); got != tt.want {
			t.Errorf("%s: HTMLToText(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}
