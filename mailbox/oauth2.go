package mailbox

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/oauth2/jwt"
)

// OAuth2 providers.
const (
	ProviderMicrosoft = "microsoft" // Entra ID client credentials, secret or certificate
	ProviderGoogle    = "google"    // service account, domain-wide delegation (JWT bearer)
	ProviderGeneric   = "generic"   // client credentials at a token URL
)

// Default scopes per provider: one token serves IMAP and SMTP.
var (
	ScopesMicrosoft = []string{"https://outlook.office365.com/.default"}
	ScopesGoogle    = []string{"https://mail.google.com/"}
)

// MicrosoftTokenURL is the Entra ID v2 token endpoint of tenant.
func MicrosoftTokenURL(tenant string) string {
	return "https://login.microsoftonline.com/" + url.PathEscape(tenant) + "/oauth2/v2.0/token"
}

// OAuth2Config says how to get access tokens for the mailbox.
type OAuth2Config struct {
	Provider     string
	Tenant       string // microsoft
	ClientID     string
	ClientSecret string
	// CertificateFile and KeyFile (PEM) replace ClientSecret for
	// microsoft: the token request carries a client assertion signed with
	// the key.
	CertificateFile string
	KeyFile         string
	// ServiceAccountFile is a Google service-account key (JSON);
	// Subject is the mailbox it acts as (domain-wide delegation).
	ServiceAccountFile string
	Subject            string
	// TokenURL is required for generic; for microsoft and google it
	// replaces the provider's endpoint (national clouds, tests).
	TokenURL string
	Scopes   []string
	// HTTPClient, when set, is used for token requests (tests).
	HTTPClient *http.Client
}

// Tokens hands out access tokens for SASL logins.
type Tokens interface {
	// AccessToken returns a token valid for a while yet, fetching a new
	// one when the cached one is near its expiry.
	AccessToken(ctx context.Context) (token string, expiry time.Time, err error)
	// Invalidate drops token from the cache after a server refused it,
	// so that the next login fetches a fresh one.
	Invalidate(token string)
}

// TokenStatus is the token source's health, for /healthz and alerts.
type TokenStatus struct {
	// FailingSince is when the token endpoint began refusing; zero while
	// tokens come.
	FailingSince time.Time
	// LastError is the endpoint's error with what to do, empty when well.
	LastError string
}

// TokenSource fetches OAuth2 access tokens from a provider, caches them and
// renews them before they expire. Safe for concurrent use: the intake and
// every SMTP sender share one.
type TokenSource struct {
	cfg   OAuth2Config
	fetch func(ctx context.Context) (*oauth2.Token, error)
	log   *slog.Logger
	// certNotAfter is the certificate's expiry (microsoft with a
	// certificate), for the warnings ahead of it.
	certNotAfter time.Time

	mu  sync.Mutex
	tok *oauth2.Token
	st  TokenStatus
	now func() time.Time
}

