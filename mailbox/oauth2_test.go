package mailbox

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/ingressus/klachtd/mailbox/mailworld"
)

// oauthIMAP is an IMAP server that takes tokens from its own endpoint.
func oauthIMAP(t *testing.T, mechs ...string) (*mailworld.IMAPServer, *mailworld.TokenServer) {
	t.Helper()
	tok := mailworld.NewTokenServer(t)
	srv := mailworld.NewIMAPServerWith(t, mailworld.IMAPOptions{OAuth2: tok, Mechanisms: mechs})
	return srv, tok
}

func genericSource(t *testing.T, tok *mailworld.TokenServer, secret string) *TokenSource {
	t.Helper()
	ts, err := NewTokenSource(OAuth2Config{Provider: ProviderGeneric, ClientID: mailworld.OAuth2ClientID,
		ClientSecret: secret, TokenURL: tok.URL(), Scopes: []string{"imap"}}, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func oauthConfig(srv *mailworld.IMAPServer, ts Tokens) IMAPConfig {
	cfg := testConfig(srv)
	cfg.Password = "" // a token or nothing
	cfg.OAuth2 = ts
	return cfg
}

func TestOAuth2IntakeFirstLoginXOAUTH2(t *testing.T) {
	srv, tok := oauthIMAP(t)
	srv.Append("INBOX", testMsg(1, ""))
	h, cur := newRecHandler(), newMemCursor()
	startIntake(t, oauthConfig(srv, genericSource(t, tok, mailworld.OAuth2ClientSecret)), h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "mail handled", func() bool { return len(h.handled()) == 1 })
	if got := srv.MechanismsUsed(); !slices.Equal(got, []string{"XOAUTH2"}) {
		t.Errorf("mechanisms used = %v, want [XOAUTH2] (preferred when offered)", got)
	}
	reqs := tok.Requests()
	if len(reqs) != 1 {
		t.Fatalf("token requests = %d, want 1", len(reqs))
	}
	f := reqs[0].Form
	if f.Get("grant_type") != "client_credentials" || f.Get("scope") != "imap" {
		t.Errorf("token request = %v, want grant_type client_credentials, scope imap", f)
	}
}

func TestOAuth2IntakeServerWithOnlyOneMechanism(t *testing.T) {
	for _, mech := range []string{"XOAUTH2", "OAUTHBEARER"} {
		t.Run(mech, func(t *testing.T) {
			srv, tok := oauthIMAP(t, mech)
			srv.Append("INBOX", testMsg(1, ""))
			h, cur := newRecHandler(), newMemCursor()
			startIntake(t, oauthConfig(srv, genericSource(t, tok, mailworld.OAuth2ClientSecret)), h.handle, cur, nil)
			waitUntil(t, 5*time.Second, "mail handled", func() bool { return len(h.handled()) == 1 })
			if got := srv.MechanismsUsed(); !slices.Equal(got, []string{mech}) {
				t.Errorf("mechanisms used = %v, want [%s]", got, mech)
			}
		})
	}
	t.Run("PLAIN only", func(t *testing.T) {
		srv, tok := oauthIMAP(t, "PLAIN")
		h, cur := newRecHandler(), newMemCursor()
		in := startIntake(t, oauthConfig(srv, genericSource(t, tok, mailworld.OAuth2ClientSecret)), h.handle, cur, nil)
		waitUntil(t, 5*time.Second, "a clear error", func() bool {
			return strings.Contains(in.Status().LastError, "neither XOAUTH2 nor OAUTHBEARER")
		})
	})
}

func TestOAuth2IntakeRenewsTokenWhileIdle(t *testing.T) {
	srv, tok := oauthIMAP(t)
	tok.SetLifetime(2 * time.Second)
	h, cur := newRecHandler(), newMemCursor()
	in := startIntake(t, oauthConfig(srv, genericSource(t, tok, mailworld.OAuth2ClientSecret)), h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "connected", func() bool { return in.Status().Connected })
	// The intake idles; before the token runs out it logs in again with
	// a new one, and mail that comes afterwards is read.
	waitUntil(t, 10*time.Second, "a second token and login", func() bool { return tok.Issued() >= 2 && len(srv.MechanismsUsed()) >= 2 })
	waitUntil(t, 5*time.Second, "connected again", func() bool { return in.Status().Connected })
	srv.Append("INBOX", testMsg(1, ""))
	srv.Append("INBOX", testMsg(2, ""))
	waitUntil(t, 10*time.Second, "mail handled after renewal", func() bool { return len(h.handled()) == 2 })
	if st := in.Status(); !st.FailingSince.IsZero() && st.LastError != "" {
		t.Errorf("status after renewal = %+v, want healthy", st)
	}
}

func TestOAuth2RevokedSecretIsAnOutageThatRecovers(t *testing.T) {
	srv, tok := oauthIMAP(t)
	tok.FailWith("invalid_client", "AADSTS7000222: The provided client secret keys for app 'klachtd' are expired.\r\nTrace ID: 1")
	srv.Append("INBOX", testMsg(1, ""))
	ts := genericSource(t, tok, mailworld.OAuth2ClientSecret)
	h, cur := newRecHandler(), newMemCursor()
	in := startIntake(t, oauthConfig(srv, ts), h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "3 token requests", func() bool { return len(tok.Requests()) >= 3 })
	st := in.Status()
	if st.Connected || st.FailingSince.IsZero() || !strings.Contains(st.LastError, "AADSTS7000222") || !strings.Contains(st.LastError, "client secret has expired") {
		t.Errorf("intake status = %+v, want failing with the endpoint's text and what to do", st)
	}
	if ts.Status().FailingSince.IsZero() || strings.Contains(ts.Status().LastError, "Trace ID") {
		t.Errorf("token status = %+v, want failing, first line of the description only", ts.Status())
	}
	if len(h.handled()) != 0 {
		t.Fatal("mail handled without a login")
	}
	tok.FailWith("", "")
	waitUntil(t, 5*time.Second, "mail handled after the fix", func() bool { return len(h.handled()) == 1 })
	waitUntil(t, 2*time.Second, "healthy", func() bool { return in.Status().FailingSince.IsZero() && ts.Status().FailingSince.IsZero() })
}

func TestOAuth2RevokedTokenJSONChallengeThenFreshToken(t *testing.T) {
	srv, tok := oauthIMAP(t)
	ts := genericSource(t, tok, mailworld.OAuth2ClientSecret)
	h, cur := newRecHandler(), newMemCursor()
	in := startIntake(t, oauthConfig(srv, ts), h.handle, cur, nil)
	waitUntil(t, 5*time.Second, "connected", func() bool { return in.Status().Connected })
	// The cached token is revoked before its expiry; the next login
	// with it gets the JSON challenge, and the one after a fresh token.
	tok.RevokeAll()
	srv.DropConnections()
	srv.Append("INBOX", testMsg(1, ""))
	waitUntil(t, 10*time.Second, "mail handled with a fresh token", func() bool { return len(h.handled()) == 1 })
	if got := tok.Issued(); got != 2 {
		t.Errorf("tokens issued = %d, want 2 (the refused one dropped from the cache)", got)
	}
	if got := len(srv.MechanismsUsed()); got != 3 {
		t.Errorf("logins = %d, want 3 (ok, refused, ok)", got)
	}
}

// The XOAUTH2 failure challenge is decoded and returned, without an
// answer that the server would wait for.
func TestXOAUTH2ErrorChallengeIsDecoded(t *testing.T) {
	for _, mech := range []string{"XOAUTH2", "OAUTHBEARER"} {
		t.Run(mech, func(t *testing.T) {
			srv, _ := oauthIMAP(t, mech)
			c, err := imapclient.DialInsecure(srv.Addr(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			sc := newXOAUTH2Client(mailworld.IMAPUser, "not-a-token")
			if mech == "OAUTHBEARER" {
				sc = newOAuthBearerClient(mailworld.IMAPUser, "not-a-token", "127.0.0.1", 143)
			}
			done := make(chan error, 1)
			go func() { done <- c.Authenticate(sc) }()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Authenticate hangs on the error challenge")
			}
			var se *SASLError
			if !errors.As(err, &se) || se.Mechanism != mech || (se.Status != "401" && se.Status != "invalid_token") {
				t.Fatalf("Authenticate = %v, want a decoded SASLError", err)
			}
		})
	}
}

func oauthSMTP(t *testing.T, mechs ...string) (*mailworld.SMTPServer, *mailworld.TokenServer) {
	t.Helper()
	tok := mailworld.NewTokenServer(t)
	return mailworld.NewSMTPServerWith(t, mailworld.SMTPOptions{OAuth2: tok, Mechanisms: mechs}), tok
}

func oauthSender(t *testing.T, srv *mailworld.SMTPServer, ts Tokens) *Sender {
	t.Helper()
	s := NewSender(SMTPConfig{Addr: srv.Addr(), TLS: TLSNone, Username: mailworld.IMAPUser, HeloName: "klachtd.test",
		Timeout: 5 * time.Second, OAuth2: ts}, testLog(t))
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOAuth2SenderMechanisms(t *testing.T) {
	for _, mechs := range [][]string{nil, {"XOAUTH2"}, {"OAUTHBEARER"}} {
		t.Run(strings.Join(mechs, "+"), func(t *testing.T) {
			srv, tok := oauthSMTP(t, mechs...)
			s := oauthSender(t, srv, genericSource(t, tok, mailworld.OAuth2ClientSecret))
			for i := range 2 {
				if err := s.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org"}, letter(i)); err != nil {
					t.Fatalf("Send: %v", err)
				}
			}
			if got := srv.AuthUsers(); !slices.Equal(got, []string{mailworld.IMAPUser}) {
				t.Errorf("AUTH logins = %v, want one as %s (connection reused)", got, mailworld.IMAPUser)
			}
		})
	}
}

func TestOAuth2SenderRefusedTokenAndEndpointError(t *testing.T) {
	srv, tok := oauthSMTP(t, "XOAUTH2")
	ts := genericSource(t, tok, mailworld.OAuth2ClientSecret)
	s := oauthSender(t, srv, ts)
	if err := s.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org"}, letter(1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	tok.RevokeAll()
	err := s.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org"}, letter(2))
	var se *SendError
	var sasl *SASLError
	if !errors.As(err, &se) || se.Stage != "auth" || se.Code != 535 || !errors.As(err, &sasl) || sasl.Status != "401" || !temporary(err) {
		t.Fatalf("Send with a revoked token = %v, want a temporary auth 535 with the decoded challenge", err)
	}
	tok.FailWith("invalid_client", "mailworld: secret revoked")
	err = s.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org"}, letter(3))
	var te *TokenError
	if !errors.As(err, &se) || se.Stage != "auth" || !errors.As(err, &te) || te.Code != "invalid_client" || !temporary(err) {
		t.Fatalf("Send with the endpoint refusing = %v, want a temporary auth error with the endpoint's code", err)
	}
	tok.FailWith("", "")
	if err := s.Send(context.Background(), "klachten@ingressus.nl", []string{"piet@example.org"}, letter(4)); err != nil {
		t.Fatalf("Send after the fix: %v", err)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("messages = %d, want 2", n)
	}
}

// rsaCert writes a self-signed certificate and its key (PKCS#8) to dir.
func rsaCert(t *testing.T, dir string, notAfter time.Time) (certFile, keyFile string, key *rsa.PrivateKey, der []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "klachtd"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: notAfter}
	der, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := x509.MarshalPKCS8PrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "app.crt"), filepath.Join(dir, "app.key")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}), 0o600)
	return certFile, keyFile, key, der
}

