package parser

import (
	"strings"
	"testing"
	"time"
)

func TestZZTime(t *testing.T) {
	cases := map[string]string{
		"fold":     "Subject: x\r\n" + strings.Repeat(" x\r\n", 1<<20) + "\r\n",
		"addrs":    "From: MAILER-DAEMON\r\n\r\n" + strings.Repeat("<a@b.cd>: user unknown ", 200000),
		"addrlines": "From: MAILER-DAEMON\r\n\r\n" + strings.Repeat("<a@b.cd>: user unknown\n", 200000),
		"dsn":      "From: x\r\nContent-Type: multipart/report; report-type=delivery-status\r\n\r\n" + strings.Repeat("Final-Recipient: rfc822; a@b.cd\nAction: failed\n", 100000),
		"fields":   strings.Repeat("X-A: b\r\n", 500000) + "\r\n",
		"parts":    "Content-Type: multipart/mixed; boundary=b\r\n\r\n" + strings.Repeat("--b\r\n\r\nx\r\n", 400000),
		"nested":   strings.Repeat("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n", 100000),
		"nestedmsg": strings.Repeat("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n", 100000),
		"dots":     "From: MAILER-DAEMON\r\n\r\n" + strings.Repeat("a.", 2<<20) + "@",
		"lt":       "From: MAILER-DAEMON\r\n\r\n" + strings.Repeat("<", 4<<20),
		"cont":     "Content-Type: multipart/mixed;\r\n" + strings.Repeat("a=b\r\n", 500000) + "\r\n",
		"failed":   "Return-Path: <>\r\nFrom: postmaster\r\n\r\n" + strings.Repeat("could not be delivered to ", 150000),
	}
	for name, raw := range cases {
		start := time.Now()
		k, b := ClassifyMachine([]byte(raw), raw, nil)
		t.Logf("%-10s %6d KB %v %q %q", name, len(raw)>>10, time.Since(start), k, b)
	}
}
