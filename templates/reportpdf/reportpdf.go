// Package reportpdf writes the yearly complaints overview as a PDF: the
// same figures and charts as the report mail, on A4 for printing and
// filing (ISO 10002 / 9001 audits ask for it on paper).
//
// It uses github.com/go-pdf/fpdf (pure Go), the library the complaint
// dossier's PDF uses too, so the binary carries one PDF writer, with the Go
// fonts embedded as UTF-8 TrueType, so that ë, é and – print as written.
// (Its development goes on as codeberg.org/go-pdf/fpdf with the same API;
// both PDFs can move there together.)
package reportpdf

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/ingressus/klachtd/templates"
)

var words = map[string]map[string]string{
	"nl": {"title": "Klachtenoverzicht", "key": "Kerncijfers", "months": "Per maand", "cats": "Per categorie",
		"handlers": "Per behandelaar", "reasons": "Redenen van vertraging", "missed": "Termijnen gemist",
		"companies": "Bedrijven met meer dan één klacht", "none": "geen", "charts": "Grafieken",
		"received": "Ontvangen", "complete": "Compleet", "incomplete": "Nog onvolledig", "lapsed": "Vervallen",
		"withdrawn": "Ingetrokken", "closed": "Afgesloten", "ack": "Ontvangstbevestiging binnen 5 werkdagen",
		"responses": "Inhoudelijke reacties", "ontime": "Reactie binnen de (verlengde) termijn",
		"delays": "Vertragingsberichten (automatisch)", "termsMissed": "Termijnen gemist", "objections": "Bezwaren (% van de reacties)",
		"conversations": "Gesprekken met de directie", "outcome": "Opgelost / onopgelost (naar de rechter)",
		"handling": "Doorlooptijd tot reactie, mediaan / 90e percentiel (werkdagen)", "ackTime": "Tijd tot ontvangstbevestiging, mediaan (werkdagen)",
		"survey": "Tevredenheid, gemiddeld 1–5 (antwoorden / vragen)",
		"col":    "Ontv.|Compl.|Reacties|Op tijd|Vertr.|Bezwaar|Mediaan", "made": "Opgesteld op",
		"cohort": "Elke klacht telt mee in de maand waarin zij binnenkwam. Op tijd: reacties binnen de (verlengde) termijn; mediaan: werkdagen van ontvangst tot reactie.",
		"term":   "termijn tot", "noResponse": "nog geen reactie", "responded": "reactie op", "page": "pagina",
		"noCategory": "geen categorie", "erased": "reden gewist na de bewaartermijn"},
	"en": {"title": "Complaints overview", "key": "Key figures", "months": "Per month", "cats": "Per category",
		"handlers": "Per handler", "reasons": "Reasons for delay", "missed": "Terms missed",
		"companies": "Companies with more than one complaint", "none": "none", "charts": "Charts",
		"received": "Received", "complete": "Complete", "incomplete": "Still incomplete", "lapsed": "Lapsed",
		"withdrawn": "Withdrawn", "closed": "Closed", "ack": "Acknowledgement within 5 working days",
		"responses": "Substantive responses", "ontime": "Response within the (extended) term",
		"delays": "Delay notices (automatic)", "termsMissed": "Terms missed", "objections": "Objections (% of responses)",
		"conversations": "Conversations with management", "outcome": "Resolved / unresolved (to the court)",
		"handling": "Time to response, median / 90th percentile (working days)", "ackTime": "Time to acknowledgement, median (working days)",
		"survey": "Satisfaction, mean 1–5 (answers / questions)",
		"col":    "Recv.|Compl.|Responses|On time|Delays|Objections|Median", "made": "Made on",
		"cohort": "Each complaint counts in the month it came in. On time: responses within the (extended) term; median: working days from receipt to response.",
		"term":   "term until", "noResponse": "no response yet", "responded": "response on", "page": "page",
		"noCategory": "no category", "erased": "reason erased after the retention term"},
}

func date(lang string, t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return templates.Date(lang, t)
}

