package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pdfForm is a form with Dutch characters and a long description that
// must wrap over lines and pages.
func pdfForm() []byte {
	long := strings.Repeat("De chauffeur zei dat hij de pallet bij de buren had neergezet, maar niemand wist ervan. ", 60) + "Einde van de omschrijving."
	return []byte(strings.ReplaceAll(`From: Website <noreply@web.example.nl>
To: klachten@example.nl
Subject: Nieuwe klacht
Date: Mon, 23 Nov 2026 10:12:31 +0100
Message-ID: <form-pdf@web.example.nl>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Bedrijfsnaam: Coöperatie Zuidelijke Bakkers U.A.
Adres: Émile Zolastraat 7, 3011 AB Rotterdam
Naam: Anaïs van der Meulen
Telefoonnummer: 010-1234567
Bereikbaarheid: ma-vr 9-12
E-mailadres: anais@example.com
Datum: 23-11-2026
Omschrijving van de klacht: Wij betaalden € 1.250,00 voor een levering die niet compleet was. `+long+`
`, "\n", "\r\n"))
}

// TestExportPDF: the dossier renders, and its text (as pdftotext reads it)
// holds the Dutch characters, the long text to its end, every letter's
// delivery evidence and the verify result.
func TestExportPDF(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing: .ci/run installs poppler-utils")
		}
		t.Skip("pdftotext not installed (apt-get install poppler-utils); CI installs it")
	}
	w := newWorld(t)
	w.imap.Append("INBOX", pdfForm())
	stop := w.start()
	if _, err := w.smtp.WaitFor(2, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	stop()
	file := filepath.Join(t.TempDir(), "dossier.pdf")
	if out, err := cli(t, "export", "KL-2026-0001", "--pdf", "-o", file, "--config", w.cfgPath); err != nil {
		t.Fatalf("export --pdf: %v\n%s", err, out)
	}
	raw, _ := os.ReadFile(file)
	if !bytes.HasPrefix(raw, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", raw)
	}
	out, err := exec.Command("pdftotext", "-layout", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"Klachtdossier KL-2026-0001", "Coöperatie Zuidelijke Bakkers U.A.", "Émile Zolastraat 7", "Anaïs van der Meulen",
		"€ 1.250,00", "Einde van de omschrijving.", "Ontvangstbevestiging", "op tijd", "aangenomen door 127.0.0.1 op",
		"(250 2.0.0 OK: queued)", "Het dossier is ongewijzigd", "pagina 1 van"} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if n := strings.Count(flat, "aangenomen door 127.0.0.1"); n != 2 {
		t.Errorf("PDF shows %d acceptances, want 2 (one per letter)", n)
	}
	if pages := strings.Count(text, "\f"); pages < 3 {
		t.Errorf("PDF has %d pages; the long text should run over several", pages)
	}
}
