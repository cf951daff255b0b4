package main

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ingressus/klachtd/cmd/klachtd/config"
)

func TestExampleConfigIsValid(t *testing.T) {
	cfg, err := LoadConfig("../../klachtd.example.toml")
	if err != nil {
		t.Fatalf("LoadConfig(example) = %v", err)
	}
	if len(cfg.Handlers) != 2 || cfg.Procedure.TermDays != 20 {
		t.Errorf("example config read as %+v", cfg.Procedure)
	}
}

func TestBadConfigNamesEachKey(t *testing.T) {
	src := `
[gateway]
address = "not-an-address"
language = "de"
[imap]
address = "nohost"
tls = "maybe"
poll_interval = "soon"
[smtp]
address = "smtp:25"
[[handlers]]
name = ""
email = "x"
[procedure]
term_days = 0
closing_days = ["25-12-2026"]
[bogus]
key = 1
`
	_, err := ParseConfig(strings.NewReader(src), t.TempDir())
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, key := range []string{"gateway.address", "gateway.language", "imap.address", "imap.tls", "imap.poll_interval",
		"handlers[0].name", "handlers[0].email", "management", "procedure.term_days", "procedure.closing_days[0]", "bogus"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error does not name %s:\n%v", key, err)
		}
	}
}

func TestPasswordFromEnvironment(t *testing.T) {
	t.Setenv("KLACHTD_IMAP_PASSWORD", "s3cret")
	cfg, err := LoadConfig("../../klachtd.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.imapConfig().Password; got != "s3cret" {
		t.Errorf("IMAP password = %q, want it from KLACHTD_IMAP_PASSWORD", got)
	}
	_ = os.Getenv
}

// The configs klachtd writes itself (the demo's) and the tests' worlds are
// read back as written: a key renamed in the struct cannot leave one of
// them behind.
func TestWrittenConfigsParseBack(t *testing.T) {
	for name, c := range map[string]config.Config{
		"demo": demoConfig("127.0.0.1:1143", "127.0.0.1:1025"),
		"test": testConfig("127.0.0.1:1143", "127.0.0.1:1025"),
	} {
		path := filepath.Join(t.TempDir(), "klachtd.toml")
		if err := c.WriteFile(path, demoConfigComment...); err != nil {
			t.Fatal(err)
		}
		got, err := LoadConfig(path)
		if err != nil {
			t.Fatalf("%s: LoadConfig(written) = %v", name, err)
		}
		if !reflect.DeepEqual(got.Config, c) {
			t.Errorf("%s: read back as\n%+v\nwant\n%+v", name, got.Config, c)
		}
	}
}

// The demo's banner names the addresses its config has.
func TestDemoBannerMatchesConfig(t *testing.T) {
	c := demoConfig("127.0.0.1:1143", "127.0.0.1:1025")
	if c.Gateway.Address != demoIntake || c.Gateway.FormSenders[0] != demoFormSender || c.Mgmt[0].Email != demoManagement {
		t.Errorf("demo config: intake %s, form %v, management %s; the banner says %s, %s, %s",
			c.Gateway.Address, c.Gateway.FormSenders, c.Mgmt[0].Email, demoIntake, demoFormSender, demoManagement)
	}
}

// check-config prints each bad key with what was expected, one per line.
func TestCheckConfigNamesBadValues(t *testing.T) {
	w := newWorld(t)
	src, err := os.ReadFile(w.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.NewReplacer(`poll_interval = "2s"`, `poll_interval = "twee seconden"`,
		`end_of_business_day = "17:00"`, `end_of_business_day = "vijf uur"`,
		`at = "08:00"`, `at = "8 uur"`).Replace(string(src))
	os.WriteFile(w.cfgPath, []byte(bad), 0o600)
	out, err := cli(t, "check-config", "--config", w.cfgPath)
	if err == nil || !strings.Contains(err.Error(), "3 problem(s)") {
		t.Errorf("check-config = %v, want 3 problems\n%s", err, out)
	}
	for _, want := range []string{
		`error: imap.poll_interval: expected a duration like 30s or 2m, got "twee seconden"`,
		`error: procedure.end_of_business_day: expected a time like "17:00" (or "" for none), got "vijf uur"`,
		`error: digest.at: expected a time like "08:00", got "8 uur"`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("check-config output lacks %q:\n%s", want, out)
		}
	}
}

// A ca_file is read once, when the config is: the pool the servers get is
// the one read then, and a file not read by ParseConfig trusts nothing.
func TestCAFileReadOnce(t *testing.T) {
	w := newWorld(t)
	certFile, _ := writeCert(t, w.dir, time.Now().Add(time.Hour))
	w.change(func(c *config.Config) { c.IMAP.CAFile = certFile })
	cfg, err := LoadConfig(w.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	pem, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	want := x509.NewCertPool()
	want.AppendCertsFromPEM(pem)
	os.Remove(certFile) // gone after start: the pool read at start stays
	if got := cfg.caPool(cfg.IMAP.CAFile); got == nil || !got.Equal(want) {
		t.Errorf("caPool(imap.ca_file) is not the certificate read at load")
	}
	if got := cfg.caPool(""); got != nil {
		t.Errorf("caPool(\"\") = %v, want nil (the system's roots)", got)
	}
	if got := cfg.caPool("other.pem"); got == nil || got.Equal(want) {
		t.Errorf("caPool of a file not in the config = %v, want an empty pool", got)
	}
}
