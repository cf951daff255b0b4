package parser

import (
	"regexp"
	"strings"
	"unicode"
)

// FieldContact is the name of the contact-person field in label mappings
// (Options.Labels) and in Fields.Contact.
const FieldContact = "contact"

// Pseudo-fields of form templates: recognised as labels so they end the
// value before them, but not taken as complaint data.
const (
	fieldIgnore   = "-"         // Subject, Submitted by, …: ends a value, kept nowhere
	fieldNameMail = "name+mail" // Contact Form 7's "From: NAME <MAIL>"
	// Parts of a field a form asks for separately ("Voornaam",
	// "Achternaam"; "Straat", "Postcode", "Plaats"): joined in order.
	fieldNamePart    = "name-part"
	fieldAddressPart = "address-part"
)

// defaultLabels maps normalised form labels (see normLabel) to fields.
// Dutch and English, with the variants seen in form products.
var defaultLabels = map[string]string{
	// company
	"bedrijfsnaam": FieldCompany, "bedrijf": FieldCompany, "naam bedrijf": FieldCompany,
	"naam van het bedrijf": FieldCompany, "organisatie": FieldCompany, "naam organisatie": FieldCompany,
	"firma": FieldCompany, "onderneming": FieldCompany, "company": FieldCompany,
	"company name": FieldCompany, "organisation": FieldCompany, "organization": FieldCompany,
	"organisation name": FieldCompany, "organization name": FieldCompany, "your company": FieldCompany,
	"business name": FieldCompany, "name of company": FieldCompany, "name of the company": FieldCompany,
	"naam van uw bedrijf": FieldCompany, "bedrijfs naam": FieldCompany, "uw bedrijf": FieldCompany, "uw bedrijfsnaam": FieldCompany,

	// address
	"adres": FieldAddress, "address": FieldAddress, "postadres": FieldAddress,
	"bedrijfsadres": FieldAddress, "vestigingsadres": FieldAddress, "bezoekadres": FieldAddress,
	"adres bedrijf": FieldAddress, "uw adres": FieldAddress, "company address": FieldAddress,
	"postal address": FieldAddress, "street address": FieldAddress, "your address": FieldAddress,
	"business address": FieldAddress, "mailing address": FieldAddress, "adresgegevens": FieldAddress,
	"adres gegevens": FieldAddress, "bedrijfsadres en plaats": FieldAddress, "address details": FieldAddress,

	// name
	"naam": FieldName, "uw naam": FieldName, "volledige naam": FieldName, "naam indiener": FieldName,
	"indiener": FieldName, "voor- en achternaam": FieldName, "voor en achternaam": FieldName,
	"name": FieldName, "your name": FieldName, "full name": FieldName, "your full name": FieldName,
	"complainant": FieldName, "name of complainant": FieldName, "contactnaam": FieldName,
	"contact name": FieldName, "naam melder": FieldName, "naam klager": FieldName, "uw volledige naam": FieldName,

	// phone
	"telefoonnummer": FieldPhone, "telefoon": FieldPhone, "telefoonnr": FieldPhone, "tel": FieldPhone,
	"tel nr": FieldPhone, "telnr": FieldPhone, "telefoon nummer": FieldPhone, "telefoon nr": FieldPhone,
	"tel nummer": FieldPhone, "mobiel nr": FieldPhone, "mobielnr": FieldPhone, "mobiele nummer": FieldPhone,
	"gsm": FieldPhone, "gsm nummer": FieldPhone, "gsm-nummer": FieldPhone, "contact number": FieldPhone,
	"contact phone": FieldPhone, "phone no": FieldPhone, "tel no": FieldPhone, "cell": FieldPhone, "cell phone": FieldPhone, "mobiel": FieldPhone, "mobiel nummer": FieldPhone,
	"mobiele telefoon": FieldPhone, "mobiel telefoonnummer": FieldPhone, "uw telefoonnummer": FieldPhone,
	"phone": FieldPhone, "phone number": FieldPhone, "telephone": FieldPhone,
	"telephone number": FieldPhone, "mobile": FieldPhone, "mobile number": FieldPhone,
	"mobile phone": FieldPhone, "your phone": FieldPhone, "your phone number": FieldPhone,

	// availability
	"bereikbaarheid": FieldAvailability, "bereikbaar": FieldAvailability, "bereikbaar op": FieldAvailability,
	"wanneer bereikbaar": FieldAvailability, "wanneer bent u bereikbaar": FieldAvailability,
	"telefonisch bereikbaar": FieldAvailability, "beschikbaarheid": FieldAvailability,
	"availability": FieldAvailability, "available": FieldAvailability, "reachable": FieldAvailability,
	"when can we reach you": FieldAvailability, "wanneer kunnen wij u bereiken": FieldAvailability,
	"wanneer bent u het best bereikbaar": FieldAvailability, "wanneer kunnen we u bellen": FieldAvailability, "best time to call": FieldAvailability,
	"best time to reach you": FieldAvailability, "when are you available": FieldAvailability,
	"when can we call you": FieldAvailability, "best time to contact you": FieldAvailability,
	"wanneer bent u telefonisch bereikbaar": FieldAvailability, "bereikbaarheid telefonisch": FieldAvailability,

	// email
	"e-mail": FieldEmail, "email": FieldEmail, "e-mailadres": FieldEmail, "emailadres": FieldEmail,
	"e-mail adres": FieldEmail, "email adres": FieldEmail, "mailadres": FieldEmail,
	"uw e-mailadres": FieldEmail, "uw e-mail": FieldEmail, "e-mail address": FieldEmail,
	"email address": FieldEmail, "your email": FieldEmail, "your e-mail": FieldEmail,
	"your email address": FieldEmail, "your e-mail address": FieldEmail, "mail": FieldEmail,
	"e-mailaddress": FieldEmail, "emailaddress": FieldEmail, "_replyto": FieldEmail, "replyto": FieldEmail,

	// date
	"datum": FieldDate, "datum van indienen": FieldDate, "datum indienen": FieldDate,
	"datum indiening": FieldDate, "datum van indiening": FieldDate, "indieningsdatum": FieldDate,
	"ingediend op": FieldDate, "datum klacht": FieldDate, "date": FieldDate,
	"submission date": FieldDate, "date of submission": FieldDate, "date submitted": FieldDate,
	"submitted on": FieldDate, "date of complaint": FieldDate, "datum van de klacht": FieldDate,
	"datum indiening klacht": FieldDate, "datum van indienen klacht": FieldDate, "klachtdatum": FieldDate,
	"datum van indiening klacht": FieldDate, "complaint date": FieldDate,

	// description
	"omschrijving van de klacht": FieldDescription, "omschrijving": FieldDescription,
	"klacht": FieldDescription, "beschrijving": FieldDescription,
	"beschrijving van de klacht": FieldDescription, "omschrijving klacht": FieldDescription,
	"uw klacht": FieldDescription, "toelichting": FieldDescription, "bericht": FieldDescription,
	"uw bericht": FieldDescription, "description": FieldDescription, "complaint": FieldDescription,
	"description of the complaint": FieldDescription, "complaint description": FieldDescription,
	"your complaint": FieldDescription, "message": FieldDescription, "your message": FieldDescription,
	"message body": FieldDescription, "details": FieldDescription, "comments": FieldDescription,
	"klachtomschrijving": FieldDescription, "omschrijving van uw klacht": FieldDescription,
	"beschrijf uw klacht": FieldDescription, "beschrijving van uw klacht": FieldDescription,
	"omschrijf uw klacht": FieldDescription, "complaint details": FieldDescription,
	"berichttekst": FieldDescription, "berichtinhoud": FieldDescription, "inhoud bericht": FieldDescription,
	"toelichting op de klacht": FieldDescription, "wat is uw klacht": FieldDescription,

	// references
	"referentienummer": FieldReferences, "referentie": FieldReferences, "referenties": FieldReferences,
	"contractnummer": FieldReferences, "bestelnummer": FieldReferences, "ordernummer": FieldReferences,
	"factuurnummer": FieldReferences, "klantnummer": FieldReferences, "kenmerk": FieldReferences,
	"uw kenmerk": FieldReferences, "reference number": FieldReferences, "reference": FieldReferences,
	"references": FieldReferences, "order number": FieldReferences, "contract number": FieldReferences,
	"invoice number": FieldReferences, "customer number": FieldReferences, "order": FieldReferences,
	"uw referentie": FieldReferences, "your reference": FieldReferences, "order no": FieldReferences,

	// contact person at Ingressus
	"contactpersoon": FieldContact, "contactpersoon ingressus": FieldContact,
	"contactpersoon bij ingressus": FieldContact, "uw contactpersoon": FieldContact,
	"contact person": FieldContact, "your contact person": FieldContact,
	"contact at ingressus": FieldContact, "ingressus contact": FieldContact,

	// parts of the name and the address
	"voornaam": fieldNamePart, "voorletters": fieldNamePart, "tussenvoegsel": fieldNamePart,
	"tussenvoegsels": fieldNamePart, "achternaam": fieldNamePart, "familienaam": fieldNamePart,
	"first name": fieldNamePart, "given name": fieldNamePart, "middle name": fieldNamePart,
	"last name": fieldNamePart, "surname": fieldNamePart, "family name": fieldNamePart,
	"straat": fieldAddressPart, "straatnaam": fieldAddressPart, "straat en huisnummer": fieldAddressPart,
	"straat + huisnummer": fieldAddressPart, "huisnummer": fieldAddressPart, "huisnr": fieldAddressPart,
	"toevoeging": fieldAddressPart, "postcode": fieldAddressPart, "plaats": fieldAddressPart,
	"woonplaats": fieldAddressPart, "vestigingsplaats": fieldAddressPart, "land": fieldAddressPart,
	"adresregel 1": fieldAddressPart, "adresregel 2": fieldAddressPart, "street": fieldAddressPart,
	"house number": fieldAddressPart, "address line 1": fieldAddressPart, "address line 2": fieldAddressPart,
	"city": fieldAddressPart, "town": fieldAddressPart, "zip": fieldAddressPart, "zip code": fieldAddressPart,
	"postal code": fieldAddressPart, "state": fieldAddressPart, "province": fieldAddressPart,
	"country": fieldAddressPart, "postcode en plaats": fieldAddressPart, "postcode + plaats": fieldAddressPart,
	"postcode/plaats": fieldAddressPart, "postcode en woonplaats": fieldAddressPart,

	// Form-template lines that are no complaint data (Contact Form 7,
	// Drupal Webform, Gravity Forms): they end the value above them.
	"subject": fieldIgnore, "onderwerp": fieldIgnore, "submitted by": fieldIgnore,
	"ingediend door": fieldIgnore, "submitted values are": fieldIgnore, "your subject": fieldIgnore,
	"from": fieldNameMail, "van": fieldNameMail,
}

