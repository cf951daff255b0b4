package workdays

import (
	"fmt"
	"testing"
	"time"
)

// easter computes Easter Sunday with the anonymous Gregorian algorithm
// (Meeus/Jones/Butcher), independently of github.com/rickar/cal.
func easter(y int) time.Time {
	a := y % 19
	b := y / 100
	c := y % 100
	d := b / 4
	e := b % 4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i := c / 4
	k := c % 4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// lawDays is an independent statement of art. 3 Algemene termijnenwet for
// year y: every listed date, weekend or not.
func lawDays(y int) map[string]string {
	e := easter(y)
	add := func(n int) string { return e.AddDate(0, 0, n).Format(time.DateOnly) }
	king := time.Date(y, time.April, 27, 0, 0, 0, 0, time.UTC)
	if king.Weekday() == time.Sunday {
		king = king.AddDate(0, 0, -1)
	}
	return map[string]string{
		fmt.Sprintf("%d-01-01", y): "Nieuwjaarsdag",
		add(1):                     "Tweede Paasdag",
		king.Format(time.DateOnly): "Koningsdag",
		fmt.Sprintf("%d-05-05", y): "Bevrijdingsdag",
		add(39):                    "Hemelvaartsdag",
		add(50):                    "Tweede Pinksterdag",
		fmt.Sprintf("%d-12-25", y): "Eerste Kerstdag",
		fmt.Sprintf("%d-12-26", y): "Tweede Kerstdag",
	}
}

func d(s string) time.Time {
	t, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestEasterComputus(t *testing.T) {
	// Published dates of Easter Sunday, to check the test's own computus.
	want := map[int]string{2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28",
		2028: "2028-04-16", 2029: "2029-04-01", 2030: "2030-04-21", 2031: "2031-04-13", 2032: "2032-03-28"}
	for y, w := range want {
		if got := easter(y).Format(time.DateOnly); got != w {
			t.Errorf("easter(%d) = %s, want %s", y, got, w)
		}
	}
}

// TestIsWorkdayAllDays checks every day of 2024–2033 against the
// independent statement of the law.
func TestIsWorkdayAllDays(t *testing.T) {
	c := New(nil, 0)
	for y := 2024; y <= 2033; y++ {
		law := lawDays(y)
		for day := d(fmt.Sprintf("%d-01-01", y)); day.Year() == y; day = day.AddDate(0, 0, 1) {
			s := day.Format(time.DateOnly)
			_, hol := law[s]
			want := day.Weekday() != time.Saturday && day.Weekday() != time.Sunday && !hol
			if got := c.IsWorkday(day); got != want {
				t.Errorf("IsWorkday(%s %s) = %v, want %v", s, day.Weekday(), got, want)
			}
		}
		var want []Holiday
		for day := d(fmt.Sprintf("%d-01-01", y)); day.Year() == y; day = day.AddDate(0, 0, 1) {
			if name, ok := law[day.Format(time.DateOnly)]; ok && day.Weekday() != time.Saturday && day.Weekday() != time.Sunday {
				want = append(want, Holiday{Date: day, Name: name})
			}
		}
		got := c.Holidays(y)
		if fmt.Sprint(fmtHolidays(got)) != fmt.Sprint(fmtHolidays(want)) {
			t.Errorf("Holidays(%d) = %v, want %v", y, fmtHolidays(got), fmtHolidays(want))
		}
	}
}

func fmtHolidays(hs []Holiday) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Date.Format(time.DateOnly)+" "+h.Name)
	}
	return out
}

