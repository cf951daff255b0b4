// Package htmltext is the parser's one HTML→text converter. Every reader
// of a message turns HTML into text here, in the mode it needs: the text
// of a message and its form fields (Plain, Headings), the machine-mail
// classifier (Plain), and the reply stripper, which prunes the quoting
// its clients mark from the tree first and then renders what is left with
// its quotes as `>` lines (Quoted).
package htmltext

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Mode says what a reader needs of the text besides the words.
type Mode uint8

const (
	// Plain is text for reading and for form-field parsing: a table row of
	// a label cell and a value cell becomes "Label: value" (Ninja Forms,
	// Formspree, WPForms tables); an empty spacer cell is dropped (Gravity
	// Forms); more cells become "a | b | c".
	Plain Mode = iota
	// Headings is Plain, and a line that is bold only (a form's label or
	// section heading: Gravity Forms, WPForms, Drupal) starts with
	// HeadingMark.
	Headings
	// Quoted is text for the reply stripper: quoting blockquotes (type=cite,
	// a quote class, one after a line ending in ':' or holding the end of
	// the mail) become `>` lines, list items are numbered or dashed, Word's
	// paragraphs (MsoNormal) are single lines and a paragraph of &nbsp; is
	// a deliberate blank line. The text ends in a newline.
	Quoted
)

// HeadingMark starts a bold-only line in Headings mode.
const HeadingMark = "\x1e"

// Private marks while the text is built in Plain and Headings mode:
// cellSep starts a table cell that is not the first of its row; boldOn and
// boldOff wrap bold text. finish resolves them; input text has them
// replaced by blanks (noMarks).
const (
	cellSep = '\x1f'
	boldOn  = '\x02'
	boldOff = '\x03'
)

// MaxQuoteMarks bounds the `>` written for nested quoting in Quoted mode;
// deeper nesting reads the same and would only make the text longer.
const MaxQuoteMarks = 4

// Text turns an HTML document or fragment into text in the given mode.
func Text(s string, mode Mode) string {
	if s == "" {
		return ""
	}
	return Render(Parse(s), mode)
}

// Render turns a parsed tree into text in the given mode. The reply
// stripper renders a tree it has pruned.
func Render(doc *html.Node, mode Mode) string {
	r := &renderer{mode: mode, marks: mode != Quoted}
	if mode == Quoted {
		r.endsIn = ancestors(lastText(doc))
	}
	r.walk(doc)
	return r.finish()
}

// line is one rendered line and how deep in quoting it is.
type line struct {
	depth int
	text  string
}

// renderer builds the text of one tree, line by line.
type renderer struct {
	mode  Mode
	marks bool // Plain, Headings: cells and bold are marked while building
	lines []line
	cur   strings.Builder
	depth int // quoting depth now
	curD  int // quoting depth of cur
	pre   int // inside <pre> or <textarea>
	bold  int // inside <b> or <strong> (Headings)
	// space is set when a line so far holds only white space that came
	// from &nbsp;: Outlook's empty paragraph, a deliberate blank line
	// (Quoted).
	space bool
	// lastLine is the last non-empty line ended so far.
	lastLine string
	// ol holds the last item number of each open <ol> (Quoted).
	ol []int
	// lists is how many <ul>/<ol> are open.
	lists int
	// endsIn holds the elements the last text of the mail is inside
	// (Quoted: a blockquote holding the end of the mail is quoted history).
	endsIn map[*html.Node]bool
}

// walk renders n and its subtree. It keeps its own stack rather than
// recursing, so that no nesting depth costs the text below it.
func (r *renderer) walk(n *html.Node) {
	type frame struct {
		n     *html.Node
		leave func()
	}
	stack := []frame{{n: n}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if f.leave != nil {
			f.leave()
			continue
		}
		leave, children := r.enter(f.n)
		if !children {
			continue
		}
		stack = append(stack, frame{leave: leave})
		for c := f.n.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, frame{n: c})
		}
	}
}

