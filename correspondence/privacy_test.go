package correspondence

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ingressus/klachtd/templates"
)

// closedComplaint registers a complaint, lets the complainant and the
// handler write (texts that must later be erased) and closes it. It returns
// the personal strings that must not survive an erasure.
func closedComplaint(t *testing.T, e *env) (*Complaint, []string) {
	t.Helper()
	e.deliver(form("privacy", "010-1234567"))
	c := e.complaint("KL-2026-0001")
	note := e.lettersOf(templates.HandlerNew)[0]
	ack := e.lettersOf(templates.Acknowledgement)[0]
	e.deliver(reply(c.Email, ack, "Aanvulling: de pallet stond bij de buren, kenmerk ZWARTEKAT."))
	e.deliver(reply(c.Handler, note, "#reactie Wij betreuren de misser en crediteren factuur GROENEVOGEL."))
	e.deliver(reply(c.Handler, note, "#sluiten opgelost"))
	c = e.complaint("KL-2026-0001")
	if c.State != StateClosed {
		t.Fatalf("complaint state = %s, want closed", c.State)
	}
	personal := []string{c.Name, c.Email, c.Phone, "Hoofdstraat 12", "Bakkerij Van Dijk", "ZWARTEKAT", "GROENEVOGEL",
		"De levering van 16 november", "ma t/m vr tussen"}
	return c, personal
}

// dbBytes is the database file and its WAL, as a thief would copy them.
func dbBytes(t *testing.T, e *env) []byte {
	t.Helper()
	var path string
	if err := e.store.db.Get(&path, `SELECT file FROM pragma_database_list WHERE name = 'main'`); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := os.ReadFile(path + "-wal")
	return append(b, w...)
}

func digestFigures(t *testing.T, e *env, from, to time.Time) templates.DigestData {
	t.Helper()
	d, err := e.g.BuildDigest(context.Background(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	d.New, d.Open, d.Urgent, d.Delays, d.Objections, d.Incomplete, d.Held = nil, nil, nil, nil, nil, nil, nil
	return *d
}

// TestRetentionErasesAtTerm moves the clock past the retention term: the
// complaint's personal data is gone from the database file and its WAL,
// the skeleton keeps the digest's figures, and the erasure is an event.
func TestRetentionErasesAtTerm(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	c, personal := closedComplaint(t, e)
	for _, s := range personal {
		if !bytes.Contains(dbBytes(t, e), []byte(s)) {
			t.Fatalf("test is wrong: %q is not in the database before the erasure", s)
		}
	}
	from, to := at(2026, 11, 1, 0, 0), at(2026, 11, 30, 23, 0)
	before := digestFigures(t, e, from, to)
	ctx := context.Background()

	closed := e.g.day(c.ClosedDay)
	e.clk.set(closed.AddDate(0, 24, -1).Add(12 * time.Hour))
	if got, err := e.g.EraseExpired(ctx); err != nil || len(got) != 0 {
		t.Fatalf("EraseExpired a day before the term = %+v, %v; want nothing", got, err)
	}
	e.clk.set(closed.AddDate(0, 24, 0).Add(12 * time.Hour))
	got, err := e.g.EraseExpired(ctx)
	if err != nil || len(got) != 1 || !got[0].Done || got[0].Ref != c.Ref || got[0].Why != EraseRetention {
		t.Fatalf("EraseExpired at the term = %+v, %v; want %s erased", got, err, c.Ref)
	}
	raw := dbBytes(t, e)
	for _, s := range personal {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("%q is still in the database file or WAL after the erasure", s)
		}
	}
	after := digestFigures(t, e, from, to)
	if after.Received != before.Received || after.Closed != before.Closed || after.MedianDays != before.MedianDays ||
		after.OnTimePercent != before.OnTimePercent || after.ObjectionsN != before.ObjectionsN || before.Received != 1 || before.Closed != 1 {
		t.Errorf("digest figures changed by the erasure: before %+v, after %+v", before, after)
	}
	sk := e.complaint(c.Ref)
	if sk.State != StateClosed || sk.ClosedDay != c.ClosedDay || sk.TermEnd != c.TermEnd || sk.Handler != c.Handler || sk.RespondedDay != c.RespondedDay {
		t.Errorf("skeleton lost its dates or handler: %+v", sk)
	}
	var n int
	e.store.db.Get(&n, `SELECT count(*) FROM messages WHERE complaint_id = ?`, c.ID)
	if n != 4 {
		t.Errorf("skeleton keeps %d mail rows, want 4", n)
	}
	var detail string
	if err := e.store.db.Get(&detail, `SELECT detail FROM events WHERE complaint_id = ? AND kind = 'erased'`, c.ID); err != nil {
		t.Fatalf("no erasure event: %v", err)
	}
	if !strings.HasPrefix(detail, "retention: ") || !strings.Contains(detail, "fields: company, address, name, phone") {
		t.Errorf("erasure event = %q", detail)
	}
	// Once is enough: the next run finds nothing to do.
	if again, err := e.g.EraseExpired(ctx); err != nil || len(again) != 0 {
		t.Errorf("second EraseExpired = %+v, %v", again, err)
	}
}

// TestEraseRefusesOpen: an open complaint is refused with the reason unless
// asked for explicitly; a dry run changes nothing.
func TestEraseRefusesOpen(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("open", "010-1234567"))
	c := e.complaint("KL-2026-0001")
	ctx := context.Background()
	res, err := e.g.ErasePerson(ctx, strings.ToUpper(c.Email), false, false)
	if err != nil || len(res) != 1 || res[0].Done || !strings.Contains(res[0].Refused, "still running") {
		t.Fatalf("ErasePerson(open) = %+v, %v; want refused", res, err)
	}
	if e.complaint(c.Ref).Name != c.Name {
		t.Fatal("refused erasure changed the complaint")
	}
	res, err = e.g.ErasePerson(ctx, c.Email, true, true)
	if err != nil || len(res) != 1 || res[0].Done || res[0].Refused != "" || res[0].Mails != 1 || res[0].Letters != 2 {
		t.Fatalf("ErasePerson(open, dry run) = %+v, %v", res, err)
	}
	if e.complaint(c.Ref).Name != c.Name {
		t.Fatal("dry run changed the complaint")
	}
	res, err = e.g.ErasePerson(ctx, c.Email, true, false)
	if err != nil || len(res) != 1 || !res[0].Done {
		t.Fatalf("ErasePerson(--include-open --yes) = %+v, %v", res, err)
	}
	if sk := e.complaint(c.Ref); sk.Name != "" || sk.Email != "" || sk.State != StateOpen {
		t.Errorf("after erasure: %+v", sk)
	}
}

