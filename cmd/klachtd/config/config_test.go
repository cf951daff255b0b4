package config

import (
	"bytes"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// roundTrip encodes c and parses it back.
func roundTrip(t *testing.T, c Config) *Config {
	t.Helper()
	var b bytes.Buffer
	if err := c.Encode(&b); err != nil {
		t.Fatalf("Encode = %v", err)
	}
	got, err := Parse(&b)
	if err != nil {
		t.Fatalf("Parse(Encode(c)) = %v\n%s", err, b.String())
	}
	return got
}

// Every typed value and every kind of field, written and read back.
func TestEncodeParsesBackIdentically(t *testing.T) {
	full := Local("example.nl", "127.0.0.1:1143", "127.0.0.1:1025")
	var closing Date
	if err := closing.UnmarshalText([]byte("2026-12-28")); err != nil || !closing.valid() {
		t.Fatalf("closing day: %v", closing)
	}
	var expires Date
	expires.UnmarshalText([]byte("2027-06-30"))
	five := 0
	full.SMTP.RetrySchedule = []Duration{Dur(time.Minute), Dur(90 * time.Second)}
	full.Procedure.ClosingDays = []Date{closing}
	full.Procedure.EndOfBusinessDay = At(16, 30)
	full.Digest.At = At(0, 0)
	full.Intake.DoubleSubmitWindow = Dur(0)
	full.OAuth2 = OAuth2Config{Provider: "generic", ClientID: "klachtd", ClientSecretEnv: "X", TokenURL: "http://127.0.0.1:1/token",
		Scopes: []string{"imap", "smtp"}, SecretExpires: expires}
	full.IMAP.Auth = AuthOAuth2
	full.Labels = map[string]string{"Naam organisatie": "company"}
	full.ByDomain = map[string]string{"bakkerijvandijk.nl": "m.devries@example.nl"}
	full.Categories.List = []string{"levering", "overig"}
	full.Survey = SurveyConfig{Enabled: true, AfterWorkdays: &five}
	full.HTTP.Listen = "127.0.0.1:9180"
	for name, c := range map[string]Config{"default": withPeople(Default()), "local": Local("ingressus.test", "127.0.0.1:143", "127.0.0.1:25"), "full": full} {
		if got := roundTrip(t, c); !reflect.DeepEqual(*got, c) {
			t.Errorf("%s: Parse(Encode(c)) =\n%+v\nwant\n%+v", name, *got, c)
		}
	}
}

// withPeople is c with the handler and management a valid config needs.
func withPeople(c Config) Config {
	c.IMAP.Address, c.SMTP.Address = "imap.example.nl:993", "smtp.example.nl:587"
	c.Handlers = []PersonConfig{{Name: "Marieke de Vries", Email: "m.devries@example.nl"}}
	c.Mgmt = []PersonConfig{{Name: "Directie", Email: "directie@example.nl"}}
	return c
}

// klachtd.example.toml parses, and it names every key of the struct in its
// table (commented out where there is no default, as the [oauth2] keys).
func TestExampleNamesEveryKey(t *testing.T) {
	src, err := os.ReadFile("../../../klachtd.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(bytes.NewReader(src)); err != nil {
		t.Fatalf("Parse(klachtd.example.toml) = %v", err)
	}
	sections := map[string]string{} // table → its text
	header := regexp.MustCompile(`(?m)^\[\[?([a-z_0-9]+)\]\]?\s*$`)
	locs := header.FindAllStringSubmatchIndex(string(src), -1)
	for i, l := range locs {
		end := len(src)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		sections[string(src[l[2]:l[3]])] += string(src[l[1]:end])
	}
	ct := reflect.TypeFor[Config]()
	for i := range ct.NumField() {
		f := ct.Field(i)
		table := tomlName(f)
		body, ok := sections[table]
		if !ok {
			t.Errorf("klachtd.example.toml has no [%s]", table)
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() != reflect.Struct {
			continue // a map: its keys are the operator's own
		}
		for _, key := range keys(ft) {
			if !regexp.MustCompile(`(?m)^[#\s]*` + regexp.QuoteMeta(key) + `\s*=`).MatchString(body) {
				t.Errorf("klachtd.example.toml does not name %s.%s", table, key)
			}
		}
	}
}

// keys are the TOML keys of a table's struct, with those of an embedded
// struct (ServerConfig in IMAPConfig) as its own.
func keys(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Tag.Get("toml") == "" {
			out = append(out, keys(f.Type)...)
			continue
		}
		out = append(out, tomlName(f))
	}
	return out
}

func tomlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	return name
}

