package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const (
	formSender  = "noreply@web.bench.test"
	intakeAddr  = "klachten@bench.test"
	targetBytes = 3000 // a form mail's size, attachments aside
)

// formats are the web-form shapes of the parser issue, in turn.
var formats = []string{"nl-plain", "en-plain", "wpforms", "gravity-html", "multipart-alt"}

var (
	firstNames = []string{"Sanne", "Pieter", "Anna", "Jeroen", "Fatima", "Mohamed", "Lisa", "Daan", "Emma", "Bram",
		"Noor", "Sem", "Julia", "Lucas", "Eva", "Thijs", "Yara", "Milan", "Sophie", "Ruben", "Iris", "Kees", "José", "Özlem"}
	lastNames = []string{"van Dijk", "de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
		"de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "Müller"}
	companies = []string{"Bakkerij", "Drukkerij", "Kapsalon", "Installatiebedrijf", "Transport", "Bouwbedrijf", "Café",
		"Fietsenmaker", "Bloemisterij", "Tandartspraktijk", "Advocatenkantoor", "Garage", "Schildersbedrijf", "Architectenbureau"}
	streets = []string{"Hoofdstraat", "Kerkweg", "Dorpsstraat", "Stationsweg", "Molenweg", "Oudegracht", "Keizersgracht",
		"Langestraat", "Schoolstraat", "Julianalaan", "Beatrixstraat", "Industrieweg", "Marktplein", "Nieuwstraat"}
	cities = []struct{ name, pc, area string }{{"Rotterdam", "3011", "010"}, {"Amsterdam", "1015", "020"}, {"Utrecht", "3511", "030"},
		{"Den Haag", "2511", "070"}, {"Groningen", "9711", "050"}, {"Eindhoven", "5611", "040"}, {"Delft", "2611", "015"},
		{"Zwolle", "8011", "038"}, {"Leiden", "2311", "071"}, {"Arnhem", "6811", "026"}}
	sentencesNL = []string{
		"De levering van vorige week was niet compleet.",
		"Er ontbraken twee pallets en de pakbon klopte niet.",
		"Ik heb hierover al twee keer gebeld maar niemand belde terug.",
		"De factuur vermeldt werkzaamheden die niet zijn uitgevoerd.",
		"Uw monteur kwam drie uur later dan afgesproken.",
		"Het product was bij aankomst beschadigd; foto's kan ik nasturen.",
		"Wij verwachten een creditnota en een excuus voor de gang van zaken.",
		"De communicatie via de klantenservice verliep bijzonder stroef.",
		"Graag ontvang ik binnen een week een reactie op deze klacht.",
		"Het afgesproken tijdvak werd zonder bericht verschoven.",
		"Onze bestelling is volgens de track-and-trace al geleverd, maar wij hebben niets ontvangen.",
		"De kwaliteit van het geleverde materiaal voldoet niet aan de offerte.",
	}
	sentencesEN = []string{
		"The delivery of last week was incomplete.",
		"Two pallets were missing and the packing slip was wrong.",
		"I called twice about this but nobody called me back.",
		"The invoice lists services that were never carried out.",
		"Your engineer arrived three hours later than agreed.",
		"The product was damaged on arrival; I can send photos.",
		"We expect a credit note and an apology for how this went.",
		"Please reply to this complaint within a week.",
	}
)

// form is one complainant's data.
type form struct {
	i                                   int
	format                              string
	company, street, postcode, city     string
	name, phone, avail, email, contact  string
	dateNL, dateEN, dateDots            string
	descr                               []string
	refs                                string
	attach                              int // attachment bytes (0: none)
	messageID, subject, date, submitted string
}

// complainant is the unique address of mail i.
func complainant(i int) string { return fmt.Sprintf("klager%06d@bedrijf%06d.example.nl", i, i) }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if r[0] >= 'a' && r[0] <= 'z' {
		r[0] -= 'a' - 'A'
	}
	return string(r)
}

