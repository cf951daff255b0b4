package mailworld

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
)

// OAuth2 credentials the TokenServer accepts by default.
const (
	OAuth2ClientID     = "klachtd-test-client"
	OAuth2ClientSecret = "test-secret"
)

// TokenRequest is one request the token endpoint received.
type TokenRequest struct {
	Form url.Values
	// BasicUser is the client ID from an Authorization: Basic header.
	BasicUser string
	// AssertionHeader and AssertionClaims are the decoded JWT of a
	// client_assertion (certificate) or a jwt-bearer assertion (Google).
	AssertionHeader map[string]any
	AssertionClaims map[string]any
}

// TokenServer is an OAuth2 token endpoint on loopback that issues opaque
// access tokens for the client-credentials grant (secret or client
// assertion) and the JWT-bearer grant, and checks them for the test mail
// servers and for Dovecot's oauth2 passdb (POST /introspect, RFC 7662).
type TokenServer struct {
	base string // http://127.0.0.1:port

	mu       sync.Mutex
	secret   string
	lifetime time.Duration
	errCode  string // refuse every request with this error, when set
	errDesc  string
	tokens   map[string]time.Time // token → expiry
	requests []TokenRequest
	issued   int
	user     string // the mailbox introspection names
	now      func() time.Time
}

// NewTokenServer starts a token endpoint accepting OAuth2ClientID with
// OAuth2ClientSecret; tokens live an hour.
func NewTokenServer(t TB) *TokenServer {
	t.Helper()
	ts := &TokenServer{secret: OAuth2ClientSecret, lifetime: time.Hour, tokens: map[string]time.Time{}, user: IMAPUser, now: time.Now}
	mux := http.NewServeMux()
	mux.HandleFunc("/token", ts.token)
	mux.HandleFunc("/introspect", ts.introspect)
	// Not httptest.NewServer: klachtd demo links this package, and should
	// not link httptest with it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailworld: token endpoint listen: %v", err)
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	ts.base = "http://" + ln.Addr().String()
	return ts
}

// URL is the token endpoint.
func (ts *TokenServer) URL() string { return ts.base + "/token" }

// IntrospectionURL is the RFC 7662 endpoint Dovecot asks.
func (ts *TokenServer) IntrospectionURL() string { return ts.base + "/introspect" }

// SetSecret changes the client secret the endpoint accepts; tokens already
// issued stay valid unless revoked.
func (ts *TokenServer) SetSecret(s string) {
	ts.mu.Lock()
	ts.secret = s
	ts.mu.Unlock()
}

// SetLifetime sets expires_in for new tokens.
func (ts *TokenServer) SetLifetime(d time.Duration) {
	ts.mu.Lock()
	ts.lifetime = d
	ts.mu.Unlock()
}

// SetUser sets the user name introspection reports for a valid token.
func (ts *TokenServer) SetUser(u string) {
	ts.mu.Lock()
	ts.user = u
	ts.mu.Unlock()
}

// FailWith makes every token request fail with an RFC 6749 error (as
// Entra ID does: code 401, invalid_client, "AADSTS7000222: …"); an empty
// code clears it.
func (ts *TokenServer) FailWith(code, description string) {
	ts.mu.Lock()
	ts.errCode, ts.errDesc = code, description
	ts.mu.Unlock()
}

// RevokeAll makes every token issued so far invalid.
func (ts *TokenServer) RevokeAll() {
	ts.mu.Lock()
	clear(ts.tokens)
	ts.mu.Unlock()
}

// Requests returns the token requests received so far.
func (ts *TokenServer) Requests() []TokenRequest {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]TokenRequest(nil), ts.requests...)
}

// Issued is how many tokens the endpoint has handed out.
func (ts *TokenServer) Issued() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.issued
}

// Valid reports whether token was issued here, is not revoked and has not
// expired.
func (ts *TokenServer) Valid(token string) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	exp, ok := ts.tokens[token]
	return ok && ts.now().Before(exp)
}

