package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ingressus/klachtd/cmd/klachtd/config"
)

// The bench's klachtd.toml is read back as written, and its intake and
// form sender are the ones the bench's mails are addressed with.
func TestKlachtdConfigParsesBack(t *testing.T) {
	dir := t.TempDir()
	path, db, err := writeKlachtdConfig(dir, 1143, 1025)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := config.Parse(f)
	if err != nil {
		t.Fatalf("Parse(bench config) = %v", err)
	}
	if want := klachtdConfig(1143, 1025, filepath.Join(dir, "klachtd.db")); !reflect.DeepEqual(*got, want) || db != want.Gateway.Database {
		t.Errorf("bench config read back =\n%+v\nwant\n%+v", *got, want)
	}
	if got.Gateway.Address != intakeAddr || got.Gateway.FormSenders[0] != formSender || got.IMAP.Username != benchUser {
		t.Errorf("config intake %s, form %v, login %s; the bench mails to %s from %s as %s",
			got.Gateway.Address, got.Gateway.FormSenders, got.IMAP.Username, intakeAddr, formSender, benchUser)
	}
}
