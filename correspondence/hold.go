package correspondence

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ingressus/klachtd/templates"
)

// A legal hold keeps a complaint from erasure, by the retention job or at a
// person's request, e.g. while a court case runs. It is set by a handler or
// management with #bewaren <reden> (#hold) or by the operator with klachtd
// hold, and lifted with #bewaren opheffen or klachtd hold --release.

// releaseWords lift a hold when they are the first word of #bewaren.
var releaseWords = map[string]bool{"opheffen": true, "release": true, "vrijgeven": true, "lift": true}

// hold carries out #bewaren from a handler or management.
func (h *handling) hold(c *Complaint, p Person, args string) error {
	first, _, _ := strings.Cut(strings.ToLower(args), " ")
	if releaseWords[strings.Trim(first, ".,:;\n")] {
		if err := h.setHold(c, "", p.Email); err != nil {
			return err
		}
		return h.holdNotice(c, "released", "")
	}
	if args == "" {
		return h.usage(c, h.msg.Command)
	}
	if err := h.setHold(c, args, p.Email); err != nil {
		return err
	}
	return h.holdNotice(c, "held", args)
}

func (h *handling) holdNotice(c *Complaint, what, reason string) error {
	d := h.g.baseData(c, h.now)
	d.Notice, d.Text = what, reason
	_, err := h.queue(letter{name: templates.HoldNotice, key: fmt.Sprintf("hold:%s:%d", c.Ref, h.row),
		to: []string{h.msg.From}, c: c, data: d, staff: true, inReplyTo: h.msg.MessageID})
	return err
}

// setHold sets (reason non-empty) or lifts (reason "") the hold and records
// it as an event.
func (t *txn) setHold(c *Complaint, reason, by string) error {
	if reason == "" {
		if _, err := t.tx.Exec(t.q().ReleaseHold, by, t.now.UTC(), c.ID); err != nil {
			return fmt.Errorf("release hold %s: %w", c.Ref, err)
		}
		t.event(c.ID, "hold-released", "by "+by, false, 0)
		return nil
	}
	if _, err := t.tx.Exec(t.q().SetHold, c.ID, reason, by, t.now.UTC()); err != nil {
		return fmt.Errorf("hold %s: %w", c.Ref, err)
	}
	t.event(c.ID, "hold", "by "+by+": "+firstLine(reason), false, 0)
	return nil
}

// ErrErased is returned for a hold on a complaint whose data is gone.
var ErrErased = errors.New("the complaint's personal data is already erased")

// Hold puts the complaint under a legal hold (reason non-empty) or lifts it
// (reason ""); by names who did it (the operator's command names "operator").
func (g *Gateway) Hold(ctx context.Context, c *Complaint, reason, by string) error {
	return g.run(ctx, func(t *txn) error {
		p, err := privacyOf(ctx, t.tx, t.q(), c.ID)
		if err != nil {
			return err
		}
		if reason != "" && p.Erased() {
			return fmt.Errorf("hold %s: %w (%s)", c.Ref, ErrErased, p.ErasedAt.In(g.cal.Location()).Format("2006-01-02"))
		}
		if reason == "" && !p.Held() {
			return fmt.Errorf("release %s: it is not held", c.Ref)
		}
		return t.setHold(c, strings.TrimSpace(reason), by)
	})
}

// digestHeld lists the complaints under a legal hold in the digest, and
// puts the ledger's head in it: management's mailboxes then keep, outside
// the database, the anchor that klachtd verify --anchor checks.
func (g *Gateway) digestHeld(ctx context.Context, d *templates.DigestData) error {
	head, err := g.store.LedgerHead(ctx)
	if err != nil {
		return err
	}
	d.LedgerHead = head
	var held []struct {
		ID     int64  `db:"complaint_id"`
		Reason string `db:"hold_reason"`
	}
	if err := g.store.db.SelectContext(ctx, &held, g.store.q.HeldComplaints); err != nil {
		return fmt.Errorf("digest holds: %w", err)
	}
	today := g.cal.Day(d.To)
	for _, h := range held {
		var c Complaint
		if err := g.store.db.GetContext(ctx, &c, g.store.q.ComplaintByID, h.ID); err != nil {
			return fmt.Errorf("digest holds: %w", err)
		}
		row := g.digestRow(&c, today)
		if c.isFinished() {
			row.EndDate, row.DaysLeft = time.Time{}, 0 // no term runs any more
		}
		row.Note = firstLine(h.Reason)
		d.Held = append(d.Held, row)
	}
	return nil
}