// NewTokenSource checks cfg, reads its key files and returns a source. It
// does no network I/O: the first AccessToken asks the endpoint.
func NewTokenSource(cfg OAuth2Config, log *slog.Logger) (*TokenSource, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ts := &TokenSource{cfg: cfg, log: log, now: time.Now}
	if cfg.ClientID == "" && cfg.Provider != ProviderGoogle {
		return nil, errors.New("oauth2: client_id is required")
	}
	switch cfg.Provider {
	case ProviderMicrosoft:
		if len(cfg.Scopes) == 0 {
			cfg.Scopes = ScopesMicrosoft
		}
		if cfg.TokenURL == "" {
			if cfg.Tenant == "" {
				return nil, errors.New("oauth2: tenant is required for microsoft")
			}
			cfg.TokenURL = MicrosoftTokenURL(cfg.Tenant)
		}
		if cfg.CertificateFile != "" {
			a, err := loadAssertionKey(cfg.CertificateFile, cfg.KeyFile)
			if err != nil {
				return nil, err
			}
			ts.certNotAfter = a.notAfter
			ts.fetch = func(ctx context.Context) (*oauth2.Token, error) {
				assertion, err := a.sign(cfg.ClientID, cfg.TokenURL, ts.now())
				if err != nil {
					return nil, err
				}
				cc := clientcredentials.Config{ClientID: cfg.ClientID, TokenURL: cfg.TokenURL, Scopes: cfg.Scopes,
					AuthStyle: oauth2.AuthStyleInParams, EndpointParams: url.Values{
						"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
						"client_assertion":      {assertion},
					}}
				return cc.Token(ctx)
			}
		} else {
			if cfg.ClientSecret == "" {
				return nil, errors.New("oauth2: microsoft needs a client secret or a certificate")
			}
			cc := clientcredentials.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, TokenURL: cfg.TokenURL,
				Scopes: cfg.Scopes, AuthStyle: oauth2.AuthStyleInParams}
			ts.fetch = cc.Token
		}
	case ProviderGoogle:
		if len(cfg.Scopes) == 0 {
			cfg.Scopes = ScopesGoogle
		}
		jc, err := loadServiceAccount(cfg.ServiceAccountFile)
		if err != nil {
			return nil, err
		}
		jc.Subject, jc.Scopes = cfg.Subject, cfg.Scopes
		if cfg.TokenURL != "" {
			jc.TokenURL = cfg.TokenURL
		}
		cfg.TokenURL = jc.TokenURL
		ts.fetch = func(ctx context.Context) (*oauth2.Token, error) { return jc.TokenSource(ctx).Token() }
	case ProviderGeneric:
		if cfg.TokenURL == "" {
			return nil, errors.New("oauth2: token_url is required for generic")
		}
		cc := clientcredentials.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, TokenURL: cfg.TokenURL, Scopes: cfg.Scopes}
		ts.fetch = cc.Token
	default:
		return nil, fmt.Errorf("oauth2: unknown provider %q (want %s, %s or %s)", cfg.Provider, ProviderMicrosoft, ProviderGoogle, ProviderGeneric)
	}
	ts.cfg = cfg
	return ts, nil
}

// CertificateNotAfter is the expiry of the certificate used for client
// assertions; zero without one.
func (ts *TokenSource) CertificateNotAfter() time.Time { return ts.certNotAfter }

// TokenURL is the endpoint tokens come from.
func (ts *TokenSource) TokenURL() string { return ts.cfg.TokenURL }

// Status returns the source's health. Safe for concurrent use.
func (ts *TokenSource) Status() TokenStatus {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.st
}

// renewMargin is how long before its expiry a token is replaced: a
// quarter of its lifetime, at most 5 minutes, so that a login never
// presents a token that runs out during the exchange.
func renewMargin(lifetime time.Duration) time.Duration {
	return min(5*time.Minute, lifetime/4)
}

// AccessToken returns a cached token while it has time left, else fetches
// a new one. A failure is recorded (Status) and logged with what to do.
func (ts *TokenSource) AccessToken(ctx context.Context) (string, time.Time, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	now := ts.now()
	if ts.tok != nil && (ts.tok.Expiry.IsZero() || now.Before(ts.tok.Expiry.Add(-renewMarginOf(ts.tok)))) {
		return ts.tok.AccessToken, ts.tok.Expiry, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if ts.cfg.HTTPClient != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, ts.cfg.HTTPClient)
	}
	tok, err := ts.fetch(ctx)
	if err == nil && tok.AccessToken == "" {
		err = errors.New("the endpoint's answer has no access_token")
	}
	if err != nil {
		terr := newTokenError(ts.cfg.Provider, ts.cfg.TokenURL, err)
		if ts.st.FailingSince.IsZero() {
			ts.st.FailingSince = now
			ts.log.Error("oauth2 token refused: no mail can be read or sent until this is fixed", "token_url", ts.cfg.TokenURL, "err", terr.Error())
		} else {
			ts.log.Warn("oauth2 token still refused", "token_url", ts.cfg.TokenURL, "err", terr.Error(), "failing_since", ts.st.FailingSince)
		}
		ts.st.LastError = terr.Error()
		return "", time.Time{}, terr
	}
	if !ts.st.FailingSince.IsZero() {
		ts.log.Info("oauth2 token endpoint works again", "token_url", ts.cfg.TokenURL, "failing_since", ts.st.FailingSince)
	}
	ts.st = TokenStatus{}
	ts.tok = &oauth2.Token{AccessToken: tok.AccessToken, Expiry: tok.Expiry}
	// Remember the lifetime for the renewal margin.
	ts.tok.ExpiresIn = int64(tok.Expiry.Sub(now) / time.Second)
	ts.log.Debug("oauth2 token fetched", "token_url", ts.cfg.TokenURL, "expiry", tok.Expiry)
	return tok.AccessToken, tok.Expiry, nil
}

