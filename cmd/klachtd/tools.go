package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ingressus/klachtd/cmd/klachtd/config"
	"github.com/ingressus/klachtd/correspondence"
	"github.com/ingressus/klachtd/correspondence/workdays"
	"github.com/ingressus/klachtd/parser"
)

func cmdParse(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("parse", stderr)
	asJSON := fs.Bool("json", false, "print one JSON object (the contract scripts rely on)")
	cfgPath := fs.String("config", "", "config file: form senders and extra labels (optional)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"give one mail file, or - for standard input: klachtd parse [--json] FILE|-"}
	}
	var raw []byte
	if pos[0] == "-" {
		raw, err = io.ReadAll(os.Stdin)
	} else {
		raw, err = os.ReadFile(pos[0])
	}
	if err != nil {
		return fmt.Errorf("read mail: %w", err)
	}
	opt := parser.Options{}
	if *cfgPath != "" {
		cfg, err := LoadConfig(*cfgPath)
		if err != nil {
			return err
		}
		opt = cfg.parserOptions()
		opt.OwnAddresses = []string{strings.ToLower(cfg.Gateway.Address)}
	}
	msg, perr := parser.Parse(raw, opt)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(msg); err != nil {
			return err
		}
		if perr != nil {
			fmt.Fprintln(stderr, "klachtd parse:", perr)
		}
		return nil
	}
	printMessage(stdout, msg)
	if perr != nil {
		fmt.Fprintln(stdout, "problem:   ", perr)
	}
	return nil
}

func printMessage(w io.Writer, m *parser.Message) {
	fmt.Fprintf(w, "kind:       %s\n", m.Kind)
	fmt.Fprintf(w, "from:       %s\nsubject:    %s\n", m.From, m.Subject)
	if m.Reference != "" {
		fmt.Fprintf(w, "reference:  %s\n", m.Reference)
	}
	f := m.Fields
	for _, kv := range [][2]string{{"company", f.Company}, {"address", f.Address}, {"name", f.Name}, {"phone", f.Phone},
		{"availability", f.Availability}, {"email", f.Email}, {"date", f.Date}, {"description", f.Description},
		{"references", strings.Join(f.References, ", ")}, {"contact", f.Contact}} {
		if kv[1] != "" {
			fmt.Fprintf(w, "%-12s %s\n", kv[0]+":", strings.ReplaceAll(kv[1], "\n", "\n             "))
		}
	}
	if len(m.Missing) > 0 {
		fmt.Fprintf(w, "missing:    %s\n", strings.Join(m.Missing, ", "))
	}
	for k, v := range m.Invalid {
		fmt.Fprintf(w, "invalid:    %s: %s\n", k, v)
	}
	if m.Command != nil {
		fmt.Fprintf(w, "command:    #%s %s\n", m.Command.Name, m.Command.Args)
	}
	if m.Reply != "" {
		fmt.Fprintf(w, "reply:\n%s\n", m.Reply)
	}
	if m.BouncedRecipient != "" {
		fmt.Fprintf(w, "bounced:    %s\n", m.BouncedRecipient)
	}
	for _, d := range m.Defects {
		fmt.Fprintf(w, "defect:     %s\n", d)
	}
}

func cmdCheckConfig(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check-config", stderr)
	cfgPath := fs.String("config", "", "config file (TOML)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := needConfig(*cfgPath); err != nil {
		return err
	}
	cfg, err := LoadConfig(*cfgPath)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			for _, p := range ce.Problems {
				fmt.Fprintln(stdout, "error:", p)
			}
			return fmt.Errorf("%s: %d problem(s)", *cfgPath, len(ce.Problems))
		}
		return err
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintln(stdout, "warning:", w)
	}
	if _, err := cfg.oauth2Source(nil); err != nil { // reads the key files
		fmt.Fprintln(stdout, "error:", err)
		return fmt.Errorf("%s: 1 problem(s)", *cfgPath)
	}
	fmt.Fprintf(stdout, "%s: ok\n", *cfgPath)
	return nil
}

func cmdWorkdays(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("workdays", stderr)
	cfgPath := fs.String("config", "", "config file: the company's closing days (optional)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	cal := workdays.New(nil, 0)
	if *cfgPath != "" {
		cfg, err := LoadConfig(*cfgPath)
		if err != nil {
			return err
		}
		cal = cfg.calendar()
	}
	switch {
	case len(pos) == 3 && pos[0] == "add":
		d, err := workdays.ParseDate(pos[1])
		if err != nil {
			return usageError{fmt.Sprintf("DATE %q: expected YYYY-MM-DD", pos[1])}
		}
		n, err := strconv.Atoi(pos[2])
		if err != nil {
			return usageError{fmt.Sprintf("N %q: expected a whole number of working days", pos[2])}
		}
		fmt.Fprintln(stdout, cal.Add(d, n).Format("2006-01-02"))
		return nil
	case len(pos) == 2 && pos[0] == "list":
		y, err := strconv.Atoi(pos[1])
		if err != nil || y < 1900 || y > 2200 {
			return usageError{fmt.Sprintf("YEAR %q: expected a year like 2026", pos[1])}
		}
		for _, h := range cal.Holidays(y) {
			fmt.Fprintf(stdout, "%s %-9s %s\n", h.Date.Format("2006-01-02"), dutchWeekday(h.Date.Weekday()), h.Name)
		}
		return nil
	}
	return usageError{"usage: klachtd workdays add DATE N | klachtd workdays list YEAR [--config FILE]"}
}

func dutchWeekday(d time.Weekday) string {
	return [...]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"}[d]
}

// parseAt reads --at: RFC 3339, "YYYY-MM-DD HH:MM" or "YYYY-MM-DD" (local
// Amsterdam time); empty means now.
func parseAt(s string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, workdays.Amsterdam()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usageError{fmt.Sprintf("--at %q: expected a time like 2026-12-01T09:00:00+01:00, \"2026-12-01 09:00\" or 2026-12-01", s)}
}

func cmdDue(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("due", stderr)
	cfgPath := fs.String("config", "", "config file (TOML)")
	at := fs.String("at", "", "the moment to look at (default now)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := needConfig(*cfgPath); err != nil {
		return err
	}
	when, err := parseAt(*at)
	if err != nil {
		return err
	}
	cfg, err := LoadConfig(*cfgPath)
	if err != nil {
		return err
	}
	gw, store, err := openGateway(ctx, cfg, newLogger(stderr, "warn"))
	if err != nil {
		return err
	}
	defer store.Close()
	due, err := gw.PreviewDue(ctx, when)
	if err != nil {
		return err
	}
	if *asJSON {
		if due == nil {
			due = []correspondence.Due{}
		}
		return json.NewEncoder(stdout).Encode(due)
	}
	if len(due) == 0 {
		fmt.Fprintf(stdout, "nothing due at %s\n", when.In(workdays.Amsterdam()).Format("2006-01-02 15:04"))
	}
	for _, d := range due {
		late := ""
		if d.Late {
			late = "  (late)"
		}
		fmt.Fprintf(stdout, "%-13s %-20s %s%s\n", d.Ref, d.Letter, strings.Join(d.To, ", "), late)
	}
	return nil
}
