package correspondence

import (
	"context"
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// TestCategoryCommand tags a complaint, refuses an unknown category with the
// list, and keeps the complainant out of it.
func TestCategoryCommand(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("cat", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	if !strings.Contains(note.text(), "#categorie <naam>, een van: levering, facturatie, kwaliteit, communicatie, overig") {
		t.Errorf("the handler's notification does not ask for a category:\n%s", note.text())
	}
	ack := e.lettersOf(templates.Acknowledgement)
	if len(ack) != 1 || strings.Contains(ack[0].text(), "categorie") {
		t.Errorf("the acknowledgement mentions the category: %d letters", len(ack))
	}
	// The digest lists it as untagged.
	d, err := e.g.BuildDigest(context.Background(), at(2026, 11, 22, 8, 0), at(2026, 11, 23, 12, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Uncategorised) != 1 || d.Uncategorised[0].Ref != c.Ref {
		t.Errorf("digest uncategorised = %+v, want %s", d.Uncategorised, c.Ref)
	}

	e.deliver(reply(c.Handler, note, "#categorie bezorging"))
	refused := e.lettersOf(templates.CategoryRefused)
	if len(refused) != 1 || refused[0].Rcpt != c.Handler {
		t.Fatalf("unknown category: refusals = %+v", refused)
	}
	for _, want := range []string{`"bezorging" bestaat niet`, "levering", "facturatie", "kwaliteit", "communicatie", "overig"} {
		if !strings.Contains(refused[0].text(), want) {
			t.Errorf("refusal lacks %q:\n%s", want, refused[0].text())
		}
	}
	if got, _ := e.g.Category(context.Background(), c.Ref); got != "" {
		t.Errorf("after an unknown category: category = %q", got)
	}

	e.deliver(reply(c.Handler, note, "#categorie Levering"))
	if got, _ := e.g.Category(context.Background(), c.Ref); got != "levering" {
		t.Errorf("#categorie Levering: category = %q, want levering", got)
	}
	e.deliver(reply(c.Handler, note, "#category fact"))
	if got, _ := e.g.Category(context.Background(), c.Ref); got != "facturatie" {
		t.Errorf("#category fact: category = %q, want facturatie (the last one counts)", got)
	}
	if n := len(e.lettersOf(templates.CategorySet)); n != 2 {
		t.Errorf("confirmations = %d, want 2", n)
	}
	for _, l := range e.letters() {
		if l.Rcpt == c.Email && strings.Contains(strings.ToLower(l.text()), "categor") {
			t.Errorf("the complainant heard of the category in %s", l.Kind)
		}
	}
	d, err = e.g.BuildDigest(context.Background(), at(2026, 11, 22, 8, 0), at(2026, 11, 23, 12, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Uncategorised) != 0 {
		t.Errorf("a tagged complaint is still listed as untagged: %+v", d.Uncategorised)
	}

	// A closed complaint can still be tagged, for the figures.
	e.deliver(reply(c.Handler, note, "#ingetrokken"))
	e.deliver(reply(c.Handler, note, "#categorie kwaliteit"))
	if got, _ := e.g.Category(context.Background(), c.Ref); got != "kwaliteit" {
		t.Errorf("tag after closing: category = %q, want kwaliteit", got)
	}
}

func TestMatchCategory(t *testing.T) {
	list := DefaultCategories()
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{{"levering", "levering", true}, {"KWALITEIT", "kwaliteit", true}, {"fact.", "facturatie", true},
		{"", "", false}, {"bezorging", "", false}, {"o", "overig", true}, {"x", "", false}} {
		got, ok := matchCategory(list, tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("matchCategory(%q) = %q, %v, want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := matchCategory([]string{"kwaliteit", "kosten"}, "k"); ok {
		t.Error("an ambiguous prefix matched")
	}
}
