package htmltext

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Attr returns the value of n's attribute key, "" when absent.
func Attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// HasClass reports a class token containing part ("x_gmail_quote" is
// Exchange's rewrite of "gmail_quote", "ydp1a2yahoo_quoted" Yahoo's).
func HasClass(n *html.Node, part string) bool {
	for _, c := range strings.Fields(Attr(n, "class")) {
		if strings.Contains(c, part) {
			return true
		}
	}
	return false
}

// Skipped reports the elements whose content is no text of the mail.
func Skipped(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Head, atom.Script, atom.Style, atom.Title, atom.Noscript, atom.Template,
		atom.Object, atom.Iframe, atom.Svg, atom.Math:
		return true
	}
	return false
}

// isBlock reports the elements that start and end a line.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Center, atom.Dd,
		atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Dt, atom.Fieldset,
		atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.H1, atom.H2, atom.H3,
		atom.H4, atom.H5, atom.H6, atom.Header, atom.Hgroup, atom.Hr, atom.Li, atom.Main,
		atom.Menu, atom.Nav, atom.Ol, atom.P, atom.Pre, atom.Textarea, atom.Section, atom.Summary,
		atom.Table, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr, atom.Ul, atom.Caption,
		atom.Body, atom.Html:
		return true
	}
	return false
}

// HasText reports a text node with more than white space (&nbsp; counts as
// white space).
func HasText(n *html.Node) bool {
	return n.Type == html.TextNode && strings.TrimSpace(strings.ReplaceAll(n.Data, "\u00a0", " ")) != ""
}

// lastText returns the last text node with more than white space.
func lastText(doc *html.Node) *html.Node {
	var last *html.Node
	stack := []*html.Node{doc}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.Type == html.ElementNode && Skipped(n) {
			continue
		}
		if HasText(n) {
			last = n
		}
		for c := n.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, c)
		}
	}
	return last
}

// ancestors returns the set of n and the nodes above it.
func ancestors(n *html.Node) map[*html.Node]bool {
	set := map[*html.Node]bool{}
	for ; n != nil; n = n.Parent {
		set[n] = true
	}
	return set
}

// olStart is the number before an ordered list's first item.
func olStart(n *html.Node) int {
	if v, err := strconv.Atoi(strings.TrimSpace(Attr(n, "start"))); err == nil && v > -1000000 && v < 1000000 {
		return v
	}
	return 1
}

func itoa(i int) string { return strconv.Itoa(i) }

// noMarks replaces the private marks in input text.
func noMarks(r rune) rune {
	if r == cellSep || r == boldOn || r == boldOff || r == '\x1e' {
		return ' '
	}
	return r
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// collapseSpace turns every run of HTML white space into one space.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		if isHTMLSpace(s[i]) {
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

// collapseFields is collapseSpace for the reading modes, which also drop
// Unicode spaces between words (U+3000 and the like, as strings.Fields
// sees them) and keep a blank at either end only where HTML had one.
func collapseFields(s string) string {
	if s == "" {
		return ""
	}
	lead, trail := isHTMLSpace(s[0]), isHTMLSpace(s[len(s)-1])
	words := strings.Fields(s)
	if len(words) == 0 {
		if lead {
			return " "
		}
		return ""
	}
	out := strings.Join(words, " ")
	if lead {
		out = " " + out
	}
	if trail {
		out += " "
	}
	return out
}

// boldOnly reports whether a line's text is all inside bold marks.
func boldOnly(l string) bool {
	in, any := false, false
	for _, r := range l {
		switch r {
		case boldOn:
			in, any = true, true
		case boldOff:
			in = false
		case cellSep, ' ', '\t', ':':
		default:
			if !in {
				return false
			}
		}
	}
	return any
}

// joinCells joins the cells of one table row on one line. Empty cells
// (spacers) are dropped; two cells become "label: value" (the label cell may
// already end in a colon); more become "a | b | c".
func joinCells(cells []string) string {
	var nonEmpty []string
	for _, c := range cells {
		if c = strings.TrimSpace(c); c != "" {
			nonEmpty = append(nonEmpty, c)
		}
	}
	switch len(nonEmpty) {
	case 0:
		return ""
	case 1:
		return nonEmpty[0]
	case 2:
		l := nonEmpty[0]
		if strings.HasSuffix(l, ":") || strings.HasSuffix(l, "：") {
			return l + " " + nonEmpty[1]
		}
		return l + ": " + nonEmpty[1]
	default:
		return strings.Join(nonEmpty, " | ")
	}
}
