package htmltext

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Parse reads s into a tree for Render. HTML's tree construction refuses
// nesting deeper than 512 elements (x/net/html); such a document is read
// again with its deepest markup dropped, so that no nesting costs the
// words inside it.
func Parse(s string) *html.Node {
	s = strayRows(s)
	for _, depth := range []int{-1, 128, 0} {
		in := s
		if depth >= 0 {
			in = flatten(s, depth)
		}
		if doc, err := html.Parse(strings.NewReader(in)); err == nil {
			return doc
		}
	}
	return &html.Node{Type: html.DocumentNode} // not reached: flat markup always parses
}

// flatten drops the tags of elements opened deeper than depth (a block's
// tags become line breaks, a cell's a blank) and keeps all text.
func flatten(s string, depth int) string {
	type open struct {
		a    atom.Atom
		name string
		kept bool
	}
	var (
		out   strings.Builder
		stack []open
	)
	out.Grow(len(s))
	z := html.NewTokenizer(strings.NewReader(s))
	stand := func(a atom.Atom) string {
		switch {
		case a == atom.Td || a == atom.Th:
			return " "
		case isBlock(a):
			return "<br>"
		}
		return ""
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out.String()
		}
		raw := z.Raw()
		switch tt {
		case html.StartTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if voidElement(a) {
				break
			}
			kept := len(stack) < depth
			stack = append(stack, open{a, string(name), kept})
			if !kept {
				out.WriteString(stand(a))
				continue
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			i := len(stack) - 1
			for i >= 0 && stack[i].name != string(name) {
				i--
			}
			if i < 0 {
				break
			}
			e := stack[i]
			stack = stack[:i]
			if !e.kept {
				out.WriteString(stand(e.a))
				continue
			}
		}
		out.Write(raw)
	}
}

// voidElement reports the elements that have no end tag and hold nothing.
func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}

// strayRows keeps the table markup that HTML's tree construction drops:
// outside any table, a td or th start tag and a tr tag are ignored (HTML
// §13.2.6.4.7, "in body"), and the words on either side would run
// together. Seen in practice: a form's rows cut from their table. A cell
// becomes a blank, a row a line break. s is returned as it is when it has
// none.
func strayRows(s string) string {
	if !strings.Contains(s, "<t") && !strings.Contains(s, "<T") {
		return s
	}
	var out strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	pos, done, tables := 0, 0, 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		n := len(z.Raw())
		if tt == html.StartTagToken || tt == html.EndTagToken || tt == html.SelfClosingTagToken {
			name, _ := z.TagName()
			a := atom.Lookup(name)
			end := tt == html.EndTagToken
			var repl string
			switch {
			case a == atom.Table && end:
				tables = max(tables-1, 0)
			case a == atom.Table && tt == html.StartTagToken:
				tables++
			case tables > 0:
			case (a == atom.Td || a == atom.Th) && !end:
				repl = " "
			case a == atom.Tr:
				repl = "<div></div>"
			}
			if repl != "" {
				out.WriteString(s[done:pos])
				out.WriteString(repl)
				done = pos + n
			}
		}
		pos += n
	}
	if done == 0 {
		return s
	}
	out.WriteString(s[done:])
	return out.String()
}
