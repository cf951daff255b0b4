package reply

import (
	"strings"

	"github.com/ingressus/klachtd/parser/internal/htmltext"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// FromHTML returns the new text of an HTML reply as plain text: without
// gmail_quote, divRplyFwdMsg, blockquote type=cite and the like.
//
// The quoting clients mark is removed from the tree first: Gmail's
// div.gmail_quote, gmail_extra and gmail_signature; Outlook's
// div#divRplyFwdMsg, #appendonsend and Outlook for Mac's
// #OLK_SRC_BODY_SECTION with everything after them; Yahoo's yahoo_quoted;
// Thunderbird's moz-cite-prefix and moz-signature; the signature divs of
// Outlook (#Signature, #ms-outlook-mobile-signature) and Samsung Email
// (#composer_signature).
// Quoting blockquotes (type=cite, a quote class, or one that follows a line
// ending in ':' or holds the end of the mail) become `>` lines; the tree
// becomes text (<br>, <p>, <div> … end lines, entities decoded), and
// Text removes the rest (Outlook header blocks, "On … wrote:").
// A Gmail or Apple Mail reply written between quoted passages keeps its
// answers, as Text does for plain text.
func FromHTML(s string) string {
	s = capBytes(s, maxHTMLBytes)
	if strings.TrimSpace(s) == "" {
		return ""
	}
	doc := htmltext.Parse(s)
	cutAfterMarker(doc)
	prune(doc, false)
	if out := Text(htmltext.Render(doc, htmltext.Quoted)); out != "" {
		return out
	}
	// Nothing left: a mail that is only a forward (Gmail puts "----------
	// Forwarded message ---------" inside its gmail_quote) keeps the
	// forwarded text, as Text does for plain text.
	text := htmltext.Render(htmltext.Parse(s), htmltext.Quoted)
	if split(text).forward {
		return Text(text)
	}
	return ""
}

// Relay is the text relayed of an HTML reply: FromHTML, and when that
// leaves nothing but a greeting, the whole HTML as text (quoting
// blockquotes as ">" lines) stripped by the plain-text rules, if that
// keeps more. Never relay less than was written.
func Relay(s string) string {
	r := FromHTML(s)
	if OnlyGreeting(strings.Split(r, "\n")) {
		if alt := Text(htmlQuoted(s)); len(strings.TrimSpace(alt)) > len(strings.TrimSpace(r)) {
			r = alt
		}
	}
	return r
}

// htmlQuoted is the whole of an HTML mail as text, nothing pruned, its
// quoting blockquotes as `>` lines.
func htmlQuoted(s string) string {
	return htmltext.Render(htmltext.Parse(capBytes(s, maxHTMLBytes)), htmltext.Quoted)
}

// maxHTMLBytes caps the HTML FromHTML parses; HTML carries styles
// and markup, so more than the 1 MB of text.
const maxHTMLBytes = 4 << 20

// isCutMarker reports the elements after which everything is history:
// Outlook's reply header (divRplyFwdMsg, also as x_divRplyFwdMsg after a
// relay), new Outlook's appendonsend, Outlook for Mac's
// OLK_SRC_BODY_SECTION, Outlook 2003's OutlookMessageHeader.
func isCutMarker(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	id := htmltext.Attr(n, "id")
	return strings.HasSuffix(id, "divRplyFwdMsg") || strings.HasSuffix(id, "appendonsend") ||
		strings.HasSuffix(id, "OLK_SRC_BODY_SECTION") || htmltext.HasClass(n, "OutlookMessageHeader")
}

// cutAfterMarker removes the first cut marker and everything after it in
// document order.
func cutAfterMarker(doc *html.Node) {
	var marker *html.Node
	stack := []*html.Node{doc}
	for len(stack) > 0 && marker == nil {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if isCutMarker(n) {
			marker = n
			break
		}
		for c := n.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, c)
		}
	}
	if marker == nil {
		return
	}
	for n := marker; n.Parent != nil; n = n.Parent {
		for s := n.NextSibling; s != nil; {
			next := s.NextSibling
			n.Parent.RemoveChild(s)
			s = next
		}
	}
	marker.Parent.RemoveChild(marker)
}

// dropped reports elements that are quoted history or a signature.
// keepGmail is set inside a Gmail quote that holds an interleaved reply.
func dropped(n *html.Node, keepGmail bool) bool {
	if !keepGmail && (htmltext.HasClass(n, "gmail_quote") || htmltext.HasClass(n, "gmail_extra")) {
		return true
	}
	id := htmltext.Attr(n, "id")
	return htmltext.HasClass(n, "gmail_signature") || htmltext.Attr(n, "data-smartmail") == "gmail_signature" ||
		htmltext.HasClass(n, "yahoo_quoted") || htmltext.HasClass(n, "moz-cite-prefix") ||
		htmltext.HasClass(n, "moz-signature") || id == "Signature" || strings.HasSuffix(id, "_Signature") ||
		// Outlook for iOS/Android ("Outlook voor iOS downloaden"), Samsung
		// Email ("Verzonden vanaf mijn Galaxy").
		strings.HasSuffix(id, "ms-outlook-mobile-signature") || strings.HasSuffix(id, "composer_signature")
}

// prune removes quoted history and signatures from the tree.
func prune(n *html.Node, keepGmail bool) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			k := keepGmail
			// Gmail splits its blockquote where one answers in between:
			// then the quote holds the answers and is kept (as `>` lines).
			// So is one answered below the quote (bottom posting).
			if !k && (htmltext.HasClass(c, "gmail_quote") || htmltext.HasClass(c, "gmail_extra")) &&
				(countBlockquotes(c, 2) >= 2 || textAfterBlockquote(c)) {
				k = true
			}
			if dropped(c, k) {
				n.RemoveChild(c)
			} else {
				prune(c, k)
			}
		}
		c = next
	}
}

// countBlockquotes counts the outermost blockquote elements in n's
// subtree, up to max.
func countBlockquotes(n *html.Node, max int) int {
	count := 0
	stack := []*html.Node{n}
	for len(stack) > 0 && count < max {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == atom.Blockquote {
				count++
				continue
			}
			stack = append(stack, c)
		}
	}
	return count
}

// textAfterBlockquote reports text in n's subtree after its first
// blockquote and outside blockquotes and signatures: an answer written
// under the quote.
func textAfterBlockquote(n *html.Node) bool {
	seen := false
	stack := []*html.Node{n}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch x.Type {
		case html.TextNode:
			if seen && htmltext.HasText(x) {
				return true
			}
			continue
		case html.ElementNode:
			if x.DataAtom == atom.Blockquote {
				seen = true
				continue
			}
			if htmltext.Skipped(x) || dropped(x, true) {
				continue
			}
		}
		for c := x.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, c)
		}
	}
	return false
}
