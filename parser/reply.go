package parser

import "github.com/ingressus/klachtd/parser/reply"

// ReplyText returns the new text of a plain-text reply: without quoted
// history, quote headers ("On … wrote:", "Op … schreef …:", Outlook blocks,
// and their forms in the other languages clients write) and signature.
// Bounded time on any input. The reply stripper is parser/reply.
func ReplyText(text string) string { return reply.Text(text) }

// ReplyTextHTML returns the new text of an HTML reply as plain text:
// without gmail_quote, divRplyFwdMsg, blockquote type=cite and the like.
func ReplyTextHTML(s string) string { return reply.FromHTML(s) }