var (
	parenSuffixRe = regexp.MustCompile(`\s*\([^()]*\)\s*$`)
	spaceRe       = regexp.MustCompile(`\s+`)
)

// normLabel normalises a form label for lookup: lower case, blanks
// collapsed, required markers ("*"), a trailing colon and "(s)" dropped.
func normLabel(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, "\u00a0", " ")
	s = strings.Trim(s, "*:：#_? \t")
	s = strings.ReplaceAll(s, "(s)", "")
	s = strings.ReplaceAll(s, "*", "")
	s = spaceRe.ReplaceAllString(s, " ")
	s = strings.ReplaceAll(s, "e - mail", "e-mail")
	if strings.Contains(s, ".") {
		// "Tel.", "Tel. nr.", "Mobiel nr.": abbreviations without dots.
		s = strings.TrimSpace(spaceRe.ReplaceAllString(strings.ReplaceAll(s, ".", " "), " "))
	}
	if strings.Contains(s, "_") {
		// Machine keys as Formspree, Drupal or a custom form send them:
		// "e_mailadres", "your_email", "datum_van_indienen".
		s = strings.TrimSpace(spaceRe.ReplaceAllString(strings.ReplaceAll(s, "_", " "), " "))
		if t, ok := strings.CutPrefix(s, "e mail"); ok {
			s = "e-mail" + t
		}
		s = strings.ReplaceAll(s, " e mail", " e-mail")
	}
	return strings.TrimSpace(s)
}