// enter starts a node: it writes what comes before the node's children and
// returns what comes after them, and whether the children are read.
func (r *renderer) enter(n *html.Node) (leave func(), children bool) {
	switch n.Type {
	case html.TextNode:
		r.textNode(n.Data)
		return nil, false
	case html.DocumentNode:
		return func() {}, true
	case html.ElementNode:
	default:
		return nil, false
	}
	if Skipped(n) {
		return nil, false
	}
	a := n.DataAtom
	switch a {
	case atom.Br:
		r.endLine(true)
		return nil, false
	case atom.Img:
		return nil, false
	case atom.Td, atom.Th:
		r.cell(n)
	}
	before, after := r.blockEnds(n)
	before()
	quote := r.mode == Quoted && a == atom.Blockquote && r.quoting(n)
	if quote {
		r.depth++
	}
	bold := r.mode == Headings && (a == atom.B || a == atom.Strong)
	if bold {
		r.bold++
	}
	pre := a == atom.Pre || a == atom.Textarea
	if pre {
		r.pre++
	}
	r.listItem(n)
	return func() {
		if pre {
			r.pre--
		}
		if bold {
			r.bold--
		}
		if a == atom.Ol && r.mode == Quoted {
			r.ol = r.ol[:len(r.ol)-1]
		}
		if a == atom.Ul || a == atom.Ol {
			r.lists--
		}
		after()
		if quote {
			r.depth--
		}
	}, true
}

// blockEnds returns what an element writes before and after its content:
// a paragraph stands apart by a blank line, a block starts and ends a
// line, an inline element writes nothing.
func (r *renderer) blockEnds(n *html.Node) (before, after func()) {
	a := n.DataAtom
	para := a == atom.P
	if r.mode == Quoted {
		// Word's paragraphs (MsoNormal, MsoListParagraph…) are lines:
		// Outlook writes an empty one where the writer left a blank line.
		para = para && !HasClass(n, "MsoNormal") && !HasClass(n, "MsoList")
	}
	if a == atom.Ul || a == atom.Ol {
		// A list stands apart like a paragraph (browsers give it
		// margins); a list inside a list does not.
		para = r.mode == Quoted && r.lists == 0
		r.lists++
	}
	switch {
	case para:
		return r.blankLine, r.blankLine
	case isBlock(a):
		end := func() { r.endLine(false) }
		return end, end
	}
	return func() {}, func() {}
}

// listItem numbers an item of an ordered list and dashes one of any other
// list (Quoted).
func (r *renderer) listItem(n *html.Node) {
	if r.mode != Quoted {
		return
	}
	switch n.DataAtom {
	case atom.Ol:
		r.ol = append(r.ol, olStart(n)-1)
	case atom.Li:
		if len(r.ol) > 0 && n.Parent != nil && n.Parent.DataAtom == atom.Ol {
			r.ol[len(r.ol)-1]++
			r.write(itoa(r.ol[len(r.ol)-1]) + ". ")
		} else {
			r.write("- ")
		}
	}
}

// cell starts a table cell. In Quoted mode cells are apart by a blank; in
// the other modes a cell after the first of its row is marked, for finish
// to join as "Label: value".
func (r *renderer) cell(n *html.Node) {
	if !r.marks {
		if r.cur.Len() > 0 {
			r.write(" ")
		}
		return
	}
	for s := n.PrevSibling; s != nil; s = s.PrevSibling {
		if s.Type == html.ElementNode && (s.DataAtom == atom.Td || s.DataAtom == atom.Th) {
			r.cur.WriteRune(cellSep)
			return
		}
	}
}

// quoting reports whether a blockquote is quoted history (rendered as `>`
// lines) rather than indentation.
func (r *renderer) quoting(n *html.Node) bool {
	if strings.EqualFold(Attr(n, "type"), "cite") || HasClass(n, "quote") || Attr(n, "cite") != "" {
		return true
	}
	// Gmail's and Outlook's indent button: a blockquote without a border.
	style := strings.ToLower(strings.ReplaceAll(Attr(n, "style"), " ", ""))
	if strings.Contains(style, "border:none") {
		return false
	}
	// mail.ru, Yandex: "26.06.2014, 14:41, "Name" <addr>:" then a plain
	// blockquote.
	if strings.HasSuffix(r.lastText(), ":") {
		return true
	}
	return r.endsIn[n] // the mail ends in it: quoted history at the bottom
}