// newForm makes mail i. withAttach forces (1) or forbids (-1) the 200 KB
// attachment; 0 gives it to 1 mail in 100.
func newForm(i int, now time.Time, attachBytes int, withAttach int) form {
	r := rand.New(rand.NewPCG(uint64(i), 0x6b6c616368))
	pick := func(l []string) string { return l[r.IntN(len(l))] }
	c := cities[r.IntN(len(cities))]
	f := form{i: i, format: formats[i%len(formats)]}
	first, last := pick(firstNames), pick(lastNames)
	f.name = first + " " + last
	f.company = pick(companies) + " " + capitalize(strings.TrimPrefix(strings.TrimPrefix(last, "van "), "de ")) + []string{" B.V.", "", " V.O.F.", " & Zn."}[r.IntN(4)]
	f.street = fmt.Sprintf("%s %d", pick(streets), 1+r.IntN(250))
	f.postcode = fmt.Sprintf("%s %c%c", c.pc, 'A'+rune(r.IntN(20)), 'A'+rune(r.IntN(20)))
	f.city = c.name
	if r.IntN(2) == 0 {
		f.phone = fmt.Sprintf("06-%d%07d", 1+r.IntN(5), r.IntN(10000000))
	} else {
		f.phone = fmt.Sprintf("%s-%07d", c.area, 2000000+r.IntN(7999999))
	}
	f.avail = []string{"ma t/m vr tussen 9:00 en 12:00", "ochtend", "di en do na 13:00", "hele dag", "alleen per e-mail"}[r.IntN(5)]
	f.email = complainant(i)
	if r.IntN(10) == 0 {
		f.contact = []string{"Marieke de Vries", "Jeroen Bakker"}[r.IntN(2)]
	}
	d := now.In(amsterdam)
	f.dateNL = d.Format("02-01-2006")
	f.dateDots = d.Format("02.01.2006")
	f.dateEN = d.Format("January 2, 2006")
	f.refs = fmt.Sprintf("ORD-%d-%04d, CT-%04d", d.Year(), r.IntN(10000), r.IntN(10000))
	pool := sentencesNL
	if f.format == "en-plain" {
		pool = sentencesEN
	}
	for n := 2 + r.IntN(3); n > 0; n-- {
		f.descr = append(f.descr, pick(pool))
	}
	switch {
	case withAttach > 0, withAttach == 0 && i%100 == 37:
		f.attach = attachBytes
	}
	f.messageID = fmt.Sprintf("<%d.%x.form%06d@web.bench.test>", now.Unix(), r.Uint32(), i)
	f.submitted = d.Format("Mon, 02 Jan 2006 15:04:05 -0700")
	f.date = f.submitted
	f.subject = []string{"Nieuwe klacht via het klachtenformulier", "Complaint form", "New Entry: Klachtenformulier",
		"New submission from Klachtenformulier", "New submission from www.ingressus.nl/klacht"}[i%len(formats)]
	return f
}

var amsterdam = func() *time.Location {
	l, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return l
}()

func (f *form) address() string { return f.street + "\n" + f.postcode + " " + f.city }

// fillDescription pads the description so the whole mail comes to about
// targetBytes.
func (f *form) fillDescription(have int) string {
	text := strings.Join(f.descr, " ")
	pool := sentencesNL
	if f.format == "en-plain" {
		pool = sentencesEN
	}
	k := f.i
	for have+len(text) < targetBytes-60 {
		text += " " + pool[k%len(pool)]
		k += 7
		if k%3 == 0 {
			text += "\n"
		}
	}
	return strings.ReplaceAll(text, "\n ", "\n")
}

func (f *form) plainNL(descr string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Bedrijfsnaam: %s\nAdres: %s\nNaam: %s\nTelefoonnummer: %s\nBereikbaarheid: %s\nE-mailadres: %s\nDatum: %s\n",
		f.company, strings.ReplaceAll(f.address(), "\n", "\n"), f.name, f.phone, f.avail, f.email, f.dateNL)
	fmt.Fprintf(&b, "Omschrijving van de klacht: %s\nReferentienummers: %s\n", descr, f.refs)
	if f.contact != "" {
		fmt.Fprintf(&b, "Contactpersoon: %s\n", f.contact)
	}
	return b.String()
}

