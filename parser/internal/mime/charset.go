package mime

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
)

var metaCharsetRe = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?([a-z0-9_\-:.]+)`)

// DecodeCharset converts a text part's bytes to UTF-8. Without a declared
// charset (or with us-ascii, often a lie) valid UTF-8 stays as it is and
// anything else is read as windows-1252. An unknown charset is a defect; the
// bytes are then read the same way.
func DecodeCharset(b []byte, cs string, isHTML bool, defects *[]string) string {
	cs = strings.ToLower(strings.Trim(strings.TrimSpace(cs), `"'`))
	if cs == "" && isHTML {
		head := b
		if len(head) > 4096 {
			head = head[:4096]
		}
		if m := metaCharsetRe.FindSubmatch(head); m != nil {
			cs = strings.ToLower(string(m[1]))
		}
	}
	switch cs {
	case "", "us-ascii", "ascii", "utf-8", "utf8", "unicode-1-1-utf-8", "x-unknown", "unknown-8bit", "default":
		if utf8.Valid(b) {
			return string(b)
		}
		if cs == "utf-8" || cs == "utf8" {
			*defects = append(*defects, "charset: declared utf-8 but invalid, read as windows-1252")
		}
		return ToUTF8(string(b))
	}
	if lyingLabel(b, cs) {
		// Seen in practice: a client labels UTF-8 text Big5 or Latin-1.
		// 8-bit bytes that are valid UTF-8 are hardly ever anything else.
		*defects = append(*defects, fmt.Sprintf("charset %q: bytes are valid utf-8, read as utf-8", cs))
		return string(b)
	}
	r, err := charset.Reader(cs, bytes.NewReader(b))
	if err != nil {
		*defects = append(*defects, fmt.Sprintf("charset %q unknown: read as utf-8/windows-1252", cs))
		return ToUTF8(string(b))
	}
	out, err := io.ReadAll(r)
	if err != nil {
		*defects = append(*defects, fmt.Sprintf("charset %q: %v", cs, err))
		if len(out) == 0 {
			return ToUTF8(string(b))
		}
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// lyingLabel reports a declared charset that the bytes contradict: they
// hold 8-bit sequences and are valid UTF-8. Charsets that are 7-bit
// (ISO-2022-*, UTF-7) or wide (UTF-16/32) are taken at their word.
func lyingLabel(b []byte, cs string) bool {
	if strings.HasPrefix(cs, "utf-16") || strings.HasPrefix(cs, "utf-32") || strings.HasPrefix(cs, "ucs") ||
		strings.HasPrefix(cs, "iso-2022") || cs == "utf-7" || cs == "hz-gb-2312" {
		return false
	}
	eight := false
	for _, c := range b {
		if c >= 0x80 {
			eight = true
			break
		}
	}
	if !eight || !utf8.Valid(b) {
		return false
	}
	// C1 controls (U+0080–U+009F) are no text: "\xc2\x80" is "Â€" in
	// windows-1250, not UTF-8.
	for _, r := range string(b) {
		if r >= 0x80 && r <= 0x9f {
			return false
		}
	}
	return true
}