// TestHoldBlocksErasure: #bewaren keeps a closed complaint past its term,
// from the retention job and from a request alike, and shows it in the
// digest; releasing it lets the next run erase it.
func TestHoldBlocksErasure(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	c, _ := closedComplaint(t, e)
	note := e.lettersOf(templates.HandlerNew)[0]
	e.deliver(reply(c.Handler, note, "#bewaren rechtszaak aangekondigd door de advocaat van de klager"))
	if n := len(e.lettersOf(templates.HoldNotice)); n != 1 {
		t.Fatalf("#bewaren answered with %d hold notices, want 1", n)
	}
	ctx := context.Background()
	p, err := e.g.PrivacyOf(ctx, c)
	if err != nil || !p.Held() || p.HoldBy != c.Handler {
		t.Fatalf("PrivacyOf = %+v, %v; want held by %s", p, err, c.Handler)
	}
	e.clk.set(e.g.day(c.ClosedDay).AddDate(3, 0, 0).Add(12 * time.Hour))
	if got, err := e.g.EraseExpired(ctx); err != nil || len(got) != 0 {
		t.Fatalf("EraseExpired on a held complaint = %+v, %v; want nothing", got, err)
	}
	res, err := e.g.ErasePerson(ctx, c.Email, true, false)
	if err != nil || len(res) != 1 || res[0].Done || !strings.Contains(res[0].Refused, "legal hold") {
		t.Fatalf("ErasePerson(held, --include-open) = %+v, %v; want refused", res, err)
	}
	d, err := e.g.BuildDigest(ctx, e.clk.now().Add(-24*time.Hour), e.clk.now())
	if err != nil || len(d.Held) != 1 || d.Held[0].Ref != c.Ref || !strings.Contains(d.Held[0].Note, "rechtszaak") {
		t.Fatalf("digest held = %+v, %v", d.Held, err)
	}
	l, err := e.g.RenderDigest(ctx, e.clk.now().Add(-24*time.Hour), e.clk.now())
	if err != nil || !strings.Contains(l.Text, "BEWAARD") || !strings.Contains(l.Text, c.Ref) {
		t.Errorf("rendered digest does not list the held complaint: %v\n%s", err, l.Text)
	}
	if err := e.g.Hold(ctx, c, "", "operator"); err != nil {
		t.Fatal(err)
	}
	if got, err := e.g.EraseExpired(ctx); err != nil || len(got) != 1 || !got[0].Done {
		t.Fatalf("EraseExpired after release = %+v, %v; want erased", got, err)
	}
	if err := e.g.Hold(ctx, c, "te laat", "operator"); !errors.Is(err, ErrErased) {
		t.Errorf("Hold on an erased complaint = %v, want ErrErased", err)
	}
}

