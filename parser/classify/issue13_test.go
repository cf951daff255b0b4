package classify

import (
	"os"
	"path/filepath"
	"testing"
)

// TestClassifyMachineIssue13 covers machine mail the peers know (issue
// 13) and auto-replies known by their content alone (issue 10 item 7), with
// the human mail that must stay human next to each, in every line-end
// convention. Fixtures are ours; parser's TestParseMachineMailIssue13
// checks what Parse makes of the same mails (kind, reference).
func TestClassifyMachineIssue13(t *testing.T) {
	tests := []struct {
		file        string
		wantKind    Kind
		wantBounced string
		why         string
	}{
		{"x-loop.eml", Automated, "", "X-Loop: a list or responder; never answered"},
		{"outlook-oof-suppress-all.eml", AutoReply, "", "Exchange OOF: Suppress All with an auto-reply subject"},
		{"outlook-human-suppress-partial.eml", "", "", "a person's Outlook reply carries the partial list; 'ik was afwezig' is past"},
		{"plain-bounce-rejected.eml", Bounce, "jan.bakker@example.net",
			"plain-text bounce, no DSN, no daemon name: null Return-Path and 'rejected'; the reference from the returned Message-ID"},
		{"plain-bounce-quoted.eml", Bounce, "sanne@example.org",
			"plain-text bounce with the returned message quoted; the reference from its In-Reply-To"},
		{"dsn-returned-reference.eml", Bounce, "k.visser@example.net",
			"DSN: the reference only in the returned message/rfc822 part's Message-ID"},
		{"oof-no-headers-nl.eml", AutoReply, "", "no headers: 'Ik ben tot en met … afwezig', not forwarded, urgent number"},
		{"oof-no-headers-en.eml", AutoReply, "", "no headers: 'I am out of the office until … limited access'"},
		{"oof-no-headers-de.eml", AutoReply, "", "no headers: 'Ich bin … nicht im Büro … In dringenden Fällen'"},
		{"oof-no-headers-fr.eml", AutoReply, "", "no headers: 'Je suis absente … En cas d'urgence'"},
		{"human-was-on-vacation.eml", "", "", "past tense: 'Ik was op vakantie toen de levering kwam'"},
		{"human-ben-vakantie-geweest.eml", "", "", "perfect tense: 'Ik ben op vakantie geweest' and an objection"},
		{"human-away-asks.eml", "", "", "an away sentence with a question is a person asking"},
		{"human-objection-mentions-vacation.eml", "", "", "an objection that mentions a holiday further down"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "auto", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			for name, conv := range lineEnds {
				kind, bounced, why := Machine(conv(raw), "", ownAddrs)
				if kind != tt.wantKind || bounced != tt.wantBounced {
					t.Errorf("ClassifyMachine(%s, %s line ends) = %q, %q (%s), want %q, %q: %s",
						tt.file, name, kind, bounced, why, tt.wantKind, tt.wantBounced, tt.why)
				}
			}
		})
	}
}
