package parser

import (
	"errors"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// ValidateFields checks and normalises a complaint's fields: the e-mail
// address to its bare lower-cased form, the phone number to E.164 (region
// opt.Region, default NL), the date to YYYY-MM-DD, references split and
// deduplicated. It returns the normalised fields, the required fields that
// are empty (RequiredFields order; an empty date is not missing: the
// receipt date is used, procedure.md §1) and for each invalid field the
// reason in Dutch and in English. An invalid phone number is kept as
// written; an invalid e-mail address is dropped (letters cannot go there)
// and named in the reason. Normalising an already normalised value changes
// nothing, so the gateway may call it again on merged fields.
func ValidateFields(f Fields, opt Options) (out Fields, missing []string, invalid, invalidEN map[string]string) {
	out = f
	missing = []string{}
	invalid = map[string]string{}
	invalidEN = map[string]string{}
	region := strings.ToUpper(strings.TrimSpace(opt.Region))
	if region == "" {
		region = "NL"
	}

	out.Company = strings.TrimSpace(out.Company)
	out.Address = strings.TrimSpace(out.Address)
	out.Name = strings.TrimSpace(out.Name)
	out.Availability = strings.TrimSpace(out.Availability)
	out.Description = strings.Trim(out.Description, "\n\r\t ")
	out.Contact = strings.TrimSpace(out.Contact)

	if v := strings.TrimSpace(out.Email); v != "" {
		addr, nl, en := normEmail(v)
		out.Email = addr
		if nl != "" {
			invalid[FieldEmail], invalidEN[FieldEmail] = nl, en
		}
	}
	if v := strings.TrimSpace(out.Phone); v != "" {
		e164, nl, en := normPhone(v, region)
		out.Phone = e164
		if nl != "" {
			out.Phone = v
			invalid[FieldPhone], invalidEN[FieldPhone] = nl, en
		}
	}
	if v := strings.TrimSpace(out.Date); v != "" {
		d, ok, shaped := parseDateShape(v)
		q := quote(v)
		switch {
		case ok:
			out.Date = d
		case shaped:
			out.Date = v
			invalid[FieldDate] = "datum " + q + " bestaat niet"
			invalidEN[FieldDate] = "date " + q + " does not exist"
		default:
			out.Date = v
			invalid[FieldDate] = "datum " + q + " is geen geldige datum (schrijf bijvoorbeeld 23-11-2026)"
			invalidEN[FieldDate] = "date " + q + " is not a valid date (write, for example, 23-11-2026)"
		}
	}
	out.References = splitReferences(out.References)

	// Every required field not found is listed, the date too: the contract
	// of `klachtd parse --json`. The gateway still registers a complaint
	// without a date, using the receipt date (procedure.md §1).
	for _, name := range RequiredFields {
		if _, bad := invalid[name]; bad {
			continue
		}
		if fieldValue(out, name) == "" {
			missing = append(missing, name)
		}
	}
	return out, missing, invalid, invalidEN
}

// fieldValue returns a single-valued field by name.
func fieldValue(f Fields, name string) string {
	switch name {
	case FieldCompany:
		return f.Company
	case FieldAddress:
		return f.Address
	case FieldName:
		return f.Name
	case FieldPhone:
		return f.Phone
	case FieldAvailability:
		return f.Availability
	case FieldEmail:
		return f.Email
	case FieldDate:
		return f.Date
	case FieldDescription:
		return f.Description
	case FieldContact:
		return f.Contact
	}
	return ""
}

// setField sets a field by name from a form value; references are split
// later by ValidateFields.
func setField(f *Fields, name, v string) {
	switch name {
	case FieldCompany:
		f.Company = v
	case FieldAddress:
		f.Address = v
	case FieldName:
		f.Name = v
	case FieldPhone:
		f.Phone = v
	case FieldAvailability:
		f.Availability = v
	case FieldEmail:
		f.Email = v
	case FieldDate:
		f.Date = v
	case FieldDescription:
		f.Description = v
	case FieldContact:
		f.Contact = v
	case FieldReferences:
		if v != "" {
			f.References = append(f.References, v)
		}
	}
}

// quote puts a complainant's value in single quotes for a reason, cut to a
// readable length.
func quote(v string) string {
	v = strings.Join(strings.Fields(v), " ")
	if utf8.RuneCountInString(v) > 60 {
		r := []rune(v)
		v = string(r[:57]) + "…"
	}
	return "'" + v + "'"
}

// normEmail returns the bare lower-cased address, or a reason why v is no
// usable address (then addr is "").
func normEmail(v string) (addr, nl, en string) {
	q := quote(v)
	s := strings.TrimSpace(v)
	if l := strings.ToLower(s); strings.HasPrefix(l, "mailto:") {
		s = s[len("mailto:"):]
	}
	// "jan@voorbeeld.nl." at the end of a sentence.
	s = strings.TrimRight(s, ".,;")
	a, err := mail.ParseAddress(s)
	if err != nil {
		// "jan@voorbeeld.nl (werk)", "E-mail: jan@…", "jan@a.nl, piet@a.nl":
		// the first address written in the value.
		// The address in angle brackets first: a display name that looks
		// like an address is never the address (issue 10 item 5).
		found := angleAddress(s)
		if found == "" {
			found = emailInRe.FindString(s)
		}
		if found != "" {
			a, err = mail.ParseAddress(strings.TrimRight(found, ".,;"))
		}
	}
	if err != nil || a == nil {
		switch {
		case !strings.Contains(s, "@"):
			return "", "e-mailadres " + q + " is ongeldig: het teken '@' ontbreekt",
				"e-mail address " + q + " is not valid: the '@' sign is missing"
		case strings.ContainsAny(strings.TrimSpace(s), " \t"):
			return "", "e-mailadres " + q + " is ongeldig: het mag geen spaties bevatten",
				"e-mail address " + q + " is not valid: it must not contain spaces"
		default:
			return "", "e-mailadres " + q + " is geen geldig e-mailadres",
				"e-mail address " + q + " is not a valid e-mail address"
		}
	}
	addr = strings.ToLower(a.Address)
	at := strings.LastIndexByte(addr, '@')
	local, domain := addr[:at], addr[at+1:]
	labels := strings.Split(domain, ".")
	tld := labels[len(labels)-1]
	ok := local != "" && len(labels) >= 2 && len(tld) >= 2
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			ok = false
		}
	}
	if !ok || strings.HasPrefix(domain, "[") {
		return "", "e-mailadres " + q + " is ongeldig: het domein na de '@' is onvolledig",
			"e-mail address " + q + " is not valid: the domain after the '@' is incomplete"
	}
	return addr, "", ""
}

