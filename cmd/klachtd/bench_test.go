package main

import (
	"testing"
	"time"
)

// BenchmarkBacklog measures the whole pipeline on in-process servers: b.N
// form mails in the inbox → registered, acknowledged and notified (2 letters
// each) through the real IMAP client, SQLite file and SMTP client.
// Run: go test -run '^$' -bench Backlog -benchtime 2000x ./cmd/klachtd/
func BenchmarkBacklog(b *testing.B) {
	w := newWorldTB(b, "")
	for i := 0; i < b.N; i++ {
		w.imap.Append("INBOX", testForm(i))
	}
	b.ResetTimer()
	start := time.Now()
	stop := w.start()
	defer stop()
	if _, err := w.smtp.WaitFor(2*b.N, 10*time.Minute); err != nil {
		b.Fatal(err)
	}
	el := time.Since(start).Seconds()
	b.ReportMetric(float64(b.N)/el, "complaints/s")
	b.ReportMetric(float64(2*b.N)/el, "letters/s")
}
