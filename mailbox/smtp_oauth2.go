package mailbox

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail/smtp"
)

// authOAuth2 authenticates c with a token from s.cfg.OAuth2: XOAUTH2 when
// the server offers it, else OAUTHBEARER. A token that cannot be had is a
// temporary "auth" failure: the letter waits for the credential's fix.
func (s *Sender) authOAuth2(ctx context.Context, c *smtp.Client, raw net.Conn) error {
	cfg := s.cfg
	tok, _, err := cfg.OAuth2.AccessToken(ctx)
	if err != nil {
		return &SendError{Stage: "auth", Err: err}
	}
	_, mechs := c.Extension("AUTH")
	mech, err := chooseOAuthMech(strings.Fields(strings.ToUpper(mechs)))
	if err != nil {
		return &SendError{Stage: "auth", Err: err}
	}
	_, port, _ := net.SplitHostPort(cfg.Addr)
	p, _ := strconv.Atoi(port)
	a := &smtpOAuth{mech: mech, user: cfg.Username, token: tok, host: s.host, port: p}
	raw.SetDeadline(time.Now().Add(cfg.Timeout))
	if err := a.wrap(c.Auth(a)); err != nil {
		cfg.OAuth2.Invalidate(tok) // a revoked token: fetch a new one next time
		se := newSendError("auth", "", err)
		se.Err = fmt.Errorf("%s: %w", mech, err)
		return se
	}
	return nil
}
