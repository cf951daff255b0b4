package templates

import (
	"fmt"
	"os"
	"testing"
)

func TestZZDump(t *testing.T) {
	if os.Getenv("DUMP") == "" {
		t.Skip()
	}
	r := newRenderer(t)
	d := fullData()
	d.Notice, d.Action = "", ""
	for _, lang := range []string{os.Getenv("DUMP")} {
		for _, n := range Names {
			if n == Digest || n == ObjectionDossier {
				continue
			}
			l, _ := r.Render(n, lang, d)
			fmt.Printf("######## %s/%s\nSubject: %s\n\n%s\n", lang, n, l.Subject, l.Text)
		}
	}
}
