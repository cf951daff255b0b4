package correspondence

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/ingressus/klachtd/templates"
)

// trustEnv is a world with a sender check configured (or none): set
// changes the test settings before the gateway starts.
func trustEnv(t *testing.T, set func(s *Settings)) (*env, outLetter, *Complaint) {
	t.Helper()
	s := testSettings()
	s.TrustFrom = false
	set(&s)
	e := newEnvAt(t, t.TempDir()+"/k.db", at(2026, 11, 23, 10, 15), s)
	e.deliver(form("trust", "010-1234567"))
	return e, e.lettersOf(templates.HandlerNew)[0], e.complaint("KL-2026-0001")
}

// TestOnlyTopmostAuthResultsOfOursCount (issue 10 item 1): a pass the
// sender wrote below our server's fail, or among their own headers, is
// not trusted; our server's pass on top is.
func TestOnlyTopmostAuthResultsOfOursCount(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header string // put above the reply's own headers, as the receiving server would
		body   string // inserted among the sender's own headers (after From)
		done   bool
	}{
		{"our fail above a forged pass", "Authentication-Results: mx.ingressus.nl; dmarc=fail header.from=ingressus.nl\nReceived: from evil.example by mx.ingressus.nl\nAuthentication-Results: mx.ingressus.nl; dmarc=pass header.from=ingressus.nl\n", "", false},
		{"forged pass among the sender's headers", "Received: from evil.example by mx.ingressus.nl\n", "Authentication-Results: mx.ingressus.nl; dkim=pass header.d=ingressus.nl; dmarc=pass\n", false},
		{"another server's pass", "Authentication-Results: mx.evil.example; dmarc=pass header.from=ingressus.nl\nReceived: from evil.example by mx.ingressus.nl\n", "", false},
		{"our pass on top", "Received: from lmtp by imap.ingressus.nl\nAuthentication-Results: mx.ingressus.nl (rspamd); dkim=pass header.d=ingressus.nl; dmarc=pass (policy=reject) header.from=ingressus.nl\nReceived: from mail.ingressus.nl by mx.ingressus.nl\n", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, note, c := trustEnv(t, func(s *Settings) { s.AuthServID = "mx.ingressus.nl" })
			raw := reply(c.Handler, note, "#sluiten opgelost per telefoon")
			if tc.body != "" {
				i := strings.Index(raw, "\nTo: ")
				raw = raw[:i+1] + tc.body + raw[i+1:]
			}
			e.deliver(tc.header + raw)
			got := e.complaint("KL-2026-0001").State
			if tc.done != (got == StateClosed) {
				t.Fatalf("#sluiten carried out = %v (state %s), want %v", got == StateClosed, got, tc.done)
			}
			if !tc.done {
				if n := len(e.lettersOf(templates.SenderUnverified)); n != 1 {
					t.Errorf("sender_unverified letters = %d, want 1", n)
				}
			}
		})
	}
}

// TestDefaultConfigRefusesCommands (issue 10 item 2): with no sender check
// and trust_from off, a handler's command is refused; the mail is kept,
// and both its sender and the handler are told why.
func TestDefaultConfigRefusesCommands(t *testing.T) {
	e, note, c := trustEnv(t, func(s *Settings) {})
	e.deliver(reply(c.Handler, note, "#sluiten opgelost"))
	if got := e.complaint("KL-2026-0001").State; got != StateOpen {
		t.Fatalf("command carried out with no sender check: state %s", got)
	}
	refused := e.lettersOf(templates.SenderUnverified)
	if len(refused) != 1 || !strings.Contains(refused[0].Rcpt, c.Handler) {
		t.Fatalf("refusals = %+v, want one to the sender/handler", refused)
	}
	if body := refused[0].text(); !strings.Contains(body, "geen afzendercontrole") || !strings.Contains(body, "#sluiten") {
		t.Errorf("refusal does not say why:\n%s", body)
	}
	var kept int
	if err := e.store.db.Get(&kept, `SELECT count(*) FROM messages WHERE from_addr = ? AND complaint_id IS NOT NULL`, c.Handler); err != nil || kept != 1 {
		t.Errorf("refused mail kept %d times (%v), want 1", kept, err)
	}
	if s := e.g.Settings(); s.SenderCheckConfigured() {
		t.Error("SenderCheckConfigured() = true with nothing configured")
	}
}