func decodeJWT(s string) (hdr, claims map[string]any) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, nil
	}
	for i, dst := range []*map[string]any{&hdr, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err == nil {
			json.Unmarshal(b, dst)
		}
	}
	return hdr, claims
}

func (ts *TokenServer) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	req := TokenRequest{Form: r.PostForm}
	clientID, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		u, _ = url.QueryUnescape(u)
		p, _ = url.QueryUnescape(p)
		req.BasicUser, clientID, secret = u, u, p
	}
	if a := r.PostForm.Get("client_assertion"); a != "" {
		req.AssertionHeader, req.AssertionClaims = decodeJWT(a)
	}
	if a := r.PostForm.Get("assertion"); a != "" {
		req.AssertionHeader, req.AssertionClaims = decodeJWT(a)
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	fail := func(status int, code, desc string) {
		ts.requests = append(ts.requests, req)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
	}
	if ts.errCode != "" {
		fail(http.StatusUnauthorized, ts.errCode, ts.errDesc)
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "client_credentials":
		// A client assertion stands in for the secret; its signature is
		// not checked here (the unit test checks it with the public key).
		if clientID != OAuth2ClientID || (req.AssertionClaims == nil && secret != ts.secret) {
			fail(http.StatusUnauthorized, "invalid_client", "mailworld: client authentication failed")
			return
		}
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		if req.AssertionClaims == nil {
			fail(http.StatusBadRequest, "invalid_grant", "mailworld: no assertion")
			return
		}
	default:
		fail(http.StatusBadRequest, "unsupported_grant_type", "mailworld: "+r.PostForm.Get("grant_type"))
		return
	}
	b := make([]byte, 16)
	rand.Read(b)
	tok := "mt-" + hex.EncodeToString(b)
	ts.tokens[tok] = ts.now().Add(ts.lifetime)
	ts.issued++
	ts.requests = append(ts.requests, req)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": int(ts.lifetime / time.Second)})
}

// introspect answers RFC 7662 token introspection (Dovecot's
// introspection_mode = post sends token=…).
func (ts *TokenServer) introspect(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	tok := r.Form.Get("token")
	if tok == "" {
		if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
			tok = strings.TrimPrefix(a, "Bearer ")
		}
	}
	active := ts.Valid(tok)
	ts.mu.Lock()
	user := ts.user
	ts.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if !active {
		json.NewEncoder(w).Encode(map[string]any{"active": false})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"active": true, "username": user, "email": user})
}

// xoauth2Server is the server side of XOAUTH2: on a bad token it sends the
// JSON challenge Google and Microsoft send, then fails with fail once the
// client answers.
type xoauth2Server struct {
	check   func(user, token string) error
	fail    error
	refused bool
}

func (s *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if s.refused {
		return nil, true, s.fail
	}
	if resp == nil {
		return []byte{}, false, nil // ask for the initial response
	}
	var user, token string
	for _, kv := range bytes.Split(resp, []byte{1}) {
		k, v, _ := strings.Cut(string(kv), "=")
		switch k {
		case "user":
			user = v
		case "auth":
			token, _ = strings.CutPrefix(v, "Bearer ")
		}
	}
	if err := s.check(user, token); err != nil {
		s.refused = true
		return []byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`), false, nil
	}
	return nil, true, nil
}

// oauthServer returns the SASL server for mech, logging in through login
// once the token checks out against tokens.
func oauthServer(mech string, tokens *TokenServer, fail error, login func(user string) error) (sasl.Server, error) {
	check := func(user, token string) error {
		if !tokens.Valid(token) {
			return errors.New("invalid token")
		}
		return login(user)
	}
	switch mech {
	case "XOAUTH2":
		return &xoauth2Server{check: check, fail: fail}, nil
	case sasl.OAuthBearer:
		return sasl.NewOAuthBearerServer(func(o sasl.OAuthBearerOptions) *sasl.OAuthBearerError {
			if err := check(o.Username, o.Token); err != nil {
				return &sasl.OAuthBearerError{Status: "invalid_token", Schemes: "bearer"}
			}
			return nil
		}), nil
	}
	return nil, fmt.Errorf("mailworld: mechanism %s not offered", mech)
}
