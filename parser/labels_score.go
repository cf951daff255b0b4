package parser

import (
	"strings"
)

// Labels the tables do not list ("Omschrijf uw klacht", "Wat is er
// misgegaan?", "Tell us what happened", "Your phone", "Naam
// contactpersoon") are read by their key words: each word found adds its
// weight to the field it points at, and the field with the highest score
// wins. The verdict is deterministic and deliberately cautious:
//   - a label scores only with a total of minLabelScore or more;
//   - two fields with the same best score make the label ambiguous: it is
//     no field (its line is kept under "Overige velden");
//   - a label of the tables always beats a scored one for the same field,
//     and of two scored labels for one field the higher score wins, then
//     the first in the form (extractFields).

// labelKeyword is one key word: how it is matched against the words of a
// label, and what it counts for.
type labelKeyword struct {
	word   string
	match  byte // 'w' the whole word, 'p' a prefix of a word, 'c' inside a word (Dutch compounds)
	field  string
	weight int
}

// minLabelScore is the least score that makes a label a field's.
const minLabelScore = 3

// labelKeywords are the key words of form labels, Dutch and English.
var labelKeywords = []labelKeyword{
	// description
	{"klacht", 'c', FieldDescription, 3}, {"omschrijf", 'p', FieldDescription, 3},
	{"omschrijving", 'c', FieldDescription, 3}, {"beschrijf", 'p', FieldDescription, 3},
	{"beschrijving", 'c', FieldDescription, 3}, {"misgegaan", 'w', FieldDescription, 3},
	{"mis", 'w', FieldDescription, 1}, {"gebeurd", 'w', FieldDescription, 2},
	{"toelichting", 'c', FieldDescription, 3}, {"probleem", 'c', FieldDescription, 3},
	{"bericht", 'c', FieldDescription, 2}, {"vraag", 'w', FieldDescription, 1},
	{"happened", 'w', FieldDescription, 3}, {"wrong", 'w', FieldDescription, 3},
	{"complaint", 'p', FieldDescription, 3}, {"describe", 'p', FieldDescription, 3},
	{"description", 'p', FieldDescription, 3}, {"problem", 'p', FieldDescription, 3},
	{"issue", 'p', FieldDescription, 2}, {"message", 'p', FieldDescription, 2},
	{"details", 'w', FieldDescription, 2}, {"tell", 'w', FieldDescription, 1},
	// phone
	{"telefoon", 'c', FieldPhone, 4}, {"tel", 'w', FieldPhone, 4}, {"mobiel", 'c', FieldPhone, 4},
	{"gsm", 'c', FieldPhone, 4}, {"phone", 'c', FieldPhone, 4}, {"mobile", 'p', FieldPhone, 4},
	{"telephone", 'p', FieldPhone, 4}, {"cell", 'p', FieldPhone, 3}, {"bellen", 'w', FieldPhone, 1},
	// name
	{"naam", 'w', FieldName, 3}, {"name", 'w', FieldName, 3}, {"indiener", 'c', FieldName, 2},
	{"complainant", 'w', FieldName, 2}, {"wie", 'w', FieldName, 1},
	// company
	{"bedrijf", 'c', FieldCompany, 4}, {"company", 'p', FieldCompany, 4}, {"organisatie", 'c', FieldCompany, 4},
	{"organisation", 'p', FieldCompany, 4}, {"organization", 'p', FieldCompany, 4}, {"firma", 'c', FieldCompany, 4},
	{"onderneming", 'c', FieldCompany, 4}, {"business", 'w', FieldCompany, 4}, {"werkgever", 'w', FieldCompany, 3},
	{"employer", 'w', FieldCompany, 3},
	// e-mail
	{"e-mail", 'c', FieldEmail, 5}, {"email", 'c', FieldEmail, 5}, {"mail", 'p', FieldEmail, 4},
	{"mailadres", 'c', FieldEmail, 5},
	// address
	{"adres", 'c', FieldAddress, 3}, {"address", 'p', FieldAddress, 3}, {"woonadres", 'w', FieldAddress, 4},
	{"straat", 'c', FieldAddress, 2}, {"locatie", 'w', FieldAddress, 2}, {"location", 'w', FieldAddress, 2},
	// availability
	{"bereikbaar", 'c', FieldAvailability, 4}, {"beschikbaar", 'c', FieldAvailability, 4},
	{"available", 'p', FieldAvailability, 4}, {"availability", 'p', FieldAvailability, 4},
	{"reach", 'p', FieldAvailability, 3}, {"terugbellen", 'w', FieldAvailability, 4},
	{"wanneer", 'w', FieldAvailability, 1}, {"when", 'w', FieldAvailability, 1},
	{"time", 'w', FieldAvailability, 1}, {"tijd", 'c', FieldAvailability, 1},
	// date
	{"datum", 'c', FieldDate, 3}, {"date", 'w', FieldDate, 3}, {"dag", 'w', FieldDate, 1},
	// references
	{"referentie", 'c', FieldReferences, 4}, {"reference", 'p', FieldReferences, 4},
	{"ordernummer", 'c', FieldReferences, 4}, {"order", 'w', FieldReferences, 3},
	{"bestelnummer", 'c', FieldReferences, 4}, {"factuur", 'c', FieldReferences, 4},
	{"invoice", 'p', FieldReferences, 4}, {"kenmerk", 'c', FieldReferences, 4},
	{"contractnummer", 'c', FieldReferences, 4}, {"klantnummer", 'c', FieldReferences, 4},
	{"dossiernummer", 'c', FieldReferences, 4}, {"nummer", 'w', FieldReferences, 1},
	{"number", 'w', FieldReferences, 1},
	// contact person at Ingressus
	{"contactpersoon", 'c', FieldContact, 5}, {"contact person", 'w', FieldContact, 5},
	{"ingressus", 'w', FieldContact, 2},
}

