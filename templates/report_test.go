package templates

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
)

func sampleReportData() *ReportData {
	f := Figures{Received: 12, Complete: 10, Responses: 8, OnTime: 7, OnTimePercent: 87.5, Delays: 3,
		Objections: 1, ObjectionsPercent: 12.5, HandlingMedian: 11.5, SurveySent: 4, SurveyAnswers: 2, SurveyMean: 4.5}
	return &ReportData{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
		Total:        ReportRow{Key: "total", Label: "Totaal", Figures: f},
		Months:       []ReportRow{{Key: "2026-01", Label: "januari 2026", Figures: f}},
		Categories:   []ReportRow{{Key: "levering", Label: "levering", Figures: f}, {Key: "", Label: "geen categorie"}},
		Handlers:     []ReportRow{{Key: "m@x.nl", Label: "Marieke de Vries", Figures: f}},
		DelayReasons: []ReasonCount{{Reason: "wachten op de vervoerder", Count: 3}},
		MissedTerms:  []MissedTerm{{Ref: "KL-2026-0009", Handler: "Marieke de Vries", TermEnd: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}},
		Companies:    []CompanyCount{{Company: "Café Hé", Count: 6, Refs: []string{"KL-1", "KL-2", "KL-3", "KL-4", "KL-5", "KL-6"}}},
		Charts:       []Image{{CID: "c1@klachtd", Title: "Grafiek", PNG: []byte("\x89PNG")}},
	}
}

// TestReportRendersInBothLanguages: every section, the charts as cid:
// images, the long list of references shortened.
func TestReportRendersInBothLanguages(t *testing.T) {
	r, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string][]string{
		"nl": {"Klachtenrapportage 1 januari 2026 – 31 december 2026", "87,5%", "KL-2026-0009", "wachten op de vervoerder", "Café Hé", "KL-4, …", "Tevredenheid", `src="cid:c1@klachtd"`},
		"en": {"Complaints report 1 January 2026 – 31 December 2026", "87.5%", "KL-2026-0009", "wachten op de vervoerder", "Café Hé", "KL-4, …", "Satisfaction", `src="cid:c1@klachtd"`},
	} {
		l, err := r.Render(Report, lang, Data{Report: sampleReportData()})
		if err != nil {
			t.Fatalf("Render(report, %s): %v", lang, err)
		}
		for _, w := range want {
			if !strings.Contains(l.HTML, w) {
				t.Errorf("%s report HTML lacks %q", lang, w)
			}
			if w != `src="cid:c1@klachtd"` && !strings.Contains(strings.ToLower(l.Text), strings.ToLower(w)) && w != "87,5%" && w != "87.5%" {
				t.Errorf("%s report text lacks %q", lang, w)
			}
		}
		if len(l.Inline) != 1 || strings.Contains(l.HTML, "KL-5") {
			t.Errorf("%s: inline images %d; references not shortened", lang, len(l.Inline))
		}
		if html := WithDataURIs(l.HTML, l.Inline); strings.Contains(html, "cid:") || !strings.Contains(html, "data:image/png;base64,iVBORw") {
			t.Errorf("%s: WithDataURIs left a cid: or made no data: URI", lang)
		}
	}
}

func TestReportCSVColumns(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReportData().WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+1+1+2+1 {
		t.Fatalf("CSV rows = %d, want 6", len(recs))
	}
	for _, rec := range recs {
		if len(rec) != len(CSVHeader) {
			t.Errorf("CSV row %v has %d columns, header %d", rec[:3], len(rec), len(CSVHeader))
		}
	}
	if recs[1][0] != "total" || recs[1][13] != "87.5" || recs[5][2] != "Marieke de Vries" {
		t.Errorf("CSV rows: %v", recs)
	}
}