func TestMicrosoftTokenRequests(t *testing.T) {
	if got := MicrosoftTokenURL("contoso.onmicrosoft.com"); got != "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token" {
		t.Errorf("MicrosoftTokenURL = %s", got)
	}
	tok := mailworld.NewTokenServer(t)
	t.Run("secret", func(t *testing.T) {
		ts, err := NewTokenSource(OAuth2Config{Provider: ProviderMicrosoft, Tenant: "contoso.onmicrosoft.com", ClientID: mailworld.OAuth2ClientID,
			ClientSecret: mailworld.OAuth2ClientSecret, TokenURL: tok.URL()}, testLog(t))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := ts.AccessToken(context.Background()); err != nil {
			t.Fatal(err)
		}
		r := tok.Requests()[len(tok.Requests())-1]
		if r.Form.Get("grant_type") != "client_credentials" || r.Form.Get("scope") != "https://outlook.office365.com/.default" ||
			r.Form.Get("client_id") != mailworld.OAuth2ClientID || r.Form.Get("client_secret") != mailworld.OAuth2ClientSecret || r.BasicUser != "" {
			t.Errorf("request = %v (basic %q), want client credentials in the form with the Exchange scope", r.Form, r.BasicUser)
		}
	})
	t.Run("certificate", func(t *testing.T) {
		notAfter := time.Now().Add(90 * 24 * time.Hour).Truncate(time.Second)
		certFile, keyFile, key, der := rsaCert(t, t.TempDir(), notAfter)
		ts, err := NewTokenSource(OAuth2Config{Provider: ProviderMicrosoft, Tenant: "contoso.onmicrosoft.com", ClientID: mailworld.OAuth2ClientID,
			CertificateFile: certFile, KeyFile: keyFile, TokenURL: tok.URL()}, testLog(t))
		if err != nil {
			t.Fatal(err)
		}
		if !ts.CertificateNotAfter().Equal(notAfter) {
			t.Errorf("CertificateNotAfter = %v, want %v", ts.CertificateNotAfter(), notAfter)
		}
		if _, _, err := ts.AccessToken(context.Background()); err != nil {
			t.Fatal(err)
		}
		r := tok.Requests()[len(tok.Requests())-1]
		f := r.Form
		if f.Get("grant_type") != "client_credentials" || f.Get("scope") != "https://outlook.office365.com/.default" ||
			f.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || f.Get("client_secret") != "" {
			t.Errorf("form = %v, want a client assertion and no secret", f)
		}
		sum := sha1.Sum(der)
		if r.AssertionHeader["alg"] != "RS256" || r.AssertionHeader["x5t"] != base64.RawURLEncoding.EncodeToString(sum[:]) {
			t.Errorf("assertion header = %v, want RS256 with the certificate's x5t", r.AssertionHeader)
		}
		c := r.AssertionClaims
		exp, _ := c["exp"].(float64)
		if c["aud"] != tok.URL() || c["iss"] != mailworld.OAuth2ClientID || c["sub"] != mailworld.OAuth2ClientID || c["jti"] == "" ||
			time.Unix(int64(exp), 0).Before(time.Now()) {
			t.Errorf("assertion claims = %v, want aud token URL, iss = sub = client_id, a jti, exp ahead", c)
		}
		parts := strings.Split(f.Get("client_assertion"), ".")
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		h := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, h[:], sig); err != nil {
			t.Errorf("assertion signature: %v", err)
		}
	})
	t.Run("key of another certificate", func(t *testing.T) {
		c1, _, _, _ := rsaCert(t, t.TempDir(), time.Now().Add(time.Hour))
		_, k2, _, _ := rsaCert(t, t.TempDir(), time.Now().Add(time.Hour))
		_, err := NewTokenSource(OAuth2Config{Provider: ProviderMicrosoft, Tenant: "x", ClientID: "c", CertificateFile: c1, KeyFile: k2}, nil)
		if err == nil || !strings.Contains(err.Error(), "does not belong") {
			t.Errorf("NewTokenSource = %v, want a key/certificate mismatch", err)
		}
	})
}

