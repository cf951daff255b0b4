package parser

import (
	"strconv"
	"strings"

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
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil { // only a failing reader; a string reader does not fail
		return ""
	}
	rpCutAfterMarker(doc)
	rpPrune(doc, false)
	if out := ReplyText(rpRender(doc)); out != "" {
		return out
	}
	// Nothing left: a mail that is only a forward (Gmail puts "----------
	// Forwarded message ---------" inside its gmail_quote) keeps the
	// forwarded text, as ReplyText does for plain text.
	doc, _ = html.Parse(strings.NewReader(s))
	text := rpRender(doc)
	if rpSplit(text).forward {
		return ReplyText(text)
	}
	return ""
}

// rpHTMLQuoted is the whole of an HTML mail as text, nothing pruned, its
// quoting blockquotes as `>` lines.
func rpHTMLQuoted(s string) string {
	doc, err := html.Parse(strings.NewReader(rpCap(s, rpMaxHTMLBytes)))
	if err != nil {
		return ""
	}
	return rpRender(doc)
}

// rpRender turns a tree into text with `>` lines for quoting blockquotes.
func rpRender(doc *html.Node) string {
	r := &rpRenderer{last: rpLastText(doc)}
	r.node(doc, 0)
	return r.text()
}

// rpMaxHTMLBytes caps the HTML ReplyTextHTML parses; HTML carries styles
// and markup, so more than the 1 MB of text.
const rpMaxHTMLBytes = 4 << 20

// rpMaxQuoteMarks bounds the `>` written for nested quoting; deeper
// nesting reads the same and would only make the text longer.
const rpMaxQuoteMarks = 4

// rpMaxDepth bounds how deep the tree walk goes; deeper content is dropped.
const rpMaxDepth = 512

func rpHTMLAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// rpHasClass reports a class token containing part ("x_gmail_quote" is
// Exchange's rewrite of "gmail_quote", "ydp1a2yahoo_quoted" Yahoo's).
func rpHasClass(n *html.Node, part string) bool {
	for _, c := range strings.Fields(rpHTMLAttr(n, "class")) {
		if strings.Contains(c, part) {
			return true
		}
	}
	return false
}

// rpIsCutMarker reports the elements after which everything is history:
// Outlook's reply header (divRplyFwdMsg, also as x_divRplyFwdMsg after a
// relay), new Outlook's appendonsend, Outlook for Mac's
// OLK_SRC_BODY_SECTION, Outlook 2003's OutlookMessageHeader.
func rpIsCutMarker(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	id := rpHTMLAttr(n, "id")
	return strings.HasSuffix(id, "divRplyFwdMsg") || strings.HasSuffix(id, "appendonsend") ||
		strings.HasSuffix(id, "OLK_SRC_BODY_SECTION") || rpHasClass(n, "OutlookMessageHeader")
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
	if !keepGmail && (rpHasClass(n, "gmail_quote") || rpHasClass(n, "gmail_extra")) {
		return true
	}
	id := rpHTMLAttr(n, "id")
	return rpHasClass(n, "gmail_signature") || rpHTMLAttr(n, "data-smartmail") == "gmail_signature" ||
		rpHasClass(n, "yahoo_quoted") || rpHasClass(n, "moz-cite-prefix") ||
		rpHasClass(n, "moz-signature") || id == "Signature" || strings.HasSuffix(id, "_Signature") ||
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
			if !k && (rpHasClass(c, "gmail_quote") || rpHasClass(c, "gmail_extra")) &&
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
			if seen && strings.TrimSpace(strings.ReplaceAll(x.Data, "\u00a0", " ")) != "" {
				return true
			}
			continue
		case html.ElementNode:
			if x.DataAtom == atom.Blockquote {
				seen = true
				continue
			}
			if rpSkipped(x) || rpDropped(x, true) {
				continue
			}
		}
		for c := x.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, c)
		}
	}
	return false
}

// rpLastText returns the last text node with more than white space.
func rpLastText(doc *html.Node) *html.Node {
	var last *html.Node
	stack := []*html.Node{doc}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.Type == html.ElementNode && rpSkipped(n) {
			continue
		}
		if n.Type == html.TextNode && strings.TrimSpace(strings.ReplaceAll(n.Data, "\u00a0", " ")) != "" {
			last = n
		}
		for c := n.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, c)
		}
	}
	return last
}

func rpSkipped(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Head, atom.Script, atom.Style, atom.Title, atom.Noscript, atom.Template,
		atom.Object, atom.Iframe, atom.Svg, atom.Math:
		return true
	}
	return false
}

func rpIsBlock(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Center, atom.Dd,
		atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Dt, atom.Fieldset,
		atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.H1, atom.H2, atom.H3,
		atom.H4, atom.H5, atom.H6, atom.Header, atom.Hgroup, atom.Hr, atom.Li, atom.Main,
		atom.Menu, atom.Nav, atom.Ol, atom.P, atom.Pre, atom.Section, atom.Summary,
		atom.Table, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr, atom.Ul, atom.Caption,
		atom.Body, atom.Html:
		return true
	}
	return false
}

// rpLine is one rendered line and how deep in quoting it is.
type rpLine struct {
	depth int
	text  string
}

// rpRenderer turns a pruned tree into text with `>` for quoting
// blockquotes.
type rpRenderer struct {
	lines []rpLine
	cur   strings.Builder
	depth int // quoting depth now
	curD  int // quoting depth of cur
	pre   int // inside <pre>
	last  *html.Node
	// space is set when a line so far holds only white space that came
	// from &nbsp;: Outlook's empty paragraph, a deliberate blank line.
	space bool
	// lastLine is the last non-empty line ended so far.
	lastLine string
	// ol holds the last item number of each open <ol>.
	ol []int
	// lists is how many <ul>/<ol> are open.
	lists int
}