func renewMarginOf(t *oauth2.Token) time.Duration {
	return renewMargin(time.Duration(t.ExpiresIn) * time.Second)
}

// Invalidate drops token from the cache if it is the cached one.
func (ts *TokenSource) Invalidate(token string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.tok != nil && ts.tok.AccessToken == token {
		ts.tok = nil
	}
}

// TokenError is a token endpoint's refusal (or no answer), with the
// endpoint's own error text and one line on what to do.
type TokenError struct {
	TokenURL    string
	Code        string // RFC 6749 error, e.g. invalid_client
	Description string // the endpoint's error_description, e.g. AADSTS7000222: …
	Hint        string // what to do
	Err         error
}

// Error reads like: oauth2 token from URL: invalid_client: AADSTS7000222: …
// — what to do: ….
func (e *TokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "oauth2 token from %s: ", e.TokenURL)
	switch {
	case e.Code != "":
		b.WriteString(e.Code)
		if e.Description != "" {
			b.WriteString(": " + firstLine(e.Description))
		}
	default:
		b.WriteString(e.Err.Error())
	}
	if e.Hint != "" {
		b.WriteString(" — what to do: " + e.Hint)
	}
	return b.String()
}

func (e *TokenError) Unwrap() error { return e.Err }

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(strings.TrimSuffix(s, "\r"))
}

func newTokenError(provider, tokenURL string, err error) *TokenError {
	te := &TokenError{TokenURL: tokenURL, Err: err}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		te.Code, te.Description = re.ErrorCode, re.ErrorDescription
		if te.Code == "" && re.Response != nil {
			te.Code = re.Response.Status
			te.Description = strings.TrimSpace(string(re.Body))
			if len(te.Description) > 300 {
				te.Description = te.Description[:300] + "…"
			}
		}
	}
	te.Hint = tokenHint(provider, te.Code, te.Description)
	return te
}

// tokenHint says in one line what fixes a token endpoint's error.
func tokenHint(provider, code, desc string) string {
	d := desc
	switch {
	case strings.Contains(d, "AADSTS7000222"):
		return "the client secret has expired: create a new one under Certificates & secrets of the app registration, set it in [oauth2] (client_secret_env) and set client_secret_expires to its end date"
	case strings.Contains(d, "AADSTS7000215"):
		return "the client secret is wrong: give the secret's Value, not its Secret ID"
	case strings.Contains(d, "AADSTS700027"), strings.Contains(d, "AADSTS700024"):
		return "the certificate assertion was refused: upload the certificate (certificate_file) to the app registration and check the machine's clock"
	case strings.Contains(d, "AADSTS700016"):
		return "no app with this client_id in the tenant: check [oauth2] client_id and tenant"
	case strings.Contains(d, "AADSTS90002"), strings.Contains(d, "AADSTS900023"):
		return "tenant not found: check [oauth2] tenant (e.g. contoso.onmicrosoft.com or the tenant ID)"
	case strings.Contains(d, "AADSTS65001"), strings.Contains(d, "AADSTS650057"):
		return "admin consent is missing: grant admin consent for IMAP.AccessAsApp and SMTP.SendAsApp in the app registration"
	case strings.Contains(d, "AADSTS70011"), code == "invalid_scope":
		return "the scope is not accepted: leave [oauth2] scopes unset for the provider's default, or fix it"
	case code == "unauthorized_client" && provider == ProviderGoogle:
		return "domain-wide delegation is not granted: in the Admin console (Security > API controls > Domain-wide delegation) add the service account's client ID with scope https://mail.google.com/"
	case code == "invalid_grant" && provider == ProviderGoogle:
		return "the service account may not act as this mailbox: check [imap] username is a user of the Workspace domain, the key is not revoked and the machine's clock is right"
	case code == "invalid_client":
		return "the endpoint does not accept this client: check client_id and the client secret (client_secret_env) or certificate"
	case code == "invalid_grant":
		return "the grant was refused: the credential was revoked or has expired; issue a new one"
	case code == "unauthorized_client":
		return "the client may not use the client-credentials grant: allow it at the provider"
	case code == "":
		return "the token endpoint could not be reached: check the network, DNS and token_url"
	}
	return "check the [oauth2] settings against the provider's app registration"
}

