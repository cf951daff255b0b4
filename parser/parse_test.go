package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ingressus/klachtd/parser/internal/mime"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// testOptions are the options of the demo world: the form's own senders
// are never the complainant.
var testOptions = Options{
	FormSenders:  []string{"noreply@web.ingressus.nl", "WordPress@web.ingressus.nl"},
	OwnAddresses: []string{"klachten@ingressus.nl"},
}

// fixtures are our own .eml files, one line each saying why it is there.
var fixtures = []struct{ file, why string }{
	{"cf7-text.eml", "Contact Form 7 plain text, admin template, QP utf-8, 'Tel: … (na 17:00)' inside the description, CF7 footer"},
	{"cf7-html.eml", "Contact Form 7 use_html: doctype wrapper, wpautop, esc_html and wptexturize entities, English labels"},
	{"gravity-html.eml", "Gravity Forms {all_fields} HTML: label row then value row, spacer cell, nl2br, bulleted list, windows-1252 QP"},
	{"gravity-text.eml", "Gravity Forms text: 'LABEL: VALUE' blocks, section line, iso-8859-15 base64, encoded-word subject with €"},
	{"wpforms-text.eml", "WPForms text: '--- Label ---' blocks with CRLF, an unknown field at the end"},
	{"wpforms-html.eml", "WPForms HTML: one table per field, wpautop'd values, '(empty)' references, weekday in the date"},
	{"ninja-html.eml", "Ninja Forms fields table: <td>LABEL:</td><td>VALUE</td>, a value with a colon"},
	{"drupal-text.eml", "Drupal Webform text: 'Title:' with the value on the next lines, Submitted on/by lines, unknown element"},
	{"drupal-html.eml", "Drupal Webform HTML: <b>Title</b><br />value<br /><br />"},
	{"formspree-multipart.eml", "Formspree multipart/alternative: 'key:' blocks in text, <pre> cells in base64 HTML; the HTML has more fields"},
	{"english-labels.eml", "English labels, us-ascii, month-first date in words, reference list with ';'"},
	{"direct-mail.eml", "a person's own mail: windows-1252 QP body, encoded-word subject over two lines and sender name"},
	{"incomplete-form.eml", "incomplete form: missing address/availability, phone too short, a date that does not exist, e-mail from Reply-To"},
	{"nodate-bademail.eml", "no date (listed as missing; the gateway uses the receipt date) and an invalid e-mail address in the form; Reply-To answers"},
	{"reply-fields.eml", "complainant's reply with token address, In-Reply-To/References, supplying phone and availability"},
	{"gravity-sections.eml", "Gravity Forms HTML with a section heading and an unknown field between known ones, '*' marker, checkbox list"},
	{"cf7-default.eml", "Contact Form 7 default template in Dutch: 'Van: NAAM <MAIL>', 'Onderwerp:', 'Bericht:' on its own line, footer"},
	{"drupal-parts.eml", "Drupal text, English: first/last name and street/postcode/city as parts, numbered label, &amp;, trailing consent fields"},
	{"mixed-attachment.eml", "multipart/mixed with alternative inside, encoded attachment name, Message-ID without brackets, epilogue"},
}

// goldenView is what a golden file pins: the JSON contract plus the header
// facts and the text. Reply and Command are left out: they come from
// ReplyText and ParseCommand, which have their own tests.
type goldenView struct {
	Message     *Message          `json:"message"`
	MessageID   string            `json:"message_id"`
	InReplyTo   []string          `json:"in_reply_to,omitempty"`
	References  []string          `json:"references,omitempty"`
	Subject     string            `json:"subject"`
	From        string            `json:"from"`
	FromName    string            `json:"from_name,omitempty"`
	ReplyTo     string            `json:"reply_to,omitempty"`
	To          []string          `json:"to,omitempty"`
	Cc          []string          `json:"cc,omitempty"`
	DeliveredTo []string          `json:"delivered_to,omitempty"`
	Date        string            `json:"date,omitempty"`
	Tokens      []string          `json:"tokens,omitempty"`
	InvalidEN   map[string]string `json:"invalid_en,omitempty"`
	DateAssumed bool              `json:"date_assumed,omitempty"`
	Attachments []Attachment      `json:"attachments,omitempty"`
	Defects     []string          `json:"defects,omitempty"`
	Text        string            `json:"text"`
}

