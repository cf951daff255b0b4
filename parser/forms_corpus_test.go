package parser

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// formsCorpus is the record of what each web-form product's notification
// looks like (forms/formats.json, read from the plugins' own source).
const formsCorpus = corpusDir + "/forms/formats.json"

// formsCorpusLabels are two sets of form labels for the eight fields: the
// tables' own, and labels the tables do not list that say what they are
// (issue 13: read by key words). The last entry of each is a field the
// complaint has none for: it must be kept, under "Overige velden".
var formsCorpusLabels = map[string][][2]string{
	"listed": {
		{"Bedrijfsnaam", "Kapsalon Knip"}, {"Adres", "Langestraat 2, 9711 AA Groningen"}, {"Naam", "Lisa Bos"},
		{"Telefoonnummer", "06 12345678"}, {"Bereikbaarheid", "ochtend"}, {"E-mailadres", "lisa@kapsalonknip.nl"},
		{"Datum", "23-11-2026"}, {"Omschrijving van de klacht", "De stoelen zijn beschadigd geleverd."},
		{"Hoe heeft u ons gevonden", "Via Google"},
	},
	"unlisted": {
		{"Naam van uw organisatie", "Kapsalon Knip"}, {"Uw woonadres", "Langestraat 2, 9711 AA Groningen"},
		{"Uw naam en voorletters", "Lisa Bos"}, {"Uw mobiele nummer", "06 12345678"},
		{"Wanneer kunnen wij u terugbellen", "ochtend"}, {"Uw e-mailadres hier", "lisa@kapsalonknip.nl"},
		{"Datum voorval", "23-11-2026"}, {"Wat is er misgegaan?", "De stoelen zijn beschadigd geleverd."},
		{"Hoe heeft u ons gevonden", "Via Google"},
	},
}

// TestFormsCorpus renders a notification per product and label set from
// the products' own templates and counts the fields Parse reads back.
func TestFormsCorpus(t *testing.T) {
	raw, err := os.ReadFile(formsCorpus)
	if err != nil {
		t.Skipf("forms corpus absent (%v): it lives in ../shared/corpora next to the repository", err)
	}
	var formats map[string]map[string]any
	if err := json.Unmarshal(raw, &formats); err != nil {
		t.Fatal(err)
	}
	tmpl := func(product, key string) string {
		v, _ := formats[product][key].(string)
		return strings.NewReplacer(`\r\n`, "\r\n", `\n`, "\n").Replace(v)
	}
	type render struct {
		name, ctype string
		body        func(fields [][2]string) string
	}
	rows := func(fields [][2]string, row func(l, v string) string) string {
		var b strings.Builder
		for _, f := range fields {
			b.WriteString(row(f[0], f[1]))
		}
		return b.String()
	}
	fill := func(t, l, v string) string {
		return strings.NewReplacer("{label}", l, "{value}", v, "{key}", l, "{title}", l, "{field_name}", l, "{field_value}", v).Replace(t)
	}
	renders := []render{
		{"contact-form-7 text", "text/plain", func(fs [][2]string) string {
			return rows(fs, func(l, v string) string { return l + ": " + v + "\n" }) + "\n-- \nThis is a notification that a contact form was submitted on your website (Ingressus https://ingressus.nl).\n"
		}},
		{"gravityforms text", "text/plain", func(fs [][2]string) string {
			return rows(fs, func(l, v string) string { return fill(tmpl("gravityforms", "text_field_line"), l, v) })
		}},
		{"gravityforms html", "text/html", func(fs [][2]string) string {
			return "<table>" + rows(fs, func(l, v string) string {
				return fill(tmpl("gravityforms", "html_label_row"), l, v) + fill(tmpl("gravityforms", "html_value_row"), l, v)
			}) + "</table>"
		}},
		{"wpforms text", "text/plain", func(fs [][2]string) string {
			return rows(fs, func(l, v string) string { return fill(tmpl("wpforms", "text_field_block"), l, v) })
		}},
		{"wpforms html", "text/html", func(fs [][2]string) string {
			return rows(fs, func(l, v string) string { return fill(tmpl("wpforms", "html_field_block"), l, v) })
		}},
		{"ninja-forms html", "text/html", func(fs [][2]string) string {
			return "<table>" + rows(fs, func(l, v string) string { return fill(tmpl("ninja-forms", "fields_table_row"), l, v) }) + "</table>"
		}},
		{"drupal-webform text", "text/plain", func(fs [][2]string) string {
			return "Submitted on Mon, 11/23/2026 - 14:32\nSubmitted by: Anonymous\n\nSubmitted values are:\n" +
				rows(fs, func(l, v string) string { return fill(tmpl("drupal-webform", "value_single_line"), l, v) + "\n" })
		}},
		{"drupal-webform html", "text/html", func(fs [][2]string) string {
			return rows(fs, func(l, v string) string { return fill(tmpl("drupal-webform", "html_value"), l, v) })
		}},
		{"formspree-legacy text", "text/plain", func(fs [][2]string) string {
			return rows(fs, func(l, v string) string { return fill(tmpl("formspree-legacy", "text_field_block"), l, v) })
		}},
		{"formspree-legacy html", "text/html", func(fs [][2]string) string {
			return "<table>" + rows(fs, func(l, v string) string { return "<tr>" + fill(tmpl("formspree-legacy", "html_row"), l, v) + "</tr>" }) + "</table>"
		}},
	}
	total, found, forms, kept, cases := 0, 0, 0, 0, 0
	for _, set := range []string{"listed", "unlisted"} {
		fields := formsCorpusLabels[set]
		for _, r := range renders {
			cases++
			mail := "From: Website <noreply@web.ingressus.nl>\r\nTo: klachten@ingressus.nl\r\nSubject: Nieuw klachtformulier\r\n" +
				"Content-Type: " + r.ctype + "; charset=utf-8\r\n\r\n" + r.body(fields)
			m, err := Parse([]byte(mail), testOptions)
			if err != nil {
				t.Errorf("%s/%s: %v", set, r.name, err)
				continue
			}
			if m.Kind == KindForm {
				forms++
			}
			got := 0
			for _, f := range RequiredFields {
				total++
				if m.Kind == KindForm && fieldValue(m.Fields, f) != "" && m.Invalid[f] == "" {
					got++
				}
			}
			found += got
			if strings.Contains(m.Fields.Description+m.Fields.Other, "Via Google") {
				kept++
			}
			t.Logf("%-8s %-22s kind %-5s fields %d/8 missing %v other kept %v", set, r.name, m.Kind, got, m.Missing,
				strings.Contains(m.Fields.Description+m.Fields.Other, "Via Google"))
			// Every table label must read back: that part is a regression
			// check, not a measurement.
			if set == "listed" && (m.Kind != KindForm || got != 8) {
				t.Errorf("listed/%s: kind %q, %d of 8 fields; missing %v", r.name, m.Kind, got, m.Missing)
			}
		}
	}
	t.Logf("forms corpus: %d of %d renderings read as forms, %d of %d fields, unmapped line kept in %d of %d",
		forms, cases, found, total, kept, cases)
}
