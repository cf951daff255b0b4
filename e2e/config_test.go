package e2e

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	kconfig "github.com/ingressus/klachtd/cmd/klachtd/config"
)

// The config each e2e world writes is read back by klachtd as written: no
// key the daemon does not know, no value it reads otherwise. Needs no mail
// server, so it runs in every `go test ./...`.
func TestConfigParsesBack(t *testing.T) {
	for _, w := range []mailWorld{
		{intake: "klachten@ingressus.test", formSender: "noreply@web.ingressus.test", complDom: "klant.test",
			handlers: [2]string{"m.devries@ingressus.test", "j.bakker@ingressus.test"}, management: "directie@ingressus.test"},
		{intake: "klachten@ingressus.nl", formSender: "noreply@web.ingressus.nl", complDom: "klant.nl",
			handlers: [2]string{"m.devries@ingressus.nl", "j.bakker@ingressus.nl"}, management: "directie@ingressus.nl"},
	} {
		dir := t.TempDir()
		c := config{world: w, imapAddr: "127.0.0.1:143", imapUser: w.intake, imapPass: "demo", smtpAddr: "127.0.0.1:25",
			database: filepath.Join(dir, "klachtd.db"), httpListen: "127.0.0.1:9180", poll: 2 * time.Second,
			retry: seconds(1, 1, 2), connections: 1}
		path := filepath.Join(dir, "klachtd.toml")
		c.write(t, path)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := kconfig.Parse(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: Parse(written config) = %v", w.intake, err)
		}
		if want := c.build(t); !reflect.DeepEqual(*got, want) {
			t.Errorf("%s: config read back =\n%+v\nwant\n%+v", w.intake, *got, want)
		}
	}
}
