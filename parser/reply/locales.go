package reply

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The words mail clients write around quoted history, in the languages our
// complainants' and handlers' clients use. The lists were drawn up from what
// the public multi-language reply parsers recognise (crisp-oss
// email-reply-parser's locales, discourse's email_reply_trimmer, mailgun
// talon) and from the clients' own localisations; the code is ours.

// originalMessage are the words of a "-----Original Message-----" line.
var originalMessage = map[string]bool{
	"original message":             true,
	"oorspronkelijk bericht":       true,
	"oorspronkelijke bericht":      true,
	"origineel bericht":            true,
	"oorspronkelijk e-mailbericht": true,
	"ursprüngliche nachricht":      true,
	"originalnachricht":            true,
	"message d'origine":            true,
	"message original":             true,
	"mensaje original":             true,
	"messaggio originale":          true,
	"mensagem original":            true,
	"mensagem de origem":           true,
	"reply message":                true,
	"original":                     true,
	"oprindelig meddelelse":        true,
	"oprindelig besked":            true,
	"opprinnelig melding":          true,
	"opprinnelig e-post":           true,
	"ursprungligt meddelande":      true,
	"ursprungligt mejl":            true,
	"alkuperäinen viesti":          true,
	"wiadomość oryginalna":         true,
	"oryginalna wiadomość":         true,
	"исходное сообщение":           true,
	"оригинальное сообщение":       true,
	"původní zpráva":               true,
	"eredeti üzenet":               true,
}

// forwardMessage are the words of a forwarded-message marker.
var forwardMessage = map[string]bool{
	"forwarded message":                     true,
	"doorgestuurd bericht":                  true,
	"begin forwarded message":               true,
	"begin doorgestuurd bericht":            true,
	"weitergeleitete nachricht":             true,
	"anfang der weitergeleiteten nachricht": true,
	"message transféré":                     true,
	"début du message réexpédié":            true,
	"mensaje reenviado":                     true,
	"messaggio inoltrato":                   true,
	"inizio messaggio inoltrato":            true,
	"mensagem encaminhada":                  true,
	"videresendt meddelelse":                true,
	"videresendt melding":                   true,
	"vidarebefordrat meddelande":            true,
	"välitetty viesti":                      true,
	"wiadomość przekazana":                  true,
	"przekazana wiadomość":                  true,
	"пересылаемое сообщение":                true,
	"пересланное сообщение":                 true,
}

// fieldNames maps the header names clients write above quoted history, in
// the languages we meet, to what they mean. "Sent"/"Verzonden" count as a
// date.
var fieldNames = map[string]Field{
	// From
	"from": FieldFrom, "van": FieldFrom, "von": FieldFrom, "de": FieldFrom,
	"fra": FieldFrom, "från": FieldFrom, "от": FieldFrom, "afzender": FieldFrom,
	"da": FieldFrom, "od": FieldFrom, "lähettäjä": FieldFrom, "absender": FieldFrom,
	"expéditeur": FieldFrom, "remitente": FieldFrom, "mittente": FieldFrom,
	// To
	"to": FieldTo, "aan": FieldTo, "an": FieldTo, "à": FieldTo, "til": FieldTo,
	"till": FieldTo, "para": FieldTo, "кому": FieldTo, "ontvanger": FieldTo,
	"a": FieldTo, "do": FieldTo, "vastaanottaja": FieldTo, "destinataire": FieldTo,
	// Cc
	"cc": FieldCc, "bcc": FieldCc, "kopie": FieldCc, "kopia": FieldCc,
	"копия": FieldCc, "kopio": FieldCc,
	// Subject
	"subject": FieldSubject, "onderwerp": FieldSubject, "betreff": FieldSubject,
	"objet": FieldSubject, "emne": FieldSubject, "ämne": FieldSubject,
	"asunto": FieldSubject, "тема": FieldSubject, "oggetto": FieldSubject,
	"assunto": FieldSubject, "temat": FieldSubject, "aihe": FieldSubject,
	// Date
	"date": FieldDate, "datum": FieldDate, "sent": FieldDate, "verzonden": FieldDate,
	"verstuurd": FieldDate, "gesendet": FieldDate, "envoyé": FieldDate,
	"sendt": FieldDate, "skickat": FieldDate, "enviado": FieldDate,
	"отправлено": FieldDate, "дата": FieldDate, "inviato": FieldDate,
	"data": FieldDate, "dato": FieldDate, "fecha": FieldDate, "wysłano": FieldDate,
	"wysłane": FieldDate, "lähetetty": FieldDate, "päivämäärä": FieldDate,
	"enviado el": FieldDate, "enviada em": FieldDate, "enviado em": FieldDate,
	"envoyé le": FieldDate, "gesendet am": FieldDate, "sent on": FieldDate,
	"inviato il": FieldDate,
	// Further lines of a block
	"reply-to": FieldOther, "beantwoorden": FieldOther, "antwoord aan": FieldOther,
	"importance": FieldOther, "urgentie": FieldOther, "prioriteit": FieldOther,
	"attachments": FieldOther, "bijlagen": FieldOther, "wichtigkeit": FieldOther,
	"anlagen": FieldOther, "pièces jointes": FieldOther,
}

