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

func TestAuthResultsParsing(t *testing.T) {
	id, rs := splitAuthResults(`mx.ingressus.nl (Postfix) 1; dkim=pass (2048-bit key) header.d=ingressus.nl header.s=s1; spf=pass smtp.mailfrom=ingressus.nl; dmarc=fail (p=reject) header.from=ingressus.nl`)
	if id != "mx.ingressus.nl" || len(rs) != 3 || rs[0].method != "dkim" || rs[0].result != "pass" || rs[0].props["header.d"] != "ingressus.nl" || rs[2].result != "fail" {
		t.Errorf("splitAuthResults = %q %+v", id, rs)
	}
}

// TestOwnDKIMVerification signs a handler's command with a key whose public
// half the test "DNS" serves, and checks that a tampered or unsigned copy is
// refused.
func TestOwnDKIMVerification(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	lookup := func(domain string) ([]string, error) {
		if domain == "s1._domainkey.ingressus.nl" {
			return []string{"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)}, nil
		}
		return nil, nil
	}
	set := testSettings()
	set.TrustFrom = false
	set.VerifyDKIM = true
	set.LookupTXT = lookup
	e := newEnvAt(t, t.TempDir()+"/k.db", at(2026, 11, 23, 10, 15), set)
	e.deliver(form("dkim", "010-1234567"))
	note := e.lettersOf(templates.HandlerNew)[0]
	c := e.complaint("KL-2026-0001")
	sign := func(raw string) string {
		var out bytes.Buffer
		opts := &dkim.SignOptions{Domain: "ingressus.nl", Selector: "s1", Signer: priv}
		if err := dkim.Sign(&out, strings.NewReader(strings.ReplaceAll(raw, "\n", "\r\n")), opts); err != nil {
			t.Fatal(err)
		}
		return strings.ReplaceAll(out.String(), "\r\n", "\n")
	}
	e.deliver(reply(c.Handler, note, "#notitie ongetekend"))
	if n := len(e.lettersOf(templates.SenderUnverified)); n != 1 {
		t.Fatalf("unsigned command: %d refusals, want 1", n)
	}
	tampered := strings.Replace(sign(reply(c.Handler, note, "#sluiten opgelost")), "opgelost", "ingetrokken", 1)
	e.deliver(tampered)
	if got := e.complaint("KL-2026-0001").State; got != StateOpen {
		t.Fatalf("tampered command carried out: %s", got)
	}
	e.deliver(sign(reply(c.Handler, note, "#sluiten opgelost")))
	if got := e.complaint("KL-2026-0001").State; got != StateClosed {
		t.Fatalf("signed command refused: state %s", got)
	}
}