func viewOf(m *Message) goldenView {
	c := *m
	c.Reply, c.Command = "", nil
	v := goldenView{
		Message: &c, MessageID: m.MessageID, InReplyTo: m.InReplyTo, References: m.References,
		Subject: m.Subject, From: m.From, FromName: m.FromName, ReplyTo: m.ReplyTo, To: m.To,
		Cc: m.Cc, DeliveredTo: m.DeliveredTo, Tokens: m.Tokens, InvalidEN: m.InvalidEN,
		DateAssumed: m.DateAssumed, Attachments: m.Attachments, Defects: m.Defects, Text: m.Text,
	}
	if !m.Date.IsZero() {
		v.Date = m.Date.UTC().Format(time.RFC3339)
	}
	return v
}

func TestParseGolden(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", fx.file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(raw, testOptions)
			if err != nil {
				t.Fatalf("Parse(%s) error = %v, want nil (%s)", fx.file, err, fx.why)
			}
			got, err := json.MarshalIndent(viewOf(m), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", strings.TrimSuffix(fx.file, ".eml")+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./parser -run TestParseGolden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Parse(%s) differs from %s (%s)\ngot:\n%s", fx.file, golden, fx.why, got)
			}
		})
	}
}

// TestParseFields pins the fields of every form product explicitly, so a
// golden rewritten with -update cannot hide a regression in them.
func TestParseFields(t *testing.T) {
	desc := func(s string) string { return s }
	tests := []struct {
		file    string
		kind    Kind
		fields  Fields
		missing []string
		invalid []string
	}{
		{"cf7-text.eml", KindForm, Fields{
			Company: "Bakkerij De Gouden Korst B.V.", Address: "Molenstraat 12\n3011 AB Rotterdam",
			Name: "Sanne de Wit", Phone: "+31101234567", Availability: "ma–vr 9–12 uur",
			Email: "sanne.dewit@goudenkorst.nl", Date: "2026-11-23",
			Description: desc("De levering van 20 november kwam twee dagen te laat.\nTel: 010-1234567 (na 17:00) werd niet opgenomen.\n\nGraag een reactie vóór vrijdag."),
			References:  []string{"ORD-2026-118", "CT-4471"}, Contact: "Marieke de Vries",
		}, nil, nil},
		{"cf7-html.eml", KindForm, Fields{
			Company: "Smith & Sons Ltd", Address: "1 High Street\nLeeds LS1 1AA\nUnited Kingdom",
			Name: "John Smith", Phone: "+441134960000", Availability: "weekdays 14:00–17:00",
			Email: "j.smith@example.co.uk", Date: "2026-11-24",
			Description: "The engineer said “it’s fixed” but it wasn't.\nCosts <> quote.",
			References:  []string{"77812", "77813"},
		}, nil, nil},
		{"gravity-html.eml", KindForm, Fields{
			Company: "Café 't Hoekje", Address: "Oudegracht 101\n3511 AD Utrecht\nNederland",
			Name: "José Müller", Phone: "+31612345678", Availability: "di en do na 13:00",
			Email: "jose@hoekje.nl", Date: "2026-12-05",
			Description: "Regel één – met “aanhalingstekens”.\nRegel twee.\n\nNa een lege regel: € 12,50 teveel betaald.",
			References:  []string{"B-1001", "B-1002"},
		}, nil, nil},
		{"gravity-text.eml", KindForm, Fields{
			Company: "Schoonmaakbedrijf Kraakhelder", Address: "Postbus 45\n1000 AA Amsterdam",
			Name: "Eva Jansen", Phone: "+31201234567", Availability: "ma-vr 9-12",
			Email: "eva@kraakhelder.nl", Date: "2026-11-23",
			Description: "Factuur te hoog: € 150 in plaats van € 105.\nHet ging om de schoonmaak van 12 november.",
			References:  []string{"F2026-0311"},
		}, nil, nil},
		{"wpforms-text.eml", KindForm, Fields{
			Company: "Drukkerij Van Dam", Address: "Kerkweg 3\n2611 AA Delft", Name: "Pieter van Dam",
			Phone: "+31152123456", Availability: "ochtend", Email: "pieter@drukkerijvandam.nl",
			Date: "2026-11-23", Description: "De offerte klopt niet.\nZie bijlage.\n\nOverige velden:\nHoe heeft u ons gevonden?: Google",
		}, nil, nil},
		{"wpforms-html.eml", KindForm, Fields{
			Company: "Van Dam & Zn.", Address: "Kerkweg 3\n2611 AA Delft", Name: "Pieter van Dam",
			Phone: "+31152123456", Availability: "ochtend", Email: "pieter@drukkerijvandam.nl",
			Date: "2026-11-23", Description: "Eerste alinea\nmet twee regels.\n\nTweede alinea.",
		}, nil, nil},
		{"ninja-html.eml", KindForm, Fields{
			Company: "Tuincentrum Groen", Address: "Dorpsstraat 8, 5611 AB Eindhoven", Name: "Kees Groen",
			Phone: "+31402123456", Availability: "Tel: 040-2123456 (na 17:00)",
			Email: "kees@tuincentrumgroen.nl", Date: "2026-11-23",
			Description: "Planten dood geleverd. Tweede regel.", References: []string{"C-88", "C-89"},
		}, nil, nil},
		{"drupal-text.eml", KindForm, Fields{
			Company: "Autobedrijf Snel", Address: "Industrieweg 77\n7511 JK Enschede", Name: "Ahmed El Amrani",
			Phone: "+31534321000", Availability: "hele dag", Email: "a.elamrani@autosnel.nl",
			Date: "2026-11-23", Description: "De reparatie is niet goed uitgevoerd.\nDe motor maakt nog steeds lawaai.",
		}, nil, nil},
		{"drupal-html.eml", KindForm, Fields{
			Company: "Autobedrijf Snel", Address: "Industrieweg 77\n7511 JK Enschede", Name: "Ahmed El Amrani",
			Phone: "+31534321000", Availability: "hele dag", Email: "a.elamrani@autosnel.nl",
			Date: "2026-11-23", Description: "De reparatie is niet goed uitgevoerd.\nDe motor maakt \"lawaai\".",
		}, nil, nil},
		{"formspree-multipart.eml", KindForm, Fields{
			Company: "Kapsalon Knip", Address: "Langestraat 2\n9711 AA Groningen", Name: "Lisa Bos",
			Phone: "+31503123456", Availability: "ma t/m wo", Email: "lisa@kapsalonknip.nl",
			Date: "2026-11-23", Description: "De stoelen zijn beschadigd geleverd.\n\nEr zijn krassen op alle zes.",
			References: []string{"KK-1", "KK-2"},
		}, nil, nil},
		{"english-labels.eml", KindForm, Fields{
			Company: "Northwind Traders BV", Address: "Keizersgracht 100\n1015 CS Amsterdam", Name: "Anna Smith",
			Phone: "+31612345678", Availability: "Mon-Fri mornings", Email: "anna.smith@northwind.example.com",
			Date: "2026-11-23", Description: "The invoice lists services we never ordered.\nPlease correct it.",
			References: []string{"INV-2026-7781", "PO 4471"}, Contact: "Jeroen Bakker",
		}, nil, nil},
		{"direct-mail.eml", KindOther, Fields{
			Email:       "renee.dijkstra@example.nl",
			Description: "Geachte heer, mevrouw,\n\nHierbij dien ik een klacht in over de monteur die gisteren bij ons was.\nHij was drie uur te laat en heeft de vloer beschadigd (schade ± € 300).\n\nMet vriendelijke groet,\nRenée Dijkstra",
		}, []string{"company", "address", "name", "phone", "availability", "date"}, nil},
		{"incomplete-form.eml", KindForm, Fields{
			Company: "Bouwbedrijf Stevig", Name: "Mark Visser", Phone: "0612", Email: "mark@stevig.nl",
			Date: "31-02-2026", Description: "Steiger niet op tijd afgebroken.",
		}, []string{"address", "availability"}, []string{"phone", "date"}},
		{"nodate-bademail.eml", KindForm, Fields{
			Company: "Hoveniersbedrijf Blad", Address: "Laan 1, 6811 AA Arnhem", Name: "Tom Blad",
			Phone: "+31263512345", Availability: "'s middags", Email: "tom@blad.nl",
			Description: "Heg verkeerd gesnoeid.",
		}, []string{"date"}, []string{"email"}},
		{"gravity-sections.eml", KindForm, Fields{
			Company: "Acme", Address: "Straat 1\n1234 AB Plaats", Email: "jan@x.nl",
			Description: "Kapot<3 & stuk.\nTweede regel.\n\nOverige velden:\nHoe vond u ons?: Google\nKeuzes: A B",
		}, []string{"name", "phone", "availability", "date"}, nil},
		{"cf7-default.eml", KindForm, Fields{
			Name: "Jan Jansen", Email: "jan@jansen.nl", Description: "Mijn klacht is dit.\nTweede regel.",
		}, []string{"company", "address", "phone", "availability", "date"}, nil},
		{"drupal-parts.eml", KindForm, Fields{
			Company: "Smith & Sons", Address: "Molenstraat 12\n3011 AB Rotterdam", Name: "John Smith",
			Phone: "+31612345678", Email: "john@smith.example",
			Description: "Line one.\nIk belde: niemand nam op.\n\nMore text.\n\nOverige velden:\nWat is uw naam?: X\nPrivacy: akkoord\nNieuwsbrief: nee", // issue 13: unmapped lines kept
		}, []string{"availability", "date"}, nil},
		{"reply-fields.eml", KindReply, Fields{Phone: "+31612345678", Availability: "werkdagen na 16 uur"}, nil, nil},
	}
	for _, tt := range tests {
		raw, err := os.ReadFile(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		m, err := Parse(raw, testOptions)
		if err != nil {
			t.Errorf("Parse(%s) error = %v", tt.file, err)
			continue
		}
		if m.Kind != tt.kind {
			t.Errorf("Parse(%s).Kind = %q, want %q", tt.file, m.Kind, tt.kind)
		}
		if !reflect.DeepEqual(m.Fields, tt.fields) {
			g, _ := json.MarshalIndent(m.Fields, "", " ")
			w, _ := json.MarshalIndent(tt.fields, "", " ")
			t.Errorf("Parse(%s).Fields =\n%s\nwant\n%s", tt.file, g, w)
		}
		if tt.missing == nil {
			tt.missing = []string{}
		}
		if !reflect.DeepEqual(m.Missing, tt.missing) {
			t.Errorf("Parse(%s).Missing = %q, want %q", tt.file, m.Missing, tt.missing)
		}
		var inv []string
		for _, f := range []string{"company", "address", "name", "phone", "availability", "email", "date", "description"} {
			if m.Invalid[f] != "" {
				inv = append(inv, f)
				if m.InvalidEN[f] == "" {
					t.Errorf("Parse(%s).InvalidEN[%s] empty, Invalid = %q", tt.file, f, m.Invalid[f])
				}
			}
		}
		if !reflect.DeepEqual(inv, tt.invalid) {
			t.Errorf("Parse(%s) invalid fields = %q, want %q (%q)", tt.file, inv, tt.invalid, m.Invalid)
		}
	}
}

func TestParseHeaders(t *testing.T) {
	raw, _ := os.ReadFile("testdata/reply-fields.eml")
	m, _ := Parse(raw, testOptions)
	if m.Reference != "KL-2026-0042" {
		t.Errorf("Reference = %q, want KL-2026-0042", m.Reference)
	}
	if want := []string{"KL-2026-0042.k7f3q9"}; !reflect.DeepEqual(m.Tokens, want) {
		t.Errorf("Tokens = %q, want %q", m.Tokens, want)
	}
	if want := []string{"kl-2026-0042.0.in@ingressus.nl", "kl-2026-0042.1.ack@ingressus.nl"}; !reflect.DeepEqual(m.References, want) {
		t.Errorf("References = %q, want %q", m.References, want)
	}
	if m.To[0] != "klachten+kl-2026-0042.k7f3q9@ingressus.nl" {
		t.Errorf("To = %q, want the lower-cased bare address", m.To)
	}

	raw, _ = os.ReadFile("testdata/direct-mail.eml")
	m, _ = Parse(raw, testOptions)
	if m.Subject != "Klacht over monteur – vloer beschadigd" || m.FromName != "Renée Dijkstra" {
		t.Errorf("Subject, FromName = %q, %q; want decoded encoded words", m.Subject, m.FromName)
	}
	if !m.DateAssumed {
		t.Errorf("direct mail DateAssumed = false, want true")
	}

	raw, _ = os.ReadFile("testdata/mixed-attachment.eml")
	m, _ = Parse(raw, testOptions)
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "schade één.png" || m.Attachments[0].ContentType != "image/png" {
		t.Errorf("Attachments = %+v, want one image/png 'schade één.png'", m.Attachments)
	}
	if strings.Contains(m.Text, "epilogue") {
		t.Errorf("Text holds the epilogue: %q", m.Text)
	}
}

// TestParseKinds checks how Kind is decided from headers.
func TestParseKinds(t *testing.T) {
	form := "Naam: Jan\nBedrijfsnaam: X\n"
	tests := []struct {
		name, raw string
		want      Kind
	}{
		{"in-reply-to", "From: a@b.nl\nIn-Reply-To: <x@y>\nSubject: hoi\n\n" + form, KindReply},
		{"subject reference", "From: a@b.nl\nSubject: Re: [KL-2026-0001] uw klacht\n\ntekst", KindReply},
		{"token", "From: a@b.nl\nTo: klachten+abc@ingressus.nl\n\ntekst", KindReply},
		{"form", "From: a@b.nl\nSubject: klacht\n\n" + form, KindForm},
		{"one label", "From: a@b.nl\nSubject: klacht\n\nNaam: Jan\nik heb een klacht", KindOther},
		{"signature labels", "From: a@b.nl\nSubject: klacht\n\nGeachte heer,\n\nDe monteur was te laat.\nHij heeft ook schade gemaakt.\n\nMet vriendelijke groet,\nJan\nTelefoon: 0612345678\nE-mail: jan@b.nl\n", KindOther},
		{"form with short preamble", "From: a@b.nl\nSubject: klacht\n\nHey there,\nSomeone submitted your form.\n\nNaam: Jan\nTelefoon: 0612345678\n", KindForm},
	}
	for _, tt := range tests {
		m, err := Parse([]byte(tt.raw), Options{})
		if err != nil || m.Kind != tt.want {
			t.Errorf("%s: Parse().Kind = %q, %v; want %q", tt.name, m.Kind, err, tt.want)
		}
	}
}

func TestParseComplainantAddress(t *testing.T) {
	opt := Options{FormSenders: []string{"NoReply@Web.Ingressus.nl"}}
	tests := []struct {
		name, raw, want string
	}{
		{"form field wins", "From: noreply@web.ingressus.nl\nReply-To: r@x.nl\n\nNaam: A\nE-mail: f@x.nl\n", "f@x.nl"},
		{"reply-to next", "From: noreply@web.ingressus.nl\nReply-To: R@X.nl\n\nNaam: A\nBedrijf: B\n", "r@x.nl"},
		{"never the form sender", "From: NOREPLY@web.ingressus.nl\n\nNaam: A\nBedrijf: B\n", ""},
		{"from last", "From: Piet <piet@x.nl>\n\nNaam: A\nBedrijf: B\n", "piet@x.nl"},
	}
	for _, tt := range tests {
		m, _ := Parse([]byte(tt.raw), opt)
		if m.Fields.Email != tt.want {
			t.Errorf("%s: Fields.Email = %q, want %q", tt.name, m.Fields.Email, tt.want)
		}
		if tt.want == "" && !containsFold(m.Missing, "email") {
			t.Errorf("%s: Missing = %q, want email in it", tt.name, m.Missing)
		}
	}
}

func TestParseExtraLabels(t *testing.T) {
	raw := "From: a@b.nl\n\nFirma-naam: Acme\nKlantnaam: Jan\nKlacht: kapot\n"
	m, _ := Parse([]byte(raw), Options{Labels: map[string]string{"Firma-naam": FieldCompany, "KLANTNAAM ": FieldName}})
	if m.Fields.Company != "Acme" || m.Fields.Name != "Jan" || m.Kind != KindForm {
		t.Errorf("Parse with Labels = %q %+v, want company Acme, name Jan, form", m.Kind, m.Fields)
	}
}

func TestParseUnparseable(t *testing.T) {
	for _, in := range []string{"", "   \r\n\r\n", "this is no mail at all\nreally"} {
		m, err := Parse([]byte(in), Options{})
		if m == nil || !errors.Is(err, ErrUnparseable) {
			t.Errorf("Parse(%q) = %v, %v; want a Message and ErrUnparseable", in, m, err)
		}
	}
	// Headers only: usable (empty text), no error.
	m, err := Parse([]byte("From: a@b.nl\nSubject: x\n"), Options{})
	if err != nil || m.Subject != "x" {
		t.Errorf("Parse(header only) = %q, %v; want subject x, nil", m.Subject, err)
	}
}

func TestParseJSONContract(t *testing.T) {
	m, _ := Parse([]byte("From: a@b.nl\nIn-Reply-To: <x@y>\n\nok"), Options{})
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"missing":[]`, `"invalid":{}`, `"kind":"`, `"fields":{`} {
		if !strings.Contains(s, want) {
			t.Errorf("json.Marshal(Parse()) = %s, want it to contain %s", s, want)
		}
	}
	for _, no := range []string{"null", "Defects", "message_id"} {
		if strings.Contains(s, no) {
			t.Errorf("json.Marshal(Parse()) = %s, must not contain %s", s, no)
		}
	}
}

