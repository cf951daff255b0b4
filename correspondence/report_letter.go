package correspondence

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/ingressus/klachtd/templates"
	"github.com/ingressus/klachtd/templates/charts"
	"github.com/ingressus/klachtd/templates/reportpdf"
)

// DrawReportCharts draws the report's charts into r.Charts, labelled in
// the gateway's language.
func (g *Gateway) DrawReportCharts(r *templates.ReportData) error {
	imgs, err := charts.Report(r, g.set.Lang)
	if err != nil {
		return fmt.Errorf("report charts: %w", err)
	}
	r.Charts = imgs
	return nil
}

// RenderReport renders the report as the management letter (subject, text,
// HTML with the charts as cid: images).
func (g *Gateway) RenderReport(r *templates.ReportData) (templates.Letter, error) {
	d := g.baseData(nil, r.Made)
	d.Report = r
	return g.tpl.Render(templates.Report, g.set.Lang, d)
}

// ReportPDF writes the report as a PDF (the yearly overview).
func (g *Gateway) ReportPDF(r *templates.ReportData) ([]byte, error) {
	var b bytes.Buffer
	if err := reportpdf.Write(&b, r, g.set.Lang, g.set.Organisation); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ReportFiles are the attachments of the report mail: the same figures as
// CSV and JSON, and the PDF when pdf is set.
func (g *Gateway) ReportFiles(r *templates.ReportData, pdf bool) ([]templates.File, error) {
	name := "klachtenrapportage-" + fmtDay(r.From) + "-" + fmtDay(r.To)
	var csvb, jsonb bytes.Buffer
	if err := r.WriteCSV(&csvb); err != nil {
		return nil, err
	}
	if err := r.WriteJSON(&jsonb); err != nil {
		return nil, err
	}
	files := []templates.File{
		{Name: name + ".csv", ContentType: "text/csv; charset=utf-8", Data: csvb.Bytes()},
		{Name: name + ".json", ContentType: "application/json", Data: jsonb.Bytes()},
	}
	if pdf {
		b, err := g.ReportPDF(r)
		if err != nil {
			return nil, err
		}
		files = append(files, templates.File{Name: name + ".pdf", ContentType: "application/pdf", Data: b})
	}
	return files, nil
}

// QueueReport queues the report mail to management through the outbox,
// once per key, with its charts inline and the CSV, JSON (and PDF)
// attached.
func (g *Gateway) QueueReport(ctx context.Context, key string, r *templates.ReportData, pdf bool) (bool, error) {
	if len(r.Charts) == 0 {
		if err := g.DrawReportCharts(r); err != nil {
			return false, err
		}
	}
	files, err := g.ReportFiles(r, pdf)
	if err != nil {
		return false, err
	}
	if len(g.set.managementAddrs()) == 0 {
		return false, fmt.Errorf("report: no management addresses configured ([[management]])")
	}
	var queued bool
	err = g.runAt(ctx, g.now(), func(t *txn) error {
		d := g.baseData(nil, t.now)
		d.Report = r
		queued, err = t.queue(letter{name: templates.Report, key: key, to: g.set.managementAddrs(), data: d, staff: true, files: files})
		return err
	})
	return queued, err
}

// ReportYear is the period of the yearly overview: 1 January to 31
// December of year.
func (g *Gateway) ReportYear(year int) (from, to time.Time) {
	loc := g.cal.Location()
	return time.Date(year, 1, 1, 0, 0, 0, 0, loc), time.Date(year, 12, 31, 0, 0, 0, 0, loc)
}