// A bad value is named with its key and what was expected, and every bad
// key is named, not only the first.
func TestBadValueNamesKeyAndExpectation(t *testing.T) {
	const people = `
[imap]
address = "imap.example.nl:993"
[smtp]
address = "smtp.example.nl:587"
[[handlers]]
name = "Marieke de Vries"
email = "m.devries@example.nl"
[[management]]
name = "Directie"
email = "directie@example.nl"
`
	for _, tc := range []struct {
		src  string // appended to people
		want []string
	}{
		{"[procedure]\nscheduler_interval = \"elke minuut\"\n", []string{`procedure.scheduler_interval: expected a duration like 1m, got "elke minuut"`}},
		{"[procedure]\nend_of_business_day = \"5 uur\"\n", []string{`procedure.end_of_business_day: expected a time like "17:00"`, `"5 uur"`}},
		{"[procedure]\nend_of_business_day = \"24:00\"\n", []string{`procedure.end_of_business_day: expected a time`}},
		{"[procedure]\nclosing_days = [\"2026-12-28\", \"28-12-2026\", \"\"]\n", []string{`procedure.closing_days[1]: expected a date YYYY-MM-DD, got "28-12-2026"`, `procedure.closing_days[2]: expected a date`}},
		{"[digest]\nat = \"8u\"\nintake_alert_after = \"half uur\"\n", []string{`digest.at: expected a time like "08:00", got "8u"`, `digest.intake_alert_after: expected a duration like 30m, got "half uur"`}},
		{"[intake]\ndouble_submit_window = \"-1m\"\n", []string{`intake.double_submit_window: expected a duration like "10m" (or "0s" for none), got "-1m0s"`}},
		{"[oauth2]\nclient_secret_expires = \"juni 2027\"\n", []string{`oauth2.client_secret_expires: expected a date YYYY-MM-DD, got "juni 2027"`}},
		{"[labels]\n\"Uw bedrijf\" = \"firma\"\n", []string{`labels.Uw bedrijf: expected one of company, address, name, phone, availability, email, date, description, references, contact; got "firma"`}},
		{"[gateway]\nlog_level = \"loud\"\n", []string{`gateway.log_level: expected debug, info, warn or error, got "loud"`}},
	} {
		_, err := Parse(strings.NewReader(people + tc.src))
		if err == nil {
			t.Errorf("Parse(%q) accepted", tc.src)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Parse(%q) = %v, want %q in it", tc.src, err, w)
			}
		}
	}
	// The [imap] and [smtp] keys need their own tables ([smtp] again is a
	// TOML error), so these go in one file. A key of the other table is
	// named as such.
	_, err := Parse(strings.NewReader(`
[imap]
address = "imap.example.nl:993"
poll_interval = "vaak"
timeout = "5s"
[smtp]
address = "smtp.example.nl:587"
folder = "INBOX"
bogus = 1
timeout = "lang"
retry_schedule = ["1m", "nooit", "0s"]
[[handlers]]
name = "Marieke de Vries"
email = "m.devries@example.nl"
[[management]]
email = "directie@example.nl"
`))
	for _, w := range []string{`imap.poll_interval: expected a duration like 30s or 2m, got "vaak"`, `smtp.timeout: expected a duration like 30s, got "lang"`,
		`smtp.retry_schedule[1]: expected a duration like 5m, got "nooit"`, `smtp.retry_schedule[2]: expected a duration like 5m, got "0s"`,
		"imap.timeout: unknown key (timeout is a key of [smtp])", "smtp.folder: unknown key (folder is a key of [imap])", "smtp.bogus: unknown key;"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("Parse(bad durations) = %v, want %q in it", err, w)
		}
	}
	if err != nil && strings.Contains(err.Error(), "retry_schedule[0]") {
		t.Errorf("Parse named the good retry_schedule[0]: %v", err)
	}
}