// openers are the first words of quote headers: "On …", "Op …", "Am …",
// "Le …", "El …", "Il …", "Em …", "Den …", "På …", "Vào …", "W dniu …",
// "Dnia …", "In data …".
var openers = map[string]bool{
	"on": true, "op": true, "am": true, "le": true, "el": true, "il": true,
	"em": true, "den": true, "på": true, "vào": true, "w": true, "dnia": true,
	"in": true,
}

// weekdays are weekday abbreviations a date-first header starts with
// ("pe 20. lokakuuta 2017 klo 17.50 …", "ons. 3. jan. 2024 kl. 10.00
// skrev …", "ср, 12 мая 2021 г. в 10:00, …").
var weekdays = map[string]bool{
	// en, nl, de, fr
	"mon": true, "tue": true, "wed": true, "thu": true, "fri": true, "sat": true, "sun": true,
	"ma": true, "di": true, "wo": true, "vr": true, "za": true, "zo": true,
	"mo": true, "mi": true, "fr": true, "sa": true, "so": true,
	"lun": true, "mar": true, "mer": true, "jeu": true, "ven": true, "sam": true, "dim": true,
	// fi
	"ti": true, "ke": true, "to": true, "pe": true, "la": true, "su": true,
	// da, no, sv
	"man": true, "tir": true, "ons": true, "tor": true, "fre": true, "lør": true, "søn": true,
	"mån": true, "tis": true, "tors": true, "lör": true, "sön": true,
	// es, it, pt, pl
	"lu": true, "mié": true, "jue": true, "vie": true, "sáb": true, "dom": true,
	"gio": true, "seg": true, "ter": true, "qua": true, "qui": true, "sex": true,
	"pon": true, "wt": true, "śr": true, "czw": true, "pt": true, "sob": true, "nd": true,
	// ru
	"пн": true, "вт": true, "ср": true, "чт": true, "пт": true, "сб": true, "вс": true,
}

// endVerbs end a quote header (before the colon).
var endVerbs = []string{
	"wrote", "sent", "schreef", "geschreven", "écrit", "ecrit", "schrieb", "skrev",
	"napisał", "napisal", "napisała", "napisał(a)", "pisze", "escribió", "escribio",
	"escreveu", "scritto", "scrisse", "viết", "написал", "написала", "написал(а)",
	"пишет", "kirjoitti", "yazdı", "írta", "napsal", "napsala", "a scris",
}

// midVerbs stand before the name: "Op … schreef Sanne <sanne@…>:",
// "Name <addr> schrieb am So., 23. Juni 2024, 21:08:".
var midVerbs = []string{" schreef ", " schrieb ", " wrote ", " skrev ", " escribió ",
	" a écrit ", " ha scritto ", " escreveu ", " napisał ", " pisze ", " kirjoitti "}

// mobilePrefixes start the one-line signatures mail apps add.
var mobilePrefixes = []string{
	"sent from ", "sent with ", "sent via ", "sent using ", "sent on the go",
	"verzonden vanaf ", "verzonden vanuit ", "verzonden met ", "verzonden via ",
	"verstuurd vanaf ", "verstuurd vanuit ", "verstuurd met ", "verstuurd via ",
	"get outlook for ", "download outlook for ", "outlook voor ", "von meinem ",
	"gesendet von ", "gesendet mit ", "holen sie sich outlook für ",
	"envoyé de mon ", "envoyé depuis ", "envoyé à partir de ", "télécharger outlook pour ",
	"enviado desde mi ", "enviado desde ", "enviado do meu ", "enviado de meu ", "enviado a partir do ",
	"descargar outlook para ", "obtener outlook para ", "baixe o outlook para ",
	"inviato da ", "inviato dal mio ", "scarica outlook per ",
	"wysłane z ", "wysłano z ", "skickat från ", "skickades från ", "sendt fra ",
	"lähetetty ", "отправлено с ", "отправлено из ",
}

// listFooters start the footer a mailing list or group puts under a mail.
var listFooters = []string{
	"you received this message because you are subscribed",
	"you are receiving this because you are subscribed",
	"you received this email because you are subscribed",
	"to unsubscribe from this group",
	"to unsubscribe from this list",
	"je ontvangt dit bericht omdat je bent geabonneerd",
	"u ontvangt dit bericht omdat u bent geabonneerd",
	"sie erhalten diese nachricht, weil sie",
	"vous recevez ce message car vous êtes abonné",
	"has recibido este mensaje porque estás suscrito",
}

