package correspondence

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkHandle: one form mail stored, registered and its two letters
// rendered and queued, in one transaction on a real SQLite file.
func BenchmarkHandle(b *testing.B) {
	var e *env
	e = newEnvTB(b)
	raws := make([][]byte, b.N)
	for i := range raws {
		raws[i] = []byte(strings.ReplaceAll(strings.ReplaceAll(form(fmt.Sprint(i), "010-1234567"), "sanne@", fmt.Sprintf("k%d@", i)), "\n", "\r\n"))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.g.Handle(context.Background(), Incoming{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i + 1), Raw: raws[i]}); err != nil {
			b.Fatal(err)
		}
	}
}