// compactPrefix marks the entries of a labelMap that are keyed by a
// label's letters alone (compactLabel): "phonenumber", "emailaddress",
// "datumvanindienen" as a form's machine keys write them.
const compactPrefix = "\x00"

// compactLabel is a normalised label without blanks and hyphens.
func compactLabel(l string) string {
	return strings.NewReplacer(" ", "", "-", "").Replace(l)
}

// withCompact returns m with an entry for the compact form of each label;
// a compact form two fields share is left out.
func withCompact(m labelMap) labelMap {
	out := make(labelMap, 2*len(m))
	for k, v := range m {
		out[k] = v
	}
	for k, v := range m {
		c := compactPrefix + compactLabel(k)
		if old, ok := out[c]; ok && old != v {
			out[c] = ""
			continue
		}
		out[c] = v
	}
	return out
}

var defaultLabelMap = withCompact(defaultLabels)

// labelMap is the effective label→field mapping of one Parse call.
type labelMap map[string]string

func newLabelMap(extra map[string]string) labelMap {
	if len(extra) == 0 {
		return defaultLabelMap
	}
	m := make(labelMap, len(defaultLabels)+len(extra))
	for k, v := range defaultLabels {
		m[k] = v
	}
	for k, v := range extra {
		v = strings.ToLower(strings.TrimSpace(v))
		if v == "ignore" || v == "" {
			v = fieldIgnore // a label to skip: it still ends the value above it
		}
		m[normLabel(k)] = v
	}
	return withCompact(m)
}

