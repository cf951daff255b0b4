package main

import (
	"syscall"
	"testing"
	"time"
)

// BenchmarkBacklog measures the whole pipeline on in-process servers: b.N
// form mails in the inbox → registered, acknowledged and notified (2 letters
// each) through the real IMAP client, SQLite file and SMTP client.
// Run: go test -run '^$' -bench Backlog -benchtime 2000x ./cmd/klachtd/
func BenchmarkBacklog(b *testing.B) {
	w := newWorldTB(b)
	for i := 0; i < b.N; i++ {
		w.imap.Append("INBOX", testForm(i))
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	start := time.Now()
	stop := w.start()
	defer stop()
	if _, err := w.smtp.WaitFor(2*b.N, 10*time.Minute); err != nil {
		b.Fatal(err)
	}
	el := time.Since(start).Seconds()
	// CPU of the whole process (daemon and the in-process servers) per
	// complaint: what a shared or busy machine does not blur as much as
	// wall time, which a commit's fsync bounds here.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/complaint")
	b.ReportMetric(float64(b.N)/el, "complaints/s")
	b.ReportMetric(float64(2*b.N)/el, "letters/s")
}

// cpuTime is the user and system CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