func (f *form) plainEN(descr string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Company: %s\nAddress: %s\nFull name: %s\nPhone: %s\nAvailability: %s\nEmail address: %s\nDate of submission: %s\n",
		f.company, f.address(), f.name, f.phone, f.avail, f.email, f.dateEN)
	fmt.Fprintf(&b, "Complaint: %s\nReference numbers: %s\n", descr, f.refs)
	if f.contact != "" {
		fmt.Fprintf(&b, "Contact person: %s\n", f.contact)
	}
	return b.String()
}

func (f *form) wpforms(descr string) string {
	var b strings.Builder
	field := func(l, v string) { fmt.Fprintf(&b, "--- %s ---\n\n%s\n\n", l, v) }
	field("Bedrijfsnaam", f.company)
	field("Adres", f.address())
	field("Naam van de indiener", f.name)
	field("Telefoonnummer", f.phone)
	field("Bereikbaarheid", f.avail)
	field("E-mailadres", f.email)
	field("Datum van indienen", f.dateDots)
	field("Omschrijving van de klacht", descr)
	if f.contact != "" {
		field("Contactpersoon", f.contact)
	}
	field("Hoe heeft u ons gevonden?", "Google")
	return b.String()
}

func htmlEsc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\"", "&quot;", "\n", "<br />\n").Replace(s)
}

func (f *form) gravityHTML(descr string) string {
	var b strings.Builder
	b.WriteString(`<html><body><table width="99%" border="0" cellpadding="1" cellspacing="0" bgcolor="#EAEAEA"><tr><td>` + "\n")
	b.WriteString(`<table width="100%" border="0" cellpadding="5" cellspacing="0" bgcolor="#FFFFFF">` + "\n")
	row := func(l, v string) {
		fmt.Fprintf(&b, `<tr bgcolor="#EAF2FA"><td colspan="2"><font style="font-family: sans-serif; font-size:12px;"><strong>%s</strong></font></td></tr>`+"\n", l)
		fmt.Fprintf(&b, `<tr bgcolor="#FFFFFF"><td width="20">&nbsp;</td><td><font style="font-family: sans-serif; font-size:12px;">%s</font></td></tr>`+"\n", htmlEsc(v))
	}
	row("Bedrijfsnaam", f.company)
	row("Adres", f.address())
	row("Naam", f.name)
	row("Telefoon", f.phone)
	row("Bereikbaar", f.avail)
	row("E-mail", f.email)
	row("Datum", f.dateNL)
	row("Omschrijving", descr)
	if f.contact != "" {
		row("Contactpersoon", f.contact)
	}
	b.WriteString("</table></td></tr></table></body></html>\n")
	return b.String()
}

func (f *form) formspreeText(descr string) string {
	var b strings.Builder
	b.WriteString("Hey there,\n\nSomeone just submitted your form on www.ingressus.nl/klacht.\nHere's what they had to say:\n\n")
	field := func(l, v string) { fmt.Fprintf(&b, "%s:\n%s\n\n", l, v) }
	field("Bedrijfsnaam", f.company)
	field("Adres", f.address())
	field("Naam", f.name)
	field("Telefoon", f.phone)
	field("Bereikbaarheid", f.avail)
	field("email", f.email)
	field("Datum", f.dateNL)
	field("Klacht", descr)
	if f.contact != "" {
		field("Contactpersoon", f.contact)
	}
	fmt.Fprintf(&b, "Submitted %s\n\nYou are receiving this because you confirmed this email address on Formspree.\n", f.dateEN)
	return b.String()
}

func (f *form) formspreeHTML(descr string) string {
	var b strings.Builder
	b.WriteString("<html><body><h3>Someone just submitted your form on www.ingressus.nl/klacht.</h3><table>\n")
	row := func(l, v string) {
		fmt.Fprintf(&b, `<tr><td style="vertical-align: top; padding: 6px;"><strong>%s:</strong> </td><td style="padding: 6px;"><pre style="margin: 0; font-family: inherit; white-space: pre-wrap;">%s</pre></td></tr>`+"\n", l, strings.ReplaceAll(htmlEsc(v), "<br />\n", "\n"))
	}
	row("Bedrijfsnaam", f.company)
	row("Adres", f.address())
	row("Naam", f.name)
	row("Telefoon", f.phone)
	row("Bereikbaarheid", f.avail)
	row("email", f.email)
	row("Datum", f.dateNL)
	row("Klacht", descr)
	b.WriteString("</table></body></html>\n")
	return b.String()
}

