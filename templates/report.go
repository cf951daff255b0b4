package templates

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// Figures are the report's numbers for one group of complaints: a month,
// a category, a handler or the whole period. A complaint belongs to the
// group of the month it was received in, so a row's figures describe the
// same complaints from intake to close.
type Figures struct {
	Received   int `json:"received"`   // every complaint received (complete or not)
	Complete   int `json:"complete"`   // became complete: acknowledged, term started
	Incomplete int `json:"incomplete"` // still waiting for the complainant's fields
	Lapsed     int `json:"lapsed"`     // incomplete for the lapse term; lapsed
	Withdrawn  int `json:"withdrawn"`  // closed by #ingetrokken
	Closed     int `json:"closed"`     // closed any other way (window ended, record, #sluiten)

	AckWithin        int     `json:"ack_within"`         // acknowledgements sent within the acknowledgement term
	AckWithinPercent float64 `json:"ack_within_percent"` // of Complete
	Responses        int     `json:"responses"`          // substantive responses sent
	OnTime           int     `json:"on_time"`            // responses within the (extended) term
	OnTimePercent    float64 `json:"on_time_percent"`    // of Responses
	Delays           int     `json:"delays"`             // delay notices (extensions)
	AutoDelays       int     `json:"auto_delays"`        // of which the gateway sent itself
	TermsMissed      int     `json:"terms_missed"`       // response after the term, or none and the term passed

	Objections        int     `json:"objections"`
	ObjectionsPercent float64 `json:"objections_percent"` // of Responses
	Conversations     int     `json:"conversations"`      // conversations recorded (#verslag)
	Resolved          int     `json:"resolved"`
	Unresolved        int     `json:"unresolved"` // pointed to the court

	HandlingMedian float64 `json:"handling_median_workdays"` // complete → response, working days
	HandlingP90    float64 `json:"handling_p90_workdays"`
	AckMedian      float64 `json:"ack_median_workdays"` // complete → acknowledgement sent

	SurveySent    int     `json:"survey_sent"`
	SurveyAnswers int     `json:"survey_answers"`
	SurveyMean    float64 `json:"survey_mean"` // 1–5; 0 without answers
}

// ReportRow is the figures of one group.
type ReportRow struct {
	Key   string `json:"key"`   // "2026-03", a category, a handler's address
	Label string `json:"label"` // "maart 2026", "levering", the handler's name
	Figures
}

// ReasonCount is one delay reason and how often it was given.
type ReasonCount struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

// MissedTerm is one complaint whose term passed without a response: the
// procedure should produce none, so each is listed.
type MissedTerm struct {
	Ref       string    `json:"ref"`
	Category  string    `json:"category"`
	Handler   string    `json:"handler"`
	TermEnd   time.Time `json:"term_end"`
	Responded time.Time `json:"responded,omitzero"` // zero: no response yet
}

// CompanyCount is a company with more than one complaint in the period.
type CompanyCount struct {
	Company string   `json:"company"`
	Count   int      `json:"count"`
	Refs    []string `json:"refs"`
}

// Bucket is one bar of the handling-time distribution.
type Bucket struct {
	Label string `json:"label"` // "0–5", "6–10", …
	Count int    `json:"count"`
}

// Image is a picture shown inline in a letter: the HTML refers to it as
// cid:CID and Compose adds it as a related part.
type Image struct {
	CID   string `json:"-"`
	Title string `json:"-"`
	PNG   []byte `json:"-"`
}

// ReportData is the complaints report over [From, To]: computed once and
// rendered as HTML mail, CSV, JSON and PDF.
type ReportData struct {
	From       time.Time   `json:"from"`
	To         time.Time   `json:"to"`
	Made       time.Time   `json:"made"`
	AckDays    int         `json:"ack_days"` // the acknowledgement term the figures test (5)
	Total      ReportRow   `json:"total"`
	Months     []ReportRow `json:"months"`
	Categories []ReportRow `json:"categories"` // configured order; "" (untagged) last
	Handlers   []ReportRow `json:"handlers"`
	// MonthByCategory[i][j] is the complaints received in Months[i] with
	// category Categories[j]: the stacked bars of the first chart.
	MonthByCategory [][]int        `json:"month_by_category"`
	DelayReasons    []ReasonCount  `json:"delay_reasons"`
	MissedTerms     []MissedTerm   `json:"missed_terms"`
	Companies       []CompanyCount `json:"companies_repeat"`
	Handling        []Bucket       `json:"handling_distribution"`
	SurveyScores    [5]int         `json:"survey_scores"` // answers per score 1..5
	Charts          []Image        `json:"-"`
}

// WriteJSON writes the report as indented JSON.
func (r *ReportData) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// CSVHeader is the header row of WriteCSV: the group and then one column per
// figure, named as in the JSON.
var CSVHeader = []string{"group", "key", "label",
	"received", "complete", "incomplete", "lapsed", "withdrawn", "closed",
	"ack_within", "ack_within_percent", "responses", "on_time", "on_time_percent",
	"delays", "auto_delays", "terms_missed", "objections", "objections_percent",
	"conversations", "resolved", "unresolved",
	"handling_median_workdays", "handling_p90_workdays", "ack_median_workdays",
	"survey_sent", "survey_answers", "survey_mean"}