var (
	phoneCandRe  = regexp.MustCompile(`(?:\+|00)?\(?\d[\d \-./()]{4,}\d`)
	phoneSplitRe = regexp.MustCompile(`(?i)\s+/\s+|\s*[,;|]\s*|\s+(?:of|or|en|and)\s+`)
)

// normPhone returns v in E.164, or a reason why it is no valid number.
func normPhone(v, region string) (e164, nl, en string) {
	q := quote(v)
	num, err := phonenumbers.Parse(v, region)
	if err == nil && acceptablePhone(num, region) {
		return phonenumbers.Format(num, phonenumbers.E164), "", ""
	}
	// "Tel: 010-1234567 (na 17:00)", "06-12345678 of 010-…": the first
	// number in the text.
	// "010-1234567 / 06-12345678", "06… of 010…": the first number that
	// is one.
	for _, piece := range phoneSplitRe.Split(v, 4) {
		if c := phoneCandRe.FindString(piece); c != "" && c != v {
			if n2, err2 := phonenumbers.Parse(c, region); err2 == nil && acceptablePhone(n2, region) {
				return phonenumbers.Format(n2, phonenumbers.E164), "", ""
			}
		}
	}
	digits := 0
	for _, r := range v {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	reason := "invalid"
	switch {
	case digits == 0 || errors.Is(err, phonenumbers.ErrNotANumber):
		reason = "nan"
	case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD):
		reason = "short"
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		reason = "long"
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		reason = "country"
	case err == nil && shorterThanUsual(num, region):
		reason = "short"
	case err == nil:
		switch phonenumbers.IsPossibleNumberWithReason(num) {
		case phonenumbers.TOO_SHORT:
			reason = "short"
		case phonenumbers.TOO_LONG:
			reason = "long"
		case phonenumbers.INVALID_COUNTRY_CODE:
			reason = "country"
		case phonenumbers.INVALID_LENGTH:
			reason = "length"
		}
	}
	switch reason {
	case "nan":
		return "", "telefoonnummer " + q + " is geen telefoonnummer",
			"phone number " + q + " is not a phone number"
	case "short":
		return "", "telefoonnummer " + q + " is te kort",
			"phone number " + q + " is too short"
	case "long":
		return "", "telefoonnummer " + q + " is te lang",
			"phone number " + q + " is too long"
	case "country":
		return "", "telefoonnummer " + q + " heeft een onbekend landnummer",
			"phone number " + q + " has an unknown country code"
	case "length":
		return "", "telefoonnummer " + q + " heeft niet het juiste aantal cijfers",
			"phone number " + q + " does not have the right number of digits"
	}
	return "", "telefoonnummer " + q + " is geen geldig nummer (controleer de cijfers)",
		"phone number " + q + " is not a valid number (please check the digits)"
}

