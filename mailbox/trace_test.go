package mailbox

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// TestRedactLiterals (issue 10 item 6): the body of a fetched or appended
// mail never reaches the trace, however the transcript is cut into writes;
// the protocol lines do.
func TestRedactLiterals(t *testing.T) {
	body := "From: sanne@bakkerijvandijk.nl\r\nSubject: klacht\r\n\r\nTelefoonnummer: 010-1234567\r\n"
	transcript := "T1 UID FETCH 5 (UID BODY.PEEK[])\r\n* 1 FETCH (UID 5 BODY[] {" + strconv.Itoa(len(body)) + "}\r\n" + body + ")\r\nT1 OK done\r\n" +
		"T2 APPEND INBOX {" + strconv.Itoa(len(body)) + "+}\r\n" + body + "\r\nT2 OK appended\r\n"
	for _, chunk := range []int{1, 7, 64, len(transcript)} {
		var out bytes.Buffer
		w := RedactLiterals(&out)
		for i := 0; i < len(transcript); i += chunk {
			if _, err := w.Write([]byte(transcript[i:min(i+chunk, len(transcript))])); err != nil {
				t.Fatal(err)
			}
		}
		got := out.String()
		for _, secret := range []string{"010-1234567", "sanne@bakkerijvandijk.nl"} {
			if strings.Contains(got, secret) {
				t.Errorf("chunk %d: %q in the trace:\n%s", chunk, secret, got)
			}
		}
		for _, want := range []string{"T1 UID FETCH 5", "T1 OK done", "T2 OK appended", "bytes redacted"} {
			if !strings.Contains(got, want) {
				t.Errorf("chunk %d: %q missing from the trace:\n%s", chunk, want, got)
			}
		}
	}
}
