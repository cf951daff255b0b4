package parser

import (
	"strings"

	"github.com/ingressus/klachtd/parser/internal/htmltext"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ReplyTextHTML returns the new text of an HTML reply as plain text: without
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
// ReplyText removes the rest (Outlook header blocks, "On … wrote:").
// A Gmail or Apple Mail reply written between quoted passages keeps its
// answers, as ReplyText does for plain text.
func ReplyTextHTML(s string) string {
	s = rpCap(s, rpMaxHTMLBytes)
	if strings.TrimSpace(s) == "" {
		return ""
	}
	doc := htmltext.Parse(s)
	rpCutAfterMarker(doc)
	rpPrune(doc, false)
	if out := ReplyText(htmltext.Render(doc, htmltext.Quoted)); out != "" {
		return out
	}
	// Nothing left: a mail that is only a forward (Gmail puts "----------
	// Forwarded message ---------" inside its gmail_quote) keeps the
	// forwarded text, as ReplyText does for plain text.
	text := htmltext.Render(htmltext.Parse(s), htmltext.Quoted)
	if rpSplit(text).forward {
		return ReplyText(text)
	}
	return ""
}

// rpHTMLQuoted is the whole of an HTML mail as text, nothing pruned, its
// quoting blockquotes as `>` lines.
func rpHTMLQuoted(s string) string {
	return htmltext.Render(htmltext.Parse(rpCap(s, rpMaxHTMLBytes)), htmltext.Quoted)
}

// rpMaxHTMLBytes caps the HTML ReplyTextHTML parses; HTML carries styles
// and markup, so more than the 1 MB of text.
const rpMaxHTMLBytes = 4 << 20

// rpIsCutMarker reports the elements after which everything is history:
// Outlook's reply header (divRplyFwdMsg, also as x_divRplyFwdMsg after a
// relay), new Outlook's appendonsend, Outlook for Mac's
// OLK_SRC_BODY_SECTION, Outlook 2003's OutlookMessageHeader.
func rpIsCutMarker(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	id := htmltext.Attr(n, "id")
	return strings.HasSuffix(id, "divRplyFwdMsg") || strings.HasSuffix(id, "appendonsend") ||
		strings.HasSuffix(id, "OLK_SRC_BODY_SECTION") || htmltext.HasClass(n, "OutlookMessageHeader")
}

// rpCutAfterMarker removes the first cut marker and everything after it in
// document order.
func rpCutAfterMarker(doc *html.Node) {
	var marker *html.Node
	stack := []*html.Node{doc}
	for len(stack) > 0 && marker == nil {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if rpIsCutMarker(n) {
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

// rpDropped reports elements that are quoted history or a signature.
// keepGmail is set inside a Gmail quote that holds an interleaved reply.
func rpDropped(n *html.Node, keepGmail bool) bool {
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

// rpPrune removes quoted history and signatures from the tree.
func rpPrune(n *html.Node, keepGmail bool) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			k := keepGmail
			// Gmail splits its blockquote where one answers in between:
			// then the quote holds the answers and is kept (as `>` lines).
			// So is one answered below the quote (bottom posting).
			if !k && (htmltext.HasClass(c, "gmail_quote") || htmltext.HasClass(c, "gmail_extra")) &&
				(rpCountBlockquotes(c, 2) >= 2 || rpTextAfterBlockquote(c)) {
				k = true
			}
			if rpDropped(c, k) {
				n.RemoveChild(c)
			} else {
				rpPrune(c, k)
			}
		}
		c = next
	}
}

// rpCountBlockquotes counts the outermost blockquote elements in n's
// subtree, up to max.
func rpCountBlockquotes(n *html.Node, max int) int {
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

// rpTextAfterBlockquote reports text in n's subtree after its first
// blockquote and outside blockquotes and signatures: an answer written
// under the quote.
func rpTextAfterBlockquote(n *html.Node) bool {
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
			if htmltext.Skipped(x) || rpDropped(x, true) {
				continue
			}
		}
		for c := x.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, c)
		}
	}
	return false
}
