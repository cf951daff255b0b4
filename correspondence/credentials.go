package correspondence

import (
	"context"
	"fmt"
	"time"

	"github.com/ingressus/klachtd/templates"
)

// CredentialWarnDays are the days ahead of a known credential expiry on
// which the intake team is warned, largest first.
var CredentialWarnDays = []int{30, 7, 1}

// WarnCredentialExpiry tells the intake team that the mail login's
// credential ends on expires: key is its config key (client_secret_expires,
// certificate_file), what names it. At most one letter per warning day
// (30, 7, 1 days ahead); nothing further off than 30 days or once it has
// expired (then the login fails, and the intake-stopped alert follows).
// It reports whether a letter was queued.
func (g *Gateway) WarnCredentialExpiry(ctx context.Context, key, what string, expires time.Time) (bool, error) {
	var queued bool
	err := g.run(ctx, func(t *txn) error {
		if !expires.After(t.now) {
			return nil
		}
		left := int(expires.Sub(t.now).Hours() / 24) // whole days left

		step := 0
		for _, d := range CredentialWarnDays {
			if left < d {
				step = d
			}
		}
		if step == 0 {
			return nil
		}
		d := g.baseData(nil, t.now)
		d.Command, d.Notice, d.EndDate, d.DaysLeft = key, what, expires, max(left, 1) // the last day reads "tomorrow"
		var err error
		queued, err = t.queue(letter{name: templates.CredentialExpiry, to: g.set.IntakeTeam, data: d, staff: true,
			key: fmt.Sprintf("alert:credential-expiry:%s:%s:%d", key, expires.UTC().Format("2006-01-02"), step)})
		return err
	})
	return queued, err
}
