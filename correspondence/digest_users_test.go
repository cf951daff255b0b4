package correspondence

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// formFor is the test form of another complainant.
func formFor(id, email, company, phone string) string {
	s := form(id, phone)
	s = strings.ReplaceAll(s, "sanne@bakkerijvandijk.nl", email)
	return strings.Replace(s, "Bakkerij Van Dijk B.V.", company, 1)
}

// issue 11.6: every digest figure checked against a hand-computed scenario.
//
//	KL-0001 A  Mon 23 Nov 10:15 complete (term from 23 Nov, ends 21 Dec);
//	           #reactie Thu 26 Nov (3 working days); objection Fri 27 Nov;
//	           #gesprek on Mon 30 Nov for 14 Dec 10:00 in Rotterdam.
//	KL-0002 C  Mon 23 Nov 11:00 complete; #sluiten Tue 24 Nov: closed.
//	KL-0003 B  Tue 1 Dec 18:54 complete (term from Wed 2 Dec);
//	           #reactie Tue 1 Dec 19:30: before the term's first day, 0 days.
//	KL-0004 D  Wed 2 Dec 09:00 without phone: incomplete, lapses 20 working
//	           days later, 31 Dec (Christmas counts not).
//
// Digest over Mon 23 Nov 00:00 – Thu 3 Dec 12:00: received 4; closed 1;
// handling times [0, 3]: median 1.5, 90th percentile 2.7; on time 100 %;
// objections 1; open rows A (objection) and B (responded), neither with
// days left; no ISO date and no English in the Dutch text.
func TestDigestFiguresHandComputed(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	note := func(ref string) outLetter {
		for _, l := range e.lettersOf(templates.HandlerNew) {
			if strings.Contains(l.Subject, ref) {
				return l
			}
		}
		t.Fatalf("no handler letter for %s", ref)
		return outLetter{}
	}
	e.deliver(formFor("a", "a@alpha.nl", "Alpha B.V.", "010-1234567"))
	e.clk.set(at(2026, 11, 23, 11, 0))
	e.deliver(formFor("c", "c@gamma.nl", "Gamma B.V.", "010-1234567"))
	e.clk.set(at(2026, 11, 24, 9, 0))
	e.deliver(reply(e.complaint("KL-2026-0002").Handler, note("KL-2026-0002"), "#sluiten opgelost per telefoon"))
	e.clk.set(at(2026, 11, 26, 10, 0))
	e.deliver(reply(e.complaint("KL-2026-0001").Handler, note("KL-2026-0001"), "#reactie Geachte heer, wij crediteren de levering."))
	e.clk.set(at(2026, 11, 27, 10, 0))
	e.deliver(reply("a@alpha.nl", e.lettersOf(templates.ObjectionDeadline)[0], "Ik ben het hier niet mee eens en maak bezwaar."))
	if got := e.complaint("KL-2026-0001").State; got != StateObjection {
		t.Fatalf("A's state = %s, want objection", got)
	}
	e.clk.set(at(2026, 11, 30, 9, 0))
	e.deliver(reply("directie@ingressus.nl", e.lettersOf(templates.ObjectionDossier)[0], "#gesprek 14-12-2026 10:00 Rotterdam"))
	e.clk.set(at(2026, 12, 1, 18, 54))
	e.deliver(formFor("b", "b@beta.nl", "Beta B.V.", "010-1234567"))
	e.clk.set(at(2026, 12, 1, 19, 30))
	e.deliver(reply(e.complaint("KL-2026-0003").Handler, note("KL-2026-0003"), "#reactie Geachte mevrouw, dit is ons antwoord."))
	e.clk.set(at(2026, 12, 2, 9, 0))
	e.deliver(formFor("d", "d@delta.nl", "Delta B.V.", ""))

	to := at(2026, 12, 3, 12, 0)
	d, err := e.g.BuildDigest(context.Background(), at(2026, 11, 23, 0, 0), to)
	if err != nil {
		t.Fatal(err)
	}
	if d.Received != 4 || d.Closed != 1 || d.MedianDays != 1.5 || d.P90Days < 2.69 || d.P90Days > 2.71 ||
		d.OnTimePercent != 100 || d.ObjectionsN != 1 {
		t.Errorf("figures: received %d closed %d median %v p90 %v on time %v objections %d; want 4 1 1.5 2.7 100 1",
			d.Received, d.Closed, d.MedianDays, d.P90Days, d.OnTimePercent, d.ObjectionsN)
	}
	if len(d.Objections) != 1 || d.Objections[0].Ref != "KL-2026-0001" ||
		!d.Objections[0].MeetingAt.Equal(at(2026, 12, 14, 10, 0)) || d.Objections[0].MeetingPlace != "Rotterdam" {
		t.Errorf("objections = %+v", d.Objections)
	}
	if len(d.Incomplete) != 1 || !d.Incomplete[0].LapseDate.Equal(at(2026, 12, 31, 0, 0)) {
		t.Errorf("incomplete = %+v, want D lapsing on 31 December", d.Incomplete)
	}
	for _, r := range append(append([]templates.DigestRow{}, d.New...), d.Open...) {
		if r.State != StateOpen && r.TermRunning {
			t.Errorf("%s (%s) shown with days left", r.Ref, r.State)
		}
	}
	if len(d.Open) != 2 || len(d.Urgent) != 0 {
		t.Errorf("open %d urgent %d, want 2 and 0", len(d.Open), len(d.Urgent))
	}
	l, err := e.g.RenderDigest(context.Background(), at(2026, 11, 23, 0, 0), to)
	if err != nil {
		t.Fatal(err)
	}
	text := l.Text
	for _, want := range []string{"gesprek op 14 december 2026 om 10:00 in Rotterdam", "bezwaar ontvangen op 27 november 2026",
		"Doorlooptijd (mediaan): 1,5 werkdagen", "Bezwaren: 1", "Afgesloten: 1", "Ontvangen: 4", "vervalt op 31 december 2026",
		"bezwaar bij de directie: 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	if m := regexp.MustCompile(`\d{4}-\d{2}-\d{2}`).FindString(text + l.HTML); m != "" {
		t.Errorf("digest has an ISO date %q", m)
	}
	for _, en := range []string{" at ", "open:", "responded", "objection", "incomplete"} {
		if strings.Contains(text, en) {
			t.Errorf("Dutch digest has English %q:\n%s", en, text)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, "KL-2026-0002") && strings.Contains(line, "werkdag") {
			t.Errorf("closed complaint shown with days left: %s", line)
		}
	}
}
