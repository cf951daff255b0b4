package mailbox

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/ingressus/klachtd/mailbox/mailworld"
)

// privateCA makes a CA and a server certificate for 127.0.0.1 it signed.
func privateCA(t *testing.T) (server *tls.Config, roots *x509.CertPool) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Ingressus private CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "mail.ingressus.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	roots = x509.NewCertPool()
	roots.AddCert(ca)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, roots
}

// Issue 10 item 14: a server certificate from a private CA verifies with
// SMTPConfig.RootCAs (the ca_file setting), without SSL_CERT_FILE and
// without skipping verification; without it, the handshake fails.
func TestSenderVerifiesAgainstPrivateCA(t *testing.T) {
	cfg, roots := privateCA(t)
	srv := mailworld.NewSMTPServerWith(t, mailworld.SMTPOptions{TLS: cfg, ImplicitTLS: true})
	srv.RequireAuth("klachtd", "geheim")

	base := SMTPConfig{Addr: srv.Addr(), TLS: TLSImplicit, Username: "klachtd", Password: "geheim", Timeout: 5 * time.Second}
	without := NewSender(base, testLog(t))
	if err := without.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org"}, letter(1)); err == nil {
		t.Fatalf("a private CA's certificate verified against the system roots")
	}
	base.RootCAs = roots
	with := NewSender(base, testLog(t))
	defer with.Close()
	if err := with.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org"}, letter(1)); err != nil {
		t.Fatalf("with the private CA: %v", err)
	}
}
