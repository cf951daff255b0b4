package main

import (
	"strings"
	"testing"
)

// review F3 #15: `list --handler` with a name that is no configured handler
// is refused with the handlers there are, like an unknown --state; a known
// handler without complaints still gets "no complaints match".
func TestListUnknownHandlerRefused(t *testing.T) {
	w := newWorld(t)
	handlers := w.handle(testForm(3)).Handlers
	if len(handlers) < 2 {
		t.Fatalf("world has handlers %+v, want two", handlers)
	}
	_, err := cli(t, "list", "--handler", "Nobody", "--config", w.cfgPath)
	if err == nil {
		t.Fatalf("list --handler Nobody = nil error, want it refused")
	}
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "Nobody") {
		t.Errorf("list --handler Nobody = %v (exit %d), want a usage error naming Nobody", err, exitCode(err))
	}
	for _, h := range handlers {
		if !strings.Contains(err.Error(), h.Name) || !strings.Contains(err.Error(), h.Email) {
			t.Errorf("list --handler Nobody = %v, want handler %s <%s> named", err, h.Name, h.Email)
		}
	}
	// A configured handler, by part of the name or by address, is accepted.
	for _, q := range []string{handlers[0].Name, strings.Fields(handlers[1].Name)[0], strings.ToUpper(handlers[1].Email)} {
		if _, err := cli(t, "list", "--handler", q, "--config", w.cfgPath); err != nil {
			t.Errorf("list --handler %q = %v, want accepted", q, err)
		}
	}
}
