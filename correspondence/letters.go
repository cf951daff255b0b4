package correspondence

import (
	"cmp"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"net/mail"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/ingressus/klachtd/templates"
)

// letter is one letter to queue: which template, to whom, for which event.
type letter struct {
	name string // template name
	// key makes the letter once per event: a second queue with the same key
	// is a no-op (a restart, a re-delivered mail, a second scheduler pass).
	key       string
	to        []string
	cc        []string
	lang      string
	c         *Complaint // nil for letters about no complaint (alerts, digest)
	data      templates.Data
	inReplyTo string
	staff     bool // to handler/management: threads under the staff root
	files     []templates.File
	fromName  string
	replyTo   string // overrides the complaint's plus-address
	// meeting, when set, is attached as an .ics file whose summary and
	// description the letter's template words (the invitation).
	meeting *templates.Meeting
}

// randomToken returns n bytes of crypto randomness in lower-case base32.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // the kernel's RNG failing is not recoverable
	}
	return strings.ToLower(strings.TrimRight(base32.StdEncoding.EncodeToString(b), "="))
}

func (g *Gateway) newMessageID(ref string) string {
	if ref == "" {
		ref = "klachtd"
	}
	return randomToken(10) + "." + strings.ToLower(ref) + "@" + g.set.domain()
}

// baseData fills what every letter about c may show.
func (g *Gateway) baseData(c *Complaint, now time.Time) templates.Data {
	d := templates.Data{Gateway: g.set.Gateway, Organisation: g.set.Organisation, Court: g.set.Court, FormURL: g.set.FormURL}
	d.Categories = g.set.Categories
	if c == nil {
		return d
	}
	d.Ref, d.State = c.Ref, c.State
	d.Complaint = c.templateComplaint()
	d.HandlerEmail = c.Handler
	if p, ok := g.set.handler(c.Handler); ok {
		d.Handler = p.Name
	} else {
		d.Handler = c.Handler
	}
	d.Received = g.day(c.CompleteDay)
	d.EndDate = g.day(c.TermEnd)
	d.DelayLatest = g.day(c.DelayLatest)
	if !d.DelayLatest.IsZero() {
		d.DelayBy = g.cal.Add(d.DelayLatest, -1)
	}
	d.ObjectionEnd = g.day(c.ObjectionEnd)
	d.LapseDate = g.day(c.LapseDay)
	d.Extensions = c.Extensions
	d.English = templates.Lang(c.Lang) == "en" // staff letters say so: write to them in English
	if !d.EndDate.IsZero() {
		d.DaysLeft = g.cal.Between(g.cal.Day(now), d.EndDate)
	}
	return d
}

// pendingLetter is a letter queued in a transaction whose bytes are made
// just before the commit: all of a transaction's letters are rendered in
// parallel, and still committed with the change that caused them.
type pendingLetter struct {
	name, lang, key string
	data            templates.Data
	env             templates.Envelope
	cid             any
	rcpt            []string
	subject         string
	raw             []byte
	meeting         *templates.Meeting
}

// queue puts a letter in the outbox of this transaction, with its
// Message-ID fixed now. It reports false when a letter with the same key
// was queued before (exactly once per event).
func (t *txn) queue(l letter) (bool, error) {
	g, tx, now := t.g, t.tx, t.now
	if t.pendingKeys[l.key] {
		return false, nil
	}
	var n int
	if err := tx.Get(&n, t.q().CountLettersOfKey, l.key); err != nil {
		return false, fmt.Errorf("outbox lookup %s: %w", l.key, err)
	}
	if n > 0 {
		return false, nil
	}
	to := dedupeAddrs(l.to)
	if len(to) == 0 {
		return false, nil
	}
	cc := dedupeAddrs(l.cc)
	rcpt := append(append([]string{}, to...), cc...)
	if l.c != nil && !l.staff && g.set.AutoLetterCap > 0 {
		// The last line of defence against a loop with a machine we failed
		// to recognise: no address gets more than the cap in a day.
		var sent int
		if err := tx.Get(&sent, t.q().CountLettersToSince,
			strings.Join(rcpt, "\n"), now.Add(-24*time.Hour).UTC()); err != nil {
			return false, err
		}
		for _, p := range t.pending {
			if strings.Join(p.rcpt, "\n") == strings.Join(rcpt, "\n") {
				sent++
			}
		}
		if sent >= g.set.AutoLetterCap {
			t.event(l.c.ID, "letter-capped", fmt.Sprintf("%s to %s not sent: %d letters in 24 hours", l.name, strings.Join(to, ", "), sent), false, 0)
			return false, nil
		}
	}
	lang := l.lang
	if lang == "" {
		lang = g.set.Lang
		if l.c != nil && !l.staff {
			lang = l.c.Lang
		}
	}
	if l.c != nil && l.data.Ref == l.c.Ref {
		if err := t.complaintFacts(l.c, &l.data); err != nil {
			return false, err
		}
	}
	msgID := g.newMessageID(l.data.Ref)
	env := templates.Envelope{
		From: g.set.Gateway, FromName: g.set.GatewayName, To: to, Cc: cc,
		ReplyTo: g.set.Gateway, MessageID: msgID, Date: now,
		Auto: true, Kind: l.name, Ref: l.data.Ref, Attachments: l.files,
	}
	if l.fromName != "" {
		env.FromName = l.fromName
	}
	var cid any
	if l.c != nil {
		cid = l.c.ID
		env.ReplyTo = g.set.replyTo(l.c.Token)
		root := l.c.RootMsgID
		if l.staff {
			root = l.c.StaffMsgID
		}
		env.InReplyTo = l.inReplyTo
		if env.InReplyTo == "" {
			env.InReplyTo = root
		}
		env.References = dedupeStrings([]string{root, l.inReplyTo})
	}
	if l.replyTo != "" {
		env.ReplyTo = l.replyTo
	}
	if t.pendingKeys == nil {
		t.pendingKeys = map[string]bool{}
	}
	t.pendingKeys[l.key] = true
	t.pending = append(t.pending, &pendingLetter{name: l.name, lang: lang, key: l.key, data: l.data, env: env, cid: cid, rcpt: rcpt, meeting: l.meeting})
	if l.c != nil {
		if l.staff && l.c.StaffMsgID == "" {
			l.c.StaffMsgID = msgID
		} else if !l.staff && l.c.RootMsgID == "" {
			l.c.RootMsgID = msgID
		}
		t.event(l.c.ID, "letter-queued", fmt.Sprintf("%s to %s <%s>", l.name, strings.Join(rcpt, ", "), msgID), false, 0)
	}
	t.queued++
	if t.record != nil {
		*t.record = append(*t.record, Due{Ref: l.data.Ref, Letter: l.name, To: rcpt, Key: l.key})
	}
	return true, nil
}

