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
	e := newEnvTB(b)
	raws := make([][]byte, b.N)
	for i := range raws {
		raws[i] = []byte(strings.ReplaceAll(strings.ReplaceAll(form(fmt.Sprint(i), "010-1234567"), "sanne@", fmt.Sprintf("k%d@", i)), "\n", "\r\n"))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := handleOne(e.g, context.Background(), Incoming{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i + 1), Raw: raws[i]}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunDue: one scheduler pass over 2,000 open complaints, nothing due.
func BenchmarkRunDue(b *testing.B) {
	e := newEnvTB(b)
	ins := make([]Incoming, 2000)
	for i := range ins {
		raw := strings.ReplaceAll(strings.ReplaceAll(form(fmt.Sprint(i), "010-1234567"), "sanne@", fmt.Sprintf("k%d@", i)), "\n", "\r\n")
		ins[i] = Incoming{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i + 1), Raw: []byte(raw)}
	}
	for i := 0; i < len(ins); i += 100 {
		if _, err := e.g.Handle(context.Background(), ins[i:i+100]); err != nil {
			b.Fatal(err)
		}
	}
	now := at(2026, 11, 24, 9, 0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.g.RunDue(context.Background(), now); err != nil {
			b.Fatal(err)
		}
	}
}
