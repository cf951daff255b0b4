package mailworld

import (
	"errors"
	"strings"

	"github.com/emersion/go-sasl"
)

// RequireAuth makes the server offer AUTH PLAIN (without TLS) and refuse
// MAIL with 530 until a client logged in as user with pass; a wrong
// password gets 535. An empty user turns it off.
func (s *SMTPServer) RequireAuth(user, pass string) {
	s.mu.Lock()
	s.authUser, s.authPass = user, pass
	s.mu.Unlock()
}

// FailRcptDomain makes every RCPT to an address at domain fail with code
// (e.g. 450 for greylisting) until called again with code 0. Other domains
// are not affected.
func (s *SMTPServer) FailRcptDomain(domain string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.domainFault == nil {
		s.domainFault = map[string]int{}
	}
	if code == 0 {
		delete(s.domainFault, strings.ToLower(domain))
		return
	}
	s.domainFault[strings.ToLower(domain)] = code
}

// domainFaultFor is the code for a RCPT to addr; s.mu is held.
func (s *SMTPServer) domainFaultFor(addr string) int {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return 0
	}
	return s.domainFault[strings.ToLower(strings.Trim(addr[i+1:], "<> "))]
}

// AuthMechanisms offers PLAIN while RequireAuth is on.
func (cs *captureSession) AuthMechanisms() []string {
	cs.s.mu.Lock()
	defer cs.s.mu.Unlock()
	if cs.s.authUser == "" {
		return nil
	}
	return []string{sasl.Plain}
}

// Auth checks the PLAIN credentials against RequireAuth's.
func (cs *captureSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, errors.New("mailworld: only PLAIN")
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		cs.s.mu.Lock()
		ok := username == cs.s.authUser && password == cs.s.authPass
		cs.s.mu.Unlock()
		if !ok {
			return smtpErr(535)
		}
		cs.user = username
		return nil
	}), nil
}
