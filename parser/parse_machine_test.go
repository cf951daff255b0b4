package parser

import (
	"os"
	"path/filepath"
	"testing"
)

// TestParseMachineMailIssue13 reads the machine mail of issue 13 and the
// human mail next to it (classify's TestClassifyMachineIssue13) through
// Parse: its kind, the reference (of the letter that bounced), and no
// relayed text for machine mail.
func TestParseMachineMailIssue13(t *testing.T) {
	tests := []struct {
		file     string
		wantKind Kind
		wantRef  string // Parse's Reference
		why      string
	}{
		{"x-loop.eml", KindAutomated, "", "X-Loop: a list or responder; never answered"},
		{"outlook-oof-suppress-all.eml", KindAutoReply, "KL-2026-0042", "Exchange OOF: Suppress All with an auto-reply subject"},
		{"outlook-human-suppress-partial.eml", "", "KL-2026-0042", "a person's Outlook reply carries the partial list; 'ik was afwezig' is past"},
		{"plain-bounce-rejected.eml", KindBounce, "KL-2026-0042",
			"plain-text bounce, no DSN, no daemon name: null Return-Path and 'rejected'; the reference from the returned Message-ID"},
		{"plain-bounce-quoted.eml", KindBounce, "KL-2026-0117",
			"plain-text bounce with the returned message quoted; the reference from its In-Reply-To"},
		{"dsn-returned-reference.eml", KindBounce, "KL-2026-0311",
			"DSN: the reference only in the returned message/rfc822 part's Message-ID"},
		{"oof-no-headers-nl.eml", KindAutoReply, "KL-2026-0042", "no headers: 'Ik ben tot en met … afwezig', not forwarded, urgent number"},
		{"oof-no-headers-en.eml", KindAutoReply, "KL-2026-0043", "no headers: 'I am out of the office until … limited access'"},
		{"oof-no-headers-de.eml", KindAutoReply, "KL-2026-0044", "no headers: 'Ich bin … nicht im Büro … In dringenden Fällen'"},
		{"oof-no-headers-fr.eml", KindAutoReply, "KL-2026-0045", "no headers: 'Je suis absente … En cas d'urgence'"},
		{"human-was-on-vacation.eml", "", "KL-2026-0042", "past tense: 'Ik was op vakantie toen de levering kwam'"},
		{"human-ben-vakantie-geweest.eml", "", "KL-2026-0042", "perfect tense: 'Ik ben op vakantie geweest' and an objection"},
		{"human-away-asks.eml", "", "KL-2026-0042", "an away sentence with a question is a person asking"},
		{"human-objection-mentions-vacation.eml", "", "KL-2026-0042", "an objection that mentions a holiday further down"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("classify", "testdata", "auto", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(raw, Options{OwnAddresses: []string{"klachten@ingressus.nl"}})
			if err != nil {
				t.Fatal(err)
			}
			wantKind := tt.wantKind
			if wantKind == "" {
				wantKind = KindReply
			}
			if m.Kind != wantKind || m.Reference != tt.wantRef {
				t.Errorf("Parse(%s) kind %q reference %q, want %q, %q: %s", tt.file, m.Kind, m.Reference, wantKind, tt.wantRef, tt.why)
			}
			if m.Kind.IsMachine() && m.Kind != KindBounce && m.Reply != "" {
				// Machine mail is never relayed as a reply (nor an objection).
				t.Errorf("Parse(%s) relays %q", tt.file, m.Reply)
			}
		})
	}
}
