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
	var b strings.Builder
	b.Grow(len(s) / 2)
	skip := 0 // depth inside script/style/head/title
	pre := 0  // depth inside pre/textarea
	// Per open table: how many cells the current row has started.
	var cells []int
	// pendingSpace is a collapsed blank not yet written.
	pendingSpace := false
	// lastNL counts the newlines at the end of b (0, 1, 2+).
	lastNL := 2
	bold := 0 // depth inside b/strong
	write := func(t string) {
		if t == "" {
			return
		}
		if pendingSpace && lastNL == 0 {
			b.WriteByte(' ')
		}
		pendingSpace = false
		if bold > 0 {
			b.WriteRune(boldOn)
			b.WriteString(t)
			b.WriteRune(boldOff)
		} else {
			b.WriteString(t)
		}
		if strings.HasSuffix(t, "\n") {
			lastNL = 1
			if strings.HasSuffix(t, "\n\n") {
				lastNL = 2
			}
		} else {
			lastNL = 0
		}
	}
	newline := func(n int) {
		pendingSpace = false
		for lastNL < n {
			b.WriteByte('\n')
			lastNL++
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return finishText(b.String(), mark)
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text()) // entities decoded
			t = strings.ReplaceAll(t, "\u00a0", " ")
			if pre > 0 {
				t = strings.ReplaceAll(t, "\r\n", "\n")
				t = strings.Map(noMarks, t)
				if t != "" {
					write(t)
				}
				continue
			}
			t = strings.Map(noMarks, t)
			lead := len(t) > 0 && isHTMLSpace(t[0])
			trail := len(t) > 0 && isHTMLSpace(t[len(t)-1])
			words := strings.Fields(t)
			if len(words) == 0 {
				if lead {
					pendingSpace = true
				}
				continue
			}
			if lead {
				pendingSpace = true
			}
			write(strings.Join(words, " "))
			if trail {
				pendingSpace = true
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			end := tt == html.EndTagToken
			switch a {
			case atom.Script, atom.Style, atom.Head, atom.Title, atom.Noscript, atom.Template:
				if tt == html.SelfClosingTagToken {
					continue
				}
				if end {
					if skip > 0 {
						skip--
					}
				} else {
					skip++
				}
				continue
			}
			if skip > 0 {
				continue
			}
			switch a {
			case atom.B, atom.Strong:
				if end {
					if bold > 0 {
						bold--
					}
				} else if tt != html.SelfClosingTagToken && bold < 100 {
					bold++
				}
			case atom.Br:
				newline(lastNL + 1)
				if lastNL > 2 {
					lastNL = 2
				}
			case atom.Pre, atom.Textarea:
				newline(1)
				if end {
					if pre > 0 {
						pre--
					}
				} else if tt != html.SelfClosingTagToken {
					pre++
				}
			case atom.P:
				newline(2)
			case atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Dl, atom.Dt, atom.Dd,
				atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
				atom.Blockquote, atom.Hr, atom.Caption, atom.Section, atom.Article,
				atom.Header, atom.Footer, atom.Address, atom.Form, atom.Fieldset, atom.Center:
				newline(1)
			case atom.Table:
				newline(1)
				if end {
					if len(cells) > 0 {
						cells = cells[:len(cells)-1]
					}
				} else if tt != html.SelfClosingTagToken {
					if len(cells) < 1000 {
						cells = append(cells, 0)
					}
				}
			case atom.Tr:
				newline(1)
				if len(cells) > 0 {
					cells[len(cells)-1] = 0
				}
			case atom.Td, atom.Th:
				if end {
					continue
				}
				if len(cells) == 0 {
					pendingSpace = true // a cell outside any table
					continue
				}
				if cells[len(cells)-1] > 0 {
					pendingSpace = false
					b.WriteRune(cellSep)
					lastNL = 0
				}
				cells[len(cells)-1]++
			}
		}
	}
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
