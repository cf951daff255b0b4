package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"testing"
	"time"
)

// BenchmarkBigMail: one form mail with an 18 MB attachment (25 MB on the
// wire) through the whole daemon. Run with -memprofile to see its copies:
// go test -run '^$' -bench BigMail -benchtime 1x -memprofile mem.out ./cmd/klachtd/
func BenchmarkBigMail(b *testing.B) {
	w := newWorldTB(b)
	att := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("PDF-data "), 18<<20/9))
	var wrapped bytes.Buffer
	for i := 0; i < len(att); i += 76 {
		wrapped.WriteString(att[i:min(i+76, len(att))] + "\r\n")
	}
	for i := 0; i < b.N; i++ {
		form := bytes.Replace(testForm(i), []byte("Content-Type: text/plain; charset=utf-8\r\n"), []byte("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=zz\r\n"), 1)
		parts := bytes.SplitN(form, []byte("\r\n\r\n"), 2)
		raw := fmt.Sprintf("%s\r\n\r\n--zz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n--zz\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=bewijs.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n%s--zz--\r\n", parts[0], parts[1], wrapped.String())
		w.imap.Append("INBOX", []byte(raw))
	}
	b.ResetTimer()
	stop := w.start()
	defer stop()
	if _, err := w.smtp.WaitFor(2*b.N, 2*time.Minute); err != nil {
		b.Fatal(err)
	}
}
