package mailtest

import (
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// defaultMechs is what a server with OAuth2 offers unless told otherwise.
var defaultMechs = []string{"XOAUTH2", sasl.OAuthBearer, sasl.Plain}

// saslSession is a trackedSession that also accepts OAuth2 tokens
// (imapserver.SessionSASL). Logins count as LOGINs do.
type saslSession struct {
	*trackedSession
	tokens *TokenServer
	mechs  []string
}

func (ss *saslSession) AuthenticateMechanisms() []string {
	if len(ss.mechs) > 0 {
		return ss.mechs
	}
	return defaultMechs
}

func (ss *saslSession) Authenticate(mech string) (sasl.Server, error) {
	if !slices.Contains(ss.AuthenticateMechanisms(), mech) {
		return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "mailtest: SASL mechanism not offered"}
	}
	if mech == sasl.Plain {
		return sasl.NewPlainServer(func(_, user, pass string) error { return ss.Login(user, pass) }), nil
	}
	ss.s.mu.Lock()
	ss.s.logins++
	ss.s.mechsUsed = append(ss.s.mechsUsed, mech)
	ss.s.mu.Unlock()
	return oauthServer(mech, ss.tokens, imapserver.ErrAuthFailed, func(user string) error {
		if user != IMAPUser {
			return imapserver.ErrAuthFailed
		}
		// The in-memory backend knows passwords only: log it in with one.
		return ss.SessionIMAP4rev2.Login(IMAPUser, IMAPPassword)
	})
}

// SMTPOptions changes what the SMTP server offers.
type SMTPOptions struct {
	// OAuth2, when set, makes the server demand AUTH with a token it
	// issued before MAIL (plain text allowed: loopback tests).
	OAuth2 *TokenServer
	// Mechanisms offered with OAuth2; default XOAUTH2 and OAUTHBEARER.
	Mechanisms []string
}

// authCaptureSession is a captureSession behind SASL OAuth2.
type authCaptureSession struct {
	*captureSession
	user string
}

func (as *authCaptureSession) AuthMechanisms() []string {
	if len(as.s.opts.Mechanisms) > 0 {
		return as.s.opts.Mechanisms
	}
	return []string{"XOAUTH2", sasl.OAuthBearer}
}

func (as *authCaptureSession) Auth(mech string) (sasl.Server, error) {
	if !slices.Contains(as.AuthMechanisms(), mech) {
		return nil, &smtp.SMTPError{Code: 504, EnhancedCode: smtp.EnhancedCode{5, 5, 4}, Message: "mailtest: mechanism not offered"}
	}
	fail := &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "mailtest: authentication failed"}
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
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "mailtest: authentication required"}
	}
	return as.captureSession.Mail(from, o)
}

// AuthUsers lists who logged in with a token, one entry per AUTH.
func (s *SMTPServer) AuthUsers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.authUsers...)
}

// MechanismsUsed lists the SASL mechanism of each OAuth2 login attempt.
func (s *IMAPServer) MechanismsUsed() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.mechsUsed...)
}
