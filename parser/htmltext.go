package parser

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// cellSep marks the start of a table cell that is not the first of its row,
// while the text is being built; finishText turns it into ": " or " | ".
const cellSep = '\x1f'

// HTMLToText turns an HTML body into plain text for reading and for
// form-field parsing. Block elements (p, div, tr, li, h1–h6, br) end lines;
// script, style and head are dropped; entities are decoded; whitespace is
// collapsed except inside <pre>. A table row of a label cell and a value
// cell becomes "Label: value" (Ninja Forms, Formspree, WPForms tables);
// an empty spacer cell is dropped (Gravity Forms). Bounded: one pass over
// the tokens.
func HTMLToText(s string) string {
	return htmlToText(s, false)
}

// Bold text is wrapped in boldOn/boldOff while the text is built, so that a
// line that is bold only (a form's label or section heading: Gravity Forms,
// WPForms, Drupal) can be marked with headingMark for field parsing.
const (
	boldOn      = '\x02'
	boldOff     = '\x03'
	headingMark = "\x1e"
)

// htmlToText is HTMLToText; with mark, bold-only lines start with
// headingMark.
func htmlToText(s string, mark bool) string {
	if s == "" {
		return ""
	}
	z := html.NewTokenizer(strings.NewReader(s))
	w := &htmlWriter{lastNL: 2}
	w.b.Grow(len(s) / 2)
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return finishText(w.b.String(), mark)
		case html.TextToken:
			if w.skip == 0 {
				w.text(string(z.Text())) // entities decoded
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			w.tag(tt, atom.Lookup(name))
		}
	}
}

// htmlWriter builds the text of htmlToText, one token at a time.
type htmlWriter struct {
	b    strings.Builder
	skip int // depth inside script/style/head/title
	pre  int // depth inside pre/textarea
	// cells holds, per open table, how many cells the current row has
	// started.
	cells []int
	// pendingSpace is a collapsed blank not yet written.
	pendingSpace bool
	// lastNL counts the newlines at the end of b (0, 1, 2+).
	lastNL int
	bold   int // depth inside b/strong
}

// write adds text, with a pending blank before it and bold marks around it.
func (w *htmlWriter) write(t string) {
	if t == "" {
		return
	}
	if w.pendingSpace && w.lastNL == 0 {
		w.b.WriteByte(' ')
	}
	w.pendingSpace = false
	if w.bold > 0 {
		w.b.WriteRune(boldOn)
		w.b.WriteString(t)
		w.b.WriteRune(boldOff)
	} else {
		w.b.WriteString(t)
	}
	if strings.HasSuffix(t, "\n") {
		w.lastNL = 1
		if strings.HasSuffix(t, "\n\n") {
			w.lastNL = 2
		}
	} else {
		w.lastNL = 0
	}
}

// newline ends lines until n newlines end the text.
func (w *htmlWriter) newline(n int) {
	w.pendingSpace = false
	for w.lastNL < n {
		w.b.WriteByte('\n')
		w.lastNL++
	}
}

// text adds a text token: white space collapsed, except inside <pre>.
func (w *htmlWriter) text(t string) {
	t = strings.ReplaceAll(t, "\u00a0", " ")
	if w.pre > 0 {
		t = strings.ReplaceAll(t, "\r\n", "\n")
		w.write(strings.Map(noMarks, t))
		return
	}
	t = strings.Map(noMarks, t)
	lead := len(t) > 0 && isHTMLSpace(t[0])
	trail := len(t) > 0 && isHTMLSpace(t[len(t)-1])
	words := strings.Fields(t)
	if lead {
		w.pendingSpace = true
	}
	if len(words) == 0 {
		return
	}
	w.write(strings.Join(words, " "))
	if trail {
		w.pendingSpace = true
	}
}

// tag handles a start, end or self-closing tag.
func (w *htmlWriter) tag(tt html.TokenType, a atom.Atom) {
	end := tt == html.EndTagToken
	switch a {
	case atom.Script, atom.Style, atom.Head, atom.Title, atom.Noscript, atom.Template:
		if tt == html.SelfClosingTagToken {
			return
		}
		if end {
			if w.skip > 0 {
				w.skip--
			}
		} else {
			w.skip++
		}
		return
	}
	if w.skip > 0 {
		return
	}
	switch a {
	case atom.B, atom.Strong:
		if end {
			if w.bold > 0 {
				w.bold--
			}
		} else if tt != html.SelfClosingTagToken && w.bold < 100 {
			w.bold++
		}
	case atom.Br:
		w.newline(w.lastNL + 1)
		if w.lastNL > 2 {
			w.lastNL = 2
		}
	case atom.Pre, atom.Textarea:
		w.newline(1)
		if end {
			if w.pre > 0 {
				w.pre--
			}
		} else if tt != html.SelfClosingTagToken {
			w.pre++
		}
	case atom.P:
		w.newline(2)
	case atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Dl, atom.Dt, atom.Dd,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Blockquote, atom.Hr, atom.Caption, atom.Section, atom.Article,
		atom.Header, atom.Footer, atom.Address, atom.Form, atom.Fieldset, atom.Center:
		w.newline(1)
	case atom.Table:
		w.newline(1)
		if end {
			if len(w.cells) > 0 {
				w.cells = w.cells[:len(w.cells)-1]
			}
		} else if tt != html.SelfClosingTagToken && len(w.cells) < 1000 {
			w.cells = append(w.cells, 0)
		}
	case atom.Tr:
		w.newline(1)
		if len(w.cells) > 0 {
			w.cells[len(w.cells)-1] = 0
		}
	case atom.Td, atom.Th:
		w.cell(end)
	}
}

// cell starts a table cell: a cell after the first of its row is marked
// with cellSep, for finishText to join as "Label: value".
func (w *htmlWriter) cell(end bool) {
	if end {
		return
	}
	if len(w.cells) == 0 {
		w.pendingSpace = true // a cell outside any table
		return
	}
	if w.cells[len(w.cells)-1] > 0 {
		w.pendingSpace = false
		w.b.WriteRune(cellSep)
		w.lastNL = 0
	}
	w.cells[len(w.cells)-1]++
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// noMarks replaces our private marker characters in input text.
func noMarks(r rune) rune {
	if r == cellSep || r == boldOn || r == boldOff || r == '\x1e' {
		return ' '
	}
	return r
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

// finishText resolves cell separators and bold marks line by line, trims
// the lines and collapses runs of blank lines to one.
func finishText(s string, mark bool) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		heading := false
		if strings.ContainsRune(l, boldOn) {
			heading = mark && boldOnly(l)
			l = strings.Map(func(r rune) rune {
				if r == boldOn || r == boldOff {
					return -1
				}
				return r
			}, l)
		}
		if strings.ContainsRune(l, cellSep) {
			l = joinCells(strings.Split(l, string(rune(cellSep))))
		}
		if heading && strings.TrimSpace(l) != "" {
			l = headingMark + strings.TrimSpace(l)
		}
		l = strings.TrimRight(l, " \t")
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
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
