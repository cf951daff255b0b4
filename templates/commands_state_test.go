package templates

import (
	"strings"
	"testing"
)

// Review 2 #9: a staff letter offers the commands the complaint's state
// allows (correspondence/procedure.go): no #reactie or #vertraging once
// the response is sent. #bezwaar stays listed in every state: the table
// refuses it before the response, with why.
func TestCommandListFollowsState(t *testing.T) {
	r := newRenderer(t)
	cases := []struct {
		state      string
		want, deny [2][]string
	}{
		{"open", [2][]string{{"  #reactie ", "  #vertraging N reden", "#delay, #response", "  #bezwaar "}, {"  #response ", "  #delay N reason", "#vertraging, #reactie", "  #objection "}}, [2][]string{}},
		{"responded", [2][]string{{"  #bezwaar ", "  #notitie "}, {"  #objection ", "  #note "}},
			[2][]string{{"  #reactie ", "  #vertraging", "#delay", "#response"}, {"  #response ", "  #delay", "#vertraging", "#reactie"}}},
		{"objection", [2][]string{{"  #notitie ", "  #sluiten"}, {"  #note ", "  #close"}},
			[2][]string{{"  #reactie ", "  #vertraging", "#delay", "#response"}, {"  #response ", "  #delay", "#vertraging", "#reactie"}}},
	}
	for _, c := range cases {
		for i, lang := range []string{"nl", "en"} {
			d := fullData()
			d.State = c.state
			l := render(t, r, RelayToHandler, lang, d)
			list := l.Text[strings.Index(l.Text, [2]string{"Opdrachten (", "Commands ("}[i]):]
			for _, w := range c.want[i] {
				if !strings.Contains(list, w) {
					t.Errorf("%s %s: the command list lacks %q:\n%s", c.state, lang, w, list)
				}
			}
			for _, w := range c.deny[i] {
				if strings.Contains(list, w) {
					t.Errorf("%s %s: the command list offers %q:\n%s", c.state, lang, w, list)
				}
			}
			for _, w := range c.deny[i] {
				w = strings.TrimSpace(strings.TrimSuffix(w, ","))
				if strings.Contains(l.HTML, `monospace;">`+w+`<`) {
					t.Errorf("%s %s html: the command table offers %q", c.state, lang, w)
				}
			}
		}
	}
}