// TestAccessExportComplete: the person's export holds every mail in and out
// of their complaint byte for byte, and the fields, dates and events.
func TestAccessExportComplete(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	c, _ := closedComplaint(t, e)
	dir := t.TempDir()
	res, err := e.g.ExportPerson(context.Background(), strings.ToUpper(c.Email), dir)
	if err != nil {
		t.Fatal(err)
	}
	var ins, outs [][]byte
	e.store.db.Select(&ins, `SELECT raw FROM messages WHERE complaint_id = ?`, c.ID)
	e.store.db.Select(&outs, `SELECT raw FROM outbox WHERE complaint_id = ?`, c.ID)
	if res.Complaints != 1 || res.Mails != len(ins)+len(outs) || len(ins) != 4 {
		t.Fatalf("ExportPerson = %+v; want 1 complaint and %d+%d mails", res, len(ins), len(outs))
	}
	mbox, err := os.ReadFile(dir + "/mail.mbox")
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(mbox, []byte("\n\nFrom ")) + 1; n != res.Mails {
		t.Errorf("mbox holds %d mails, want %d", n, res.Mails)
	}
	for _, raw := range append(ins, outs...) {
		body := bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
		if !bytes.Contains(mbox, body) {
			t.Errorf("mbox lacks a stored mail byte for byte: %.80q", body)
		}
	}
	var doc struct {
		Complaints []struct {
			Ref    string            `json:"ref"`
			State  string            `json:"state"`
			Fields map[string]string `json:"fields"`
			Dates  map[string]string `json:"dates"`
			Events []struct {
				Kind string `json:"kind"`
			} `json:"events"`
			Mails []struct {
				Direction string `json:"direction"`
			} `json:"mails"`
		} `json:"complaints"`
	}
	js, _ := os.ReadFile(dir + "/complaints.json")
	if err := json.Unmarshal(js, &doc); err != nil || len(doc.Complaints) != 1 {
		t.Fatalf("complaints.json = %s (%v)", js, err)
	}
	got := doc.Complaints[0]
	kinds := map[string]bool{}
	for _, ev := range got.Events {
		kinds[ev.Kind] = true
	}
	if got.Ref != c.Ref || got.State != StateClosed || got.Fields["name"] != c.Name || got.Fields["phone"] != c.Phone ||
		got.Dates["term_end"] != c.TermEnd || got.Dates["closed_day"] != c.ClosedDay || !kinds["response"] || !kinds[StateClosed] ||
		len(got.Mails) != res.Mails {
		t.Errorf("complaints.json lacks fields, dates, events or mails: %s", js)
	}
}

// TestEraseLargeMail: a mail stored in chunks (over 1 MB) leaves nothing
// behind either.
func TestEraseLargeMail(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	big := strings.Replace(form("big", "010-1234567"), "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n",
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"X\"\n", 1)
	head, body, _ := strings.Cut(big, "\n\n")
	big = head + "\n\n--X\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + body +
		"\n--X\nContent-Type: text/plain; name=\"pakbon.txt\"\nContent-Disposition: attachment; filename=\"pakbon.txt\"\n\n" +
		strings.Repeat("PAKBONREGEL artikel 4711 aantal 12\n", 50000) + "--X--\n"
	e.deliver(big)
	c := e.complaint("KL-2026-0001")
	var chunks int
	e.store.db.Get(&chunks, `SELECT count(*) FROM message_chunks`)
	if chunks < 2 || !bytes.Contains(dbBytes(t, e), []byte("PAKBONREGEL")) {
		t.Fatalf("test is wrong: the mail is in %d chunks", chunks)
	}
	res, err := e.g.ErasePerson(context.Background(), c.Email, true, false)
	if err != nil || len(res) != 1 || !res[0].Done {
		t.Fatalf("ErasePerson = %+v, %v", res, err)
	}
	if bytes.Contains(dbBytes(t, e), []byte("PAKBONREGEL")) {
		t.Error("the large mail's bytes are still in the database file or WAL")
	}
	if r, err := e.store.Verify(context.Background()); err != nil || !r.OK() || r.Erased == 0 {
		t.Errorf("Verify after erasing a chunked mail = %+v, %v", r, err)
	}
}

// TestRetentionRunsDaily: the scheduler's hook erases on the day the term
// has passed, not the evening before.
func TestRetentionRunsDaily(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	c, _ := closedComplaint(t, e)
	ctx := context.Background()
	e.g.SetRetention(6)
	if got := e.g.RetentionMonths(); got != 6 {
		t.Fatalf("RetentionMonths() = %d, want 6", got)
	}
	e.g.retentionDaily(ctx) // today: nothing due, but today's run is done
	term := e.g.day(c.ClosedDay).AddDate(0, 6, 0)
	e.clk.set(term.Add(-time.Hour)) // the evening before the term
	e.g.retentionDaily(ctx)
	if p, _ := e.g.PrivacyOf(ctx, c); p.Erased() {
		t.Fatal("erased before the term")
	}
	e.clk.set(term.Add(9 * time.Hour))
	e.g.retentionDaily(ctx)
	p, err := e.g.PrivacyOf(ctx, c)
	if err != nil || !p.Erased() || p.ErasedWhy != EraseRetention {
		t.Fatalf("after the daily run on the term's day: %+v, %v", p, err)
	}
}