// TestRefusalGoesToSenderAndHandler: a forged From of one handler about
// another's complaint tells both.
func TestRefusalGoesToSenderAndHandler(t *testing.T) {
	e, note, c := trustEnv(t, func(s *Settings) { s.AuthServID = "mx.ingressus.nl" })
	other := "j.bakker@ingressus.nl"
	if c.Handler == other {
		other = "m.devries@ingressus.nl"
	}
	e.deliver(reply(other, note, "#sluiten"))
	r := e.lettersOf(templates.SenderUnverified)
	if len(r) != 1 || !strings.Contains(r[0].Rcpt, other) || !strings.Contains(r[0].Rcpt, c.Handler) {
		t.Fatalf("refusal = %+v, want to %s and %s", r, other, c.Handler)
	}
}

// TestMicrosoft365InternalSender (issue 10 item 3): Exchange's internal
// stamp verifies; Anonymous (outside mail) does not.
func TestMicrosoft365InternalSender(t *testing.T) {
	for _, tc := range []struct {
		stamp string
		done  bool
	}{
		{"X-MS-Exchange-Organization-AuthAs: Anonymous\nX-MS-Exchange-Organization-AuthSource: AM0PR01MB1234.eurprd01.prod.outlook.com\n", false},
		{"X-MS-Exchange-Organization-AuthAs: Internal\n", false}, // no AuthSource
		{"X-MS-Exchange-Organization-AuthAs: Internal\nX-MS-Exchange-Organization-AuthSource: AM0PR01MB1234.eurprd01.prod.outlook.com\n", true},
	} {
		e, note, c := trustEnv(t, func(s *Settings) { s.Provider = ProviderMicrosoft365 })
		e.deliver(tc.stamp + reply(c.Handler, note, "#sluiten opgelost"))
		if got := e.complaint("KL-2026-0001").State; tc.done != (got == StateClosed) {
			t.Errorf("%q: carried out = %v, want %v", tc.stamp, got == StateClosed, tc.done)
		}
	}
}

// TestGoogleProvider: provider google reads mx.google.com's topmost
// Authentication-Results.
func TestGoogleProvider(t *testing.T) {
	e, note, c := trustEnv(t, func(s *Settings) { s.Provider = ProviderGoogle })
	e.deliver("Authentication-Results: mx.google.com; dkim=pass header.i=@ingressus.nl header.s=google header.b=abc; spf=pass; dmarc=pass (p=REJECT) header.from=ingressus.nl\n" +
		reply(c.Handler, note, "#sluiten opgelost"))
	if got := e.complaint("KL-2026-0001").State; got != StateClosed {
		t.Fatalf("google-verified command refused: state %s", got)
	}
}

// TestDKIMProviderAlignment: our own DKIM check with DMARC's relaxed
// alignment — a subdomain's signature verifies, another domain's not.
func TestDKIMProviderAlignment(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	lookup := func(domain string) ([]string, error) {
		switch domain {
		case "s1._domainkey.mail.ingressus.nl", "s1._domainkey.evil.example":
			return []string{"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)}, nil
		}
		return nil, nil
	}
	sign := func(t *testing.T, domain, raw string) string {
		var out bytes.Buffer
		if err := dkim.Sign(&out, strings.NewReader(strings.ReplaceAll(raw, "\n", "\r\n")), &dkim.SignOptions{Domain: domain, Selector: "s1", Signer: priv}); err != nil {
			t.Fatal(err)
		}
		return strings.ReplaceAll(out.String(), "\r\n", "\n")
	}
	for _, tc := range []struct {
		domain string
		done   bool
	}{{"evil.example", false}, {"mail.ingressus.nl", true}} {
		e, note, c := trustEnv(t, func(s *Settings) { s.Provider = ProviderDKIM; s.LookupTXT = lookup })
		e.deliver(sign(t, tc.domain, reply(c.Handler, note, "#sluiten opgelost")))
		if got := e.complaint("KL-2026-0001").State; tc.done != (got == StateClosed) {
			t.Errorf("signed by %s: carried out = %v, want %v", tc.domain, got == StateClosed, tc.done)
		}
	}
}
