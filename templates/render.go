package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	texttemplate "text/template"
)

//go:embed letters
var embedded embed.FS

// Languages are the languages every letter exists in; the first is the
// default for an unknown language.
var Languages = []string{"nl", "en"}

// ErrUnknownLetter is returned by Render for a name not in Names.
var ErrUnknownLetter = errors.New("unknown letter")

// Letter is one rendered letter.
type Letter struct {
	Subject string // one line, without CR/LF; carries "[Ref]" when Data.Ref is set
	Text    string // text/plain body, "\n" line endings
	HTML    string // text/html body, a complete document
	// CalendarSummary and CalendarDescription are the SUMMARY and
	// DESCRIPTION of the letter's calendar event, from the optional blocks
	// "ics_summary" and "ics_description" of its text template (the
	// invitation); one line and plain text respectively.
	CalendarSummary, CalendarDescription string
	// Inline are the images the HTML shows as cid: (the report's and the
	// digest's charts); Compose adds them as related parts.
	Inline []Image
}

// Files of the template tree, relative to letters/ (or the override folder):
//
//	layout.html.tmpl            the HTML layout, defines "html" (calls "body")
//	<lang>/partials.txt.tmpl    text partials: fields, howto, signature, …
//	<lang>/partials.html.tmpl   HTML partials, same names
//	<lang>/notices.tmpl         wording of notices and alerts, in both sets
//	<lang>/<name>.txt.tmpl      defines "subject" and "text" (text/template);
//	                            the invitation also "ics_summary", "ics_description"
//	<lang>/<name>.html.tmpl     defines "body" (html/template), or "html" to
//	                            replace the layout
const (
	layoutFile = "layout.html.tmpl"
	txtExt     = ".txt.tmpl"
	htmlExt    = ".html.tmpl"
	partials   = "partials"
	// wordsFile holds the wording shared by the text and the HTML letters
	// (notices, alerts): parsed into both.
	wordsFile = "notices.tmpl"
)

type set struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// Renderer renders letters. It is safe for concurrent use.
type Renderer struct {
	sets map[string]map[string]*set // lang → name → templates
}

