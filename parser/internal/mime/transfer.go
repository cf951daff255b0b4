package mime

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// DecodeTransfer undoes a Content-Transfer-Encoding, leniently.
func DecodeTransfer(enc string, b []byte, defects *[]string) []byte {
	enc = strings.ToLower(strings.Trim(strings.TrimSpace(enc), `"'`))
	switch enc {
	case "", "7bit", "8bit", "binary", "7-bit", "8-bit":
		return b
	case "quoted-printable", "quotedprintable", "qp":
		return decodeQP(b, defects)
	case "base64", "base-64":
		return decodeBase64(b, defects)
	default:
		*defects = append(*defects, fmt.Sprintf("content-transfer-encoding %q unknown: body kept as is", enc))
		return b
	}
}

// decodeQP decodes quoted-printable (RFC 2045 §6.7) without failing: a bad
// escape is kept as written.
func decodeQP(b []byte, defects *[]string) []byte {
	out := make([]byte, 0, len(b))
	bad := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		// Soft line break: "=" then optional blanks then CRLF or LF.
		j := i + 1
		for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if j < len(b) && b[j] == '\n' {
			i = j
			continue
		}
		if j+1 < len(b) && b[j] == '\r' && b[j+1] == '\n' {
			i = j + 1
			continue
		}
		if j == len(b) {
			i = j
			continue
		}
		if i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]) {
			out = append(out, unhex(b[i+1])<<4|unhex(b[i+2]))
			i += 2
			continue
		}
		bad = true
		out = append(out, c)
	}
	if bad {
		*defects = append(*defects, "quoted-printable: malformed escape kept as written")
	}
	return out
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// decodeBase64 decodes base64 leniently: characters outside the alphabet
// are skipped, padding ends a group (seen in practice: several encoded
// blobs glued together), and a truncated last group is dropped.
func decodeBase64(b []byte, defects *[]string) []byte {
	out := make([]byte, 0, len(b)*3/4+3)
	// Decoded in whole groups of 4 through a small buffer, straight into
	// out: a 25 MB attachment costs its decoded size, not several copies.
	var chunk [4096]byte
	n := 0
	bad := false
	flush := func(final bool) {
		m := n
		if !final {
			m -= m % 4
		} else if m%4 == 1 {
			m--
			bad = true
		}
		start := len(out)
		out = out[:start+base64.RawStdEncoding.DecodedLen(m)]
		k, err := base64.RawStdEncoding.Decode(out[start:], chunk[:m])
		if err != nil {
			bad = true
		}
		out = out[:start+k]
		n = copy(chunk[:], chunk[m:n])
		if final {
			n = 0
		}
	}
	for _, c := range b {
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '+', c == '/':
			chunk[n] = c
			n++
			if n == len(chunk) {
				flush(false)
			}
		case c == '=':
			if n > 0 {
				flush(true)
			}
		case c == ' ', c == '\t', c == '\r', c == '\n':
		default:
			bad = true
		}
	}
	if n > 0 {
		flush(true)
	}
	if bad {
		*defects = append(*defects, "base64: malformed input decoded as far as possible")
	}
	return out
}
