package parser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLookupScored: labels the tables do not list are read by their key
// words; ambiguous ones are no field (issue 13).
func TestLookupScored(t *testing.T) {
	tests := []struct {
		label, want string
	}{
		{"Omschrijf uw klacht", FieldDescription}, // in the tables
		{"Omschrijf hier uw klacht", FieldDescription},
		{"Wat is er misgegaan?", FieldDescription},
		{"Tell us what happened", FieldDescription}, // "tell" is no "tel"
		{"What went wrong", FieldDescription},
		{"Your phone", FieldPhone},
		{"Uw mobiele nummer", FieldPhone},
		{"Naam contactpersoon", FieldContact},
		{"Naam van uw organisatie", FieldCompany}, // company 4 beats name 3
		{"Uw woonadres", FieldAddress},
		{"Uw e-mailadres hier", FieldEmail}, // e-mail beats adres
		{"Datum voorval", FieldDate},
		{"Dossiernummer", FieldReferences},
		{"Wanneer kunnen wij u terugbellen", FieldAvailability},
		// Ambiguous or empty of key words: no field.
		{"Naam klacht", ""},             // name 3, description 3
		{"Telefoon contactpersoon", ""}, // something of the contact person
		{"Hoe heeft u ons gevonden", ""},
		{"Privacy", ""},
		{"Autobedrijf Snel", FieldCompany}, // a label if written as one; value lines are not scored
	}
	m := newLabelMap(nil)
	for _, tt := range tests {
		got, _ := m.lookupScored(tt.label)
		if got != tt.want {
			t.Errorf("lookupScored(%q) = %q, want %q", tt.label, got, tt.want)
		}
		// The same every time: no map order in the verdict.
		for i := 0; i < 50; i++ {
			if again, _ := m.lookupScored(tt.label); again != got {
				t.Fatalf("lookupScored(%q) = %q, then %q", tt.label, got, again)
			}
		}
	}
}

// TestParseScoredLabels: a form with unlisted labels is read by key words;
// of two labels for the description the higher score wins (a label of the
// tables beats any), and what maps to no field is kept under "Overige
// velden".
func TestParseScoredLabels(t *testing.T) {
	read := func(name string) *Message {
		t.Helper()
		raw, err := os.ReadFile(filepath.Join("testdata", "labels", name))
		if err != nil {
			t.Fatal(err)
		}
		m, err := Parse(raw, testOptions)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := read("scored-labels.eml")
	if m.Kind != KindForm {
		t.Fatalf("Kind = %q, want form", m.Kind)
	}
	f := m.Fields
	if f.Phone != "+31612345678" || f.Contact != "Pieter Jansen" || f.Name != "Lisa Bos" || f.Company != "Kapsalon Knip" {
		t.Errorf("Fields = %+v", f)
	}
	// "Tell us what happened" (tell 1 + happened 3) outscores "Wat is er
	// misgegaan?" (3): its value is the description, the other is kept.
	wantDesc := "Delivered broken.\n\nOverige velden:\nWat is er misgegaan?: De stoelen zijn beschadigd geleverd.\nHoe heeft u ons gevonden: Via Google\nNaam klacht: stoelen"
	if f.Description != wantDesc {
		t.Errorf("Description = %q, want %q", f.Description, wantDesc)
	}
	if len(m.Missing) != 0 {
		t.Errorf("Missing = %q", m.Missing)
	}

	// No description: the unmapped line goes to Other, and the
	// description is still asked for.
	m = read("no-description-other.eml")
	if m.Kind != KindForm || m.Fields.Description != "" || m.Fields.Other != "Overige velden:\nHoe heeft u ons gevonden: Via Google" {
		t.Errorf("Kind %q, Description %q, Other %q", m.Kind, m.Fields.Description, m.Fields.Other)
	}
	if !strings.Contains(strings.Join(m.Missing, ","), FieldDescription) {
		t.Errorf("Missing = %q, want the description in it", m.Missing)
	}

	// A person's letter with "Mijn probleem:" and a "Tel:" signature is
	// no form: key words alone do not make one.
	m = read("letter-with-probleem.eml")
	if m.Kind != KindOther || !strings.Contains(m.Fields.Description, "Ik schrijf u over de levering") {
		t.Errorf("Kind %q, Description %q; want other with the whole letter", m.Kind, m.Fields.Description)
	}
}

// TestForwardHeaderLanguages: the header block of a forward, in any
// language the reply stripper knows, is no part of the form (one
// quote-header recogniser for both).
func TestForwardHeaderLanguages(t *testing.T) {
	for name, block := range map[string]string{
		"da": "Fra: Website <noreply@web.example.dk>\nDato: 23.11.2026 10.12\nTil: info@example.dk\nEmne: Nyt klachtformulier\n",
		"pl": "Od: Website <noreply@web.example.pl>\nWysłano: poniedziałek, 23 listopada 2026 10:12\nDo: info@example.pl\nTemat: Formularz\n",
		"it": "Da: Website <noreply@web.example.it>\nInviato: lunedì 23 novembre 2026 10:12\nA: info@example.it\nOggetto: Modulo\n",
	} {
		text := block + "\nBedrijfsnaam: Kapsalon Knip\nNaam: Lisa Bos\nTelefoon: 06 12345678\n"
		rf := extractFields(text, newLabelMap(nil), false)
		if !rf.isForm() || rf.loose != 0 {
			t.Errorf("%s: isForm %v, loose %d; want a form with the header block out of it", name, rf.isForm(), rf.loose)
		}
	}
}
