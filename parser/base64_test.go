package parser

import (
	"bytes"
	"encoding/base64"
	"math/rand"
	"strings"
	"testing"
)

// decodeBase64 must agree with the standard decoder on well-formed input of
// every length, wrapped as MIME wraps it, across its internal buffer size.
func TestDecodeBase64MatchesStdlib(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, size := range []int{0, 1, 2, 3, 4, 5, 3071, 3072, 3073, 10000, 100000} {
		data := make([]byte, size)
		rng.Read(data)
		enc := base64.StdEncoding.EncodeToString(data)
		var wrapped strings.Builder
		for i := 0; i < len(enc); i += 76 {
			wrapped.WriteString(enc[i:min(i+76, len(enc))])
			wrapped.WriteString("\r\n")
		}
		var defects []string
		got := decodeBase64([]byte(wrapped.String()), &defects)
		if !bytes.Equal(got, data) || len(defects) != 0 {
			t.Errorf("decodeBase64(%d bytes) = %d bytes, defects %v", size, len(got), defects)
		}
	}
}

func BenchmarkDecodeBase64(b *testing.B) {
	data := make([]byte, 18<<20)
	enc := []byte(base64.StdEncoding.EncodeToString(data))
	b.ReportAllocs()
	b.ResetTimer()
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		var d []string
		decodeBase64(enc, &d)
	}
}

func TestBigAttachmentNotDecoded(t *testing.T) {
	att := base64.StdEncoding.EncodeToString(make([]byte, 300000))
	raw := "From: a@b.nl\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nzie bijlage\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=groot.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + att + "\r\n--b--\r\n"
	m, _ := Parse([]byte(raw), Options{MaxAttachment: 100000})
	if len(m.Attachments) != 1 || m.Attachments[0].Data != nil || m.Attachments[0].Size < 290000 || m.Attachments[0].Filename != "groot.pdf" {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	m, _ = Parse([]byte(raw), Options{})
	if len(m.Attachments) != 1 || len(m.Attachments[0].Data) != 300000 {
		t.Fatalf("without a limit the attachment is decoded: %d bytes", len(m.Attachments[0].Data))
	}
}
