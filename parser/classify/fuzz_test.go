package classify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzClassifyMachine: any input gives a valid kind without panic; a
// failed recipient only for a bounce, bare and lower-case.
func FuzzClassifyMachine(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "auto", "*.eml"))
	for _, p := range files {
		if raw, err := os.ReadFile(p); err == nil {
			f.Add(raw, "")
		}
	}
	f.Add([]byte("From: MAILER-DAEMON\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; a@b.c\r\nAction: failed\r\n--x--"), "")
	f.Add([]byte("Content-Type: multipart/mixed; boundary=\"a\"\n\n--a\nContent-Type: message/rfc822\n\nContent-Type: multipart/mixed; boundary=a\n\n--a\n"), "")
	f.Add([]byte("Return-Path: <>\nSubject: Automatisch antwoord\n\n"), "Ik ben afwezig")
	f.Add([]byte("Content-Transfer-Encoding: base64\nContent-Type: text/plain\n\n=====\x00\xff"), "")
	f.Add([]byte("Content-Transfer-Encoding: quoted-printable\n\n=\n=4=ZZ="), "")
	f.Fuzz(func(t *testing.T, raw []byte, text string) {
		kind, bounced := verdict(raw, text, []string{"klachten@ingressus.nl"})
		switch kind {
		case "", AutoReply, Bounce, Automated:
		default:
			t.Fatalf("ClassifyMachine(%q) kind = %q, want one of \"\", auto-reply, bounce, automated", raw, kind)
		}
		if bounced != "" && (kind != Bounce || !strings.Contains(bounced, "@") || bounced != strings.ToLower(bounced)) {
			t.Fatalf("ClassifyMachine(%q) = %q, %q, want a bare lower-case address for a bounce only", raw, kind, bounced)
		}
		if k2, b2 := verdict(raw, text, []string{"klachten@ingressus.nl"}); k2 != kind || b2 != bounced {
			t.Fatalf("ClassifyMachine(%q) not deterministic: %q, %q then %q, %q", raw, kind, bounced, k2, b2)
		}
	})
}
