package templates

import (
	"testing"
)

// BenchmarkLetters renders and composes the two letters every complete
// complaint gets (the acknowledgement and the handler's notification), in
// Dutch, with full data: the letter cost per complaint of a backlog.
func BenchmarkLetters(b *testing.B) {
	r, err := New("")
	if err != nil {
		b.Fatal(err)
	}
	d, e := fullData(), testEnvelope()
	b.ReportAllocs()
	var size int
	for b.Loop() {
		size = 0
		for _, name := range []string{Acknowledgement, HandlerNew} {
			l, err := r.Render(name, "nl", d)
			if err != nil {
				b.Fatal(err)
			}
			raw, err := Compose(e, l)
			if err != nil {
				b.Fatal(err)
			}
			size += len(raw)
		}
	}
	b.ReportMetric(float64(size), "bytes/complaint")
}

// BenchmarkRender renders the acknowledgement in Dutch.
func BenchmarkRender(b *testing.B) {
	r, err := New("")
	if err != nil {
		b.Fatal(err)
	}
	d := fullData()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(Acknowledgement, "nl", d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompose composes the rendered acknowledgement.
func BenchmarkCompose(b *testing.B) {
	r, err := New("")
	if err != nil {
		b.Fatal(err)
	}
	l, err := r.Render(Acknowledgement, "nl", fullData())
	if err != nil {
		b.Fatal(err)
	}
	e := testEnvelope()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compose(e, l); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNew parses and dry-runs every letter in both languages: the
// templates' share of a daemon's (and each operator command's) startup.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(""); err != nil {
			b.Fatal(err)
		}
	}
}
