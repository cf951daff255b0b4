package parser

import (
	"strings"
	"testing"
)

// Seen in practice: form plugins mark their notifications as automatic. A
// complaint must not be lost for it.
func TestFormNotificationWithMachineHeadersIsAForm(t *testing.T) {
	raw := strings.ReplaceAll(`From: Website <noreply@web.ingressus.nl>
To: klachten@ingressus.nl
Subject: Nieuwe klacht
Auto-Submitted: auto-generated
Precedence: bulk
Message-ID: <f1@web>

Bedrijfsnaam: Bakkerij Van Dijk B.V.
Adres: Hoofdstraat 12, Rotterdam
Naam: Sanne van Dijk
Telefoonnummer: 010-1234567
Bereikbaarheid: ma-vr 9-12
E-mailadres: sanne@bakkerijvandijk.nl
Omschrijving van de klacht: Niet compleet.
`, "\n", "\r\n")
	m, err := Parse([]byte(raw), Options{FormSenders: []string{"noreply@web.ingressus.nl"}})
	if err != nil || m.Kind != KindForm {
		t.Fatalf("Parse(form with Auto-Submitted) kind = %s, %v; want form", m.Kind, err)
	}
	m, _ = Parse([]byte(raw), Options{})
	if !m.Kind.IsMachine() {
		t.Errorf("the same mail from an unknown sender = %s; want machine mail", m.Kind)
	}
}