func qp(s string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return strings.ReplaceAll(b.String(), "\r\n", "\n")
}

func b64(data []byte) string {
	enc := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	b.Grow(len(enc) + len(enc)/76*2 + 2)
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteString("\n")
		enc = enc[76:]
	}
	b.WriteString(enc)
	b.WriteString("\n")
	return b.String()
}

// headers are what a form mail carries after two hops and DKIM signing.
func (f *form) headers(r *rand.Rand) string {
	var b strings.Builder
	d := f.date
	fmt.Fprintf(&b, "Return-Path: <%s>\n", formSender)
	fmt.Fprintf(&b, "Delivered-To: %s\n", intakeAddr)
	fmt.Fprintf(&b, "Received: from web01.bench.test (web01.bench.test [192.0.2.10])\n\tby mx.bench.test (Postfix) with ESMTPS id 4Z%08X\n\tfor <%s>; %s\n", r.Uint32(), intakeAddr, d)
	fmt.Fprintf(&b, "Received: by web01.bench.test (Postfix, from userid 33)\n\tid %08X; %s\n", r.Uint32(), d)
	sig := make([]byte, 256)
	for k := range sig {
		sig[k] = byte(r.UintN(256))
	}
	bh := make([]byte, 32)
	for k := range bh {
		bh[k] = byte(r.UintN(256))
	}
	s := base64.StdEncoding.EncodeToString(sig)
	fmt.Fprintf(&b, "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=web.bench.test;\n\ts=mail; t=%d; bh=%s;\n\th=From:Reply-To:To:Subject:Date:Message-ID:MIME-Version:Content-Type;\n\tb=%s\n\t%s\n\t%s\n",
		time.Now().Unix(), base64.StdEncoding.EncodeToString(bh), s[:70], s[70:140], s[140:])
	b.WriteString("Authentication-Results: mx.bench.test;\n\tdkim=pass (2048-bit key) header.d=web.bench.test;\n\tspf=pass smtp.mailfrom=web.bench.test;\n\tdmarc=pass (p=quarantine) header.from=web.bench.test\n")
	fmt.Fprintf(&b, "From: Ingressus website <%s>\n", formSender)
	fmt.Fprintf(&b, "Reply-To: %s <%s>\n", asciiName(f.name), f.email)
	fmt.Fprintf(&b, "To: %s\n", intakeAddr)
	fmt.Fprintf(&b, "Subject: %s\n", f.subject)
	fmt.Fprintf(&b, "Date: %s\n", d)
	fmt.Fprintf(&b, "Message-ID: %s\n", f.messageID)
	b.WriteString("MIME-Version: 1.0\n")
	b.WriteString("X-Mailer: PHPMailer 6.9.1 (https://github.com/PHPMailer/PHPMailer)\n")
	return b.String()
}

// asciiName quotes a display name, or encodes it when it is not ASCII.
func asciiName(n string) string {
	for _, r := range n {
		if r > 127 {
			return "=?utf-8?q?" + strings.ReplaceAll(strings.TrimSpace(qpWord(n)), " ", "_") + "?="
		}
	}
	return `"` + n + `"`
}

func qpWord(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case c == ' ':
			b.WriteByte('_')
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	return b.String()
}

