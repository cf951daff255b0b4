package mailbox

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/ingressus/klachtd/mailbox/mailworld"
)

// selfSigned makes a certificate for 127.0.0.1 and localhost.
func selfSigned(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

// startAuthSMTP runs a capture server that demands AUTH PLAIN as klachtd /
// geheim and offers it only over TLS.
func startAuthSMTP(t *testing.T, implicit bool) *mailworld.SMTPServer {
	t.Helper()
	srv := mailworld.NewSMTPServerWith(t, mailworld.SMTPOptions{TLS: selfSigned(t), ImplicitTLS: implicit})
	srv.RequireAuth("klachtd", "geheim")
	return srv
}

func TestSenderTLSModesWithAuth(t *testing.T) {
	for _, mode := range []TLSMode{TLSStartTLS, TLSImplicit} {
		t.Run(string(mode), func(t *testing.T) {
			srv := startAuthSMTP(t, mode == TLSImplicit)
			s := NewSender(SMTPConfig{Addr: srv.Addr(), TLS: mode, Insecure: true, Username: "klachtd", Password: "geheim", Timeout: 5 * time.Second}, testLog(t))
			defer s.Close()
			for i := range 2 {
				if err := s.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org"}, letter(i)); err != nil {
					t.Fatalf("Send() = %v", err)
				}
			}
			msgs := srv.Messages()
			if len(msgs) != 2 || msgs[0].User != "klachtd" || !msgs[0].TLS || !msgs[1].TLS {
				t.Errorf("server got %+v; want 2 msgs over TLS as klachtd", msgs)
			}
		})
	}
}

func TestSenderWrongPasswordIsTemporary(t *testing.T) {
	srv := startAuthSMTP(t, false)
	s := NewSender(SMTPConfig{Addr: srv.Addr(), TLS: TLSStartTLS, Insecure: true, Username: "klachtd", Password: "fout", Timeout: 5 * time.Second}, testLog(t))
	err := s.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org"}, letter(1))
	var se *SendError
	if !errors.As(err, &se) || se.Stage != "auth" || se.Code != 535 || !temporary(err) {
		t.Fatalf("Send() = %v, want a temporary auth error 535 (the letter is not at fault)", err)
	}
	if permanent(err) {
		t.Errorf("auth failure says it is permanent")
	}
}

func TestSenderStartTLSNeverFallsBackToPlainText(t *testing.T) {
	srv := mailworld.NewSMTPServer(t) // offers no STARTTLS
	s := NewSender(SMTPConfig{Addr: srv.Addr(), TLS: TLSStartTLS, Timeout: 5 * time.Second}, testLog(t))
	err := s.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org"}, letter(1))
	if err == nil || !temporary(err) {
		t.Fatalf("Send() = %v, want a temporary STARTTLS error", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server got %d messages in clear text", n)
	}
}

func TestSenderRefusesPlainTextToRemoteHost(t *testing.T) {
	s := NewSender(SMTPConfig{Addr: "192.0.2.1:25", TLS: TLSNone, Timeout: time.Second}, testLog(t))
	err := s.Send(context.Background(), "a@b.c", []string{"d@e.f"}, letter(1))
	if err == nil {
		t.Fatalf("Send() = nil, want a refusal")
	}
}

func TestIntakeTLSModes(t *testing.T) {
	for _, mode := range []TLSMode{TLSStartTLS, TLSImplicit} {
		t.Run(string(mode), func(t *testing.T) {
			// LOGIN only over TLS.
			srv := mailworld.NewIMAPServerWith(t, mailworld.IMAPOptions{TLS: selfSigned(t), ImplicitTLS: mode == TLSImplicit})
			srv.Append("INBOX", testMsg(1, ""))
			h, cur := newRecHandler(), newMemCursor()
			startIntake(t, IMAPConfig{
				Addr: srv.Addr(), TLS: mode, Insecure: true, Username: srv.User(), Password: srv.Password(),
				Folder: "INBOX", Processed: "Verwerkt", Quarantine: "Quarantaine",
			}, h.handle, cur, nil)
			waitUntil(t, 5*time.Second, "handled over TLS", func() bool { _, l := cur.get("INBOX"); return l == 1 })
		})
	}
}
