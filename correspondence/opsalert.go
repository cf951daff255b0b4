package correspondence

import (
	"fmt"
	"time"

	"github.com/ingressus/klachtd/templates"
)

// OpsAlert composes the alert name (templates.SenderDown or
// templates.StoreFailing) to the intake team: an outage that began at since,
// with the last error. It is not queued: the outbox may be what is down, and
// the store may take no writes. The caller delivers it by other means (IMAP
// APPEND into the intake mailbox).
func (g *Gateway) OpsAlert(name string, since time.Time, lastErr string) ([]byte, error) {
	if len(g.set.IntakeTeam) == 0 {
		return nil, fmt.Errorf("alert %s: no intake team configured", name)
	}
	now := g.now()
	d := g.baseData(nil, now)
	d.Received, d.Text = since, lastErr
	l, err := g.tpl.Render(name, g.set.Lang, d)
	if err != nil {
		return nil, fmt.Errorf("alert %s: %w", name, err)
	}
	raw, err := templates.Compose(templates.Envelope{From: g.set.Gateway, FromName: g.set.GatewayName,
		To: g.set.IntakeTeam, MessageID: g.newMessageID(""), Date: now, Auto: true, Kind: name}, l)
	if err != nil {
		return nil, fmt.Errorf("alert %s: %w", name, err)
	}
	return raw, nil
}