// New parses every letter in every language once, so a broken or missing
// template fails here rather than at the first letter: each is also executed
// once with an empty Data, which every letter must survive. When overrideDir
// is not empty, a file overrideDir/<lang>/<file> (or overrideDir/layout.html.tmpl)
// replaces the embedded file of the same name.
func New(overrideDir string) (*Renderer, error) {
	sub, err := fs.Sub(embedded, "letters")
	if err != nil {
		return nil, err
	}
	src := fs.FS(sub)
	if overrideDir != "" {
		st, err := os.Stat(overrideDir)
		if err != nil {
			return nil, fmt.Errorf("template override folder: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("template override folder %s: not a folder", overrideDir)
		}
		src = layered{top: os.DirFS(overrideDir), bottom: sub}
	}
	r := &Renderer{sets: map[string]map[string]*set{}}
	for _, lang := range Languages {
		r.sets[lang] = map[string]*set{}
		for _, name := range Names {
			s, err := parseSet(src, lang, name)
			if err != nil {
				return nil, err
			}
			r.sets[lang][name] = s
		}
	}
	// Dry run: html/template escapes on first execution; do that now, and
	// prove every letter copes with a Data that holds nothing.
	for _, lang := range Languages {
		for _, name := range Names {
			if _, err := r.Render(name, lang, Data{}); err != nil {
				return nil, fmt.Errorf("dry run: %w", err)
			}
		}
	}
	return r, nil
}

func parseSet(src fs.FS, lang, name string) (*set, error) {
	funcs := funcMap(lang)
	read := func(file string) (string, error) {
		b, err := fs.ReadFile(src, file)
		if err != nil {
			return "", fmt.Errorf("letter %s/%s: %w", lang, name, err)
		}
		return string(b), nil
	}
	text := texttemplate.New(name).Option("missingkey=error").Funcs(funcs)
	for _, file := range []string{path.Join(lang, wordsFile), path.Join(lang, partials+txtExt), path.Join(lang, name+txtExt)} {
		body, err := read(file)
		if err != nil {
			return nil, err
		}
		if _, err := text.New(file).Parse(body); err != nil {
			return nil, fmt.Errorf("parse %s: %w", file, err)
		}
	}
	html := htmltemplate.New(name).Option("missingkey=error").Funcs(htmltemplate.FuncMap(funcs))
	for _, file := range []string{layoutFile, path.Join(lang, wordsFile), path.Join(lang, partials+htmlExt), path.Join(lang, name+htmlExt)} {
		body, err := read(file)
		if err != nil {
			return nil, err
		}
		if _, err := html.New(file).Parse(body); err != nil {
			return nil, fmt.Errorf("parse %s: %w", file, err)
		}
	}
	for _, want := range []string{"subject", "text"} {
		if text.Lookup(want) == nil {
			return nil, fmt.Errorf("letter %s/%s: %s%s defines no %q", lang, name, name, txtExt, want)
		}
	}
	if html.Lookup("html") == nil {
		return nil, fmt.Errorf("letter %s/%s: no template %q", lang, name, "html")
	}
	return &set{text: text, html: html}, nil
}

// Lang returns the language a letter for lang is written in: "nl" or "en"
// ("en-GB" → "en"); anything else gives "nl".
func Lang(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	for _, l := range Languages {
		if l == lang {
			return l
		}
	}
	return Languages[0]
}

// Render renders letter name in lang (see Lang) with d.
func (r *Renderer) Render(name, lang string, d Data) (Letter, error) {
	lang = Lang(lang)
	s, ok := r.sets[lang][name]
	if !ok {
		return Letter{}, fmt.Errorf("render %q: %w", name, ErrUnknownLetter)
	}
	var b bytes.Buffer
	exec := func(t interface {
		ExecuteTemplate(io.Writer, string, any) error
	}, block string) (string, error) {
		b.Reset()
		if err := t.ExecuteTemplate(&b, block, d); err != nil {
			return "", fmt.Errorf("render %s/%s %s: %w", lang, name, block, err)
		}
		out := b.String()
		// A nil interface or map value prints as "<no value>": never in a letter.
		if strings.Contains(out, "<no value>") {
			return "", fmt.Errorf("render %s/%s %s: output contains <no value>", lang, name, block)
		}
		return out, nil
	}
	var l Letter
	var err error
	if l.Subject, err = exec(s.text, "subject"); err != nil {
		return Letter{}, err
	}
	l.Subject = subjectLine(l.Subject, d.Ref)
	if l.Text, err = exec(s.text, "text"); err != nil {
		return Letter{}, err
	}
	l.Text = normaliseText(l.Text)
	for block, dst := range map[string]*string{"ics_summary": &l.CalendarSummary, "ics_description": &l.CalendarDescription} {
		if s.text.Lookup(block) == nil {
			continue
		}
		if *dst, err = exec(s.text, block); err != nil {
			return Letter{}, err
		}
	}
	l.CalendarSummary = strings.Join(strings.Fields(stripControl(l.CalendarSummary)), " ")
	l.CalendarDescription = strings.TrimSuffix(normaliseText(l.CalendarDescription), "\n")
	if l.HTML, err = exec(s.html, "html"); err != nil {
		return Letter{}, err
	}
	l.HTML = normaliseHTML(l.HTML)
	l.Inline = inlineImages(d)
	return l, nil
}

// subjectLine makes one clean line of s and makes sure it starts or ends with
// "[ref]".
func subjectLine(s, ref string) string {
	s = strings.Join(strings.Fields(stripControl(s)), " ")
	ref = strings.Join(strings.Fields(stripControl(ref)), " ")
	if ref == "" {
		return s
	}
	tag := "[" + ref + "]"
	if strings.HasPrefix(s, tag) || strings.HasSuffix(s, tag) {
		return s
	}
	if s == "" {
		return tag
	}
	return s + " " + tag
}

// normaliseText gives "\n" line endings, no trailing spaces, no runs of
// blank lines, no blank lines at either end, and one final newline.
func normaliseText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var out strings.Builder
	blank := 0
	started := false
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimRight(line, " \t\u00a0")
		if line == "" {
			blank++
			continue
		}
		if started && blank > 0 {
			out.WriteString("\n")
		}
		blank = 0
		started = true
		out.WriteString(line)
		out.WriteString("\n")
	}
	return out.String()
}

// normaliseHTML drops trailing spaces and empty lines the template
// actions leave behind; HTML does not care and the source reads better.
func normaliseHTML(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out strings.Builder
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimRight(line, " \t")
		if strings.TrimSpace(line) == "" {
			continue
		}
		out.WriteString(line)
		out.WriteString("\n")
	}
	return out.String()
}

// layered reads from top, falling back to bottom for files top does not
// have.
type layered struct{ top, bottom fs.FS }

func (l layered) Open(name string) (fs.File, error) {
	f, err := l.top.Open(name)
	if err == nil {
		return f, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return l.bottom.Open(name)
}
