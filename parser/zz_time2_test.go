package parser

import (
	"strings"
	"testing"
)

func BenchmarkZZFold(b *testing.B) {
	raw := strings.Repeat("X-A: b\r\n", 500000) + "\r\n"
	for i := 0; i < b.N; i++ {
		ClassifyMachine([]byte(raw), raw, nil)
	}
}
