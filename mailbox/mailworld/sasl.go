package mailworld

import (
	"crypto/tls"
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// defaultMechs is what a server with OAuth2 offers unless told otherwise.
var defaultMechs = []string{"XOAUTH2", sasl.OAuthBearer, sasl.Plain}

// saslSession is a session that also accepts OAuth2 tokens
// (imapserver.SessionSASL). Logins count as LOGINs do.
type saslSession struct {
	*session
}

// AuthenticateMechanisms are the configured mechanisms, else defaultMechs.
func (ss *saslSession) AuthenticateMechanisms() []string {
	if len(ss.s.mechs) > 0 {
		return ss.s.mechs
	}
	return defaultMechs
}

// Authenticate checks PLAIN as a LOGIN and an OAuth2 token against the
// TokenServer.
func (ss *saslSession) Authenticate(mech string) (sasl.Server, error) {
	if !slices.Contains(ss.AuthenticateMechanisms(), mech) {
		return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "mailworld: SASL mechanism not offered"}
	}
	if mech == sasl.Plain {
		return sasl.NewPlainServer(func(_, user, pass string) error { return ss.Login(user, pass) }), nil
	}
	ss.s.mu.Lock()
	ss.s.logins++
	ss.s.mechsUsed = append(ss.s.mechsUsed, mech)
	ss.s.mu.Unlock()
	return oauthServer(mech, ss.s.tokens, imapserver.ErrAuthFailed, func(user string) error {
		a, err := ss.s.account(user)
		if err != nil {
			return imapserver.ErrAuthFailed
		}
		ss.open(a)
		return nil
	})
}

// SMTPOptions changes what the SMTP server offers.
type SMTPOptions struct {
	// OAuth2, when set, makes the server demand AUTH with a token it
	// issued before MAIL (plain text allowed: loopback tests).
	OAuth2 *TokenServer
	// Mechanisms offered with OAuth2; default XOAUTH2 and OAUTHBEARER.
	Mechanisms []string
	// TLS makes the server offer STARTTLS, with ImplicitTLS TLS from the
	// first byte instead; AUTH is then offered only over TLS.
	TLS         *tls.Config
	ImplicitTLS bool
}

// authCaptureSession is a captureSession behind SASL OAuth2.
type authCaptureSession struct {
	*captureSession
}

func (as *authCaptureSession) AuthMechanisms() []string {
	if len(as.s.opts.Mechanisms) > 0 {
		return as.s.opts.Mechanisms
	}
	return []string{"XOAUTH2", sasl.OAuthBearer}
}

func (as *authCaptureSession) Auth(mech string) (sasl.Server, error) {
	if !slices.Contains(as.AuthMechanisms(), mech) {
		return nil, &smtp.SMTPError{Code: 504, EnhancedCode: smtp.EnhancedCode{5, 5, 4}, Message: "mailworld: mechanism not offered"}
	}
	fail := &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "mailworld: authentication failed"}
	return oauthServer(mech, as.s.opts.OAuth2, fail, func(user string) error {
		as.user = user
		as.s.mu.Lock()
		as.s.authUsers = append(as.s.authUsers, user)
		as.s.mu.Unlock()
		return nil
	})
}

func (as *authCaptureSession) Mail(from string, o *smtp.MailOptions) error {
	if as.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "mailworld: authentication required"}
	}
	return as.captureSession.Mail(from, o)
}

// AuthUsers lists who logged in with a token, one entry per AUTH.
func (s *SMTPServer) AuthUsers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.authUsers...)
}
