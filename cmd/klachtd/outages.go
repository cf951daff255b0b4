package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/ingressus/klachtd/correspondence"
	"github.com/ingressus/klachtd/mailbox"
	"github.com/ingressus/klachtd/templates"
)

// outageCheckEvery is how often watchOutages looks at the gateway's health.
var outageCheckEvery = 5 * time.Second // a var for tests

// watchOutages tells the intake team, once per outage that lasts longer
// than after, that the SMTP server refuses us or the database takes no
// writes. Neither alert can go through the outbox (SMTP is down, or the
// outbox cannot be written), so it is put by IMAP APPEND into folder of the
// intake mailbox, flagged, where the intake team looks for mail that needs a
// person. A failed APPEND is retried at the next check.
func watchOutages(ctx context.Context, gw *correspondence.Gateway, icfg mailbox.IMAPConfig, folder string, after time.Duration, log *slog.Logger) error {
	told := map[string]time.Time{} // alert → the outage it was sent for
	t := time.NewTicker(outageCheckEvery)
	defer t.Stop()
	for {
		h := gw.Health()
		for _, o := range []struct {
			name, lastErr string
			since         time.Time
		}{
			{templates.SenderDown, h.SenderError, h.SenderDownSince},
			{templates.StoreFailing, h.StoreError, h.StoreFailingSince},
		} {
			if o.since.IsZero() || time.Since(o.since) < after || told[o.name].Equal(o.since) {
				continue
			}
			raw, err := gw.OpsAlert(o.name, o.since, o.lastErr)
			if err == nil {
				err = mailbox.Append(ctx, icfg, folder, raw)
			}
			if err != nil {
				if ctx.Err() == nil {
					log.Warn("outage alert not delivered, retrying", "alert", o.name, "err", err)
				}
				continue
			}
			told[o.name] = o.since
			log.Info("outage alert put into the intake mailbox", "alert", o.name, "folder", folder, "since", o.since)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
