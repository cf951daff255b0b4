package parser

import "github.com/ingressus/klachtd/parser/internal/htmltext"

// HTMLToText turns an HTML body into plain text for reading and for
// form-field parsing. Block elements (p, div, tr, li, h1–h6, br) end lines;
// script, style and head are dropped; entities are decoded; whitespace is
// collapsed except inside <pre>. A table row of a label cell and a value
// cell becomes "Label: value" (Ninja Forms, Formspree, WPForms tables);
// an empty spacer cell is dropped (Gravity Forms). It is the Plain mode of
// the parser's one HTML converter (internal/htmltext), which the reply
// stripper uses in its Quoted mode.
func HTMLToText(s string) string {
	return htmltext.Text(s, htmltext.Plain)
}

// formText is the text the form reader reads of an HTML body: bold-only
// lines (a label or section heading) start with htmltext.HeadingMark.
func formText(s string) string {
	return htmltext.Text(s, htmltext.Headings)
}
