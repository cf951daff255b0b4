// Package workdays is the working-day calendar of the complaints procedure:
// Monday to Friday, minus the public holidays of the Algemene termijnenwet
// (art. 3 lid 1) and the company's own closing days, in Europe/Amsterdam.
//
// Dates are time.Time values at 00:00 in Europe/Amsterdam; Day normalises any
// instant to that form. A Calendar is safe for concurrent use.
package workdays

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Amsterdam must load on machines without a zoneinfo database.

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/nl"
)

// Holiday names as shown in Holidays.
const (
	NameClosing = "Sluitingsdag"
)

var amsterdam = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		// Cannot happen: time/tzdata is embedded.
		panic(fmt.Sprintf("workdays: load Europe/Amsterdam: %v", err))
	}
	return loc
})

// Amsterdam returns the Europe/Amsterdam location every date here lives in.
func Amsterdam() *time.Location { return amsterdam() }

// Date returns y-m-d at 00:00 in Europe/Amsterdam.
func Date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, amsterdam())
}

// Day returns 00:00 in Europe/Amsterdam of the date that instant t has in
// Europe/Amsterdam (so 2026-11-23T23:30Z is 24 November).
func Day(t time.Time) time.Time {
	y, m, d := t.In(amsterdam()).Date()
	return Date(y, m, d)
}

// ParseDate parses a YYYY-MM-DD date as 00:00 in Europe/Amsterdam.
func ParseDate(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), amsterdam())
	if err != nil {
		return time.Time{}, fmt.Errorf("parse date %q (want YYYY-MM-DD): %w", s, err)
	}
	return t, nil
}

// lawHolidays are the days of art. 3 lid 1 Algemene termijnenwet. Goede
// Vrijdag is not among them (nl.Holidays has it; a company may add it as a
// closing day). Bevrijdingsdag counts every year under this law, not only
// every fifth year as for collective labour agreements, so it is defined here
// rather than taken on trust from the nl package.
var lawHolidays = []*cal.Holiday{
	nl.Nieuwjaar.Clone(&cal.Holiday{Name: "Nieuwjaarsdag"}),
	nl.TweedePaasdag.Clone(&cal.Holiday{Name: "Tweede Paasdag"}),
	// 27 April; 26 April when 27 April is a Sunday (always a Saturday then).
	nl.Koningsdag.Clone(&cal.Holiday{Name: "Koningsdag"}),
	{Name: "Bevrijdingsdag", Month: time.May, Day: 5, Func: cal.CalcDayOfMonth, Type: cal.ObservancePublic},
	nl.Hemelvaart.Clone(&cal.Holiday{Name: "Hemelvaartsdag"}),
	nl.TweedePinksterDag.Clone(&cal.Holiday{Name: "Tweede Pinksterdag"}),
	nl.EersteKerstdag.Clone(&cal.Holiday{Name: "Eerste Kerstdag"}),
	nl.TweedeKerstdag.Clone(&cal.Holiday{Name: "Tweede Kerstdag"}),
}

// Holiday is a non-working weekday.
type Holiday struct {
	Date time.Time // 00:00 Europe/Amsterdam
	Name string    // e.g. "Tweede Paasdag", or "Sluitingsdag" for a closing day
}

type key struct {
	y int
	m time.Month
	d int
}

func keyOf(t time.Time) key {
	y, m, d := t.Date()
	return key{y, m, d}
}

// Calendar answers working-day questions for one company.
type Calendar struct {
	endOfDay time.Duration
	closing  map[key]bool

	mu    sync.Mutex
	years map[int]map[key]string // non-working weekdays per year, with names
}

// New returns a calendar with the given closing days (any instant on the day
// counts; the date is taken in Europe/Amsterdam) and end of the business day:
// a mail received at or after endOfDay local time counts as received on the
// next working day. endOfDay 0 means no cut-off.
func New(closing []time.Time, endOfDay time.Duration) *Calendar {
	c := &Calendar{endOfDay: endOfDay, closing: make(map[key]bool, len(closing)), years: map[int]map[key]string{}}
	for _, d := range closing {
		c.closing[keyOf(Day(d))] = true
	}
	return c
}