// TestHolidaysExplicit pins three years by hand (cross-checked with a
// printed calendar), so the test does not only trust its own computus.
func TestHolidaysExplicit(t *testing.T) {
	c := New(nil, 0)
	want := map[int][]string{
		// 27 April 2025 is a Sunday: Koningsdag on Saturday 26 April, no weekday.
		2025: {"2025-01-01 Nieuwjaarsdag", "2025-04-21 Tweede Paasdag", "2025-05-05 Bevrijdingsdag",
			"2025-05-29 Hemelvaartsdag", "2025-06-09 Tweede Pinksterdag", "2025-12-25 Eerste Kerstdag",
			"2025-12-26 Tweede Kerstdag"},
		2026: {"2026-01-01 Nieuwjaarsdag", "2026-04-06 Tweede Paasdag", "2026-04-27 Koningsdag",
			"2026-05-05 Bevrijdingsdag", "2026-05-14 Hemelvaartsdag", "2026-05-25 Tweede Pinksterdag",
			"2026-12-25 Eerste Kerstdag"},
		// Christmas on a weekend: no weekday holiday in December.
		2027: {"2027-01-01 Nieuwjaarsdag", "2027-03-29 Tweede Paasdag", "2027-04-27 Koningsdag",
			"2027-05-05 Bevrijdingsdag", "2027-05-06 Hemelvaartsdag", "2027-05-17 Tweede Pinksterdag"},
	}
	for y, w := range want {
		if got := fmtHolidays(c.Holidays(y)); fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("Holidays(%d) = %v, want %v", y, got, w)
		}
	}
}

func TestAdd(t *testing.T) {
	c := New(nil, 0)
	tests := []struct {
		from string
		n    int
		want string
		why  string
	}{
		{"2026-11-23", 20, "2026-12-21", "the example: Monday 23 Nov 2026 + 20"},
		{"2026-11-23", 0, "2026-11-23", "zero is the day itself"},
		{"2026-11-28", 0, "2026-11-28", "zero on a Saturday is still the day itself"},
		{"2026-11-28", 1, "2026-11-30", "from a Saturday"},
		{"2026-11-27", 1, "2026-11-30", "Friday to Monday"},
		{"2026-04-02", 1, "2026-04-03", "Goede Vrijdag is a working day by law"},
		{"2026-04-03", 1, "2026-04-07", "over Tweede Paasdag"},
		{"2026-04-24", 1, "2026-04-28", "over Koningsdag (Monday 27 April 2026)"},
		{"2025-04-25", 1, "2025-04-28", "Koningsdag 2025 on Saturday 26 April"},
		{"2031-04-25", 1, "2031-04-28", "Koningsdag 2031 on Saturday 26 April"},
		{"2026-05-04", 1, "2026-05-06", "over 5 mei 2026 (not a lustrum year)"},
		{"2027-05-04", 1, "2027-05-07", "over 5 mei and Hemelvaart 2027"},
		{"2026-05-13", 1, "2026-05-15", "over Hemelvaart 2026"},
		{"2026-05-22", 1, "2026-05-26", "over Tweede Pinksterdag 2026"},
		{"2025-12-24", 1, "2025-12-29", "over both Christmas days 2025"},
		{"2026-12-24", 1, "2026-12-28", "Eerste Kerstdag 2026 Friday"},
		{"2026-12-31", 1, "2027-01-04", "over New Year 2027 (Friday)"},
		{"2027-12-31", 1, "2028-01-03", "New Year 2028 on a Saturday"},
		{"2028-02-28", 1, "2028-02-29", "leap day 2028 is a Tuesday"},
		{"2028-02-28", 2, "2028-03-01", "over the leap day"},
		{"2032-02-27", 1, "2032-03-01", "leap day 2032 on a Sunday"},
		{"2028-04-13", 1, "2028-04-14", "Goede Vrijdag 2028"},
		{"2028-04-14", 1, "2028-04-18", "Tweede Paasdag 2028"},
		{"2029-05-09", 1, "2029-05-11", "Hemelvaart 2029 on 10 May"},
		{"2030-05-29", 1, "2030-05-31", "Hemelvaart 2030 on 30 May"},
		{"2030-06-07", 1, "2030-06-11", "Tweede Pinksterdag 2030"},
		{"2032-05-04", 1, "2032-05-07", "over 5 mei and Hemelvaart 2032 (6 May)"},
		{"2026-12-21", -20, "2026-11-23", "back again"},
		{"2026-04-07", -1, "2026-04-03", "back over Tweede Paasdag"},
		{"2026-04-05", -1, "2026-04-03", "back from Easter Sunday"},
		{"2025-12-01", 20, "2025-12-31", "across Christmas 2025"},
		{"2026-12-14", 20, "2027-01-13", "across Christmas and New Year"},
	}
	for _, tt := range tests {
		if got := c.Add(d(tt.from), tt.n).Format(time.DateOnly); got != tt.want {
			t.Errorf("Add(%s, %d) = %s, want %s (%s)", tt.from, tt.n, got, tt.want, tt.why)
		}
	}
}

