package correspondence

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ingressus/klachtd/templates"
)

// acceptingSender accepts every letter with a Postfix-like reply.
type acceptingSender struct{ n int }

func (s *acceptingSender) Send(context.Context, string, []string, []byte) error { return nil }

func (s *acceptingSender) SendAccepted(context.Context, string, []string, []byte) (string, string, error) {
	s.n++
	return "mx.ingressus.nl", fmt.Sprintf("250 2.0.0 Ok: queued as 4dQZ3L%04d", s.n), nil
}

const dsnMail = `From: Mail Delivery System <MAILER-DAEMON@mx.ingressus.nl>
To: klachten@ingressus.nl
Subject: Undelivered Mail Returned to Sender
Date: Mon, 23 Nov 2026 10:20:00 +0100
Message-ID: <dsn-1@mx.ingressus.nl>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered to one or more recipients.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.ingressus.nl

Final-Recipient: rfc822; %s
Original-Recipient: rfc822; %s
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--B
Content-Type: text/rfc822-headers

From: Ingressus Klachten <klachten@ingressus.nl>
To: %s
Subject: nieuwe klacht
Message-ID: <%s>

--B--
`

// TestProofOfSendingAndDSN: each sent letter keeps the server's reply and
// time; a DSN is linked to the letter whose Message-ID it returns, even
// when it bounced from an address no complaint has (the handler's).
func TestProofOfSendingAndDSN(t *testing.T) {
	e := newEnv(t, at(2026, 11, 23, 10, 15))
	e.deliver(form("proof", "010-1234567"))
	c := e.complaint("KL-2026-0001")
	ctx := context.Background()
	s := &acceptingSender{}
	n, err := e.g.FlushOutbox(ctx, []Sender{s})
	if err != nil || n != 2 {
		t.Fatalf("FlushOutbox = %d, %v; want 2 sent", n, err)
	}
	r, err := e.g.Record(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	var handlerLetter MailRecord
	for _, m := range r.Mails {
		if m.Direction != "out" {
			continue
		}
		if len(m.Receipts) != 1 || m.Receipts[0].Server != "mx.ingressus.nl" || !strings.HasPrefix(m.Receipts[0].Reply, "250 2.0.0 Ok: queued as 4dQZ3L") ||
			!m.Receipts[0].AcceptedAt.Equal(e.clk.now()) {
			t.Errorf("letter %s receipts = %+v", m.Kind, m.Receipts)
		}
		if m.Kind == templates.HandlerNew {
			handlerLetter = m
		}
	}
	line := r.Mails[len(r.Mails)-1].Receipts[0].Line(e.g.cal.Location())
	if !strings.HasPrefix(line, "aangenomen door mx.ingressus.nl op 2026-11-23 10:15:00 CET (250 2.0.0 Ok: queued as") {
		t.Errorf("Receipt.Line = %q", line)
	}

	e.clk.set(at(2026, 11, 23, 10, 20))
	handler := c.Handler
	e.deliver(fmt.Sprintf(dsnMail, handler, handler, handler, handlerLetter.MessageID))
	r, err = e.g.Record(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	var bounce, letter *MailRecord
	for i, m := range r.Mails {
		if m.Direction == "in" && m.Kind == "bounce" {
			bounce = &r.Mails[i]
		}
		if m.Row == handlerLetter.Row && m.Direction == "out" {
			letter = &r.Mails[i]
		}
	}
	if bounce == nil || letter == nil {
		t.Fatalf("the DSN is not in the complaint's file: %+v", r.Mails)
	}
	if len(letter.DSNs) != 1 || letter.DSNs[0] != bounce.Row || len(bounce.LinkedLetters) != 1 || bounce.LinkedLetters[0] != letter.Row {
		t.Errorf("DSN links: letter %+v, bounce %+v", letter.DSNs, bounce.LinkedLetters)
	}
}