// write adds text to the current line, bold-marked in Headings mode.
func (r *renderer) write(s string) {
	if s == "" {
		return
	}
	if r.cur.Len() == 0 {
		r.curD = r.depth
	}
	r.space = false
	if r.bold > 0 && strings.TrimSpace(s) != "" {
		// The blanks stay outside the marks: a line is bold-only when all
		// its words are.
		lead := len(s) - len(strings.TrimLeft(s, " "))
		trail := len(s) - len(strings.TrimRight(s, " "))
		r.cur.WriteString(s[:lead])
		r.cur.WriteRune(boldOn)
		r.cur.WriteString(s[lead : len(s)-trail])
		r.cur.WriteRune(boldOff)
		r.cur.WriteString(s[len(s)-trail:])
		return
	}
	r.cur.WriteString(s)
}

// endLine ends the current line; with force an empty line is written too
// (<br>).
func (r *renderer) endLine(force bool) {
	if r.cur.Len() == 0 && !force && !r.space {
		return
	}
	r.space = false
	d := r.curD
	if r.cur.Len() == 0 {
		d = r.depth
	}
	t := r.cur.String()
	if r.mode == Quoted {
		t = strings.TrimSpace(t)
	} else {
		// <pre> keeps its indentation; no other line starts with a blank.
		t = strings.TrimRight(t, " \t")
	}
	r.lines = append(r.lines, line{d, t})
	if t != "" {
		r.lastLine = t
	}
	r.cur.Reset()
}

// blankLine makes sure the text so far ends in an empty line (paragraphs).
func (r *renderer) blankLine() {
	r.endLine(false)
	if n := len(r.lines); n > 0 && r.lines[n-1].text != "" {
		r.lines = append(r.lines, line{r.depth, ""})
	}
}

// lastText is the text of the current or the last non-empty line.
func (r *renderer) lastText() string {
	if t := strings.TrimSpace(r.cur.String()); t != "" {
		return t
	}
	return r.lastLine
}

// textNode adds a text node: white space collapsed, except inside <pre>.
func (r *renderer) textNode(s string) {
	if r.mode == Quoted && r.cur.Len() == 0 && strings.Contains(s, "\u00a0") && strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " ")) == "" {
		r.space = true
		return
	}
	s = strings.ReplaceAll(s, "\u00a0", " ")
	if r.marks {
		s = strings.Map(noMarks, s)
	}
	if r.pre > 0 {
		for i, part := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
			if i > 0 {
				r.endLine(true)
			}
			r.write(part)
		}
		return
	}
	if r.marks {
		s = collapseFields(s)
	} else {
		s = collapseSpace(s)
	}
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

// finish joins the lines: in Quoted mode with their `>` marks, in the
// other modes with cells joined and headings marked.
func (r *renderer) finish() string {
	r.endLine(false)
	if r.mode == Quoted {
		return r.quotedText()
	}
	var b strings.Builder
	blank := 0
	for _, l := range r.lines {
		t := r.finishLine(l.text)
		if t == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		b.WriteString(t)
		b.WriteByte('\n')
	}
	return strings.TrimSpace(b.String())
}

// finishLine resolves a line's cell and bold marks.
func (r *renderer) finishLine(l string) string {
	heading := false
	if strings.ContainsRune(l, boldOn) {
		heading = r.mode == Headings && boldOnly(l)
		l = strings.Map(func(c rune) rune {
			if c == boldOn || c == boldOff {
				return -1
			}
			return c
		}, l)
	}
	if strings.ContainsRune(l, cellSep) {
		l = joinCells(strings.Split(l, string(rune(cellSep))))
	}
	if heading && strings.TrimSpace(l) != "" {
		l = HeadingMark + strings.TrimSpace(l)
	}
	return strings.TrimRight(l, " \t")
}

// quotedText is the Quoted mode's text: one blank line at most in a row,
// none first, quoted lines marked.
func (r *renderer) quotedText() string {
	var b strings.Builder
	prevBlank := true
	for _, l := range r.lines {
		if l.text == "" && prevBlank {
			continue
		}
		prevBlank = l.text == ""
		if l.depth > 0 {
			b.WriteString(strings.Repeat(">", min(l.depth, MaxQuoteMarks)))
			if l.text != "" {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return b.String()
}
