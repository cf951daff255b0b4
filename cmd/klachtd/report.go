package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ingressus/klachtd/correspondence/workdays"
	"github.com/ingressus/klachtd/templates"
)

const reportUsage = "klachtd report (--year YYYY | --from DATE --to DATE) [--format html|csv|json|pdf] [-o FILE] [--send] --config FILE"

// cmdReport prints, writes or mails management's complaints report.
func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", stderr)
	cfgPath := fs.String("config", "", "config file (TOML)")
	fromS := fs.String("from", "", "first day of receipt, YYYY-MM-DD")
	toS := fs.String("to", "", "last day of receipt, YYYY-MM-DD (inclusive)")
	year := fs.Int("year", 0, "the calendar year: --from YEAR-01-01 --to YEAR-12-31")
	format := fs.String("format", "html", "html, csv, json or pdf")
	out := fs.String("o", "", "write to this file instead of standard output")
	send := fs.Bool("send", false, "mail the report to management (HTML with charts; CSV, JSON and PDF attached)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	from, to, err := reportPeriod(*year, *fromS, *toS)
	if err != nil {
		return err
	}
	switch *format {
	case "html", "csv", "json", "pdf":
	default:
		return usageError{fmt.Sprintf("--format %q: expected html, csv, json or pdf", *format)}
	}
	gw, closeFn, err := openFromFlags(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	r, err := gw.BuildReport(ctx, from, to)
	if err != nil {
		return err
	}
	if *send {
		cfg, err := LoadConfig(*cfgPath)
		if err != nil {
			return err
		}
		key := fmt.Sprintf("report:%s:%s:%s", from.Format("2006-01-02"), to.Format("2006-01-02"), time.Now().UTC().Format("20060102T150405"))
		if _, err := gw.QueueReport(ctx, key, r, true); err != nil {
			return err
		}
		senders := newSenders(cfg, 1, newLogger(stderr, "warn"))
		defer closeSenders(senders)
		n, err := gw.FlushOutbox(ctx, senders)
		if err != nil {
			return fmt.Errorf("send: %w", err)
		}
		fmt.Fprintf(stdout, "report queued and %d letter(s) sent to %s\n", n, strings.Join(mgmtAddrs(cfg), ", "))
		return nil
	}
	w := stdout
	if *out != "" {
		f, err := os.OpenFile(*out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		defer f.Close()
		w = f
	}
	switch *format {
	case "csv":
		return r.WriteCSV(w)
	case "json":
		return r.WriteJSON(w)
	case "pdf":
		if err := gw.DrawReportCharts(r); err != nil {
			return err
		}
		b, err := gw.ReportPDF(r)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	if err := gw.DrawReportCharts(r); err != nil {
		return err
	}
	l, err := gw.RenderReport(r)
	if err != nil {
		return err
	}
	// A file opened in a browser cannot resolve cid:, so the charts go in
	// as data: URIs.
	_, err = io.WriteString(w, templates.WithDataURIs(l.HTML, l.Inline))
	return err
}

// reportPeriod reads --year or --from/--to.
func reportPeriod(year int, from, to string) (time.Time, time.Time, error) {
	if year != 0 {
		if from != "" || to != "" {
			return time.Time{}, time.Time{}, usageError{"give --year or --from/--to, not both: " + reportUsage}
		}
		if year < 2000 || year > 2100 {
			return time.Time{}, time.Time{}, usageError{fmt.Sprintf("--year %d: expected a year like 2026", year)}
		}
		return workdays.Date(year, 1, 1), workdays.Date(year, 12, 31), nil
	}
	if from == "" || to == "" {
		return time.Time{}, time.Time{}, usageError{"give the period: " + reportUsage}
	}
	f, err := workdays.ParseDate(from)
	if err != nil {
		return time.Time{}, time.Time{}, usageError{fmt.Sprintf("--from %q: expected a date like 2026-01-01", from)}
	}
	t, err := workdays.ParseDate(to)
	if err != nil {
		return time.Time{}, time.Time{}, usageError{fmt.Sprintf("--to %q: expected a date like 2026-12-31", to)}
	}
	if t.Before(f) {
		return time.Time{}, time.Time{}, usageError{fmt.Sprintf("--to %s is before --from %s", to, from)}
	}
	return f, t, nil
}
