package correspondence

import (
	"context"
	"fmt"
	"time"

	"github.com/ingressus/klachtd/templates"
)

// RecordIntakeStatus keeps how long intake has been failing, so the digest
// (in any process) can report a stopped intake.
func (g *Gateway) RecordIntakeStatus(ctx context.Context, failingSince, lastOK time.Time) error {
	var fs, ok any
	if !failingSince.IsZero() {
		fs = failingSince.UTC()
	}
	if !lastOK.IsZero() {
		ok = lastOK.UTC()
	}
	_, err := g.store.exec(ctx, g.store.q.SetIntakeStatus, fs, ok)
	return err
}

// AlertIntakeStopped tells the intake team, once per outage, that no mail
// has been read since since: complaints may be waiting unseen.
func (g *Gateway) AlertIntakeStopped(ctx context.Context, since time.Time, lastErr string) error {
	return g.run(ctx, func(t *txn) error {
		d := g.baseData(nil, t.now)
		d.About = templates.Notice{Kind: templates.AlertIntakeStopped, Since: since, Detail: lastErr}
		_, err := t.queue(letter{name: templates.Alert, key: fmt.Sprintf("alert:intake-stopped:%d", since.Unix()),
			to: g.set.IntakeTeam, data: d, staff: true})
		return err
	})
}
