package parser

import "github.com/ingressus/klachtd/parser/classify"

// ClassifyMachine tells machine mail from human mail. raw is the whole
// message (headers are read from it; a DSN's message/delivery-status part
// too); text is the decoded body text; own are the gateway's own addresses.
// It returns "" for mail a person wrote, else KindAutoReply, KindBounce or
// KindAutomated, and for a bounce the failed recipient when one is found.
// The classifier is parser/classify.
func ClassifyMachine(raw []byte, text string, own []string) (kind Kind, bounced string) {
	k, bounced, _ := classify.Machine(raw, text, own)
	return Kind(k), bounced
}