// flushLetters renders and composes the transaction's letters, in parallel,
// and writes them to the outbox; run just before the commit.
func (t *txn) flushLetters() error {
	if len(t.pending) == 0 {
		return nil
	}
	g := t.g
	errs := make([]error, len(t.pending))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(t.pending)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				p := t.pending[i]
				rendered, err := g.tpl.Render(p.name, p.lang, p.data)
				if err != nil {
					errs[i] = fmt.Errorf("render %s: %w", p.name, err)
					continue
				}
				p.subject = rendered.Subject
				if p.meeting != nil {
					m := *p.meeting
					m.Summary, m.Description = rendered.CalendarSummary, rendered.CalendarDescription
					p.env.Attachments = append(append([]templates.File{}, p.env.Attachments...), templates.File{
						Name: cmp.Or(rendered.CalendarFile, p.name+"-"+strings.ToLower(p.data.Ref)) + ".ics", ContentType: "text/calendar; method=REQUEST; charset=utf-8",
						Data: templates.ICS(m)})
				}
				if p.raw, err = templates.Compose(p.env, rendered); err != nil {
					errs[i] = fmt.Errorf("compose %s: %w", p.name, err)
				}
			}
		}()
	}
	for i := range t.pending {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, p := range t.pending {
		if errs[i] != nil {
			return errs[i]
		}
		_, err := t.tx.Exec(t.q().InsertLetter,
			p.cid, p.name, p.key, g.set.Gateway, strings.Join(p.rcpt, "\n"), p.env.MessageID, p.subject, p.raw, t.now.UTC(), t.now.UTC())
		if err != nil {
			return fmt.Errorf("queue %s: %w", p.name, err)
		}
	}
	t.pending, t.pendingKeys = nil, nil
	return nil
}

func dedupeAddrs(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range in {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == "" || seen[a] {
			continue
		}
		seen[a] = true
		out = append(out, a)
	}
	return out
}

func dedupeStrings(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// meeting is the calendar event of an invitation to a conversation at at;
// seq counts the invitations before it. The UID names the complaint's
// reference, which is no secret, never its reply token, and stays the
// same for every new date of the complaint's conversation, so a calendar
// moves the event (SEQUENCE one higher) instead of adding another. The
// organizer is the complaint's reply address, so that a calendar's answer
// (an iTIP REPLY) comes back into the thread like any reply to the letter.
func (g *Gateway) meeting(c *Complaint, at time.Time, place string, seq int, now time.Time) *templates.Meeting {
	m := &templates.Meeting{
		UID:       fmt.Sprintf("%s.meeting@%s", strings.ToLower(c.Ref), g.set.domain()),
		Sequence:  seq,
		Start:     at,
		Duration:  time.Hour,
		Location:  place,
		Stamp:     now,
		Organizer: (&mail.Address{Name: g.set.GatewayName, Address: g.set.replyTo(c.Token)}).String(),
		Attendees: []string{(&mail.Address{Name: c.Name, Address: c.Email}).String()},
	}
	for _, p := range g.set.Management {
		m.Attendees = append(m.Attendees, (&mail.Address{Name: p.Name, Address: p.Email}).String())
	}
	return m
}

// complaintFacts fills what every letter about c may show but the
// complaint's row does not hold, from its timeline: whether the form's date
// was assumed (the receipt date used), and when the mail that made the
// complaint complete arrived, so that no letter shows a receipt date later
// than the arrival without saying why (review #5, #6).
func (t *txn) complaintFacts(c *Complaint, d *templates.Data) error {
	// A date corrected later (#wijzig, the complainant) is no longer assumed.
	if d.Complaint.Date != "" && !d.Complaint.DateAssumed {
		var n int
		if err := t.tx.Get(&n, t.q().CountDateAssumed, c.ID, d.Complaint.Date); err != nil {
			return fmt.Errorf("letter facts %s: %w", c.Ref, err)
		}
		d.Complaint.DateAssumed = n > 0
	}
	if d.Arrived.IsZero() && c.CompleteDay != "" {
		var at []time.Time
		if err := t.tx.Select(&at, t.q().LastCompleteAt, c.ID); err != nil {
			return fmt.Errorf("letter facts %s: %w", c.Ref, err)
		}
		if len(at) == 1 {
			d.Arrived = at[0].In(t.g.cal.Location())
			day := t.g.cal.Day(d.Arrived)
			if d.AfterHours == "" && t.g.cal.IsWorkday(day) && !day.Equal(t.g.day(c.CompleteDay)) {
				d.AfterHours = clockOf(t.g.cal.EndOfDay())
			}
		}
	}
	return nil
}