// scoreLabel returns the field an unlisted label's key words point at, its
// score, or "" when no field scores enough or two fields tie.
func scoreLabel(l string) (string, int) {
	words := strings.FieldsFunc(l, func(r rune) bool {
		return r == ' ' || r == '/' || r == ',' || r == '?' || r == '!' || r == '(' || r == ')' || r == '\''
	})
	if len(words) == 0 || len(words) > 8 {
		return "", 0 // a sentence, not a label
	}
	scores := map[string]int{}
	for _, k := range labelKeywords {
		if strings.Contains(k.word, " ") {
			if strings.Contains(" "+strings.Join(words, " ")+" ", " "+k.word+" ") {
				scores[k.field] += k.weight
			}
			continue
		}
		for _, w := range words {
			if (k.match == 'w' && w == k.word) || (k.match == 'p' && strings.HasPrefix(w, k.word)) ||
				(k.match == 'c' && strings.Contains(w, k.word)) {
				scores[k.field] += k.weight
				break
			}
		}
	}
	best, bestScore, tie := "", 0, false
	for _, f := range scoreOrder {
		s := scores[f]
		switch {
		case s > bestScore:
			best, bestScore, tie = f, s, false
		case s == bestScore && s > 0:
			tie = true
		}
	}
	if tie || bestScore < minLabelScore {
		return "", 0
	}
	if best == FieldContact {
		// "Naam contactpersoon" is the contact person; "Telefoon
		// contactpersoon" asks for something of them we keep no field
		// for.
		for _, f := range scoreOrder {
			if f != FieldContact && f != FieldName && scores[f] >= minLabelScore {
				return "", 0
			}
		}
	}
	return best, bestScore
}

// exactLabelScore is the score of a label found in the tables: above any
// key-word score.
const exactLabelScore = 100

// lookupScored returns the field of a label and how sure the match is: a
// label of the tables scores exactLabelScore, an unlisted one its key
// words' score (see scoreLabel); "" and 0 for no field.
func (m labelMap) lookupScored(label string) (string, int) {
	if f := m.lookup(label); f != "" {
		return f, exactLabelScore
	}
	if !looksLikeLabel(label) {
		return "", 0
	}
	return scoreLabel(normLabel(label))
}

// scoreOrder fixes the order fields are compared in, so that the verdict
// never depends on map order.
var scoreOrder = []string{FieldDescription, FieldPhone, FieldName, FieldCompany, FieldEmail,
	FieldAddress, FieldAvailability, FieldDate, FieldReferences, FieldContact}
