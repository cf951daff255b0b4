package templates

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // letters show Europe/Amsterdam dates on any machine.
	"unicode"
)

var amsterdam = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(fmt.Sprintf("templates: load Europe/Amsterdam: %v", err)) // cannot happen: tzdata is embedded
	}
	return loc
})

var (
	monthsNL = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
		"augustus", "september", "oktober", "november", "december"}
	weekdaysNL = [...]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"}
)

// words holds the few words the template functions write themselves.
type words struct {
	none, unknown, at, yes, no string
	workday, workdays          string
	states                     map[string]string
}

var lexicon = map[string]words{
	"nl": {none: "geen", unknown: "onbekend", at: "om", yes: "ja", no: "nee",
		workday: "werkdag", workdays: "werkdagen",
		states: map[string]string{
			"incomplete": "onvolledig", "open": "in behandeling", "registered": "in behandeling",
			"delayed": "in behandeling (verlengd)", "responded": "beantwoord", "objection": "bezwaar bij de directie",
			"meeting": "gesprek met de directie", "closed": "afgesloten", "lapsed": "vervallen",
			"withdrawn": "ingetrokken"}},
	"en": {none: "none", unknown: "unknown", at: "at", yes: "yes", no: "no",
		workday: "working day", workdays: "working days",
		states: map[string]string{
			"incomplete": "incomplete", "open": "being handled", "registered": "being handled",
			"delayed": "being handled (extended)", "responded": "answered", "objection": "objection to management",
			"meeting": "meeting with management", "closed": "closed", "lapsed": "lapsed",
			"withdrawn": "withdrawn"}},
}

// funcMap returns the template functions for lang. Every function is safe on
// zero values: a zero time prints as "onbekend"/"unknown", never as year 1.
//
//	date t         "21 december 2026" / "21 December 2026" (Europe/Amsterdam)
//	longdate t     "maandag 21 december 2026" / "Monday 21 December 2026"
//	datetime t     "21 december 2026 om 14:30" / "21 December 2026 at 14:30"
//	clock t        "14:30"
//	join list sep  strings.Join
//	lines s        s split into lines, for <br> in HTML
//	upper, lower   case
//	none           "geen" / "none"; use as {{or .X none}}
//	yesno b        "ja"/"nee", "yes"/"no"
//	workdays n     "1 werkdag", "5 werkdagen" / "1 working day", …
//	num f          one decimal, "12,5" in nl, "12.5" in en
//	state s        a state code in words ("open" → "in behandeling")
//	indent p s     every line of s prefixed with p
//	list a b …     a slice, to pass several values to a partial
//	abs n          |n|
//	add a b        a + b (to number a list from 1)
//	size n         a size in bytes in words: "820 bytes", "350 kB", "1,2 MB"
//	formdate s     the form's "2026-11-23" as "23 november 2026"; other text as is
//	sameday a b    a and b fall on the same day in Europe/Amsterdam
func funcMap(lang string) map[string]any {
	w := lexicon[lang]
	return map[string]any{
		"date":     func(t time.Time) string { return formatDate(lang, t, false) },
		"longdate": func(t time.Time) string { return formatDate(lang, t, true) },
		// isodate: 2026-12-21, beside a written date where an English
		// reader (or a script) should not have to guess the order.
		"isodate": func(t time.Time) string {
			if t.IsZero() {
				return w.unknown
			}
			return t.In(amsterdam()).Format("2006-01-02")
		},
		// formdate: the form's date as stored ("2026-11-23") written out
		// like date; anything else (a date that could not be read) as it is.
		"formdate": func(s string) string { return formatFormDate(lang, s) },
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return w.unknown
			}
			return formatDate(lang, t, false) + " " + w.at + " " + t.In(amsterdam()).Format("15:04")
		},
		"clock": func(t time.Time) string {
			if t.IsZero() {
				return w.unknown
			}
			return t.In(amsterdam()).Format("15:04")
		},
		"join":  func(list []string, sep string) string { return strings.Join(list, sep) },
		"lines": lines,
		"list":  func(v ...any) []any { return v },
		"abs": func(n int) int {
			if n < 0 {
				return -n
			}
			return n
		},
		"add":  func(a, b int) int { return a + b },
		"size": func(n int) string { return formatSize(lang, n) },
		"sameday": func(a, b time.Time) bool {
			if a.IsZero() || b.IsZero() {
				return a.IsZero() == b.IsZero()
			}
			a, b = a.In(amsterdam()), b.In(amsterdam())
			return a.Year() == b.Year() && a.YearDay() == b.YearDay()
		},
		"upper": strings.ToUpper,
		"lower": strings.ToLower,
		"none":  func() string { return w.none },
		"yesno": func(b bool) string {
			if b {
				return w.yes
			}
			return w.no
		},
		"workdays": func(n int) string {
			if n == 1 || n == -1 {
				return strconv.Itoa(n) + " " + w.workday
			}
			return strconv.Itoa(n) + " " + w.workdays
		},
		"num": func(f float64) string {
			s := strconv.FormatFloat(f, 'f', 1, 64)
			if lang == "nl" {
				s = strings.Replace(s, ".", ",", 1)
			}
			return s
		},
		"state": func(s string) string {
			if s == "" {
				return w.unknown
			}
			if v, ok := w.states[strings.ToLower(s)]; ok {
				return v
			}
			return s
		},
		"indent": func(prefix, s string) string {
			ls := lines(s)
			for i := range ls {
				ls[i] = prefix + ls[i]
			}
			return strings.Join(ls, "\n")
		},
	}
}

// formatSize writes n bytes the way mail clients show sizes: binary units
// (1 kB = 1024 bytes), one decimal for megabytes unless it is ",0".
func formatSize(lang string, n int) string {
	var s string
	switch {
	case n < 1024:
		return strconv.Itoa(n) + " bytes"
	case n < 1<<20:
		s = strconv.Itoa((n+512)/1024) + " kB"
	default:
		s = strings.TrimSuffix(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".0") + " MB"
	}
	if lang == "nl" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func formatDate(lang string, t time.Time, weekday bool) string {
	if t.IsZero() {
		return lexicon[lang].unknown
	}
	t = t.In(amsterdam())
	if lang == "en" {
		if weekday {
			return t.Format("Monday 2 January 2006")
		}
		return t.Format("2 January 2006")
	}
	s := fmt.Sprintf("%d %s %d", t.Day(), monthsNL[t.Month()-1], t.Year())
	if weekday {
		s = weekdaysNL[t.Weekday()] + " " + s
	}
	return s
}

// Date writes t as a date in lang ("1 december 2026", "1 December 2026"),
// Amsterdam time: the letters' own way, for the report's other renderings.
func Date(lang string, t time.Time) string { return formatDate(lang, t, false) }

// MonthName is the name of month m in lang ("december", "December").
func MonthName(lang string, m time.Month) string {
	if lang == "en" {
		return m.String()
	}
	return monthsNL[m-1]
}

// lines splits s into lines, any line ending; trailing empty lines dropped.
func lines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// stripControl replaces every control character (CR, LF, tab, …) by a space:
// what goes into a header can never start a new header line.
func stripControl(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}

// formatFormDate writes the form's date, stored as "2006-01-02", the way
// date writes a day; text that is no such date is returned as it is.
func formatFormDate(lang, s string) string {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), amsterdam())
	if err != nil {
		return s
	}
	return formatDate(lang, t, false)
}
