package mime

import (
	"mime"
	"regexp"
	"strings"
)

var paramRe = regexp.MustCompile(`(?i)([a-z0-9*_.\-]+)\s*=\s*("(?:[^"\\]|\\.)*"?|[^;\s]*)`)

// ParseMediaType parses a Content-Type or Content-Disposition value. It
// falls back to a lenient reading when mime.ParseMediaType refuses the value
// (seen in practice: duplicate parameters, a missing ';', unquoted
// tspecials like "name=Invoice_(1).pdf"). Parameter names are lower-case;
// encoded words in values are decoded.
func ParseMediaType(v string) (string, map[string]string) {
	if strings.TrimSpace(v) == "" {
		return "", map[string]string{}
	}
	mt, params, err := mime.ParseMediaType(v)
	if err != nil {
		mt, params = "", map[string]string{}
		head, tail, _ := strings.Cut(v, ";")
		fields := strings.Fields(head)
		if len(fields) > 0 {
			mt = strings.ToLower(fields[0])
			if len(fields) > 1 {
				tail = strings.Join(fields[1:], " ") + ";" + tail
			}
		}
		for _, m := range paramRe.FindAllStringSubmatch(tail, -1) {
			k := strings.ToLower(m[1])
			val := m[2]
			if strings.HasPrefix(val, `"`) {
				val = strings.TrimSuffix(strings.TrimPrefix(val, `"`), `"`)
				val = strings.ReplaceAll(val, `\"`, `"`)
			}
			if _, dup := params[k]; !dup {
				params[k] = val
			}
		}
	}
	for k, val := range params {
		params[k] = DecodeHeaderText(val)
	}
	return strings.ToLower(strings.TrimSpace(mt)), params
}
