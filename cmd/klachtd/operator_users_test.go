package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ingressus/klachtd/cmd/klachtd/config"
)

// issue 11.11: list has column headers; an unknown --state is refused with
// the valid states.
func TestListHeadersAndStates(t *testing.T) {
	w := newWorld(t)
	w.handle(testForm(3))
	out, err := cli(t, "list", "--config", w.cfgPath)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "REFERENCE") || !strings.Contains(lines[0], "TERM ENDS") || !strings.HasPrefix(lines[1], "KL-") {
		t.Errorf("list = %q, want a header line and one complaint", out)
	}
	_, err = cli(t, "list", "--state", "afgesloten", "--config", w.cfgPath)
	if err == nil || !strings.Contains(err.Error(), "incomplete, open, responded, objection, closed, lapsed") {
		t.Errorf("list --state afgesloten = %v, want it refused with the valid states", err)
	}
	if out, err := cli(t, "list", "--state", "closed", "--config", w.cfgPath); err != nil || !strings.Contains(out, "no complaints match") {
		t.Errorf("list --state closed = %q, %v", out, err)
	}
}

// issue 11.11: a TOML syntax error names the file.
func TestConfigSyntaxErrorNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "broken.toml")
	if err := os.WriteFile(path, []byte("[gateway]\naddress = \"klachten@example.nl\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadConfig(path)
	if err == nil || !strings.Contains(err.Error(), "broken.toml") {
		t.Errorf("LoadConfig(broken) = %v, want the file named", err)
	}
}

// issue 11.1: intake.double_submit_window is read, defaults to 10 minutes and
// a bad value is named with its key.
func TestDoubleSubmitWindowConfig(t *testing.T) {
	w := newWorld(t, func(c *config.Config) { c.Intake.DoubleSubmitWindow = config.Dur(3 * time.Minute) })
	cfg, err := LoadConfig(w.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.settings().DoubleSubmitWindow.String(); got != "3m0s" {
		t.Errorf("double_submit_window = %s, want 3m0s", got)
	}
	if got := DefaultConfig().Intake.DoubleSubmitWindow.Duration; got != 10*time.Minute {
		t.Errorf("default = %v, want 10m", got)
	}
	src, err := os.ReadFile(w.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(src), `double_submit_window = "3m0s"`, `double_submit_window = "tien minuten"`, 1)
	if bad == string(src) {
		t.Fatalf("the world's config has no double_submit_window = \"3m0s\":\n%s", src)
	}
	if _, err := ParseConfig(strings.NewReader(bad), w.dir); err == nil || !strings.Contains(err.Error(), "intake.double_submit_window") {
		t.Errorf("bad window = %v, want the key named", err)
	}
}