// CSVRecord is one row of the figures as WriteCSV writes it.
func CSVRecord(group string, r ReportRow) []string {
	i := strconv.Itoa
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	x := r.Figures
	return []string{group, r.Key, r.Label,
		i(x.Received), i(x.Complete), i(x.Incomplete), i(x.Lapsed), i(x.Withdrawn), i(x.Closed),
		i(x.AckWithin), f(x.AckWithinPercent), i(x.Responses), i(x.OnTime), f(x.OnTimePercent),
		i(x.Delays), i(x.AutoDelays), i(x.TermsMissed), i(x.Objections), f(x.ObjectionsPercent),
		i(x.Conversations), i(x.Resolved), i(x.Unresolved),
		f(x.HandlingMedian), f(x.HandlingP90), f(x.AckMedian),
		i(x.SurveySent), i(x.SurveyAnswers), f(x.SurveyMean)}
}

// WriteCSV writes the figures as one table: the total, each month, each
// category and each handler, one row each (group: total, month, category,
// handler). The lists (delay reasons, missed terms, companies) are in the
// JSON and the HTML.
func (r *ReportData) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	rows := [][]string{CSVRecord("total", r.Total)}
	for _, g := range []struct {
		name string
		rows []ReportRow
	}{{"month", r.Months}, {"category", r.Categories}, {"handler", r.Handlers}} {
		for _, row := range g.rows {
			rows = append(rows, CSVRecord(g.name, row))
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("report csv: %w", err)
	}
	return nil
}

// inlineImages are the charts a letter's HTML refers to by cid:.
func inlineImages(d Data) []Image {
	var out []Image
	if d.Report != nil {
		out = append(out, d.Report.Charts...)
	}
	if d.Digest != nil {
		out = append(out, d.Digest.Charts...)
	}
	return out
}

// writeRelated writes the letter as multipart/related (RFC 2387): the
// text and HTML alternative first, then each image as an inline part with
// its Content-ID, so that the HTML's <img src="cid:…"> shows in Outlook and
// every other client without loading anything from the internet.
func writeRelated(b *bytes.Buffer, parent *multipart.Writer, l Letter) error {
	const ct = `multipart/related; type="multipart/alternative";` + "\r\n boundary="
	var rel *multipart.Writer
	if parent == nil {
		rel = multipart.NewWriter(b)
		header(b, "Content-Type", ct+rel.Boundary())
		b.WriteString("\r\n")
	} else {
		boundary := multipart.NewWriter(io.Discard).Boundary()
		pw, err := parent.CreatePart(textproto.MIMEHeader{"Content-Type": {ct + boundary}})
		if err != nil {
			return err
		}
		rel = multipart.NewWriter(pw)
		if err := rel.SetBoundary(boundary); err != nil {
			return err
		}
	}
	body := l
	body.Inline = nil
	if err := writeBody(b, rel, body); err != nil {
		return err
	}
	for _, img := range l.Inline {
		if len(img.PNG) == 0 || img.CID == "" {
			continue
		}
		id := cleanID(img.CID)
		name, _, _ := strings.Cut(id, "@")
		pw, err := rel.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {`image/png; name="` + sanitizeFilename(name) + `.png"`},
			"Content-Transfer-Encoding": {"base64"},
			"Content-ID":                {"<" + id + ">"},
			"Content-Disposition":       {`inline; filename="` + sanitizeFilename(name) + `.png"`},
		})
		if err != nil {
			return err
		}
		enc := base64.NewEncoder(base64.StdEncoding, &lineBreaker{w: pw})
		if _, err := enc.Write(img.PNG); err != nil {
			return err
		}
		if err := enc.Close(); err != nil {
			return err
		}
		if _, err := pw.Write([]byte("\r\n")); err != nil {
			return err
		}
	}
	return rel.Close()
}

// lineBreaker cuts base64 into lines of 76 characters (RFC 2045 §6.8).
type lineBreaker struct {
	w   io.Writer
	col int
}

func (l *lineBreaker) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(76-l.col, len(p))
		if _, err := l.w.Write(p[:k]); err != nil {
			return n, err
		}
		n += k
		l.col += k
		p = p[k:]
		if l.col == 76 {
			if _, err := l.w.Write([]byte("\r\n")); err != nil {
				return n, err
			}
			l.col = 0
		}
	}
	return n, nil
}

// WithDataURIs returns html with every cid: image of imgs replaced by a
// data: URI, for a report written to a file and opened in a browser,
// which cannot resolve cid: references.
func WithDataURIs(html string, imgs []Image) string {
	for _, img := range imgs {
		html = strings.ReplaceAll(html, `src="cid:`+img.CID+`"`,
			`src="data:image/png;base64,`+base64.StdEncoding.EncodeToString(img.PNG)+`"`)
	}
	return html
}
