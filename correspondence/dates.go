package correspondence

import (
	"time"

	"github.com/ingressus/klachtd/correspondence/workdays"
)

// day parses a stored YYYY-MM-DD; zero when empty.
func (g *Gateway) day(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	d, err := workdays.ParseDate(s)
	if err != nil {
		return time.Time{}
	}
	return d
}

func fmtDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// today is the working-day calendar's date of the transaction's instant.
func (t *txn) today() time.Time { return t.g.cal.Day(t.now) }

// holidayName names the public holiday or closing day on the date of d;
// "" for a weekend day or a working day.
func (g *Gateway) holidayName(d time.Time) string {
	day := g.cal.Day(d)
	for _, h := range g.cal.Holidays(day.Year()) {
		if h.Date.Equal(day) {
			return h.Name
		}
	}
	return ""
}
