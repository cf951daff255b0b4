package mailbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/emersion/go-sasl"
)

// errReauth ends a session whose OAuth2 token is about to expire: the
// intake logs out between passes and logs in again with a fresh token, so
// a server that ends sessions at the token's expiry never cuts a FETCH or
// MOVE in half.
var errReauth = errors.New("oauth2 token expiring: logging in again")

// login authenticates the connection: LOGIN with the password, or SASL
// XOAUTH2/OAUTHBEARER with a token when cfg.OAuth2 is set. For a token it
// returns when the session should be renewed (zero for a password).
func (s *conn) login(ctx context.Context, tw *traceWriter) (time.Time, error) {
	in := s.in
	if in.cfg.OAuth2 == nil {
		tw.mute(true)
		err := s.watch(in.cmdTimeout, "login", func() error { return s.c.Login(in.cfg.Username, in.cfg.Password).Wait() })
		tw.mute(false)
		return time.Time{}, err
	}
	tok, expiry, err := in.cfg.OAuth2.AccessToken(ctx)
	if err != nil {
		return time.Time{}, err
	}
	mech, err := chooseOAuthMech(s.c.Caps().AuthMechanisms())
	if err != nil {
		return time.Time{}, err
	}
	var sc sasl.Client
	if mech == mechXOAUTH2 {
		sc = newXOAUTH2Client(in.cfg.Username, tok)
	} else {
		host, port, _ := net.SplitHostPort(in.cfg.Addr)
		p, _ := strconv.Atoi(port)
		sc = newOAuthBearerClient(in.cfg.Username, tok, host, p)
	}
	tw.mute(true)
	err = s.watch(in.cmdTimeout, "authenticate", func() error { return s.c.Authenticate(sc) })
	tw.mute(false)
	if err != nil {
		// A refused token may have been revoked before its expiry: the
		// next attempt asks the endpoint for a new one.
		in.cfg.OAuth2.Invalidate(tok)
		if isSASLRefusal(err) {
			// The server waits for an answer we will not give (see
			// xoauth2Client.Next): close the connection, do not hang.
			s.c.Close()
		}
		return time.Time{}, fmt.Errorf("authenticate %s: %w", mech, err)
	}
	if expiry.IsZero() {
		return time.Time{}, nil
	}
	return expiry.Add(-renewMargin(time.Until(expiry)) / 2), nil
}