func TestParseMaxBytes(t *testing.T) {
	raw := []byte("From: a@b.nl\nSubject: big\n\n" + strings.Repeat("x", 5000))
	m, err := Parse(raw, Options{MaxBytes: 1000})
	if err != nil || len(m.Text) > 1000 || len(m.Defects) == 0 {
		t.Errorf("Parse(5000 bytes, MaxBytes 1000) = text %d bytes, defects %q, %v; want ≤1000, a defect, nil", len(m.Text), m.Defects, err)
	}
}

func TestParseBounded(t *testing.T) {
	// Deep nesting and many parts: bounded, with defects.
	var b strings.Builder
	b.WriteString("From: a@b.nl\nContent-Type: multipart/mixed; boundary=b0\n\n")
	for i := 0; i < 50; i++ {
		b.WriteString("--b" + strconv.Itoa(i) + "\nContent-Type: multipart/mixed; boundary=b" + strconv.Itoa(i+1) + "\n\n")
	}
	b.WriteString("--b50\nContent-Type: text/plain\n\ndeep\n")
	m, err := Parse([]byte(b.String()), Options{})
	if err != nil || len(m.Defects) == 0 {
		t.Errorf("Parse(deep) = defects %q, %v; want defects, nil", m.Defects, err)
	}
	b.Reset()
	b.WriteString("From: a@b.nl\nContent-Type: multipart/mixed; boundary=x\n\n")
	for i := 0; i < 3000; i++ {
		b.WriteString("--x\nContent-Type: application/octet-stream\n\nab\n")
	}
	start := time.Now()
	m, err = Parse([]byte(b.String()), Options{})
	if err != nil || len(m.Attachments) > mime.MaxParts || time.Since(start) > 2*time.Second {
		t.Errorf("Parse(3000 parts) = %d attachments, %v, %v; want ≤ %d, nil, fast", len(m.Attachments), err, time.Since(start), mime.MaxParts)
	}
}

