package mailbox

import (
	"context"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Append puts raw into folder of the account cfg logs in to, unseen and
// flagged, over a connection of its own. It is how the gateway reaches the
// intake team when SMTP — or the store behind the outbox — is what is down.
func Append(ctx context.Context, cfg IMAPConfig, folder string, raw []byte) error {
	in := NewIntake(cfg, nil, nil, nil)
	if err := in.checkConfig(); err != nil {
		return err
	}
	c, _, err := in.dial()
	if err != nil {
		return err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	s := &conn{in: in, c: c}
	if err := s.watch(in.cmdTimeout, "greeting", c.WaitGreeting); err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	if err := s.watch(in.cmdTimeout, "login", func() error { return c.Login(cfg.Username, cfg.Password).Wait() }); err != nil {
		return fmt.Errorf("login as %q: %w", cfg.Username, err)
	}
	err = s.watch(in.cmdTimeout, "append", func() error {
		cmd := c.Append(folder, int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagFlagged}, Time: time.Now()})
		if _, err := cmd.Write(raw); err != nil {
			cmd.Close()
			return err
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		_, err := cmd.Wait()
		return err
	})
	if err != nil {
		return fmt.Errorf("append to %q: %w", folder, err)
	}
	s.logout()
	return nil
}