func (r *rpRenderer) write(s string) {
	if s == "" {
		return
	}
	if r.cur.Len() == 0 {
		r.curD = r.depth
	}
	r.space = false
	r.cur.WriteString(s)
}

// endLine ends the current line; with force an empty line is written too
// (<br>).
func (r *rpRenderer) endLine(force bool) {
	if r.cur.Len() == 0 && !force && !r.space {
		return
	}
	r.space = false
	d := r.curD
	if r.cur.Len() == 0 {
		d = r.depth
	}
	l := rpLine{d, strings.TrimSpace(r.cur.String())}
	r.lines = append(r.lines, l)
	if l.text != "" {
		r.lastLine = l.text
	}
	r.cur.Reset()
}

// blankLine makes sure the text so far ends in an empty line (paragraphs).
func (r *rpRenderer) blankLine() {
	r.endLine(false)
	if n := len(r.lines); n > 0 && r.lines[n-1].text != "" {
		r.lines = append(r.lines, rpLine{r.depth, ""})
	}
}

// lastText is the text of the current or the last non-empty line.
func (r *rpRenderer) lastText() string {
	if t := strings.TrimSpace(r.cur.String()); t != "" {
		return t
	}
	return r.lastLine
}

func (r *rpRenderer) text() string {
	var b strings.Builder
	prevBlank := true
	for _, l := range r.lines {
		if l.text == "" && prevBlank {
			continue
		}
		prevBlank = l.text == ""
		if l.depth > 0 {
			b.WriteString(strings.Repeat(">", min(l.depth, rpMaxQuoteMarks)))
			if l.text != "" {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return b.String()
}

// quoting reports whether a blockquote is quoted history (rendered as `>`
// lines) rather than indentation.
func (r *rpRenderer) quoting(n *html.Node) bool {
	if strings.EqualFold(rpHTMLAttr(n, "type"), "cite") || rpHasClass(n, "quote") || rpHTMLAttr(n, "cite") != "" {
		return true
	}
	// Gmail's and Outlook's indent button: a blockquote without a border.
	style := strings.ToLower(strings.ReplaceAll(rpHTMLAttr(n, "style"), " ", ""))
	if strings.Contains(style, "border:none") {
		return false
	}
	// mail.ru, Yandex: "26.06.2014, 14:41, "Name" <addr>:" then a plain
	// blockquote.
	if strings.HasSuffix(r.lastText(), ":") {
		return true
	}
	for p := r.last; p != nil; p = p.Parent {
		if p == n {
			return true // the mail ends in it: quoted history at the bottom
		}
	}
	return false
}

func (r *rpRenderer) node(n *html.Node, depth int) {
	if depth > rpMaxDepth {
		return
	}
	switch n.Type {
	case html.TextNode:
		r.textNode(n.Data)
		return
	case html.ElementNode, html.DocumentNode:
	default:
		return
	}
	if n.Type == html.ElementNode && rpSkipped(n) {
		return
	}
	a := n.DataAtom
	switch a {
	case atom.Br:
		r.endLine(true)
		return
	case atom.Img:
		return
	case atom.Td, atom.Th:
		if r.cur.Len() > 0 {
			r.write(" ")
		}
	}
	quote := a == atom.Blockquote && r.quoting(n)
	// Word's paragraphs (MsoNormal, MsoListParagraph…) are lines: Outlook
	// writes an empty one where the writer left a blank line.
	para := a == atom.P && !rpHasClass(n, "MsoNormal") && !rpHasClass(n, "MsoList")
	// A list stands apart like a paragraph (browsers give it margins); a
	// list inside a list does not.
	list := a == atom.Ul || a == atom.Ol
	if list {
		para = r.lists == 0
		r.lists++
	}
	if para {
		r.blankLine()
	} else if rpIsBlock(a) {
		r.endLine(false)
	}
	if quote {
		r.depth++
	}
	if a == atom.Pre {
		r.pre++
	}
	if a == atom.Ol {
		start := 1
		if v, err := strconv.Atoi(strings.TrimSpace(rpHTMLAttr(n, "start"))); err == nil && v > -1000000 && v < 1000000 {
			start = v
		}
		r.ol = append(r.ol, start-1)
	}
	if a == atom.Li {
		if len(r.ol) > 0 && n.Parent != nil && n.Parent.DataAtom == atom.Ol {
			r.ol[len(r.ol)-1]++
			r.write(strconv.Itoa(r.ol[len(r.ol)-1]) + ". ")
		} else {
			r.write("- ")
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.node(c, depth+1)
	}
	if a == atom.Pre {
		r.pre--
	}
	if a == atom.Ol {
		r.ol = r.ol[:len(r.ol)-1]
	}
	if list {
		r.lists--
	}
	if para {
		r.blankLine()
	} else if rpIsBlock(a) {
		r.endLine(false)
	}
	if quote {
		r.depth--
	}
}

func (r *rpRenderer) textNode(s string) {
	if r.cur.Len() == 0 && strings.Contains(s, "\u00a0") && strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " ")) == "" {
		r.space = true
		return
	}
	s = strings.ReplaceAll(s, "\u00a0", " ")
	if r.pre > 0 {
		for i, part := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
			if i > 0 {
				r.endLine(true)
			}
			r.write(part)
		}
		return
	}
	s = rpCollapseSpace(s)
	if s == "" {
		return
	}
	if s[0] == ' ' {
		cur := r.cur.String()
		if cur == "" || strings.HasSuffix(cur, " ") {
			s = s[1:]
		}
	}
	r.write(s)
}

// rpCollapseSpace turns every run of HTML white space into one space.
func rpCollapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\f':
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(s[i])
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}
