package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ingressus/klachtd/correspondence/workdays"
)

// The typed values below are read when the file is decoded, once; the
// converters in cmd/klachtd use the value and never parse the text again.
// A text that does not parse is kept as written (never an error from
// UnmarshalText): the decoder would stop at the first bad value, and
// check-config names every bad key with what was expected.

// Duration is a key like poll_interval = "30s" (time.ParseDuration).
type Duration struct {
	time.Duration
	invalid string // the text as written, when it is no duration
}

// Dur is d as a config value.
func Dur(d time.Duration) Duration { return Duration{Duration: d} }

// UnmarshalText reads "30s", "2m", "1h30m".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		*d = Duration{invalid: string(b)}
		return nil
	}
	*d = Duration{Duration: v}
	return nil
}

// MarshalText writes the duration as time.Duration.String does ("1m0s").
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.text()), nil }

func (d Duration) text() string {
	if d.invalid != "" {
		return d.invalid
	}
	return d.Duration.String()
}

// valid reports whether the text was a duration.
func (d Duration) valid() bool { return d.invalid == "" }

// TimeOfDay is a key like end_of_business_day = "17:00": the time since
// midnight (Europe/Amsterdam). "" is 0: none, or midnight.
type TimeOfDay struct {
	time.Duration
	invalid string
}

// At is hh:mm as a config value.
func At(hh, mm int) TimeOfDay {
	return TimeOfDay{Duration: time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute}
}

// UnmarshalText reads "HH:MM" (00:00 to 23:59) or "".
func (t *TimeOfDay) UnmarshalText(b []byte) error {
	s := string(b)
	if s == "" {
		*t = TimeOfDay{}
		return nil
	}
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		*t = TimeOfDay{invalid: s}
		return nil
	}
	*t = At(hh, mm)
	return nil
}

// MarshalText writes "HH:MM", or "" for 0.
func (t TimeOfDay) MarshalText() ([]byte, error) { return []byte(t.text()), nil }

func (t TimeOfDay) text() string {
	switch {
	case t.invalid != "":
		return t.invalid
	case t.Duration == 0:
		return ""
	}
	return fmt.Sprintf("%02d:%02d", int(t.Hours()), int(t.Minutes())%60)
}

func (t TimeOfDay) valid() bool { return t.invalid == "" }

// Date is a key like closing_days = ["2026-12-28"]: 00:00 of that day in
// Europe/Amsterdam (workdays.ParseDate). "" is the zero time: unset.
type Date struct {
	time.Time
	invalid string
}

// UnmarshalText reads YYYY-MM-DD or "".
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	t, err := workdays.ParseDate(string(b))
	if err != nil {
		*d = Date{invalid: string(b)}
		return nil
	}
	*d = Date{Time: t}
	return nil
}

// MarshalText writes YYYY-MM-DD, or "" when unset.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.text()), nil }

// text is the date as written.
func (d Date) text() string {
	switch {
	case d.invalid != "":
		return d.invalid
	case d.IsZero():
		return ""
	}
	return d.Format(time.DateOnly)
}

func (d Date) valid() bool { return d.invalid == "" }
