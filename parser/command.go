package parser

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseCommand finds a `#command` on the first non-empty line of a reply's
// new text. It returns the command (nil when there is none) and the text
// without the command line.
//
// The word is matched case-insensitively against the Dutch and English
// names (procedure.md, "Handler and management commands"); any other word
// that starts with a letter gives Name "unknown", so that the sender can be
// answered with CommandList. "#1", "# kop" and "#" are not commands. Args is
// the rest of the line, trimmed (a colon right after the word is dropped:
// "#info: wat is uw adres?"). The returned text starts at the first
// non-blank line after the command line.
func ParseCommand(reply string) (*Command, string) {
	rest := reply
	var line string
	for {
		var ok bool
		line, rest, ok = strings.Cut(rest, "\n")
		if strings.TrimFunc(line, cmdBlank) != "" {
			break
		}
		if !ok {
			return nil, reply
		}
	}
	// Invisible marks some clients put first: a byte order mark (iOS), a
	// zero-width space or direction mark (Outlook, pasted text).
	t := strings.TrimFunc(line, cmdBlank)
	// A client that turns bold into stars: "*#reactie*".
	if strings.HasPrefix(t, "*#") {
		t = strings.TrimLeft(t, "*")
	}
	if !strings.HasPrefix(t, "#") {
		return nil, reply
	}
	t = t[1:]
	r, _ := utf8.DecodeRuneInString(t)
	if !unicode.IsLetter(r) {
		return nil, reply
	}
	end := strings.IndexFunc(t, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_'
	})
	if end < 0 {
		end = len(t)
	}
	word := strings.ToLower(t[:end])
	args := strings.TrimLeft(t[end:], "*")
	args = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(args), ":"))
	name := cmdByWord[word]
	if name == "" {
		name = "unknown"
	}
	return &Command{Name: name, Word: word, Args: args}, cmdTrimLeadingBlank(rest)
}

// cmdBlank reports white space and the invisible marks some clients put
// in front of text: a byte order mark (iOS), zero-width spaces and joiners,
// direction marks (Outlook, pasted text).
func cmdBlank(r rune) bool {
	switch r {
	case '\ufeff', '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2060':
		return true
	}
	return unicode.IsSpace(r)
}

// cmdTrimLeadingBlank drops the blank lines at the start of s.
func cmdTrimLeadingBlank(s string) string {
	for s != "" {
		line, rest, ok := strings.Cut(s, "\n")
		if strings.TrimFunc(line, cmdBlank) != "" {
			return s
		}
		if !ok {
			return ""
		}
		s = rest
	}
	return s
}

// cmdInfo describes one command: its canonical (English) name, its Dutch
// word, and what it does in both languages.
type cmdInfo struct {
	name, nl       string
	argsNL, argsEN string
	helpNL, helpEN string
}

// cmdTable is the command table of procedure.md, in its order.
var cmdTable = []cmdInfo{
	{name: "info", nl: "info", argsNL: "vraag", argsEN: "question",
		helpNL: "vraag de indiener om aanvullende informatie",
		helpEN: "ask the complainant for more information"},
	{name: "delay", nl: "vertraging", argsNL: "N reden", argsEN: "N reason",
		helpNL: "vertragingsbericht: de termijn wordt N werkdagen langer; de indiener krijgt bericht met de reden",
		helpEN: "delay notice: the term becomes N working days longer; the complainant is told why"},
	{name: "response", nl: "reactie", argsNL: "tekst", argsEN: "text",
		helpNL: "de inhoudelijke reactie; daarna begint de bezwaartermijn",
		helpEN: "the substantive response; the objection window starts"},
	{name: "note", nl: "notitie", argsNL: "tekst", argsEN: "text",
		helpNL: "interne notitie, gaat niet naar de indiener",
		helpEN: "internal note, never sent to the complainant"},
	{name: "assign", nl: "toewijzen", argsNL: "naam", argsEN: "name",
		helpNL: "een andere behandelaar; de indiener hoort wie de klacht nu behandelt",
		helpEN: "a new handler; the complainant is told who is handling it now"},
	{name: "objection", nl: "bezwaar",
		helpNL: "markeer het laatste bericht van de indiener als bezwaar",
		helpEN: "mark the complainant's last message as an objection"},
	{name: "meeting", nl: "gesprek", argsNL: "datum tijd [plaats]", argsEN: "date time [place]",
		helpNL: "uitnodiging van de directie voor een gesprek (met agenda-bijlage)",
		helpEN: "management's invitation to a conversation (with a calendar attachment)"},
	{name: "record", nl: "verslag", argsNL: "opgelost|onopgelost", argsEN: "opgelost|onopgelost",
		helpNL: "schriftelijk verslag van het gesprek aan de indiener; sluit de klacht",
		helpEN: "written record of the conversation to the complainant; closes the complaint"},
	{name: "close", nl: "sluiten", argsNL: "reden", argsEN: "reason",
		helpNL: "sluit de klacht",
		helpEN: "close the complaint"},
	{name: "withdrawn", nl: "ingetrokken", argsNL: "", argsEN: "",
		helpNL: "de indiener heeft de klacht ingetrokken; sluit de klacht",
		helpEN: "the complainant withdrew the complaint; closes it"},
	// issue 10 item 4: another address that may write for the complainant.
	{name: "adduser", nl: "toevoegen", argsNL: "e-mailadres", argsEN: "address",
		helpNL: "dit adres mag voortaan namens de indiener schrijven (aanvullen, corrigeren, bezwaar maken)",
		helpEN: "let this address write on the complainant's behalf (complete, correct, object)"},
	{name: "change", nl: "wijzig", argsNL: "veld waarde", argsEN: "field value",
		helpNL: "corrigeer een gegeven van de klacht, bijvoorbeeld #wijzig telefoon 010-7654321",
		helpEN: "correct a detail of the complaint, e.g. #change phone 010-7654321"},
	{name: "hold", nl: "bewaren", argsNL: "reden | opheffen", argsEN: "reason | release",
		helpNL: "bewaarplicht (bijv. een rechtszaak): de klacht wordt niet gewist na de bewaartermijn",
		helpEN: "legal hold (e.g. a court case): the complaint is not erased after the retention term"},
	{name: "category", nl: "categorie", argsNL: "naam", argsEN: "name",
		helpNL: "geef de klacht een categorie voor het jaaroverzicht (de lijst staat in de instellingen)",
		helpEN: "give the complaint a category for the yearly report (the list is in the settings)"},
}

// cmdByWord maps every accepted word (lower case, without '#') to the
// canonical name.
var cmdByWord = func() map[string]string {
	m := map[string]string{}
	for _, c := range cmdTable {
		m[c.name] = c.name
		m[c.nl] = c.name
	}
	return m
}()

// CommandList returns the commands, one line each with its arguments and a
// short description, in Dutch ("nl", the default) or English ("en"); used
// to answer an unknown command. Dutch lines name the Dutch word first, with
// the English one in brackets, and English lines the other way round.
func CommandList(lang string) []string {
	out := make([]string, 0, len(cmdTable))
	for _, c := range cmdTable {
		first, second, args, help := c.nl, c.name, c.argsNL, c.helpNL
		if lang == "en" {
			first, second, args, help = c.name, c.nl, c.argsEN, c.helpEN
		}
		l := "#" + first
		if second != first {
			l += " (#" + second + ")"
		}
		if args != "" {
			l += " " + args
		}
		out = append(out, l+" — "+help)
	}
	return out
}
