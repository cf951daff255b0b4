package parser

import (
	"encoding/base64"
	"testing"
)

func TestBigAttachmentNotDecoded(t *testing.T) {
	att := base64.StdEncoding.EncodeToString(make([]byte, 300000))
	raw := "From: a@b.nl\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nzie bijlage\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=groot.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + att + "\r\n--b--\r\n"
	m, _ := Parse([]byte(raw), Options{MaxAttachment: 100000})
	if len(m.Attachments) != 1 || m.Attachments[0].Data != nil || m.Attachments[0].Size < 290000 || m.Attachments[0].Filename != "groot.pdf" {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	m, _ = Parse([]byte(raw), Options{})
	if len(m.Attachments) != 1 || len(m.Attachments[0].Data) != 300000 {
		t.Fatalf("without a limit the attachment is decoded: %d bytes", len(m.Attachments[0].Data))
	}
}
