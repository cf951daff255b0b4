package reportpdf

import (
	"bytes"
	"testing"
	"time"

	"github.com/ingressus/klachtd/templates"
	"github.com/ingressus/klachtd/templates/charts"
)

// TestWritePDF writes a report with charts in both languages: a PDF with
// the Go fonts embedded (so ë and é print) and the charts as images.
func TestWritePDF(t *testing.T) {
	r := &templates.ReportData{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
		Total:        templates.ReportRow{Label: "Totaal", Figures: templates.Figures{Received: 3, Complete: 2, OnTimePercent: 87.5}},
		Months:       []templates.ReportRow{{Key: "2026-01", Label: "januari 2026"}},
		Categories:   []templates.ReportRow{{Key: "levering", Label: "levering"}},
		Companies:    []templates.CompanyCount{{Company: "Café Hé", Count: 2, Refs: []string{"KL-2026-0001", "KL-2026-0002"}}},
		MissedTerms:  []templates.MissedTerm{{Ref: "KL-2026-0003", TermEnd: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)}},
		DelayReasons: []templates.ReasonCount{{Reason: "wachten op de vervoerder", Count: 2}},
	}
	r.MonthByCategory = [][]int{{3}}
	imgs, err := charts.Report(r, "nl")
	if err != nil {
		t.Fatal(err)
	}
	r.Charts = imgs
	for _, lang := range []string{"nl", "en"} {
		var b bytes.Buffer
		if err := Write(&b, r, lang, "Ingressus"); err != nil {
			t.Fatalf("Write(%s): %v", lang, err)
		}
		pdf := b.Bytes()
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("%s: not a PDF: %q", lang, pdf[:8])
		}
		if n := bytes.Count(pdf, []byte("/FontFile2")); n != 2 {
			t.Errorf("%s: %d embedded TrueType fonts, want 2 (regular, bold)", lang, n)
		}
		if n := bytes.Count(pdf, []byte("/Subtype /Image")); n < len(imgs) {
			t.Errorf("%s: %d images, want the %d charts", lang, n, len(imgs))
		}
	}
}

func TestNumUsesTheDecimalCommaInDutch(t *testing.T) {
	if got := num("nl", 86.94); got != "86,9" {
		t.Errorf(`num("nl", 86.94) = %q, want "86,9"`, got)
	}
	if got := num("en", 12.5); got != "12.5" {
		t.Errorf(`num("en", 12.5) = %q, want "12.5"`, got)
	}
	if got := num("nl", 13); got != "13" {
		t.Errorf(`num("nl", 13) = %q, want "13"`, got)
	}
}
