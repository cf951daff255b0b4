package main

import (
	"os"
	"strings"
	"testing"
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
