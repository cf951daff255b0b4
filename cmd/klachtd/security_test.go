package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckConfigSaysLoudlyNoSenderCheck (issue 10 item 2): the example
// config has no sender check; check-config says so loudly, and that
// commands are refused. A configured provider silences it; a bad one is
// named.
func TestCheckConfigSaysLoudlyNoSenderCheck(t *testing.T) {
	out, err := cli(t, "check-config", "--config", "../../klachtd.example.toml")
	if err != nil {
		t.Fatalf("check-config: %v\n%s", err, out)
	}
	if !strings.Contains(out, "NO SENDER CHECK IS CONFIGURED") || !strings.Contains(out, "REFUSED") {
		t.Errorf("check-config does not say loudly that commands are refused:\n%s", out)
	}
	src, err := os.ReadFile("../../klachtd.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		provider string
		bad      bool
	}{{"microsoft365", false}, {"google", false}, {"dkim", false}, {"exchange", true}} {
		cfg := strings.Replace(string(src), "provider = \"\"", "provider = \""+tc.provider+"\"", 1)
		path := filepath.Join(t.TempDir(), "k.toml")
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := cli(t, "check-config", "--config", path)
		if tc.bad {
			if err == nil || !strings.Contains(out, "security.provider") {
				t.Errorf("provider %q accepted:\n%s", tc.provider, out)
			}
			continue
		}
		if err != nil || strings.Contains(out, "NO SENDER CHECK") {
			t.Errorf("provider %q: %v\n%s", tc.provider, err, out)
		}
	}
}
