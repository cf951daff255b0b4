// Command klachtd is the e-mail gateway that runs Ingressus' complaints
// procedure: it watches an IMAP inbox, registers complaints, threads every
// later mail by its reference and sends the procedure's letters by SMTP.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	_ "github.com/mattn/go-sqlite3" // the one place the SQLite driver is registered
)

// command is one subcommand: its one-line help and what it does.
type command struct {
	help string
	run  func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{
	"run":          {"run the daemon: klachtd run --config FILE", cmdRun},
	"demo":         {"run the daemon in an embedded demo mail world: klachtd demo [--dir DIR] [--imap ADDR] [--smtp ADDR] [--sample]", cmdDemo},
	"devmail":      {"run only the demo mail world (IMAP+SMTP), kept on disk: klachtd devmail [--dir DIR] [--imap ADDR] [--smtp ADDR]", cmdDevmail},
	"parse":        {"show what the gateway makes of one mail: klachtd parse [--json] FILE|-", cmdParse},
	"check-config": {"check a config file and name every bad key: klachtd check-config --config FILE", cmdCheckConfig},
	"workdays":     {"working days: klachtd workdays add DATE N | klachtd workdays list YEAR [--config FILE]", cmdWorkdays},
	"due":          {"list what would be queued at a time, without sending: klachtd due --at TIME [--json] --config FILE", cmdDue},
	"digest":       {"print the management digest, or send it: klachtd digest [--at TIME] [--send] --config FILE", cmdDigest},
	"list":         {"list complaints: klachtd list [--state S] [--handler H] [--due-within N] [--json] --config FILE", cmdList},
	"show":         {"show a complaint and its timeline: klachtd show KL-… [--json] --config FILE", cmdShow},
	"export":       {"export a complaint's dossier as mbox: klachtd export KL-… [-o FILE] --config FILE; as PDF: KL-… --pdf -o FILE; a person's data: --person EMAIL -o DIR", cmdExportAny},
	"erase":        {"erase a person's data (AVG art. 17): klachtd erase --person EMAIL [--yes] [--include-open] --config FILE", cmdErase},
	"verify":       {"check that no stored mail, letter or event was changed, inserted or removed: klachtd verify [--anchor HEAD] [--json] --config FILE", cmdVerify},
	"hold":         {"keep a complaint from erasure (legal hold): klachtd hold KL-… --reason R | --release --config FILE", cmdHold},
	"report":       {"management's complaints report: " + reportUsage, cmdReport},
}

func main() {
	// Everything klachtd writes — the database, its WAL, exports, the
	// demo's mail — holds complainants' mail: readable by this user only.
	syscall.Umask(0o077)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "klachtd:", err)
		}
		os.Exit(exitCode(err))
	}
}

// usageError is a mistake on the command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return usageError{"no command given; see the list above"}
		}
		return nil
	}
	c, ok := commands[args[0]]
	if !ok {
		usage(stderr)
		return usageError{fmt.Sprintf("unknown command %q; see the list above", args[0])}
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "klachtd — the e-mail gateway of the Ingressus complaints procedure")
	fmt.Fprintln(w, "\ncommands:")
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-13s %s\n", n, commands[n].help)
	}
	fmt.Fprintln(w, "\nStart with: klachtd demo")
}

// newFlags makes a FlagSet that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("klachtd "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses flags that may come before or after positional
// arguments ("show KL-2026-0001 --config x" and "show --config x KL-…").
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "-" || !strings.HasPrefix(args[0], "-") {
			pos = append(pos, args[0])
			args = args[1:]
			continue
		}
	}
}

func needConfig(path string) error {
	if path == "" {
		return usageError{"--config FILE is required (klachtd.example.toml documents every key; the demo writes DIR/klachtd.toml)"}
	}
	return nil
}
