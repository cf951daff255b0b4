package main

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ingressus/klachtd/cmd/klachtd/config"
	"github.com/ingressus/klachtd/mailbox/mailworld"
)

//go:embed sample.eml
var sampleMail []byte

const (
	demoIntake     = "klachten@ingressus.nl"
	demoFormSender = "noreply@web.ingressus.nl"
	demoManagement = "directie@ingressus.nl"
)

// demoConfig is the configuration the demo runs with; it is written to
// DIR/klachtd.toml so every operator command can be tried against it.
func demoConfig(imapAddr, smtpAddr string) config.Config {
	c := config.Local("ingressus.nl", imapAddr, smtpAddr)
	c.Digest.Daily, c.Digest.Weekly = true, true
	return c
}

// demoConfigComment heads the demo's klachtd.toml.
var demoConfigComment = []string{`Written by "klachtd demo": the configuration the demo runs with.`,
	"Try: klachtd list --config THIS_FILE",
	"The demo world has no DKIM: handlers are trusted by their From address (security.trust_from)."}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	dir := fs.String("dir", "", "folder for the database and config (default: a new temporary folder)")
	imapAddr := fs.String("imap", "127.0.0.1:1143", "address of the demo IMAP server")
	smtpAddr := fs.String("smtp", "127.0.0.1:1025", "address of the demo SMTP server")
	sample := fs.Bool("sample", false, "submit the bundled sample complaint once the demo runs")
	var trace traceFlag
	fs.Var(&trace, "trace", traceUsage)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "klachtd-demo-")
		if err != nil {
			return err
		}
		*dir = d
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return fmt.Errorf("demo folder: %w", err)
	}
	log := newLogger(stderr, "info")
	setMemoryLimit()
	world, err := mailworld.Start(*imapAddr, *smtpAddr, log.With("part", "demo-world"))
	if err != nil {
		return fmt.Errorf("start demo mail world: %w (is another demo running? choose other ports with --imap and --smtp)", err)
	}
	defer world.Close()
	cfgPath := filepath.Join(*dir, "klachtd.toml")
	demo := demoConfig(world.IMAPAddr(), world.SMTPAddr())
	if err := demo.WriteFile(cfgPath, demoConfigComment...); err != nil {
		return fmt.Errorf("write demo config: %w", err)
	}
	samplePath := filepath.Join(*dir, "sample-complaint.eml")
	if err := os.WriteFile(samplePath, sampleWithID(), 0o600); err != nil {
		return fmt.Errorf("write sample mail: %w", err)
	}
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		return err
	}
	log.Info("demo folder", "dir", *dir, "config", cfgPath)
	log.Warn("demo: handlers are trusted by their From address (the demo world has no DKIM)")
	printBanner(stdout, *dir, cfgPath, samplePath, world.IMAPAddr(), world.SMTPAddr())
	if *sample {
		go func() {
			time.Sleep(time.Second)
			if err := world.Deliver(demoIntake, sampleWithID()); err != nil {
				log.Error("sample complaint", "err", err)
			}
		}()
	}
	traceW := trace.writer(stderr, log)
	return runDaemon(ctx, cfg, log, traceW)
}

// sampleWithID gives each submitted sample its own Message-ID, so a second
// submission is a second complaint and not a duplicate of the first.
func sampleWithID() []byte {
	return bytes.ReplaceAll(sampleMail, []byte("{{ID}}"), []byte(strconv.FormatInt(time.Now().UnixNano(), 36)))
}

func printBanner(w io.Writer, dir, cfgPath, samplePath, imapAddr, smtpAddr string) {
	host, port := splitHostPort(imapAddr)
	_, sport := splitHostPort(smtpAddr)
	fmt.Fprintf(w, `
klachtd demo — a closed mail world on this machine
  IMAP  %s   (login: any address, password "demo"; no TLS)
  SMTP  %s   (no login; mail to any address lands in that address's INBOX)

  intake          %s   (the web form sends here, from %s)
  handlers        Marieke de Vries <m.devries@ingressus.nl>, Jeroen Bakker <j.bakker@ingressus.nl>
  management      %s
  state           %s
  config          %s

Submit the sample complaint (Python's standard library, nothing to install):
  python3 -c "import smtplib; smtplib.SMTP('%s', %s).sendmail('%s', ['%s'], open('%s','rb').read())"
or start the demo with --sample. Then read sanne@bakkerijvandijk.nl's mailbox with any
mail client (IMAP %s port %s, user sanne@bakkerijvandijk.nl, password demo), or:
  klachtd list --config %s

`, imapAddr, smtpAddr, demoIntake, demoFormSender, demoManagement, dir, cfgPath,
		host, sport, demoFormSender, demoIntake, samplePath, host, port, cfgPath)
}

func splitHostPort(a string) (string, string) {
	i := strings.LastIndexByte(a, ':')
	if i < 0 {
		return a, ""
	}
	return a[:i], a[i+1:]
}

func cmdDevmail(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("devmail", stderr)
	dir := fs.String("dir", "", "folder where the mail is kept (default: a new temporary folder)")
	imapAddr := fs.String("imap", "127.0.0.1:1143", "address of the IMAP server")
	smtpAddr := fs.String("smtp", "127.0.0.1:1025", "address of the SMTP server")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "klachtd-devmail-")
		if err != nil {
			return err
		}
		*dir = d
	}
	log := newLogger(stderr, "info")
	world, err := mailworld.StartDir(*imapAddr, *smtpAddr, *dir, log)
	if err != nil {
		return fmt.Errorf("start mail world: %w", err)
	}
	defer world.Close()
	fmt.Fprintf(stdout, "devmail: IMAP %s, SMTP %s, mail kept in %s (login: any address, password \"demo\")\n", world.IMAPAddr(), world.SMTPAddr(), *dir)
	<-ctx.Done()
	return nil
}
