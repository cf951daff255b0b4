package parser

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// months maps Dutch and English month names and their usual
// abbreviations to month numbers.
var months = map[string]time.Month{
	"januari": 1, "jan": 1, "january": 1,
	"februari": 2, "feb": 2, "febr": 2, "february": 2,
	"maart": 3, "mrt": 3, "mar": 3, "march": 3, "maa": 3,
	"april": 4, "apr": 4,
	"mei": 5, "may": 5,
	"juni": 6, "jun": 6, "june": 6,
	"juli": 7, "jul": 7, "july": 7,
	"augustus": 8, "aug": 8, "august": 8,
	"september": 9, "sep": 9, "sept": 9,
	"oktober": 10, "okt": 10, "oct": 10, "october": 10,
	"november": 11, "nov": 11,
	"december": 12, "dec": 12,
}

// weekdays are the Dutch and English day names and abbreviations that may
// precede a date ("maandag 23 november 2026", "Mon, 23 Nov 2026").
var weekdays = map[string]bool{
	"maandag": true, "dinsdag": true, "woensdag": true, "donderdag": true, "vrijdag": true,
	"zaterdag": true, "zondag": true, "ma": true, "di": true, "wo": true, "do": true, "vr": true,
	"za": true, "zo": true, "monday": true, "tuesday": true, "wednesday": true, "thursday": true,
	"friday": true, "saturday": true, "sunday": true, "mon": true, "tue": true, "tues": true,
	"wed": true, "thu": true, "thur": true, "thurs": true, "fri": true, "sat": true, "sun": true,
}

var (
	numDateRe  = regexp.MustCompile(`^(\d{1,2})\s*([-./])\s*(\d{1,2})\s*[-./]\s*(\d{2}|\d{4})$`)
	isoDateRe  = regexp.MustCompile(`^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})$`)
	dmyNameRe  = regexp.MustCompile(`^(\d{1,2})(?:e|ste|de|st|nd|rd|th)?\s*[ .\-]\s*([\p{L}]+)\.?\s*[ .\-,]\s*(\d{4})$`)
	mdyNameRe  = regexp.MustCompile(`^([\p{L}]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(\d{4})$`)
	timeTailRe = regexp.MustCompile(`(?i)(?:\s*[,\-]\s*|\s+(?:om|at)\s+|\s+)\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:uur|u|am|pm|h)?\s*(?:\(?[a-z]{3,4}\)?|[+-]\d{2}:?\d{2}|z)?$`)
	leadWordRe = regexp.MustCompile(`^([\p{L}]+)\.?,?\s+`)
)

// parseDate reads a date as written in a form: 23-11-2026, 23.11.2026,
// 23/11/2026, 23 november 2026, 5 dec. 2026, 2026-11-23, November 23, 2026,
// with an optional weekday before and time after. It returns YYYY-MM-DD, or
// ok=false.
func parseDate(s string) (string, bool) {
	d, ok, _ := parseDateShape(s)
	return d, ok
}

// parseDateShape is parseDate that also tells whether s has the shape of a
// date (shaped) when it is none: "31-02-2026" is shaped but does not exist.
func parseDateShape(s string) (date string, ok, shaped bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, "\u00a0", " ")
	s = spaceRe.ReplaceAllString(s, " ")
	if len(s) > 60 {
		return "", false, false
	}
	// ISO 8601 with time: 2026-11-23T10:00:00Z.
	if i := strings.IndexByte(s, 't'); i == 10 && isoDateRe.MatchString(s[:10]) {
		s = s[:10]
	}
	if m := leadWordRe.FindStringSubmatch(s); m != nil && weekdays[m[1]] {
		s = s[len(m[0]):]
	}
	s = strings.TrimSpace(timeTailRe.ReplaceAllString(s, ""))
	s = strings.TrimRight(s, ".,")
	if m := isoDateRe.FindStringSubmatch(s); m != nil {
		d, ok := mkDate(m[1], m[2], m[3])
		return d, ok, true
	}
	if m := numDateRe.FindStringSubmatch(s); m != nil {
		y := m[4]
		if len(y) == 2 {
			y = "20" + y
		}
		if d, ok := mkDate(y, m[3], m[1]); ok {
			return d, true, true
		}
		// QUIRK: an English form may send 11/23/2026 (month first); take
		// it when day-first cannot be a date.
		if n, _ := strconv.Atoi(m[3]); m[2] == "/" && n > 12 {
			d, ok := mkDate(y, m[1], m[3])
			return d, ok, true
		}
		return "", false, true
	}
	if m := dmyNameRe.FindStringSubmatch(s); m != nil {
		if mo, ok := months[m[2]]; ok {
			d, ok := mkDate(m[3], strconv.Itoa(int(mo)), m[1])
			return d, ok, true
		}
	}
	if m := mdyNameRe.FindStringSubmatch(s); m != nil {
		if mo, ok := months[m[1]]; ok {
			d, ok := mkDate(m[3], strconv.Itoa(int(mo)), m[2])
			return d, ok, true
		}
	}
	return "", false, false
}

func mkDate(ys, ms, ds string) (string, bool) {
	y, err1 := strconv.Atoi(ys)
	mo, err2 := strconv.Atoi(ms)
	d, err3 := strconv.Atoi(ds)
	if err1 != nil || err2 != nil || err3 != nil || y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 || d > 31 {
		return "", false
	}
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != mo {
		return "", false // 31-02-2026 does not exist
	}
	return t.Format("2006-01-02"), true
}