// lookup returns the field a label stands for, or "".
func (m labelMap) lookup(label string) string {
	if len(label) > 80 {
		return ""
	}
	l := normLabel(label)
	if l == "" {
		return ""
	}
	if f, ok := m[l]; ok {
		return f
	}
	if !strings.Contains(l, " ") {
		// "phonenumber", "emailaddress": a machine key without blanks.
		if f := m[compactPrefix+compactLabel(l)]; f != "" {
			return f
		}
	}
	// "Naam van de indiener", "E-mailadres van de indiener".
	for _, suf := range []string{" van de indiener", " indiener", " of the complainant", " of complainant"} {
		if t, ok := strings.CutSuffix(l, suf); ok {
			if f, ok := m[strings.TrimSpace(t)]; ok {
				return f
			}
		}
	}
	// "Telefoonnummer (bijv. 06…)", "Adres (straat, postcode, plaats)".
	if t := parenSuffixRe.ReplaceAllString(l, ""); t != l && t != "" {
		if f := m.lookup(t); f != "" {
			return f
		}
	}
	// Plural: "Referentienummers", "Bestelnummers", "Order numbers".
	if t, ok := strings.CutSuffix(l, "s"); ok {
		if f, ok := m[t]; ok && f == FieldReferences {
			return f
		}
	}
	// "Referentienummers / contractnummers / bestelnummers": every part
	// names the same field.
	if strings.ContainsAny(l, "/,") || strings.Contains(l, " of ") || strings.Contains(l, " or ") {
		parts := strings.FieldsFunc(l, func(r rune) bool { return r == '/' || r == ',' })
		var expanded []string
		for _, p := range parts {
			for _, q := range strings.Split(p, " of ") {
				expanded = append(expanded, strings.Split(q, " or ")...)
			}
		}
		field := ""
		for _, p := range expanded {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			f := m.lookup(p)
			if f == "" && strings.HasSuffix(p, "-") {
				// "Referentie-, contract- of bestelnummer(s)"
				f = FieldReferences
			}
			if f == "" || (field != "" && f != field) {
				return ""
			}
			field = f
		}
		return field
	}
	return ""
}

// looksLikeLabel reports whether s could be a label of a field we do not
// know ("Onderwerp", "Hoe heeft u ons gevonden?"): short, starts with a
// letter, at most six words.
func looksLikeLabel(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 50 {
		return false
	}
	r := []rune(s)
	if !unicode.IsLetter(r[0]) && r[0] != '_' && r[0] != '*' {
		return false
	}
	if strings.ContainsAny(s, "0123456789") {
		return false // "na 13:00", "Tel. 010-123": values, not labels
	}
	return len(strings.Fields(s)) <= 6
}
