package mime

import "strings"

// Unflow undoes format=flowed (RFC 3676 §4.2): a line that ends in a
// blank is joined with the next, and with delsp=yes that blank is removed;
// a space-stuffed line loses its first blank. Quoted lines (">") and the
// signature separator "-- " are left as they are. Drupal sends all its mail
// this way (delsp=yes), so a long description comes wrapped at 77 columns.
func Unflow(s string, delsp bool) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	buf := make([]byte, 0, len(s))
	joining := false
	for i, l := range strings.Split(s, "\n") {
		quoted := strings.HasPrefix(l, ">")
		if i > 0 && !(joining && !quoted) {
			buf = append(buf, '\n')
		}
		if !quoted {
			l = strings.TrimPrefix(l, " ") // space-stuffing
		}
		buf = append(buf, l...)
		joining = !quoted && strings.HasSuffix(l, " ") && l != "-- "
		if joining && delsp {
			buf = buf[:len(buf)-1]
		}
	}
	return string(buf)
}
