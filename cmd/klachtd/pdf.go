package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/ingressus/klachtd/correspondence"
	"github.com/ingressus/klachtd/parser"
)

// The PDF dossier is made with github.com/go-pdf/fpdf: pure Go (no cgo, no
// external renderer), MIT, the continuation of the long-used gofpdf, and it
// embeds a subset of a TrueType font so UTF-8 text (ë, é, €, „…”) renders
// as written. The fonts are the Go fonts (golang.org/x/image/font/gofont,
// BSD): shipped inside a Go module, so the binary needs no font on disk.

func cmdExportPDF(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", stderr)
	cfgPath := fs.String("config", "", "config file (TOML)")
	out := fs.String("o", "", "write the PDF to this file")
	fs.Bool("pdf", true, "write the complaint's complete dossier as a PDF")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	const how = "klachtd export KL-2026-0001 --pdf -o FILE --config FILE"
	if *out == "" {
		return usageError{"give the file to write: " + how}
	}
	gw, c, closeFn, err := openComplaint(ctx, pos, *cfgPath, how, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	r, err := gw.Record(ctx, c)
	if err != nil {
		return err
	}
	v, err := gw.Verify(ctx)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := writeDossierPDF(&buf, gw, r, v, time.Now()); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	fmt.Fprintf(stderr, "%s: dossier written to %s (%d mails, %d events)\n", c.Ref, *out, len(r.Mails), len(r.Events))
	return nil
}

// dossier lays out one complaint's file on A4 pages.
type dossier struct {
	pdf *fpdf.Fpdf
	loc *time.Location
}

const (
	pdfBody = "go"
	pdfMono = "gomono"
)

// writeDossierPDF writes the complete file of one complaint: fields, terms,
// timeline, every mail in full with its delivery evidence, and the verify
// result. now is when the document is made.
func writeDossierPDF(w io.Writer, gw *correspondence.Gateway, r *correspondence.ComplaintRecord, v *correspondence.VerifyReport, now time.Time) error {
	p := fpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes(pdfBody, "", goregular.TTF)
	p.AddUTF8FontFromBytes(pdfBody, "B", gobold.TTF)
	p.AddUTF8FontFromBytes(pdfMono, "", gomono.TTF)
	p.SetMargins(18, 18, 18)
	p.SetAutoPageBreak(true, 18)
	p.AliasNbPages("{nb}")
	c := r.Complaint
	loc := gw.Calendar().Location()
	d := &dossier{pdf: p, loc: loc}
	p.SetTitle("Klachtdossier "+c.Ref, true)
	p.SetCreator("klachtd", true)
	p.SetFooterFunc(func() {
		p.SetY(-12)
		p.SetFont(pdfBody, "", 8)
		p.SetTextColor(110, 110, 110)
		p.CellFormat(0, 5, fmt.Sprintf("Klachtdossier %s — opgemaakt %s — pagina %d van {nb}", c.Ref, now.In(loc).Format("2006-01-02 15:04"), p.PageNo()), "", 0, "C", false, 0, "")
		p.SetTextColor(0, 0, 0)
	})
	p.AddPage()
	p.SetFont(pdfBody, "B", 16)
	p.MultiCell(0, 8, "Klachtdossier "+c.Ref, "", "L", false)
	p.SetFont(pdfBody, "", 10)
	p.MultiCell(0, 5, fmt.Sprintf("%s — opgemaakt op %s door klachtd", gw.Settings().Organisation, now.In(loc).Format("2006-01-02 15:04")), "", "L", false)
	p.Ln(3)

	d.heading("1. Gegevens")
	if r.Privacy.Erased() {
		d.note(fmt.Sprintf("De persoonsgegevens van deze klacht zijn gewist op %s (%s). Wat volgt is het anonieme skelet.",
			r.Privacy.ErasedAt.In(loc).Format("2006-01-02"), dutchWhy(r.Privacy.ErasedWhy)))
	}
	if r.Privacy.Held() {
		d.note(fmt.Sprintf("Bewaarplicht sinds %s (door %s): %s", r.Privacy.HoldAt.In(loc).Format("2006-01-02"), r.Privacy.HoldBy, r.Privacy.HoldReason))
	}
	d.kv([][2]string{{"Kenmerk", c.Ref}, {"Status", c.State}, {"Taal", c.Lang}, {"Bedrijf", c.Company}, {"Adres", c.Address},
		{"Naam", c.Name}, {"Telefoon", c.Phone}, {"Bereikbaarheid", c.Availability}, {"E-mail", c.Email},
		{"Datum formulier", c.FormDate}, {"Kenmerken klant", strings.ReplaceAll(c.Refs, "\n", ", ")}, {"Contactpersoon", c.Contact},
		{"Behandelaar", c.Handler}, {"Omschrijving", c.Description}})

	d.heading("2. Termijnen")
	d.kv(terms(r, loc))

	d.heading("3. Tijdlijn")
	for _, e := range r.Events {
		line := e.At.Format("2006-01-02 15:04") + "  " + e.Kind
		if e.Late {
			line += " (te laat)"
		}
		if e.Detail != "" {
			line += " — " + e.Detail
		}
		d.para(line, 9)
	}

	d.heading("4. Brieven en berichten")
	for i, m := range r.Mails {
		d.mail(i+1, m)
	}

	d.heading("5. Verificatie van het dossier")
	d.verify(c.Ref, v)
	if err := p.Output(w); err != nil {
		return err
	}
	return p.Error()
}

func dutchWhy(why string) string {
	switch why {
	case correspondence.EraseRetention:
		return "bewaartermijn verstreken"
	case correspondence.EraseRequest:
		return "op verzoek van de betrokkene"
	}
	return why
}

func (d *dossier) heading(s string) {
	d.pdf.Ln(3)
	d.pdf.SetFont(pdfBody, "B", 12)
	d.pdf.MultiCell(0, 7, s, "B", "L", false)
	d.pdf.Ln(1)
}

func (d *dossier) note(s string) {
	d.pdf.SetFont(pdfBody, "B", 10)
	d.pdf.SetFillColor(245, 240, 220)
	d.pdf.MultiCell(0, 5, clean(s), "", "L", true)
	d.pdf.Ln(1)
}

func (d *dossier) para(s string, size float64) {
	d.pdf.SetFont(pdfBody, "", size)
	d.pdf.MultiCell(0, size*0.5, clean(s), "", "L", false)
}

// kv writes label/value rows; empty values show as "—".
func (d *dossier) kv(rows [][2]string) {
	p := d.pdf
	for _, r := range rows {
		v := strings.TrimSpace(r[1])
		if v == "" {
			v = "—"
		}
		p.SetFont(pdfBody, "B", 9)
		y := p.GetY()
		if y > 270 {
			p.AddPage()
			y = p.GetY()
		}
		p.CellFormat(42, 5, r[0], "", 0, "L", false, 0, "")
		p.SetFont(pdfBody, "", 9)
		p.MultiCell(0, 5, clean(v), "", "L", false)
	}
}

// terms sets each term against what happened.
func terms(r *correspondence.ComplaintRecord, loc *time.Location) [][2]string {
	c := r.Complaint
	var ackSent time.Time
	for _, m := range r.Mails {
		if m.Direction == "out" && m.Kind == "acknowledgement" && m.State == "sent" {
			ackSent = m.At
			if len(m.Receipts) > 0 {
				ackSent = m.Receipts[0].AcceptedAt
			}
			break
		}
	}
	met := func(done string, due string) string {
		switch {
		case due == "":
			return done
		case done == "":
			return "— (uiterlijk " + due + ")"
		case done <= due:
			return done + " — op tijd (uiterlijk " + due + ")"
		default:
			return done + " — TE LAAT (uiterlijk " + due + ")"
		}
	}
	ack := ""
	if !ackSent.IsZero() {
		ack = ackSent.In(loc).Format("2006-01-02")
	}
	return [][2]string{
		{"Eerste mail", c.ReceivedAt.In(loc).Format("2006-01-02 15:04")},
		{"Volledig ontvangen", c.CompleteDay},
		{"Ontvangstbevestiging", met(ack, c.AckDue)},
		{"Inhoudelijke reactie", met(c.RespondedDay, c.TermEnd)},
		{"Verdagingen", fmt.Sprintf("%d", c.Extensions)},
		{"Uiterste dag verdaging", c.DelayLatest},
		{"Bezwaar mogelijk tot", c.ObjectionEnd},
		{"Vervalt (onvolledig)", c.LapseDay},
		{"Gesloten", c.ClosedDay},
	}
}

// mail writes one mail in or out: its envelope, delivery evidence and the
// full text.
func (d *dossier) mail(n int, m correspondence.MailRecord) {
	p := d.pdf
	p.Ln(2)
	dir := "Ontvangen"
	who := "van " + m.From
	if m.Direction == "out" {
		dir = "Verzonden"
		who = "aan " + m.To
	}
	p.SetFont(pdfBody, "B", 10)
	p.SetFillColor(232, 238, 246)
	p.MultiCell(0, 5.5, clean(fmt.Sprintf("%d. %s %s — %s (%s)", n, dir, m.At.In(d.loc).Format("2006-01-02 15:04:05"), m.Subject, m.Kind)), "", "L", true)
	meta := [][2]string{{"Adres", strings.TrimPrefix(strings.TrimPrefix(who, "van "), "aan ")}, {"Message-ID", m.MessageID}}
	if m.Direction == "out" {
		meta = append(meta, [2]string{"Bezorging", deliveryLine(m, d.loc)})
		for _, ds := range m.DSNs {
			meta = append(meta, [2]string{"Onbestelbaar", fmt.Sprintf("bericht van niet-bezorging ontvangen (mail %d)", ds)})
		}
	}
	for _, l := range m.LinkedLetters {
		meta = append(meta, [2]string{"Betreft brief", fmt.Sprintf("%d (bericht van niet-bezorging)", l)})
	}
	d.kv(meta)
	if m.Erased {
		d.note("Inhoud gewist.")
		return
	}
	msg, _ := parser.Parse(m.Raw, parser.Options{})
	text := msg.Text
	if strings.TrimSpace(text) == "" {
		text = "(geen tekst)"
	}
	d.para(text, 9)
	for _, a := range msg.Attachments {
		d.para(fmt.Sprintf("Bijlage: %s (%s, %d bytes)", a.Filename, a.ContentType, a.Size), 8)
	}
}

// verify writes the ledger's verdict and the problems that concern ref.
func (d *dossier) verify(ref string, v *correspondence.VerifyReport) {
	mine := 0
	for _, pr := range v.Problems {
		if pr.Ref == ref {
			mine++
		}
	}
	switch {
	case v.OK():
		d.para(fmt.Sprintf("Het dossier is ongewijzigd: alle %d vastgelegde mails, brieven en gebeurtenissen van de gateway komen overeen met hun vastgelegde hash (%d gewist door een vastgelegde wissing).", v.Entries, v.Erased), 9)
	default:
		d.note(fmt.Sprintf("LET OP: de verificatie vond %d afwijkingen, waarvan %d in dit dossier.", len(v.Problems), mine))
		for _, pr := range v.Problems {
			if pr.Ref == ref || pr.Ref == "" {
				d.para(fmt.Sprintf("%s: %s rij %d: %s", pr.Kind, pr.Table, pr.Row, pr.Detail), 9)
			}
		}
	}
	d.para("Kop van de hashketen (noteer deze om de keten buiten de database vast te leggen):", 9)
	d.pdf.SetFont(pdfMono, "", 8)
	d.pdf.MultiCell(0, 4, v.Head, "", "L", false)
}

// clean makes text safe to lay out: line ends normalised, tabs as spaces,
// control characters and invalid UTF-8 dropped.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
		case r == '\t':
			b.WriteString("    ")
		case r == '\n':
			b.WriteRune(r)
		case unicode.IsControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
