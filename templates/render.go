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
	"sync"
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
	// CalendarFile is the calendar attachment's file name without ".ics",
	// in the letter's language, from the optional block "ics_filename"
	// ("uitnodiging-kl-2026-0001"); empty when the template has none.
	CalendarFile string
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
//	                            the invitation also "ics_summary", "ics_description",
//	                            "ics_filename"
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
		// The layout, the wording and the partials are parsed once per
		// language and cloned for each letter: parsing them again for every
		// letter was most of the daemon's startup.
		base, err := parseBase(src, lang)
		if err != nil {
			return nil, err
		}
		r.sets[lang] = map[string]*set{}
		for _, name := range Names {
			s, err := parseSet(src, base, lang, name)
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

// parseBase parses what every letter in lang shares: the wording and the
// text partials, and the layout, the wording and the HTML partials. The
// sets are never executed, only cloned.
func parseBase(src fs.FS, lang string) (*set, error) {
	funcs := funcMap(lang)
	text := texttemplate.New(lang).Option("missingkey=error").Funcs(funcs)
	for _, file := range []string{path.Join(lang, wordsFile), path.Join(lang, partials+txtExt)} {
		if err := parseFile(src, lang, file, text.New(file).Parse); err != nil {
			return nil, err
		}
	}
	html := htmltemplate.New(lang).Option("missingkey=error").Funcs(htmltemplate.FuncMap(funcs))
	for _, file := range []string{layoutFile, path.Join(lang, wordsFile), path.Join(lang, partials+htmlExt)} {
		if err := parseFile(src, lang, file, func(body string) (*htmltemplate.Template, error) {
			return html.New(file).Parse(body)
		}); err != nil {
			return nil, err
		}
	}
	return &set{text: text, html: html}, nil
}

// parseFile reads file from src and hands it to parse.
func parseFile[T any](src fs.FS, lang, file string, parse func(string) (T, error)) error {
	b, err := fs.ReadFile(src, file)
	if err != nil {
		return fmt.Errorf("letters %s: %w", lang, err)
	}
	if _, err := parse(string(b)); err != nil {
		return fmt.Errorf("parse %s: %w", file, err)
	}
	return nil
}

// parseSet clones base and parses letter name's own files into it.
func parseSet(src fs.FS, base *set, lang, name string) (*set, error) {
	text, err := base.text.Clone()
	if err != nil {
		return nil, fmt.Errorf("letter %s/%s: %w", lang, name, err)
	}
	html, err := base.html.Clone()
	if err != nil {
		return nil, fmt.Errorf("letter %s/%s: %w", lang, name, err)
	}
	file := path.Join(lang, name+txtExt)
	if err := parseFile(src, lang+"/"+name, file, text.New(file).Parse); err != nil {
		return nil, err
	}
	file = path.Join(lang, name+htmlExt)
	if err := parseFile(src, lang+"/"+name, file, html.New(file).Parse); err != nil {
		return nil, err
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
	// One pooled buffer per render: a letter is executed block by block
	// into it and each block normalised straight out of it, so the only
	// copy of a block is the finished string in the Letter.
	b := bufPool.Get().(*bytes.Buffer)
	defer func() {
		if b.Cap() <= maxPooled {
			bufPool.Put(b)
		}
	}()
	exec := func(t interface {
		ExecuteTemplate(io.Writer, string, any) error
	}, block string) ([]byte, error) {
		b.Reset()
		if err := t.ExecuteTemplate(b, block, d); err != nil {
			return nil, fmt.Errorf("render %s/%s %s: %w", lang, name, block, err)
		}
		out := b.Bytes()
		// A nil interface or map value prints as "<no value>": never in a letter.
		if bytes.Contains(out, noValue) {
			return nil, fmt.Errorf("render %s/%s %s: output contains <no value>", lang, name, block)
		}
		return out, nil
	}
	var l Letter
	out, err := exec(s.text, "subject")
	if err != nil {
		return Letter{}, err
	}
	l.Subject = subjectLine(string(out), d.Ref)
	if out, err = exec(s.text, "text"); err != nil {
		return Letter{}, err
	}
	l.Text = normaliseTextBytes(out)
	if s.text.Lookup("ics_summary") != nil {
		if out, err = exec(s.text, "ics_summary"); err != nil {
			return Letter{}, err
		}
		l.CalendarSummary = strings.Join(strings.Fields(stripControl(string(out))), " ")
	}
	if s.text.Lookup("ics_description") != nil {
		if out, err = exec(s.text, "ics_description"); err != nil {
			return Letter{}, err
		}
		l.CalendarDescription = strings.TrimSuffix(normaliseTextBytes(out), "\n")
	}
	if s.text.Lookup("ics_filename") != nil {
		if out, err = exec(s.text, "ics_filename"); err != nil {
			return Letter{}, err
		}
		l.CalendarFile = fileName(string(out))
	}
	if out, err = exec(s.html, "html"); err != nil {
		return Letter{}, err
	}
	l.HTML = normaliseHTMLBytes(out)
	l.Inline = inlineImages(d)
	return l, nil
}

var (
	noValue = []byte("<no value>")
	// bufPool holds render buffers; a letter is some kilobytes, so a
	// buffer grown past maxPooled (a huge digest) is left to the GC.
	bufPool   = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 16<<10)) }}
	maxPooled = 1 << 20
)

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
func normaliseText(s string) string { return normaliseTextBytes([]byte(s)) }

func normaliseTextBytes(s []byte) string {
	if bytes.IndexByte(s, '\r') >= 0 {
		s = bytes.ReplaceAll(s, []byte("\r\n"), []byte("\n"))
		s = bytes.ReplaceAll(s, []byte("\r"), []byte("\n"))
	}
	var out strings.Builder
	out.Grow(len(s) + 1)
	blank := 0
	started := false
	for line := range bytes.SplitSeq(s, []byte("\n")) {
		line = trimRightSpace(line, true)
		if len(line) == 0 {
			blank++
			continue
		}
		if started && blank > 0 {
			out.WriteByte('\n')
		}
		blank = 0
		started = true
		out.Write(line)
		out.WriteByte('\n')
	}
	return out.String()
}

// normaliseHTMLBytes drops trailing spaces and empty lines the template
// actions leave behind; HTML does not care and the source reads better.
func normaliseHTMLBytes(s []byte) string {
	if bytes.IndexByte(s, '\r') >= 0 {
		s = bytes.ReplaceAll(s, []byte("\r\n"), []byte("\n"))
	}
	var out strings.Builder
	out.Grow(len(s) + 1)
	for line := range bytes.SplitSeq(s, []byte("\n")) {
		line = trimRightSpace(line, false)
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		out.Write(line)
		out.WriteByte('\n')
	}
	return out.String()
}

// trimRightSpace drops trailing spaces and tabs, and with nbsp also
// no-break spaces (U+00A0, "\xc2\xa0" in UTF-8).
func trimRightSpace(line []byte, nbsp bool) []byte {
	for n := len(line); n > 0; n = len(line) {
		switch {
		case line[n-1] == ' ' || line[n-1] == '\t':
			line = line[:n-1]
		case nbsp && n >= 2 && line[n-2] == 0xc2 && line[n-1] == 0xa0:
			line = line[:n-2]
		default:
			return line
		}
	}
	return line
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

// fileName makes a safe attachment name of s: lower case letters, digits
// and '-' only, every other run of characters one '-'.
func fileName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
