package mailbox

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/ingressus/klachtd/mailbox/mailtest"
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

// authSMTP is a go-smtp server that demands AUTH PLAIN and TLS.
type authSMTP struct {
	mu    sync.Mutex
	users []string
	tls   []bool
	msgs  int
}

type authSession struct {
	s    *authSMTP
	c    *smtp.Conn
	user string
}

func (a *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (a *authSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if pass != "geheim" {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		a.user = user
		return nil
	}), nil
}
func (a *authSession) Reset()        {}
func (a *authSession) Logout() error { return nil }
func (a *authSession) Mail(string, *smtp.MailOptions) error {
	if a.user == "" {
		return &smtp.SMTPError{Code: 530, Message: "auth first"}
	}
	return nil
}
func (a *authSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (a *authSession) Data(r io.Reader) error {
	io.Copy(io.Discard, r)
	_, isTLS := a.c.TLSConnectionState()
	a.s.mu.Lock()
	a.s.users = append(a.s.users, a.user)
	a.s.tls = append(a.s.tls, isTLS)
	a.s.msgs++
	a.s.mu.Unlock()
	return nil
}

func startAuthSMTP(t *testing.T, implicit bool) (*authSMTP, string) {
	t.Helper()
	as := &authSMTP{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &authSession{s: as, c: c}, nil }))
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	cfg := selfSigned(t)
	srv.TLSConfig = cfg
	var ln net.Listener
	var err error
	if implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", cfg)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { ln.Close(); srv.Close() })
	return as, ln.Addr().String()
}

func TestSenderTLSModesWithAuth(t *testing.T) {
	for _, mode := range []TLSMode{TLSStartTLS, TLSImplicit} {
		t.Run(string(mode), func(t *testing.T) {
			as, addr := startAuthSMTP(t, mode == TLSImplicit)
			s := NewSender(SMTPConfig{Addr: addr, TLS: mode, Insecure: true, Username: "klachtd", Password: "geheim", Timeout: 5 * time.Second}, testLog(t))
			defer s.Close()
			for i := range 2 {
				if err := s.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org"}, letter(i)); err != nil {
					t.Fatalf("Send() = %v", err)
				}
			}
			as.mu.Lock()
			defer as.mu.Unlock()
			if as.msgs != 2 || as.users[0] != "klachtd" || !as.tls[0] || !as.tls[1] {
				t.Errorf("server got %d msgs, users %v, tls %v; want 2 over TLS as klachtd", as.msgs, as.users, as.tls)
			}
		})
	}
}

func TestSenderWrongPasswordIsTemporary(t *testing.T) {
	_, addr := startAuthSMTP(t, false)
	s := NewSender(SMTPConfig{Addr: addr, TLS: TLSStartTLS, Insecure: true, Username: "klachtd", Password: "fout", Timeout: 5 * time.Second}, testLog(t))
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
	srv := mailtest.NewSMTPServer(t) // offers no STARTTLS
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

// startTLSIMAP runs an imapmemserver that allows LOGIN only over TLS.
func startTLSIMAP(t *testing.T, implicit bool) (addr string, u *imapmemserver.User) {
	t.Helper()
	mem := imapmemserver.New()
	u = imapmemserver.NewUser("klachten@example.nl", "geheim")
	u.Create("INBOX", nil)
	mem.AddUser(u)
	cfg := selfSigned(t)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:      imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		TLSConfig: cfg,
		Logger:    log.New(io.Discard, "", 0),
	})
	var ln net.Listener
	var err error
	if implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", cfg)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { ln.Close(); srv.Close() })
	return ln.Addr().String(), u
}

func TestIntakeTLSModes(t *testing.T) {
	for _, mode := range []TLSMode{TLSStartTLS, TLSImplicit} {
		t.Run(string(mode), func(t *testing.T) {
			addr, u := startTLSIMAP(t, mode == TLSImplicit)
			u.Append("INBOX", bytesReader(testMsg(1, "")), &imap.AppendOptions{})
			h, cur := newRecHandler(), newMemCursor()
			startIntake(t, IMAPConfig{
				Addr: addr, TLS: mode, Insecure: true, Username: "klachten@example.nl", Password: "geheim",
				Folder: "INBOX", Processed: "Verwerkt", Quarantine: "Quarantaine",
			}, h.handle, cur, nil)
			waitUntil(t, 5*time.Second, "handled over TLS", func() bool { _, l := cur.get("INBOX"); return l == 1 })
		})
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