// num writes a figure with one decimal, none when it is whole, with a
// decimal comma in Dutch.
func num(lang string, f float64) string {
	s := strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0")
	if lang == "nl" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Write writes the report r (with its Charts drawn) as a PDF to w, in
// lang ("nl" or "en"); organisation heads every page.
func Write(w io.Writer, r *templates.ReportData, lang, organisation string) error {
	if templates.Lang(lang) == "en" {
		lang = "en"
	} else {
		lang = "nl"
	}
	t := words[lang]
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreator("klachtd", true)
	pdf.SetTitle(fmt.Sprintf("%s %s – %s", t["title"], date(lang, r.From), date(lang, r.To)), true)
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.SetMargins(18, 16, 18)
	pdf.SetAutoPageBreak(true, 16)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("go", "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 5, fmt.Sprintf("%s · %s %s – %s · %s %d", organisation, t["title"], date(lang, r.From), date(lang, r.To), t["page"], pdf.PageNo()), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	pdf.SetFont("go", "B", 17)
	pdf.CellFormat(0, 9, fmt.Sprintf("%s %s – %s", t["title"], date(lang, r.From), date(lang, r.To)), "", 1, "L", false, 0, "")
	pdf.SetFont("go", "", 9)
	pdf.SetTextColor(90, 90, 90)
	pdf.MultiCell(0, 4.5, organisation+" · "+t["made"]+" "+date(lang, r.Made)+". "+t["cohort"], "", "L", false)
	pdf.SetTextColor(0, 0, 0)

	heading := func(s string) {
		pdf.Ln(4)
		pdf.SetFont("go", "B", 12)
		pdf.CellFormat(0, 7, s, "B", 1, "L", false, 0, "")
		pdf.Ln(1.5)
		pdf.SetFont("go", "", 9.5)
	}
	kv := func(k, v string) {
		pdf.CellFormat(120, 5.6, k, "B", 0, "L", false, 0, "")
		pdf.CellFormat(0, 5.6, v, "B", 1, "R", false, 0, "")
	}
	heading(t["key"])
	x := r.Total.Figures
	kv(t["received"], strconv.Itoa(x.Received))
	kv(t["complete"], strconv.Itoa(x.Complete))
	kv(t["incomplete"], strconv.Itoa(x.Incomplete))
	kv(t["lapsed"], strconv.Itoa(x.Lapsed))
	kv(t["withdrawn"], strconv.Itoa(x.Withdrawn))
	kv(t["closed"], strconv.Itoa(x.Closed))
	kv(t["ack"], fmt.Sprintf("%d (%s%%)", x.AckWithin, num(lang, x.AckWithinPercent)))
	kv(t["responses"], strconv.Itoa(x.Responses))
	kv(t["ontime"], fmt.Sprintf("%d (%s%%)", x.OnTime, num(lang, x.OnTimePercent)))
	kv(t["delays"], fmt.Sprintf("%d (%d)", x.Delays, x.AutoDelays))
	kv(t["termsMissed"], strconv.Itoa(x.TermsMissed))
	kv(t["objections"], fmt.Sprintf("%d (%s%%)", x.Objections, num(lang, x.ObjectionsPercent)))
	kv(t["conversations"], strconv.Itoa(x.Conversations))
	kv(t["outcome"], fmt.Sprintf("%d / %d", x.Resolved, x.Unresolved))
	kv(t["handling"], num(lang, x.HandlingMedian)+" / "+num(lang, x.HandlingP90))
	kv(t["ackTime"], num(lang, x.AckMedian))
	if x.SurveySent > 0 {
		kv(t["survey"], fmt.Sprintf("%s (%d / %d)", num(lang, x.SurveyMean), x.SurveyAnswers, x.SurveySent))
	}

	if len(r.Charts) > 0 {
		heading(t["charts"])
		for i, c := range r.Charts {
			name := fmt.Sprintf("chart%d", i)
			opt := fpdf.ImageOptions{ImageType: "PNG", ReadDpi: false}
			pdf.RegisterImageOptionsReader(name, opt, bytes.NewReader(c.PNG))
			// 174 mm wide keeps the charts' 552:300 proportion at 94.6 mm high.
			pdf.ImageOptions(name, 18, pdf.GetY(), 174, 0, true, opt, 0, "")
			pdf.Ln(3)
		}
	}

	table := func(title string, rows []templates.ReportRow) {
		heading(title)
		cols := strings.Split(t["col"], "|")
		first := 174.0 - float64(len(cols))*17
		pdf.SetFont("go", "B", 8.5)
		pdf.SetFillColor(235, 235, 235)
		pdf.CellFormat(first, 6, "", "B", 0, "L", true, 0, "")
		for _, c := range cols {
			pdf.CellFormat(17, 6, c, "B", 0, "R", true, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetFont("go", "", 8.5)
		for _, row := range rows {
			f := row.Figures
			pdf.CellFormat(first, 5.4, row.Label, "B", 0, "L", false, 0, "")
			for _, v := range []string{strconv.Itoa(f.Received), strconv.Itoa(f.Complete), strconv.Itoa(f.Responses),
				num(lang, f.OnTimePercent) + "%", strconv.Itoa(f.Delays), strconv.Itoa(f.Objections), num(lang, f.HandlingMedian)} {
				pdf.CellFormat(17, 5.4, v, "B", 0, "R", false, 0, "")
			}
			pdf.Ln(-1)
		}
	}
	pdf.AddPage()
	table(t["months"], r.Months)
	table(t["cats"], r.Categories)
	table(t["handlers"], r.Handlers)

	list := func(title string, lines []string) {
		heading(title)
		if len(lines) == 0 {
			pdf.CellFormat(0, 5.4, t["none"], "", 1, "L", false, 0, "")
			return
		}
		for _, l := range lines {
			pdf.MultiCell(0, 5, l, "B", "L", false)
		}
	}
	var reasons, missed, companies []string
	for _, d := range r.DelayReasons {
		reason := d.Reason
		if reason == "" {
			reason = t["erased"]
		}
		reasons = append(reasons, fmt.Sprintf("%d × %s", d.Count, reason))
	}
	for _, m := range r.MissedTerms {
		resp := t["noResponse"]
		if !m.Responded.IsZero() {
			resp = t["responded"] + " " + date(lang, m.Responded)
		}
		cat := m.Category
		if cat == "" {
			cat = t["noCategory"]
		}
		missed = append(missed, fmt.Sprintf("%s (%s, %s): %s %s, %s", m.Ref, cat, m.Handler, t["term"], date(lang, m.TermEnd), resp))
	}
	for _, c := range r.Companies {
		companies = append(companies, fmt.Sprintf("%s: %d (%s)", c.Company, c.Count, strings.Join(c.Refs, ", ")))
	}
	list(t["reasons"], reasons)
	list(t["missed"], missed)
	list(t["companies"], companies)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("report pdf: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("report pdf: %w", err)
	}
	return nil
}
