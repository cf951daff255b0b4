package mime

import (
	"bytes"
	"fmt"
)

// splitMultipart splits a multipart body on its boundary (RFC 2046 §5.1.1).
// Lenient: a missing close delimiter ends the last part at the end of input,
// and text after the close delimiter (the epilogue) is dropped.
func splitMultipart(body []byte, boundary string, defects *[]string) [][]byte {
	delim := []byte("--" + boundary)
	var parts [][]byte
	start := -1 // start of the current part's content
	closed := false
	pos := 0
	for pos <= len(body) {
		lineStart := pos
		line, _ := nextLine(body[pos:])
		nl := bytes.IndexByte(body[pos:], '\n')
		next := len(body) + 1
		if nl >= 0 {
			next = pos + nl + 1
		}
		if bytes.HasPrefix(line, delim) {
			tail := bytes.TrimRight(line[len(delim):], " \t")
			isClose := bytes.Equal(tail, []byte("--"))
			if len(tail) == 0 || isClose {
				if start >= 0 {
					end := lineStart
					// The line break before a delimiter belongs to it.
					if end > start && body[end-1] == '\n' {
						end--
						if end > start && body[end-1] == '\r' {
							end--
						}
					}
					if end < start {
						end = start
					}
					parts = append(parts, body[start:end])
				}
				if isClose {
					closed = true
					break
				}
				start = next
				if start > len(body) {
					start = len(body)
				}
				if len(parts) >= MaxParts {
					*defects = append(*defects, fmt.Sprintf("multipart: more than %d parts, rest skipped", MaxParts))
					return parts
				}
			}
		}
		if nl < 0 {
			break
		}
		pos = next
	}
	if !closed {
		if start >= 0 {
			parts = append(parts, body[start:])
			*defects = append(*defects, "multipart: close delimiter missing")
		} else {
			*defects = append(*defects, "multipart: boundary not found")
		}
	}
	return parts
}
