package mime

import (
	"bytes"
	"encoding/base64"
	"math/rand"
	"strings"
	"testing"
)

func TestDecoders(t *testing.T) {
	var d []string
	if got := string(decodeQP([]byte("caf=C3=A9 =\r\nsoft =ZZ end="), &d)); got != "café soft =ZZ end" {
		t.Errorf("decodeQP = %q", got)
	}
	if len(d) != 1 {
		t.Errorf("decodeQP defects = %q, want one", d)
	}
	d = nil
	if got := string(decodeBase64([]byte("aGVs\nbG8=\r\n!!"), &d)); got != "hello" || len(d) != 1 {
		t.Errorf("decodeBase64 = %q, defects %q; want hello, one defect", got, d)
	}
	d = nil
	if got := string(decodeBase64([]byte("aGk=aGk="), &d)); got != "hihi" {
		t.Errorf("decodeBase64(glued) = %q, want hihi", got)
	}
	d = nil
	if got := DecodeCharset([]byte("\x80 caf\xe9"), "", false, &d); got != "€ café" {
		t.Errorf("DecodeCharset(undeclared 8-bit) = %q, want windows-1252", got)
	}
	if got := DecodeCharset([]byte("\xa4"), "iso-8859-15", false, &d); got != "€" {
		t.Errorf("DecodeCharset(iso-8859-15) = %q, want €", got)
	}
	if got := DecodeCharset([]byte("abc"), "x-klingon", false, &d); got != "abc" || !strings.Contains(strings.Join(d, " "), "unknown") {
		t.Errorf("DecodeCharset(unknown) = %q, %q", got, d)
	}
}

func TestParseMediaType(t *testing.T) {
	tests := []struct {
		in, mt, key, val string
	}{
		{`text/plain; charset="utf-8"`, "text/plain", "charset", "utf-8"},
		{`application/pdf name="a.pdf"`, "application/pdf", "name", "a.pdf"},
		{`application/pdf; name=Invoice_(1).pdf`, "application/pdf", "name", "Invoice_(1).pdf"},
		{`text/plain; name="a"; name="a"`, "text/plain", "name", "a"},
		{`attachment; filename="=?utf-8?q?caf=C3=A9.pdf?="`, "attachment", "filename", "café.pdf"},
	}
	for _, tt := range tests {
		mt, p := ParseMediaType(tt.in)
		if mt != tt.mt || p[tt.key] != tt.val {
			t.Errorf("ParseMediaType(%q) = %q, %q; want %q, %s=%q", tt.in, mt, p, tt.mt, tt.key, tt.val)
		}
	}
}

func TestUnflow(t *testing.T) {
	tests := []struct {
		in    string
		delsp bool
		want  string
	}{
		{"Een lange  \nregel.\nTweede.", true, "Een lange regel.\nTweede."},
		{"Een lange \nregel.", false, "Een lange regel."},
		{" From me\n-- \nJan", false, "From me\n-- \nJan"},
		{"> quoted \n> line\nnew", false, "> quoted \n> line\nnew"},
		{"a \r\nb\r\n\r\nc", false, "a b\n\nc"},
	}
	for _, tt := range tests {
		if got := Unflow(tt.in, tt.delsp); got != tt.want {
			t.Errorf("Unflow(%q, %v) = %q, want %q", tt.in, tt.delsp, got, tt.want)
		}
	}
}

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