// loadServiceAccount reads a Google service-account key file into a JWT
// config, without google.JWTConfigFromJSON: that package brings in the GCE
// metadata client, which a mail gateway does not need.
func loadServiceAccount(path string) (*jwt.Config, error) {
	if path == "" {
		return nil, errors.New("oauth2: service_account_file is required for google")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("oauth2: service_account_file: %w", err)
	}
	var k struct {
		Type         string `json:"type"`
		ClientEmail  string `json:"client_email"`
		PrivateKey   string `json:"private_key"`
		PrivateKeyID string `json:"private_key_id"`
		TokenURI     string `json:"token_uri"`
	}
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, fmt.Errorf("oauth2: service_account_file %s: not a service-account key (JSON): %w", path, err)
	}
	if k.Type != "service_account" || k.ClientEmail == "" || k.PrivateKey == "" {
		return nil, fmt.Errorf("oauth2: service_account_file %s: expected a key of type service_account with client_email and private_key (download it under IAM > Service accounts > Keys)", path)
	}
	if k.TokenURI == "" {
		k.TokenURI = "https://oauth2.googleapis.com/token"
	}
	return &jwt.Config{Email: k.ClientEmail, PrivateKey: []byte(k.PrivateKey), PrivateKeyID: k.PrivateKeyID, TokenURL: k.TokenURI}, nil
}

// assertionKey signs Entra ID client assertions (RS256 JWT with the
// certificate's SHA-1 thumbprint as x5t). x/oauth2's jws.Header has no
// x5t, so the few lines are ours.
type assertionKey struct {
	key        *rsa.PrivateKey
	thumbprint string // base64url SHA-1 of the certificate's DER
	notAfter   time.Time
}

func loadAssertionKey(certFile, keyFile string) (*assertionKey, error) {
	if keyFile == "" {
		keyFile = certFile // one PEM file may hold both
	}
	cb, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("oauth2: certificate_file: %w", err)
	}
	kb, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("oauth2: key_file: %w", err)
	}
	var cert *x509.Certificate
	for rest := cb; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type == "CERTIFICATE" {
			if cert, err = x509.ParseCertificate(blk.Bytes); err != nil {
				return nil, fmt.Errorf("oauth2: certificate_file %s: %w", certFile, err)
			}
			break
		}
	}
	if cert == nil {
		return nil, fmt.Errorf("oauth2: certificate_file %s: no PEM CERTIFICATE block", certFile)
	}
	var key *rsa.PrivateKey
	for rest := kb; key == nil; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		switch blk.Type {
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(blk.Bytes)
		case "PRIVATE KEY":
			var k any
			if k, err = x509.ParsePKCS8PrivateKey(blk.Bytes); err == nil {
				var ok bool
				if key, ok = k.(*rsa.PrivateKey); !ok {
					return nil, fmt.Errorf("oauth2: key_file %s: expected an RSA key (Entra ID signs with RS256)", keyFile)
				}
			}
		}
		if err != nil {
			return nil, fmt.Errorf("oauth2: key_file %s: %w", keyFile, err)
		}
	}
	if key == nil {
		return nil, fmt.Errorf("oauth2: key_file %s: no PEM PRIVATE KEY block", keyFile)
	}
	if pub, ok := cert.PublicKey.(*rsa.PublicKey); !ok || !pub.Equal(&key.PublicKey) {
		return nil, fmt.Errorf("oauth2: key_file %s does not belong to certificate_file %s", keyFile, certFile)
	}
	sum := sha1.Sum(cert.Raw)
	return &assertionKey{key: key, thumbprint: base64.RawURLEncoding.EncodeToString(sum[:]), notAfter: cert.NotAfter}, nil
}

// sign makes a client assertion for clientID at tokenURL, valid 10 minutes.
func (a *assertionKey) sign(clientID, tokenURL string, now time.Time) (string, error) {
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "x5t": a.thumbprint})
	claims, _ := json.Marshal(map[string]any{
		"aud": tokenURL, "iss": clientID, "sub": clientID, "jti": hex.EncodeToString(jti),
		"nbf": now.Add(-time.Minute).Unix(), "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
	})
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(hdr) + "." + enc.EncodeToString(claims)
	h := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, a.key, crypto.SHA256, h[:])
	if err != nil {
		return "", fmt.Errorf("oauth2: sign client assertion: %w", err)
	}
	return signing + "." + enc.EncodeToString(sig), nil
}
