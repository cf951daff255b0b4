package parser

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

// rpOriginalMessage are the words of a "-----Original Message-----" line.
var rpOriginalMessage = map[string]bool{
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

// rpForwardMessage are the words of a forwarded-message marker.
var rpForwardMessage = map[string]bool{
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

// rpFieldNames maps the header names clients write above quoted history, in
// the languages we meet, to what they mean. "Sent"/"Verzonden" count as a
// date.
var rpFieldNames = map[string]rpField{
	// From
	"from": rpFieldFrom, "van": rpFieldFrom, "von": rpFieldFrom, "de": rpFieldFrom,
	"fra": rpFieldFrom, "från": rpFieldFrom, "от": rpFieldFrom, "afzender": rpFieldFrom,
	"da": rpFieldFrom, "od": rpFieldFrom, "lähettäjä": rpFieldFrom, "absender": rpFieldFrom,
	"expéditeur": rpFieldFrom, "remitente": rpFieldFrom, "mittente": rpFieldFrom,
	// To
	"to": rpFieldTo, "aan": rpFieldTo, "an": rpFieldTo, "à": rpFieldTo, "til": rpFieldTo,
	"till": rpFieldTo, "para": rpFieldTo, "кому": rpFieldTo, "ontvanger": rpFieldTo,
	"a": rpFieldTo, "do": rpFieldTo, "vastaanottaja": rpFieldTo, "destinataire": rpFieldTo,
	// Cc
	"cc": rpFieldCc, "bcc": rpFieldCc, "kopie": rpFieldCc, "kopia": rpFieldCc,
	"копия": rpFieldCc, "kopio": rpFieldCc,
	// Subject
	"subject": rpFieldSubject, "onderwerp": rpFieldSubject, "betreff": rpFieldSubject,
	"objet": rpFieldSubject, "emne": rpFieldSubject, "ämne": rpFieldSubject,
	"asunto": rpFieldSubject, "тема": rpFieldSubject, "oggetto": rpFieldSubject,
	"assunto": rpFieldSubject, "temat": rpFieldSubject, "aihe": rpFieldSubject,
	// Date
	"date": rpFieldDate, "datum": rpFieldDate, "sent": rpFieldDate, "verzonden": rpFieldDate,
	"verstuurd": rpFieldDate, "gesendet": rpFieldDate, "envoyé": rpFieldDate,
	"sendt": rpFieldDate, "skickat": rpFieldDate, "enviado": rpFieldDate,
	"отправлено": rpFieldDate, "дата": rpFieldDate, "inviato": rpFieldDate,
	"data": rpFieldDate, "dato": rpFieldDate, "fecha": rpFieldDate, "wysłano": rpFieldDate,
	"wysłane": rpFieldDate, "lähetetty": rpFieldDate, "päivämäärä": rpFieldDate,
	"enviado el": rpFieldDate, "enviada em": rpFieldDate, "enviado em": rpFieldDate,
	"envoyé le": rpFieldDate, "gesendet am": rpFieldDate, "sent on": rpFieldDate,
	"inviato il": rpFieldDate,
	// Further lines of a block
	"reply-to": rpFieldOther, "beantwoorden": rpFieldOther, "antwoord aan": rpFieldOther,
	"importance": rpFieldOther, "urgentie": rpFieldOther, "prioriteit": rpFieldOther,
	"attachments": rpFieldOther, "bijlagen": rpFieldOther, "wichtigkeit": rpFieldOther,
	"anlagen": rpFieldOther, "pièces jointes": rpFieldOther,
}

// rpOpeners are the first words of quote headers: "On …", "Op …", "Am …",
// "Le …", "El …", "Il …", "Em …", "Den …", "På …", "Vào …", "W dniu …",
// "Dnia …", "In data …".
var rpOpeners = map[string]bool{
	"on": true, "op": true, "am": true, "le": true, "el": true, "il": true,
	"em": true, "den": true, "på": true, "vào": true, "w": true, "dnia": true,
	"in": true,
}

// rpWeekdays are weekday abbreviations a date-first header starts with
// ("pe 20. lokakuuta 2017 klo 17.50 …", "ons. 3. jan. 2024 kl. 10.00
// skrev …", "ср, 12 мая 2021 г. в 10:00, …").
var rpWeekdays = map[string]bool{
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

// rpEndVerbs end a quote header (before the colon).
var rpEndVerbs = []string{
	"wrote", "sent", "schreef", "geschreven", "écrit", "ecrit", "schrieb", "skrev",
	"napisał", "napisal", "napisała", "napisał(a)", "pisze", "escribió", "escribio",
	"escreveu", "scritto", "scrisse", "viết", "написал", "написала", "написал(а)",
	"пишет", "kirjoitti", "yazdı", "írta", "napsal", "napsala", "a scris",
}

// rpMidVerbs stand before the name: "Op … schreef Sanne <sanne@…>:",
// "Name <addr> schrieb am So., 23. Juni 2024, 21:08:".
var rpMidVerbs = []string{" schreef ", " schrieb ", " wrote ", " skrev ", " escribió ",
	" a écrit ", " ha scritto ", " escreveu ", " napisał ", " pisze ", " kirjoitti "}

// rpMobilePrefixes start the one-line signatures mail apps add.
var rpMobilePrefixes = []string{
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

// rpListFooters start the footer a mailing list or group puts under a mail.
var rpListFooters = []string{
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

// rpIsListFooter reports the first line of a mailing-list footer: a known
// opening with little text after it (a footer ends the mail).
func rpIsListFooter(l string, after []string) bool {
	t := strings.ToLower(strings.TrimSpace(l))
	if len(t) < 20 {
		return false
	}
	found := false
	for _, p := range rpListFooters {
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

// rpGreetings are the first words of a greeting line ("Hallo Jan,").
var rpGreetings = map[string]bool{
	"hi": true, "hello": true, "hey": true, "dear": true, "hallo": true, "hoi": true,
	"beste": true, "geachte": true, "goedemorgen": true, "goedemiddag": true, "goedenavond": true,
	"liebe": true, "lieber": true, "guten": true, "bonjour": true, "bonsoir": true, "salut": true,
	"hej": true, "hei": true, "ciao": true, "buongiorno": true, "hola": true, "olá": true, "ola": true,
	"cześć": true, "dzień": true, "здравствуйте": true, "привет": true, "moi": true,
}

// rpOnlyGreeting reports a reply text that says nothing yet: empty, or one
// short greeting line ("Hallo,", "Dear Sir,").
func rpOnlyGreeting(out []string) bool {
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
	return rpSalutations[w] || rpGreetings[w] && strings.HasSuffix(l, ",")
}

// rpSalutations open a letter, never end one.
var rpSalutations = map[string]bool{
	"dear": true, "beste": true, "geachte": true, "liebe": true, "lieber": true, "sehr": true,
	"cher": true, "chère": true, "madame": true, "monsieur": true, "estimado": true, "estimada": true,
	"caro": true, "cara": true, "gentile": true, "prezado": true, "prezada": true, "szanowny": true,
	"szanowna": true, "уважаемый": true, "уважаемая": true,
}

// rpWholeNewPart is the reply when stripping left nothing (or only a
// greeting): every unquoted line of the mail, without the quote header,
// separator or header block the history starts with. When that is nothing
// either (nothing was written above a quote), out stays as it is.
func rpWholeNewPart(s rpSplitResult, out []string) []string {
	var keep []string
	lines, kinds := s.lines, s.kinds
	for i := 0; i < len(lines); i++ {
		if kinds[i] == rpQuote || kinds[i] == rpAttr {
			continue
		}
		l := lines[i]
		if rpIsSeparatorLine(l) || rpIsOriginalMessage(l) || rpIsForwardMarker(l) || rpIsSignatureDelimiter(l) {
			continue
		}
		if f, _ := rpHeaderField(l); f != rpFieldNone {
			continue
		}
		if kinds[i] == rpText {
			if end, _, _, ok := rpQuoteHeaderAt(lines, i); ok {
				i = end
				continue
			}
		}
		keep = append(keep, l)
	}
	keep = rpCleanup(keep)
	var mobileless []string
	for _, l := range keep {
		if !rpIsMobileSignature(l) {
			mobileless = append(mobileless, l)
		}
	}
	keep = rpCleanup(mobileless)
	if rpOnlyGreeting(keep) || len(strings.Join(keep, "")) <= len(strings.Join(out, "")) {
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

// rpDateFirst reports a quote header that starts with its date rather
// than an opener word: a number ("2014-10-17 11:28 …", "04.07.2024 …") or
// a weekday abbreviation ("pe 20. lokakuuta …", "ср, 12 мая …").
func rpDateFirst(lower string) bool {
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
	return rpWeekdays[strings.TrimSuffix(w, ".")]
}

// rpHasDottedTime reports a time written with a dot after the word for
// "at" (Finnish "klo 17.50", Scandinavian "kl. 10.00").
func rpHasDottedTime(lower string) bool {
	for _, at := range []string{"klo ", "kl. ", "kl ", "kello "} {
		i := strings.Index(lower, at)
		if i < 0 {
			continue
		}
		r := lower[i+len(at):]
		if len(r) >= 4 && rpDigit(r[0]) && (r[1] == '.' && rpDigit(r[2]) && rpDigit(r[3]) ||
			len(r) >= 5 && rpDigit(r[1]) && r[2] == '.' && rpDigit(r[3]) && rpDigit(r[4])) {
			return true
		}
	}
	return false
}
