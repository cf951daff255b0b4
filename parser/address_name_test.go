package parser

import "testing"

// TestDisplayNameNeverTheAddress (issue 10 item 5): a display name that
// looks like an address is never taken for the address, whether quoted,
// unquoted, encoded or in a header go-message's parser refuses.
func TestDisplayNameNeverTheAddress(t *testing.T) {
	for _, v := range []string{
		`"x9@evil.test" <real@a.nl>`,
		`x9@evil.test <real@a.nl>`,
		`"x9@evil.test" <real@a.nl>, bad<`,
		`=?utf-8?q?x9@evil.test?= <real@a.nl>`,
		`x9@evil.test (werk) <real@a.nl>`,
	} {
		if got := parseAddressList(v); len(got) == 0 || got[0].Address != "real@a.nl" {
			t.Errorf("parseAddressList(%q) = %+v, want real@a.nl", v, got)
		}
		if got, nl, _ := normEmail(v); got != "real@a.nl" {
			t.Errorf("normEmail(%q) = %q (%s), want real@a.nl", v, got, nl)
		}
	}
}