func TestAddBetweenInverse(t *testing.T) {
	c := New([]time.Time{d("2026-12-28"), d("2026-12-29")}, 0)
	for day := d("2025-01-01"); day.Year() < 2033; day = day.AddDate(0, 0, 3) {
		for _, n := range []int{-25, -5, -1, 0, 1, 2, 5, 10, 20, 25} {
			got := c.Add(day, n)
			if n != 0 && !c.IsWorkday(got) {
				t.Fatalf("Add(%s, %d) = %s, not a working day", day.Format(time.DateOnly), n, got.Format(time.DateOnly))
			}
			if b := c.Between(day, got); b != n {
				t.Fatalf("Between(%s, Add(%s, %d)=%s) = %d, want %d", day.Format(time.DateOnly),
					day.Format(time.DateOnly), n, got.Format(time.DateOnly), b, n)
			}
		}
	}
}

func TestBetween(t *testing.T) {
	c := New(nil, 0)
	tests := []struct {
		a, b string
		want int
	}{
		{"2026-11-23", "2026-12-21", 20},
		{"2026-11-23", "2026-11-23", 0},
		{"2026-11-27", "2026-11-29", 0}, // weekend only
		{"2026-11-27", "2026-11-30", 1},
		{"2026-12-21", "2026-11-23", -20},
		{"2026-11-30", "2026-11-27", -1},
		{"2026-11-29", "2026-11-27", -1},
		{"2025-12-24", "2025-12-29", 1},
	}
	for _, tt := range tests {
		if got := c.Between(d(tt.a), d(tt.b)); got != tt.want {
			t.Errorf("Between(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestClosingDays(t *testing.T) {
	// Goede Vrijdag, a closing day on a Saturday (ignored), a closing day on a
	// public holiday (listed once), and the days between Christmas and New Year.
	closing := []time.Time{d("2026-04-03"), d("2026-04-04"), d("2026-12-25"),
		d("2026-12-28"), d("2026-12-29"), d("2026-12-30"), d("2026-12-31"),
		time.Date(2026, 5, 15, 23, 30, 0, 0, time.UTC)} // 16 May in Amsterdam: a Saturday
	c := New(closing, 0)
	want := []string{"2026-01-01 Nieuwjaarsdag", "2026-04-03 Sluitingsdag", "2026-04-06 Tweede Paasdag",
		"2026-04-27 Koningsdag", "2026-05-05 Bevrijdingsdag", "2026-05-14 Hemelvaartsdag",
		"2026-05-25 Tweede Pinksterdag", "2026-12-25 Eerste Kerstdag", "2026-12-28 Sluitingsdag",
		"2026-12-29 Sluitingsdag", "2026-12-30 Sluitingsdag", "2026-12-31 Sluitingsdag"}
	if got := fmtHolidays(c.Holidays(2026)); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Holidays(2026) = %v, want %v", got, want)
	}
	if got := c.Add(d("2026-04-02"), 1).Format(time.DateOnly); got != "2026-04-07" {
		t.Errorf("Add(2026-04-02, 1) = %s, want 2026-04-07", got)
	}
	if got := c.Add(d("2026-12-24"), 1).Format(time.DateOnly); got != "2027-01-04" {
		t.Errorf("Add(2026-12-24, 1) = %s, want 2027-01-04", got)
	}
	if got := c.Add(d("2026-11-30"), 20).Format(time.DateOnly); got != "2027-01-05" {
		t.Errorf("Add(2026-11-30, 20) = %s, want 2027-01-05", got)
	}
	if !c.IsWorkday(d("2027-04-02")) {
		t.Errorf("IsWorkday(2027-04-02) = false, want true (closing days are dates, not yearly)")
	}
	if New(nil, 0).IsWorkday(d("2026-04-03")) != true {
		t.Errorf("IsWorkday(Goede Vrijdag 2026) without closing days = false, want true")
	}
}

func TestReceipt(t *testing.T) {
	loc := Amsterdam()
	c := New(nil, 17*time.Hour)
	tests := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 11, 23, 9, 0, 0, 0, loc), "2026-11-23"},
		{time.Date(2026, 11, 23, 16, 59, 59, 0, loc), "2026-11-23"},
		{time.Date(2026, 11, 23, 17, 0, 0, 0, loc), "2026-11-24"},
		{time.Date(2026, 11, 27, 18, 0, 0, 0, loc), "2026-11-30"}, // Friday evening
		{time.Date(2026, 11, 28, 10, 0, 0, 0, loc), "2026-11-30"}, // Saturday
		{time.Date(2026, 12, 24, 17, 30, 0, 0, loc), "2026-12-28"},
		{time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC), "2026-11-24"}, // 00:30 in Amsterdam
		{time.Date(2026, 7, 6, 14, 59, 0, 0, time.UTC), "2026-07-06"},   // 16:59 CEST
		{time.Date(2026, 7, 6, 15, 0, 0, 0, time.UTC), "2026-07-07"},    // 17:00 CEST
		{time.Date(2026, 5, 5, 9, 0, 0, 0, loc), "2026-05-06"},
	}
	for _, tt := range tests {
		if got := c.Receipt(tt.at).Format(time.DateOnly); got != tt.want {
			t.Errorf("Receipt(%s) = %s, want %s", tt.at.Format(time.RFC3339), got, tt.want)
		}
	}
	if got := New(nil, 0).Receipt(time.Date(2026, 11, 23, 23, 59, 0, 0, loc)).Format(time.DateOnly); got != "2026-11-23" {
		t.Errorf("Receipt(23:59) without cut-off = %s, want 2026-11-23", got)
	}
}

func TestDayAndParse(t *testing.T) {
	got := Day(time.Date(2026, 3, 29, 12, 0, 0, 0, time.UTC)) // DST starts that night
	if got.Location().String() != "Europe/Amsterdam" || got.Hour() != 0 || got.Day() != 29 {
		t.Errorf("Day(2026-03-29T12:00Z) = %v, want 2026-03-29 00:00 Europe/Amsterdam", got)
	}
	if _, err := ParseDate("23-11-2026"); err == nil {
		t.Errorf("ParseDate(23-11-2026) = nil error, want an error")
	}
	p, err := ParseDate(" 2026-11-23 ")
	if err != nil || !p.Equal(Date(2026, 11, 23)) {
		t.Errorf("ParseDate(2026-11-23) = %v, %v, want 2026-11-23 00:00 CET", p, err)
	}
	if New(nil, 0).Location().String() != "Europe/Amsterdam" {
		t.Errorf("Location() is not Europe/Amsterdam")
	}
	// Next over the DST change stays at midnight.
	if n := New(nil, 0).Add(Date(2026, 3, 27), 1); n.Hour() != 0 || n.Day() != 30 {
		t.Errorf("Add(2026-03-27, 1) = %v, want 2026-03-30 00:00", n)
	}
}
