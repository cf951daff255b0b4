package correspondence

import (
	"context"
	"fmt"
	"time"
)

// Stats are the figures behind /metrics and /healthz, read from the store so
// they hold across restarts and processes.
type Stats struct {
	MailsByKind      map[string]int            // incoming mails by kind
	LettersByKind    map[string]map[string]int // outgoing letters: kind → state → count
	OutboxDepth      int
	OldestQueued     time.Time // zero when the outbox is empty
	ComplaintsBy     map[string]int
	TermsAtRisk      int // open complaints whose term ends within 5 working days
	IntakeLastOK     time.Time
	IntakeFailingFor time.Duration
}

// Stats reads the current figures.
func (g *Gateway) Stats(ctx context.Context) (*Stats, error) {
	s := &Stats{MailsByKind: map[string]int{}, LettersByKind: map[string]map[string]int{}, ComplaintsBy: map[string]int{}}
	var kinds []struct {
		K string `db:"k"`
		N int    `db:"n"`
	}
	if err := g.store.DB.SelectContext(ctx, &kinds, `SELECT kind AS k, count(*) AS n FROM messages GROUP BY kind`); err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	for _, k := range kinds {
		s.MailsByKind[k.K] = k.N
	}
	var letters []struct {
		K string `db:"k"`
		S string `db:"s"`
		N int    `db:"n"`
	}
	if err := g.store.DB.SelectContext(ctx, &letters, `SELECT kind AS k, state AS s, count(*) AS n FROM outbox GROUP BY kind, state`); err != nil {
		return nil, err
	}
	for _, l := range letters {
		if s.LettersByKind[l.K] == nil {
			s.LettersByKind[l.K] = map[string]int{}
		}
		s.LettersByKind[l.K][l.S] = l.N
		if l.S == "queued" {
			s.OutboxDepth += l.N
		}
	}
	_ = g.store.DB.GetContext(ctx, &s.OldestQueued, `SELECT created_at FROM outbox WHERE state = 'queued' ORDER BY created_at LIMIT 1`)
	var states []struct {
		K string `db:"k"`
		N int    `db:"n"`
	}
	if err := g.store.DB.SelectContext(ctx, &states, `SELECT state AS k, count(*) AS n FROM complaints GROUP BY state`); err != nil {
		return nil, err
	}
	for _, st := range states {
		s.ComplaintsBy[st.K] = st.N
	}
	var ends []string
	if err := g.store.DB.SelectContext(ctx, &ends, `SELECT term_end FROM complaints WHERE state = 'open'`); err != nil {
		return nil, err
	}
	today := g.cal.Day(g.now())
	for _, e := range ends {
		if g.cal.Between(today, g.day(e)) <= 5 {
			s.TermsAtRisk++
		}
	}
	var row struct {
		Failing *time.Time `db:"failing_since"`
		OK      *time.Time `db:"last_ok"`
	}
	if err := g.store.DB.GetContext(ctx, &row, `SELECT failing_since, last_ok FROM intake_status WHERE id = 1`); err == nil {
		if row.OK != nil {
			s.IntakeLastOK = *row.OK
		}
		if row.Failing != nil && !row.Failing.IsZero() {
			s.IntakeFailingFor = g.now().Sub(*row.Failing)
		}
	}
	return s, nil
}