// EndOfDay is the end of the business day (0: no cut-off): a mail at or
// after it counts from the next working day.
func (c *Calendar) EndOfDay() time.Duration { return c.endOfDay }

// Location returns Europe/Amsterdam.
func (c *Calendar) Location() *time.Location { return amsterdam() }

// Day returns 00:00 in Europe/Amsterdam of t's date there; see the package
// function Day.
func (c *Calendar) Day(t time.Time) time.Time { return Day(t) }

// year returns the non-working weekdays of year y, computed once.
func (c *Calendar) year(y int) map[key]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if m, ok := c.years[y]; ok {
		return m
	}
	m := map[key]string{}
	for _, h := range lawHolidays {
		_, obs := h.Calc(y)
		if obs.IsZero() {
			continue
		}
		d := Date(obs.Year(), obs.Month(), obs.Day())
		if weekend(d) {
			continue
		}
		m[keyOf(d)] = h.Name
	}
	for k := range c.closing {
		if k.y != y {
			continue
		}
		if weekend(Date(k.y, k.m, k.d)) {
			continue
		}
		if _, ok := m[k]; !ok {
			m[k] = NameClosing
		}
	}
	c.years[y] = m
	return m
}

func weekend(d time.Time) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// IsWorkday reports whether the date of d (in Europe/Amsterdam) is a working
// day.
func (c *Calendar) IsWorkday(d time.Time) bool {
	d = Day(d)
	if weekend(d) {
		return false
	}
	_, off := c.year(d.Year())[keyOf(d)]
	return !off
}

// Add returns the n-th working day after the date of d: Add(d, 1) is the
// first working day after d, whether or not d itself is one. Add(d, 0) is
// Day(d) itself, working day or not. A negative n counts back: Add(d, -1) is
// the last working day before d.
func (c *Calendar) Add(d time.Time, n int) time.Time {
	d = Day(d)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = next(d, step)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// next moves one calendar day, by date, so DST changes cannot skew it.
func next(d time.Time, step int) time.Time {
	return Date(d.Year(), d.Month(), d.Day()+step)
}

// Receipt returns the working day on which a mail received at instant t counts
// as received: t's date if that is a working day and t is before the end of
// the business day, else the next working day.
func (c *Calendar) Receipt(t time.Time) time.Time {
	day := Day(t)
	local := t.In(amsterdam())
	// Wall-clock time of day, not time since midnight: right on DST days too.
	clock := time.Duration(local.Hour())*time.Hour + time.Duration(local.Minute())*time.Minute +
		time.Duration(local.Second())*time.Second + time.Duration(local.Nanosecond())
	if c.IsWorkday(day) && (c.endOfDay <= 0 || clock < c.endOfDay) {
		return day
	}
	return c.Add(day, 1)
}

// Between returns the number of working days after a up to and including b.
// When b is before a it is minus the number of working days from b up to but
// not including a, so that Add(a, Between(a, b)) == Day(b) whenever b is a
// working day, in both directions.
func (c *Calendar) Between(a, b time.Time) int {
	a, b = Day(a), Day(b)
	n := 0
	switch {
	case b.After(a):
		for d := next(a, 1); !d.After(b); d = next(d, 1) {
			if c.IsWorkday(d) {
				n++
			}
		}
	case b.Before(a):
		for d := b; d.Before(a); d = next(d, 1) {
			if c.IsWorkday(d) {
				n--
			}
		}
	}
	return n
}

// Holidays returns the non-working weekdays of year: the holidays of the
// Algemene termijnenwet that fall on Monday to Friday and the closing days,
// sorted by date. A closing day that is also a public holiday is listed once,
// under the holiday's name.
func (c *Calendar) Holidays(year int) []Holiday {
	m := c.year(year)
	out := make([]Holiday, 0, len(m))
	for k, name := range m {
		out = append(out, Holiday{Date: Date(k.y, k.m, k.d), Name: name})
	}
	slices.SortFunc(out, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return out
}