// isListFooter reports the first line of a mailing-list footer: a known
// opening with little text after it (a footer ends the mail).
func isListFooter(l string, after []string) bool {
	t := strings.ToLower(strings.TrimSpace(l))
	if len(t) < 20 {
		return false
	}
	found := false
	for _, p := range listFooters {
		if strings.HasPrefix(t, p) {
			found = true
			break
		}
	}
	if !found {
		return false
	}
	n := 0
	for _, a := range after {
		if strings.TrimSpace(a) != "" {
			if n++; n > 8 {
				return false
			}
		}
	}
	return true
}

// greetings are the first words of a greeting line ("Hallo Jan,").
var greetings = map[string]bool{
	"hi": true, "hello": true, "hey": true, "dear": true, "hallo": true, "hoi": true,
	"beste": true, "geachte": true, "goedemorgen": true, "goedemiddag": true, "goedenavond": true,
	"liebe": true, "lieber": true, "guten": true, "bonjour": true, "bonsoir": true, "salut": true,
	"hej": true, "hei": true, "ciao": true, "buongiorno": true, "hola": true, "olá": true, "ola": true,
	"cześć": true, "dzień": true, "здравствуйте": true, "привет": true, "moi": true,
}

// OnlyGreeting reports a reply text that says nothing yet: empty, or one
// short greeting line ("Hallo,", "Dear Sir,").
func OnlyGreeting(out []string) bool {
	var lines []string
	for _, l := range out {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	if len(lines) == 0 {
		return true
	}
	if len(lines) > 1 || utf8.RuneCountInString(lines[0]) > 40 {
		return false
	}
	l := lines[0]
	words := strings.FieldsFunc(l, func(r rune) bool { return !unicode.IsLetter(r) })
	if len(words) == 0 {
		return true // only marks and digits
	}
	w := strings.ToLower(words[0])
	// "Hello" alone may be the whole answer; "Hallo Jan," or "Geachte
	// heer," opens a letter whose text is missing.
	return salutations[w] || greetings[w] && strings.HasSuffix(l, ",")
}

// salutations open a letter, never end one.
var salutations = map[string]bool{
	"dear": true, "beste": true, "geachte": true, "liebe": true, "lieber": true, "sehr": true,
	"cher": true, "chère": true, "madame": true, "monsieur": true, "estimado": true, "estimada": true,
	"caro": true, "cara": true, "gentile": true, "prezado": true, "prezada": true, "szanowny": true,
	"szanowna": true, "уважаемый": true, "уважаемая": true,
}

// wholeNewPart is the reply when stripping left nothing (or only a
// greeting): every unquoted line of the mail, without the quote header,
// separator or header block the history starts with. When that is nothing
// either (nothing was written above a quote), out stays as it is.
func wholeNewPart(s splitResult, out []string) []string {
	var keep []string
	lines, kinds := s.lines, s.kinds
	for i := 0; i < len(lines); i++ {
		if kinds[i] == kindQuote || kinds[i] == kindAttr {
			continue
		}
		l := lines[i]
		if isSeparatorLine(l) || isOriginalMessage(l) || isForwardMarker(l) || isSignatureDelimiter(l) {
			continue
		}
		if f, _ := HeaderField(l); f != FieldNone {
			continue
		}
		if kinds[i] == kindText {
			if end, _, _, ok := quoteHeaderAt(lines, i); ok {
				i = end
				continue
			}
		}
		keep = append(keep, l)
	}
	keep = cleanup(keep)
	var mobileless []string
	for _, l := range keep {
		if !isMobileSignature(l) {
			mobileless = append(mobileless, l)
		}
	}
	keep = cleanup(mobileless)
	if OnlyGreeting(keep) || len(strings.Join(keep, "")) <= len(strings.Join(out, "")) {
		return out
	}
	// One blank line at most between passages.
	var res []string
	for _, l := range keep {
		if l == "" && len(res) > 0 && res[len(res)-1] == "" {
			continue
		}
		res = append(res, l)
	}
	return res
}

// dateFirst reports a quote header that starts with its date rather
// than an opener word: a number ("2014-10-17 11:28 …", "04.07.2024 …") or
// a weekday abbreviation ("pe 20. lokakuuta …", "ср, 12 мая …").
func dateFirst(lower string) bool {
	w := lower
	if i := strings.IndexAny(w, " \t,"); i >= 0 {
		w = w[:i]
	}
	if w == "" {
		return false
	}
	if c := w[0]; c >= '0' && c <= '9' {
		return true
	}
	return weekdays[strings.TrimSuffix(w, ".")]
}

// hasDottedTime reports a time written with a dot after the word for
// "at" (Finnish "klo 17.50", Scandinavian "kl. 10.00").
func hasDottedTime(lower string) bool {
	for _, at := range []string{"klo ", "kl. ", "kl ", "kello "} {
		i := strings.Index(lower, at)
		if i < 0 {
			continue
		}
		r := lower[i+len(at):]
		if len(r) >= 4 && isDigit(r[0]) && (r[1] == '.' && isDigit(r[2]) && isDigit(r[3]) ||
			len(r) >= 5 && isDigit(r[1]) && r[2] == '.' && isDigit(r[3]) && isDigit(r[4])) {
			return true
		}
	}
	return false
}