// body is the MIME body (with its Content-Type headers) of the form.
func (f *form) body(headLen int) string {
	var b strings.Builder
	switch f.format {
	case "nl-plain":
		descr := f.fillDescription(headLen + 400)
		b.WriteString("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n")
		b.WriteString(f.plainNL(descr))
	case "en-plain":
		descr := f.fillDescription(headLen + 420)
		b.WriteString("Content-Type: text/plain; charset=us-ascii\n\n")
		b.WriteString(f.plainEN(descr))
	case "wpforms":
		descr := f.fillDescription(headLen + 560)
		b.WriteString("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n")
		b.WriteString(f.wpforms(descr))
	case "gravity-html":
		descr := f.fillDescription(headLen + 2400)
		b.WriteString("Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n")
		b.WriteString(qp(f.gravityHTML(descr)))
	case "multipart-alt":
		descr := f.fillDescription(headLen + 2300)
		bd := fmt.Sprintf("===============%010d==", f.i)
		fmt.Fprintf(&b, "Content-Type: multipart/alternative; boundary=\"%s\"\n\n", bd)
		fmt.Fprintf(&b, "--%s\nContent-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: quoted-printable\n\n%s\n", bd, qp(f.formspreeText(descr)))
		fmt.Fprintf(&b, "--%s\nContent-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: base64\n\n%s", bd, b64([]byte(f.formspreeHTML(descr))))
		fmt.Fprintf(&b, "--%s--\n", bd)
	}
	return b.String()
}

// render gives the mail with LF line ends (Maildir's form); wire() makes
// CRLF for IMAP APPEND.
func (f *form) render() []byte {
	r := rand.New(rand.NewPCG(uint64(f.i), 0x68656164))
	head := f.headers(r)
	body := f.body(len(head))
	if f.attach == 0 {
		return []byte(head + body)
	}
	bd := fmt.Sprintf("----=_Part_%06d_bench", f.i)
	var b strings.Builder
	b.Grow(len(head) + len(body) + f.attach*4/3 + f.attach/38 + 512)
	b.WriteString(head)
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"%s\"\n\nThis is a multi-part message in MIME format.\n--%s\n", bd, bd)
	b.WriteString(body)
	data := make([]byte, f.attach)
	ar := rand.New(rand.NewPCG(uint64(f.i), 0x617474))
	for k := 0; k+8 <= len(data); k += 8 {
		v := ar.Uint64()
		for j := 0; j < 8; j++ {
			data[k+j] = byte(v >> (8 * j))
		}
	}
	copy(data, "%PDF-1.7\n")
	fmt.Fprintf(&b, "\n--%s\nContent-Type: application/pdf; name=\"bijlage-%d.pdf\"\nContent-Disposition: attachment; filename=\"bijlage-%d.pdf\"\nContent-Transfer-Encoding: base64\n\n",
		bd, f.i, f.i)
	b.WriteString(b64(data))
	fmt.Fprintf(&b, "--%s--\n", bd)
	return []byte(b.String())
}

// wire converts LF line ends to CRLF.
func wire(lf []byte) []byte {
	n := bytes.Count(lf, []byte("\n"))
	out := make([]byte, 0, len(lf)+n)
	for {
		i := bytes.IndexByte(lf, '\n')
		if i < 0 {
			return append(out, lf...)
		}
		out = append(out, lf[:i]...)
		out = append(out, '\r', '\n')
		lf = lf[i+1:]
	}
}

// fillMaildir writes mails [0, n) straight into Maildir/cur, named the way
// Dovecot names its own files (S= and W= spare it from reading them to learn
// the sizes). It returns the total bytes written.
func fillMaildir(maildir string, n int, now time.Time, attachBytes int) (int64, error) {
	cur := filepath.Join(maildir, "cur")
	var total int64
	base := now.Unix() - int64(n) // a distinct, increasing time per file: Dovecot orders new UIDs by it
	for i := 0; i < n; i++ {
		f := newForm(i, now, attachBytes, 0)
		raw := f.render()
		vsize := len(raw) + bytes.Count(raw, []byte("\n"))
		name := fmt.Sprintf("%d.M%06dP%dQ%d.bench,S=%d,W=%d:2,", base+int64(i), i%1000000, os.Getpid(), i, len(raw), vsize)
		if err := os.WriteFile(filepath.Join(cur, name), raw, 0o600); err != nil {
			return total, err
		}
		total += int64(len(raw))
	}
	return total, nil
}
