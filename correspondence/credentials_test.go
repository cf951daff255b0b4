package correspondence

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestCredentialExpiryWarnedAt30_7_1Days(t *testing.T) {
	start := at(2027, 5, 1, 9, 0)
	e := newEnv(t, start)
	expires := at(2027, 6, 30, 0, 0)
	ctx := context.Background()
	var sent []string
	for day := start; day.Before(expires.Add(48 * time.Hour)); day = day.Add(6 * time.Hour) {
		e.clk.set(day)
		q, err := e.g.WarnCredentialExpiry(ctx, "client_secret_expires", "klachtd-app", expires)
		if err != nil {
			t.Fatal(err)
		}
		if q {
			sent = append(sent, day.Format("01-02"))
		}
	}
	// Under 30 whole days left on 31 May, under 7 on 23 June, under 1 on 29 June.
	if want := []string{"05-31", "06-23", "06-29"}; strings.Join(sent, " ") != strings.Join(want, " ") {
		t.Errorf("warnings queued on %v, want %v", sent, want)
	}
	ls := e.lettersOf("credential_expiry")
	if len(ls) != 3 {
		t.Fatalf("letters = %d, want 3", len(ls))
	}
	if ls[0].Rcpt != "intake@ingressus.nl" || !strings.Contains(ls[0].Subject, "over 29 dagen") || !strings.Contains(ls[2].Subject, "morgen") {
		t.Errorf("letters to %q with subjects %q / %q", ls[0].Rcpt, ls[0].Subject, ls[2].Subject)
	}
	if txt := ls[0].text(); !strings.Contains(txt, "30 juni 2027") || !strings.Contains(txt, "client_secret_expires") || !strings.Contains(txt, "check-connection") {
		t.Errorf("letter text lacks the date or what to do:\n%s", txt)
	}
}