func TestGoogleServiceAccountTokenRequest(t *testing.T) {
	tok := mailworld.NewTokenServer(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := x509.MarshalPKCS8PrivateKey(key)
	sa, _ := json.Marshal(map[string]string{"type": "service_account", "client_email": "klachtd@proj.iam.gserviceaccount.com",
		"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd})), "private_key_id": "k1",
		"token_uri": "https://oauth2.googleapis.com/token"})
	path := filepath.Join(t.TempDir(), "sa.json")
	os.WriteFile(path, sa, 0o600)
	ts, err := NewTokenSource(OAuth2Config{Provider: ProviderGoogle, ServiceAccountFile: path, Subject: "klachten@example.nl", TokenURL: tok.URL()}, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ts.AccessToken(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := tok.Requests()[0]
	c := r.AssertionClaims
	if r.Form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		t.Errorf("grant_type = %q", r.Form.Get("grant_type"))
	}
	if c["iss"] != "klachtd@proj.iam.gserviceaccount.com" || c["sub"] != "klachten@example.nl" || c["scope"] != "https://mail.google.com/" || c["aud"] != tok.URL() {
		t.Errorf("assertion claims = %v, want iss the service account, sub the mailbox, scope https://mail.google.com/, aud the token URL", c)
	}
	if r.AssertionHeader["kid"] != "k1" || r.AssertionHeader["alg"] != "RS256" {
		t.Errorf("assertion header = %v", r.AssertionHeader)
	}
	os.WriteFile(path, []byte(`{"type":"authorized_user"}`), 0o600)
	if _, err := NewTokenSource(OAuth2Config{Provider: ProviderGoogle, ServiceAccountFile: path}, nil); err == nil || !strings.Contains(err.Error(), "service_account") {
		t.Errorf("a user credential file: %v, want a clear error", err)
	}
}

func TestTokenCachedAndRenewedBeforeExpiry(t *testing.T) {
	tok := mailworld.NewTokenServer(t)
	ts := genericSource(t, tok, mailworld.OAuth2ClientSecret)
	now := time.Now()
	ts.now = func() time.Time { return now }
	a, exp, err := ts.AccessToken(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := ts.AccessToken(context.Background())
	if a != b || tok.Issued() != 1 {
		t.Errorf("second call fetched again (issued %d)", tok.Issued())
	}
	now = exp.Add(-4 * time.Minute) // inside the 5-minute margin of an hour's token
	c, _, _ := ts.AccessToken(context.Background())
	if c == a || tok.Issued() != 2 {
		t.Errorf("token not renewed within the margin before expiry (issued %d)", tok.Issued())
	}
	ts.Invalidate(c)
	if d, _, _ := ts.AccessToken(context.Background()); d == c {
		t.Error("an invalidated token was handed out again")
	}
}
