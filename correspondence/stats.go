package correspondence

import (
	"context"
	"database/sql"
	"errors"
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
	if err := g.store.db.SelectContext(ctx, &kinds, g.store.q.StatsMailsByKind); err != nil {
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
	if err := g.store.db.SelectContext(ctx, &letters, g.store.q.StatsLetters); err != nil {
		return nil, fmt.Errorf("stats: %w", err)
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
	if err := g.store.db.GetContext(ctx, &s.OldestQueued, g.store.q.OldestQueued); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("stats: %w", err)
	}
	var states []struct {
		K string `db:"k"`
		N int    `db:"n"`
	}
	if err := g.store.db.SelectContext(ctx, &states, g.store.q.StatsComplaints); err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	for _, st := range states {
		s.ComplaintsBy[st.K] = st.N
	}
	var ends []string
	if err := g.store.db.SelectContext(ctx, &ends, g.store.q.OpenTermEnds); err != nil {
		return nil, fmt.Errorf("stats: %w", err)
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
	switch err := g.store.db.GetContext(ctx, &row, g.store.q.IntakeStatus); {
	case err == nil:
		if row.OK != nil {
			s.IntakeLastOK = *row.OK
		}
		if row.Failing != nil && !row.Failing.IsZero() {
			s.IntakeFailingFor = g.now().Sub(*row.Failing)
		}
	case !errors.Is(err, sql.ErrNoRows): // no row: intake has not reported yet
		return nil, fmt.Errorf("stats: %w", err)
	}
	return s, nil
}
