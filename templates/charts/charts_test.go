package charts

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// sampleReport is a year with five categories and the untagged.
func sampleReport() *templates.ReportData {
	r := &templates.ReportData{}
	cats := []string{"levering", "facturatie", "kwaliteit", "communicatie", "overig", "geen categorie"}
	for _, c := range cats {
		key := c
		if c == "geen categorie" {
			key = ""
		}
		r.Categories = append(r.Categories, templates.ReportRow{Key: key, Label: c})
	}
	for m := 1; m <= 12; m++ {
		row := templates.ReportRow{Key: fmt.Sprintf("2026-%02d", m)}
		row.Responses, row.Complete = 80, 85
		row.OnTimePercent = 100 - float64(m%4)*3
		row.AckWithinPercent = 97 + float64(m%3)
		r.Months = append(r.Months, row)
		counts := make([]int, len(cats))
		for j := range counts {
			counts[j] = (m*7+j*13)%17 + 2
		}
		r.MonthByCategory = append(r.MonthByCategory, counts)
	}
	for i, n := range []int{40, 210, 260, 300, 90, 30, 10, 0, 0} {
		r.Handling = append(r.Handling, templates.Bucket{Label: fmt.Sprintf("b%d", i), Count: n})
	}
	return r
}

// TestChartsArePNGs draws every chart and decodes it back: a PNG of the
// size the HTML reserves (552 points at 2×), with grey pixels of more than
// one level (the series differ). KLACHTD_CHARTS_DIR=dir keeps the files to
// look at.
func TestChartsArePNGs(t *testing.T) {
	imgs, err := Report(sampleReport(), "nl")
	if err != nil {
		t.Fatal(err)
	}
	trend, err := Trend([]Week{{"W41", 20, 18}, {"W42", 25, 19}, {"W43", 18, 20}, {"W44", 0, 3}}, "nl")
	if err != nil {
		t.Fatal(err)
	}
	imgs = append(imgs, trend)
	if len(imgs) != 4 {
		t.Fatalf("Report gave %d charts, want 3 (+ trend)", len(imgs))
	}
	for _, img := range imgs {
		m, err := png.Decode(bytes.NewReader(img.PNG))
		if err != nil {
			t.Fatalf("%s: %v", img.CID, err)
		}
		if w := m.Bounds().Dx(); w != width*dpi/72 {
			t.Errorf("%s: width %d px, want %d", img.CID, w, width*dpi/72)
		}
		if n := greyLevels(m); n < 3 {
			t.Errorf("%s: %d grey levels, want at least 3 (white, black, a fill)", img.CID, n)
		}
		if img.Title == "" {
			t.Errorf("%s: no title", img.CID)
		}
		if dir := os.Getenv("KLACHTD_CHARTS_DIR"); dir != "" {
			os.WriteFile(filepath.Join(dir, img.CID[:len(img.CID)-len("@klachtd")]+".png"), img.PNG, 0o644)
		}
	}
}

func greyLevels(m image.Image) int {
	seen := map[uint32]bool{}
	b := m.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, _, _, _ := m.At(x, y).RGBA()
			seen[r>>12] = true
		}
	}
	return len(seen)
}
