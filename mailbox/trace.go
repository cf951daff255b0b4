package mailbox

import (
	"fmt"
	"io"
	"strconv"
	"sync"
)

// RedactLiterals returns a writer for a protocol transcript that passes
// everything to w except the contents of IMAP literals ({N} or {N+}
// followed by N bytes, RFC 9051 §4.3): message bodies and headers fetched
// or appended. Those carry complainants' personal data and become
// "[N bytes redacted]". The command and response lines stay readable.
func RedactLiterals(w io.Writer) io.Writer { return &literalRedactor{w: w} }

type literalRedactor struct {
	mu   sync.Mutex
	w    io.Writer
	skip int64  // bytes of the current literal still to swallow
	line []byte // the current line so far (the tail that matters)
}

// maxLineTail is how much of a line is kept to find "{N}" at its end.
const maxLineTail = 32

func (r *literalRedactor) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]byte, 0, len(p))
	for i := 0; i < len(p); {
		if r.skip > 0 {
			n := min(r.skip, int64(len(p)-i))
			r.skip -= n
			i += int(n)
			continue
		}
		b := p[i]
		i++
		out = append(out, b)
		r.line = append(r.line, b)
		if len(r.line) > maxLineTail {
			r.line = r.line[len(r.line)-maxLineTail:]
		}
		if b != '\n' {
			continue
		}
		if n, ok := literalLength(r.line); ok && n > 0 {
			r.skip = n
			out = append(out, fmt.Sprintf("[%d bytes redacted; --trace=full shows them]\r\n", n)...)
		}
		r.line = r.line[:0]
	}
	if _, err := r.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// literalLength reads the literal announced at the end of line: "{123}",
// "{123+}" or "~{123}" before CRLF.
func literalLength(line []byte) (int64, bool) {
	s := string(line)
	if len(s) >= 2 && s[len(s)-2] == '\r' {
		s = s[:len(s)-2]
	} else {
		s = s[:len(s)-1]
	}
	if len(s) < 3 || s[len(s)-1] != '}' {
		return 0, false
	}
	open := -1
	for j := len(s) - 2; j >= 0; j-- {
		if s[j] == '{' {
			open = j
			break
		}
	}
	if open < 0 {
		return 0, false
	}
	num := s[open+1 : len(s)-1]
	if l := len(num); l > 0 && (num[l-1] == '+' || num[l-1] == '-') {
		num = num[:l-1]
	}
	n, err := strconv.ParseInt(num, 10, 64)
	return n, err == nil && n >= 0
}
