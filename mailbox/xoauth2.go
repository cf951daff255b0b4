package mailbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/wneessen/go-mail/smtp"
)

// SASL mechanism names for OAuth2 bearer tokens.
const (
	mechXOAUTH2     = "XOAUTH2"     // Google's and Microsoft's; the only one Exchange Online offers
	mechOAUTHBEARER = "OAUTHBEARER" // RFC 7628; Gmail and Dovecot offer it too
)

// SASLError is a server's refusal of an OAuth2 token during the SASL
// exchange: the JSON the server sent as its challenge (XOAUTH2 and
// OAUTHBEARER both do), decoded.
type SASLError struct {
	Mechanism string
	Status    string // e.g. "401", "invalid_token"
	Schemes   string
	Scope     string
	// Raw is the challenge as sent, when it was not the expected JSON.
	Raw string
}

// Error says that the server refused the token and what it said.
func (e *SASLError) Error() string {
	if e.Status == "" && e.Raw != "" {
		return fmt.Sprintf("%s: server refused the token: %q", e.Mechanism, e.Raw)
	}
	s := fmt.Sprintf("%s: server refused the token (status %s", e.Mechanism, e.Status)
	if e.Scope != "" {
		s += ", scope " + e.Scope
	}
	return s + ")"
}

// parseSASLError decodes a failure challenge: {"status":"401",
// "schemes":"bearer","scope":"https://mail.google.com/"}.
func parseSASLError(mech string, challenge []byte) *SASLError {
	var j struct {
		Status  string `json:"status"`
		Schemes string `json:"schemes"`
		Scope   string `json:"scope"`
	}
	e := &SASLError{Mechanism: mech}
	if err := json.Unmarshal(challenge, &j); err != nil || j.Status == "" {
		e.Raw = string(challenge)
		return e
	}
	e.Status, e.Schemes, e.Scope = j.Status, j.Schemes, j.Scope
	return e
}

// xoauth2IR is the XOAUTH2 initial response: user=…^Aauth=Bearer …^A^A.
func xoauth2IR(user, token string) []byte {
	return []byte("user=" + user + "\x01auth=Bearer " + token + "\x01\x01")
}

// xoauth2Client is XOAUTH2 as a go-sasl client (go-sasl has none and will
// not add one: emersion/go-sasl#23, #25).
type xoauth2Client struct{ user, token string }

// newXOAUTH2Client returns a SASL client that logs in as user with token.
func newXOAUTH2Client(user, token string) sasl.Client { return &xoauth2Client{user, token} }

func (c *xoauth2Client) Start() (string, []byte, error) {
	return mechXOAUTH2, xoauth2IR(c.user, c.token), nil
}

// Next is only called when the server refused the token: it sends a JSON
// challenge and waits for one (empty) line before its tagged NO. We do not
// answer: go-imap v2 beta.8 would send an empty answer as "=", which strict
// servers reject (emersion/go-imap#760), and the login has failed anyway.
// Returning the error ends Authenticate; the caller closes the connection,
// so nothing waits for a reply that never comes.
func (c *xoauth2Client) Next(challenge []byte) ([]byte, error) {
	return nil, parseSASLError(mechXOAUTH2, challenge)
}

// oauthBearerClient wraps go-sasl's OAUTHBEARER client so that its failure
// reads like XOAUTH2's.
type oauthBearerClient struct{ sasl.Client }

func newOAuthBearerClient(user, token, host string, port int) sasl.Client {
	return oauthBearerClient{sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: user, Token: token, Host: host, Port: port})}
}

func (c oauthBearerClient) Next(challenge []byte) ([]byte, error) {
	return nil, parseSASLError(mechOAUTHBEARER, challenge)
}

// chooseOAuthMech picks the mechanism from what the server offers:
// XOAUTH2 first (Exchange offers nothing else, and every server that has
// OAUTHBEARER we know of has XOAUTH2 too), else OAUTHBEARER.
func chooseOAuthMech(offered []string) (string, error) {
	has := func(m string) bool {
		for _, o := range offered {
			if strings.EqualFold(o, m) {
				return true
			}
		}
		return false
	}
	switch {
	case has(mechXOAUTH2):
		return mechXOAUTH2, nil
	case has(mechOAUTHBEARER):
		return mechOAUTHBEARER, nil
	}
	return "", fmt.Errorf("the server offers neither XOAUTH2 nor OAUTHBEARER (it offers %s): it does not accept OAuth2 tokens; use auth = \"password\" or check the server", strings.Join(offered, " "))
}

// smtpOAuth is an OAuth2 mechanism for go-mail's SMTP client. Unlike
// go-mail's own XOAuth2Auth it keeps the JSON the server sends on failure,
// so the error says why the token was refused.
type smtpOAuth struct {
	mech, user, token, host string
	port                    int
	refused                 *SASLError
}

func (a *smtpOAuth) Start(*smtp.ServerInfo) (string, []byte, error) {
	if a.mech == mechOAUTHBEARER {
		_, ir, err := sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: a.user, Token: a.token, Host: a.host, Port: a.port}).Start()
		return mechOAUTHBEARER, ir, err
	}
	return mechXOAUTH2, xoauth2IR(a.user, a.token), nil
}

// Next answers the failure challenge as both mechanisms require (XOAUTH2:
// an empty line; OAUTHBEARER: a single ^A, RFC 7628 §3.2.3), so that the
// server sends its final 535 and the connection stays in step.
func (a *smtpOAuth) Next(challenge []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	a.refused = parseSASLError(a.mech, challenge)
	if a.mech == mechOAUTHBEARER {
		return []byte{0x01}, nil
	}
	return []byte{}, nil
}

// wrap adds the decoded refusal to the server's final reply, if one came.
func (a *smtpOAuth) wrap(err error) error {
	if err == nil || a.refused == nil {
		return err
	}
	return &wrappedRefusal{err: err, refusal: a.refused}
}

// wrappedRefusal is the server's reply (a *textproto.Error, kept for its
// code) with the decoded JSON refusal beside it.
type wrappedRefusal struct {
	err     error
	refusal *SASLError
}

func (w *wrappedRefusal) Error() string   { return w.err.Error() + " (" + w.refusal.Error() + ")" }
func (w *wrappedRefusal) Unwrap() []error { return []error{w.err, w.refusal} }

// isSASLRefusal reports whether err is a server's refusal of a token.
func isSASLRefusal(err error) bool {
	var se *SASLError
	return errors.As(err, &se)
}