var (
	refSplitRe = regexp.MustCompile(`[,;\n|]+|\s+(?:en|and|&|of|or)\s+`)
	noneRefs   = map[string]bool{"-": true, "n.v.t.": true, "nvt": true, "n.v.t": true, "geen": true,
		"none": true, "n/a": true, "na": true, "(empty)": true, "(leeg)": true, "nee": true, "no": true}
)

// splitReferences splits reference values on commas, semicolons, newlines
// and "en"/"and"; a piece of blank-separated words that all hold a digit
// ("12345 67890") is split on the blanks too. Trimmed, deduplicated
// (case-insensitively), in order.
func splitReferences(in []string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.TrimFunc(s, func(r rune) bool { return r == '.' || unicode.IsSpace(r) })
		if s == "" || noneRefs[strings.ToLower(s)] {
			return
		}
		k := strings.ToLower(s)
		if !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	for _, v := range in {
		if noneRefs[strings.ToLower(strings.TrimSpace(v))] {
			continue
		}
		for _, p := range refSplitRe.Split(v, -1) {
			p = strings.TrimFunc(p, func(r rune) bool { return r == '.' || unicode.IsSpace(r) })
			words := strings.Fields(p)
			allDigits := len(words) > 1
			for _, w := range words {
				if !strings.ContainsAny(w, "0123456789") {
					allDigits = false
				}
			}
			if allDigits {
				for _, w := range words {
					add(w)
				}
			} else {
				add(p)
			}
		}
	}
	return out
}

// acceptablePhone reports whether a parsed number can be stored: a valid
// number, or a number of another country than the default region that has
// a possible length there. libphonenumber's ranges of foreign numbers lag
// behind (and "+32 2 123 45 67", a Brussels number as people write it in
// examples and forms, is outside them); a complainant abroad is better
// called at a number of the right length than asked to correct it. Numbers
// of the default region are held to the ranges: a typo there is what the
// check is for.
func acceptablePhone(num *phonenumbers.PhoneNumber, region string) bool {
	if phonenumbers.IsValidNumber(num) {
		return true
	}
	if int(num.GetCountryCode()) == phonenumbers.GetCountryCodeForRegion(region) {
		return false
	}
	if phonenumbers.GetRegionCodeForCountryCode(int(num.GetCountryCode())) == "ZZ" {
		return false
	}
	return phonenumbers.IsPossibleNumberWithReason(num) == phonenumbers.IS_POSSIBLE
}

// shorterThanUsual reports whether a number of the default region has
// fewer digits than the region's ordinary numbers (the example fixed-line
// and mobile numbers): libphonenumber calls "0612345" possible (there are
// short service numbers) where a complainant needs "too short".
func shorterThanUsual(num *phonenumbers.PhoneNumber, region string) bool {
	if int(num.GetCountryCode()) != phonenumbers.GetCountryCodeForRegion(region) {
		return false
	}
	n := len(phonenumbers.GetNationalSignificantNumber(num))
	for _, typ := range []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE} {
		if ex := phonenumbers.GetExampleNumberForType(region, typ); ex != nil {
			if n >= len(phonenumbers.GetNationalSignificantNumber(ex)) {
				return false
			}
		}
	}
	return true
}
