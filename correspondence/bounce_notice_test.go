package correspondence

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// review F3 #13: the bounce notice says which letter bounced (its kind,
// subject and date), the server's reason, and the consequence: an
// incomplete complaint lapses unless the complainant is reached. Because
// completing a complaint is the intake team's step, the intake team hears
// of it as well as whoever handles the complaint.
func TestBounceNoticeNamesLetterReasonAndLapse(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("bounce13", "")) // no phone number: incomplete
	c := e.complaint("KL-2026-0001")
	if c.State != StateIncomplete || c.LapseDay == "" {
		t.Fatalf("complaint state %q lapse %q, want incomplete with a lapse day", c.State, c.LapseDay)
	}
	reqs := e.lettersOf(templates.CompletionRequest)
	if len(reqs) != 1 {
		t.Fatalf("completion requests = %d, want 1", len(reqs))
	}
	req := reqs[0]
	e.clk.set(at(2026, 11, 23, 10, 20))
	dsn := fmt.Sprintf(dsnMail, c.Email, c.Email, c.Email, req.MessageID)
	dsn = strings.Replace(dsn, "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown", "Status: 5.2.2\nDiagnostic-Code: smtp; 552 5.2.2 Mailbox full", 1)
	e.deliver(dsn)
	var notice *outLetter
	for _, l := range e.lettersOf(templates.StaffNotice) {
		if strings.HasPrefix(l.Key, "notice:bounce:") {
			notice = &l
		}
	}
	if notice == nil {
		t.Fatalf("no bounce notice queued; letters %+v", e.letters())
	}
	text := notice.text()
	lapse := e.g.day(c.LapseDay)
	for _, want := range []string{
		"Verzoek om aanvulling", req.Subject, // which letter
		"5.2.2", "552 5.2.2 Mailbox full", "tijdelijk", // the reason, and that it may pass
		"vervalt de klacht op " + lapse.Format("2"), // the consequence
	} {
		if !strings.Contains(text, want) {
			t.Errorf("bounce notice lacks %q:\n%s", want, text)
		}
	}
	rcpt := strings.Split(notice.Rcpt, "\n")
	want := e.g.set.IntakeTeam[0]
	if !containsFold(rcpt, want) {
		t.Errorf("bounce notice to %v, want the intake team (%s) among them", rcpt, want)
	}
	if c.Handler != "" && !containsFold(rcpt, c.Handler) {
		t.Errorf("bounce notice to %v, want the handler %s too", rcpt, c.Handler)
	}
}

// A bounce of a letter to the handler goes to the intake team, not back to
// the handler whose address failed; it names the letter.
func TestBounceNoticeOfHandlerLetterToIntake(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("bounce13h", "010-1234567"))
	c := e.complaint("KL-2026-0001")
	hl := e.lettersOf(templates.HandlerNew)
	if len(hl) != 1 {
		t.Fatalf("handler letters = %d, want 1", len(hl))
	}
	e.deliver(fmt.Sprintf(dsnMail, c.Handler, c.Handler, c.Handler, hl[0].MessageID))
	var notice *outLetter
	for _, l := range e.lettersOf(templates.StaffNotice) {
		if strings.HasPrefix(l.Key, "notice:bounce:") {
			notice = &l
		}
	}
	if notice == nil {
		t.Fatal("no bounce notice queued")
	}
	if rcpt := strings.Split(notice.Rcpt, "\n"); containsFold(rcpt, c.Handler) || !containsFold(rcpt, e.g.set.IntakeTeam[0]) {
		t.Errorf("bounce notice to %v, want the intake team only", rcpt)
	}
	if text := notice.text(); !strings.Contains(text, "550 5.1.1 user unknown") || !strings.Contains(text, hl[0].Subject) {
		t.Errorf("bounce notice does not name the letter and the reason:\n%s", text)
	}
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// Review 2 #6: an invitation that bounces is told to management too: they
// sent it and have the meeting planned.
func TestBouncedInvitationToldToManagement(t *testing.T) {
	e, _ := objectionScenario(t)
	dossier := e.lettersOf(templates.ObjectionDossier)[0]
	e.clk.set(at(2026, 12, 29, 9, 0))
	e.deliver(reply("directie@ingressus.nl", dossier, "#gesprek 07-01-2027 14:30 Kantoor Rotterdam"))
	inv := e.lettersOf(templates.Invitation)
	if len(inv) != 1 {
		t.Fatalf("%d invitations, want 1", len(inv))
	}
	rcpt := inv[0].Rcpt
	e.deliver(fmt.Sprintf(dsnMail, rcpt, rcpt, rcpt, inv[0].MessageID))
	var notice *outLetter
	for _, l := range e.lettersOf(templates.StaffNotice) {
		if strings.HasPrefix(l.Key, "notice:bounce:") {
			notice = &l
		}
	}
	if notice == nil {
		t.Fatal("no bounce notice queued")
	}
	if to := strings.Split(notice.Rcpt, "\n"); !containsFold(to, "directie@ingressus.nl") {
		t.Errorf("bounce notice of the invitation to %v, want management among them", to)
	}
}
