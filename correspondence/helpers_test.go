package correspondence

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/ingressus/klachtd/correspondence/workdays"
	"github.com/ingressus/klachtd/parser"
	"github.com/ingressus/klachtd/templates"
)

// clock is a test clock that tests move.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// at is a moment in Amsterdam.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, workdays.Amsterdam())
}

type env struct {
	t     testing.TB
	g     *Gateway
	store *Store
	clk   *clock
	uid   uint32
}

func testSettings() Settings {
	s := DefaultSettings()
	s.Handlers = []Person{{"Marieke de Vries", "m.devries@ingressus.nl"}, {"Jeroen Bakker", "j.bakker@ingressus.nl"}}
	s.Management = []Person{{"Directie", "directie@ingressus.nl"}}
	s.IntakeTeam = []string{"intake@ingressus.nl"}
	s.TrustFrom = true
	return s
}

func newEnv(t *testing.T, start time.Time) *env {
	t.Helper()
	return newEnvAt(t, filepath.Join(t.TempDir(), "klachtd.db"), start, testSettings())
}

func newEnvTB(b testing.TB) *env {
	return newEnvAt(b, filepath.Join(b.TempDir(), "klachtd.db"), at(2026, 11, 23, 10, 15), testSettings())
}

func newEnvAt(t testing.TB, path string, start time.Time, set Settings) *env {
	t.Helper()
	ctx := context.Background()
	store, err := OpenStore(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	tpl, err := templates.New("")
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: start}
	g := New(store, set, workdays.New(nil, 17*time.Hour), tpl,
		parser.Options{FormSenders: []string{"noreply@web.ingressus.nl"}}, clk.now, nil)
	return &env{t: t, g: g, store: store, clk: clk}
}

// deliver hands one raw mail to the gateway as the next UID.
func (e *env) deliver(raw string) bool {
	e.t.Helper()
	e.uid++
	q, err := handleOne(e.g, context.Background(), Incoming{Mailbox: "INBOX", UIDValidity: 1, UID: e.uid, Raw: []byte(strings.ReplaceAll(raw, "\n", "\r\n"))})
	if err != nil {
		e.t.Fatalf("Handle: %v", err)
	}
	return q
}

// outLetter is one outbox row as a test sees it.
type outLetter struct {
	Kind      string `db:"kind"`
	Rcpt      string `db:"rcpt"`
	MessageID string `db:"message_id"`
	Subject   string `db:"subject"`
	Raw       []byte `db:"raw"`
	Key       string `db:"event_key"`
}

func (e *env) letters() []outLetter {
	e.t.Helper()
	var out []outLetter
	if err := e.store.db.Select(&out, `SELECT kind, rcpt, message_id, subject, raw, event_key FROM outbox ORDER BY id`); err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) lettersOf(kind string) []outLetter {
	var out []outLetter
	for _, l := range e.letters() {
		if l.Kind == kind {
			out = append(out, l)
		}
	}
	return out
}

func (e *env) complaint(ref string) *Complaint {
	e.t.Helper()
	c, err := e.g.Complaint(context.Background(), ref)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// text decodes a letter's body enough to search it: quoted-printable soft
// breaks and =XX escapes undone.
func (l outLetter) text() string {
	s := strings.ReplaceAll(string(l.Raw), "=\r\n", "")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '=' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			var v byte
			fmt.Sscanf(s[i+1:i+3], "%02X", &v)
			b.WriteByte(v)
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' }

const formMail = `From: Ingressus website <noreply@web.ingressus.nl>
To: klachten@ingressus.nl
Subject: Nieuwe klacht via het klachtenformulier
Date: Mon, 23 Nov 2026 10:12:31 +0100
Message-ID: <form-%s@web.ingressus.nl>
Reply-To: sanne@bakkerijvandijk.nl
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Bedrijfsnaam: Bakkerij Van Dijk B.V.
Adres: Hoofdstraat 12, 3011 AB Rotterdam
Naam: Sanne van Dijk
Telefoonnummer: %s
Bereikbaarheid: ma t/m vr tussen 9:00 en 12:00
E-mailadres: sanne@bakkerijvandijk.nl
Datum: 23-11-2026
Omschrijving van de klacht: De levering van 16 november was niet compleet.
`

func form(id, phone string) string { return fmt.Sprintf(formMail, id, phone) }

// reply builds a reply from `from` to a letter, as a mail client would:
// to its Reply-To, with In-Reply-To and a quote.
func reply(from string, to outLetter, body string) string {
	replyTo := header(to.Raw, "Reply-To")
	return fmt.Sprintf(`From: %s
To: %s
Subject: Re: %s
Date: Tue, 24 Nov 2026 09:00:00 +0100
Message-ID: <%d.reply@example.nl>
In-Reply-To: <%s>
References: <%s>
Content-Type: text/plain; charset=utf-8

%s

Op 23 nov. 2026 om 10:15 schreef Ingressus Klachten <klachten@ingressus.nl>:
> eerder bericht
`, from, replyTo, to.Subject, time.Now().UnixNano(), to.MessageID, to.MessageID, body)
}

func header(raw []byte, name string) string {
	for _, line := range strings.Split(string(raw), "\r\n") {
		if line == "" {
			break
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// handleOne hands g a batch of one mail, as the intake does when one mail
// came in, and reports whether it went to quarantine.
func handleOne(g *Gateway, ctx context.Context, in Incoming) (bool, error) {
	qs, err := g.Handle(ctx, []Incoming{in})
	if err != nil {
		return false, err
	}
	return qs[0], nil
}