// TestParseLinear feeds shapes that would be quadratic in a careless
// parser (long folded headers, many labels, deep tables, glued encodings);
// each must stay fast.
func TestParseLinear(t *testing.T) {
	cases := func(n int) map[string]string {
		return map[string]string{
			"folded header":  "Subject: a\n" + strings.Repeat(" b\n", n/3) + "\nx",
			"many labels":    "From: a@b\n\n" + strings.Repeat("Naam: x\n", n/8),
			"one long value": "From: a@b\n\nOmschrijving:\n" + strings.Repeat("tekst regel\n", n/12),
			"colons":         "From: a@b\n\n" + strings.Repeat("a:", n/2),
			"open tables":    "From: a@b\nContent-Type: text/html\n\n" + strings.Repeat("<table><tr><td>a</td><td>", n/30),
			"bold labels":    "From: a@b\nContent-Type: text/html\n\n" + strings.Repeat("<b>Naam</b><br>x<br>", n/20),
			"references":     "From: a@b\nReferences: " + strings.Repeat("<a", n/2) + "\n\nx",
			"many headers":   strings.Repeat("X-A: b\n", n/7) + "\nx",
			"qp":             "From: a@b\nContent-Transfer-Encoding: quoted-printable\n\n" + strings.Repeat("=\n", n/2),
			"boundaries":     "From: a@b\nContent-Type: multipart/mixed; boundary=x\n\n" + strings.Repeat("--x\n", n/4),
			"date":           "From: a@b\n\nDatum: " + strings.Repeat("1 ", n/2),
			"phone":          "From: a@b\n\nTelefoon: " + strings.Repeat("1-", n/2) + "\nNaam: x",
			"addresses":      "From: a@b\nTo: " + strings.Repeat("a@b, ", n/5) + "\n\nx",
			"label parts":    "From: a@b\n\n" + strings.Repeat("Referentienummers / ", n/20) + ": x\nNaam: y",
		}
	}
	// Growth, not speed: a linear reading of four times the input takes
	// about four times as long, a quadratic one sixteen. The fastest of a
	// few runs is compared, so a busy machine (CI runs this under -race
	// beside other work) does not decide the outcome.
	fastest := func(in string) time.Duration {
		best := time.Duration(1 << 62)
		for range 2 {
			start := time.Now()
			if m, _ := Parse([]byte(in), Options{}); m == nil {
				t.Fatalf("Parse(%.40q…) = nil", in)
			}
			best = min(best, time.Since(start))
		}
		return best
	}
	small, large := cases(8<<10), cases(32<<10)
	for name := range large {
		ts, tl := fastest(small[name]), fastest(large[name])
		if tl > 10*ts+250*time.Millisecond {
			t.Errorf("%s: Parse of %d bytes took %v, of %d bytes %v: grows faster than the input", name, len(small[name]), ts, len(large[name]), tl)
		}
	}
}

// A person's own mail keeps its whole body as the description, and what
// its signature labels give (phone, e-mail) is used.
func TestParseDirectMailSignature(t *testing.T) {
	raw := "From: Jan <jan@b.nl>\nSubject: klacht\n\nGeachte heer,\n\nDe monteur was te laat.\n\nMet vriendelijke groet,\nJan\nTelefoon: 0612345678\n"
	m, err := Parse([]byte(raw), Options{})
	if err != nil || m.Kind != KindOther {
		t.Fatalf("Parse() = %q, %v; want other, nil", m.Kind, err)
	}
	if m.Fields.Phone != "+31612345678" || m.Fields.Email != "jan@b.nl" || !strings.HasPrefix(m.Fields.Description, "Geachte heer,\n\nDe monteur") {
		t.Errorf("Parse().Fields = %+v; want phone, sender address and the body as description", m.Fields)
	}
}
