package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/ingressus/klachtd/correspondence"
	"github.com/ingressus/klachtd/correspondence/workdays"
)

// listStates are the states `list --state` accepts.
var listStates = []string{correspondence.StateIncomplete, correspondence.StateOpen, correspondence.StateResponded,
	correspondence.StateObjection, correspondence.StateClosed, correspondence.StateLapsed}

// openFromFlags loads the config and opens the gateway for an operator
// command.
func openFromFlags(ctx context.Context, cfgPath string, stderr io.Writer) (*correspondence.Gateway, func(), error) {
	if err := needConfig(cfgPath); err != nil {
		return nil, nil, err
	}
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		return nil, nil, err
	}
	gw, store, err := openGateway(ctx, cfg, newLogger(stderr, "warn"))
	if err != nil {
		return nil, nil, err
	}
	return gw, func() { store.Close() }, nil
}

// openComplaint opens the gateway and the one complaint an operator command
// names; usage is how to write the command.
func openComplaint(ctx context.Context, pos []string, cfgPath, usage string, stderr io.Writer) (*correspondence.Gateway, *correspondence.Complaint, func(), error) {
	return openComplaintWith(ctx, openFromFlags, pos, cfgPath, usage, stderr)
}

// openComplaintWith is openComplaint with the gateway opened by open.
func openComplaintWith(ctx context.Context, open func(context.Context, string, io.Writer) (*correspondence.Gateway, func(), error),
	pos []string, cfgPath, usage string, stderr io.Writer) (*correspondence.Gateway, *correspondence.Complaint, func(), error) {
	if len(pos) != 1 {
		return nil, nil, nil, usageError{"give one reference: " + usage}
	}
	gw, closeFn, err := open(ctx, cfgPath, stderr)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := gw.Complaint(ctx, pos[0])
	if err != nil {
		closeFn()
		if errors.Is(err, correspondence.ErrNotFound) {
			return nil, nil, nil, fmt.Errorf("%s: no such complaint (klachtd list shows the references)", pos[0])
		}
		return nil, nil, nil, err
	}
	return gw, c, closeFn, nil
}

func cmdDigest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("digest", stderr)
	cfgPath := fs.String("config", "", "config file (TOML)")
	at := fs.String("at", "", "the moment the digest is made for (default now)")
	send := fs.Bool("send", false, "queue the digest and send it to management now")
	days := fs.Int("days", 1, "the period: this many days before --at")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	when, err := parseAt(*at)
	if err != nil {
		return err
	}
	gw, closeFn, err := openFromFlags(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	from := when.AddDate(0, 0, -*days)
	if !*send {
		l, err := gw.RenderDigest(ctx, from, when)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Subject: %s\n\n%s\n", l.Subject, l.Text)
		return nil
	}
	cfg, err := LoadConfig(*cfgPath)
	if err != nil {
		return err
	}
	key := "digest:manual:" + when.UTC().Format("2006-01-02T15:04:05")
	if _, err := gw.QueueDigest(ctx, key, from, when); err != nil {
		return err
	}
	senders := newSenders(cfg, 1, newLogger(stderr, "warn"))
	defer closeSenders(senders)
	n, err := gw.FlushOutbox(ctx, senders)
	if err != nil {
		return fmt.Errorf("send: %w", err)
	}
	fmt.Fprintf(stdout, "digest queued and %d letter(s) sent to %s\n", n, strings.Join(mgmtAddrs(cfg), ", "))
	return nil
}

func mgmtAddrs(cfg *Config) []string {
	var out []string
	for _, m := range cfg.Mgmt {
		out = append(out, m.Email)
	}
	return out
}

func cmdList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("list", stderr)
	cfgPath := fs.String("config", "", "config file (TOML)")
	state := fs.String("state", "", "only this state (incomplete, open, responded, objection, closed, lapsed)")
	handler := fs.String("handler", "", "only this handler (address or name)")
	within := fs.Int("due-within", 0, "only open complaints whose term ends within N working days")
	asJSON := fs.Bool("json", false, "print JSON (every match, unless --limit is given)")
	limit := fs.Int("limit", listPage, "print at most N complaints; 0 = all")
	offset := fs.Int("offset", 0, "skip the first N matches (the next page: --offset N)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *limit < 0 || *offset < 0 {
		return usageError{"--limit and --offset take 0 or more"}
	}
	limitSet := false
	fs.Visit(func(f *flag.Flag) { limitSet = limitSet || f.Name == "limit" })
	if *asJSON && !limitSet {
		*limit = 0 // scripts read every match
	}
	if *state != "" && !slices.Contains(listStates, *state) {
		return usageError{fmt.Sprintf("--state %q is not a state; the states are %s", *state, strings.Join(listStates, ", "))}
	}
	gw, closeFn, err := openForReading(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	page, total, err := gw.ListPage(ctx, correspondence.ListFilter{State: *state, Handler: *handler, DueWithin: *within}, *offset, *limit)
	if err != nil {
		return err
	}
	if *handler != "" && total == 0 {
		if err := knownHandler(gw.Settings().Handlers, *handler); err != nil {
			return err
		}
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(page)
	}
	if total == 0 {
		fmt.Fprintln(stdout, "no complaints match")
		return nil
	}
	fmt.Fprintf(stdout, "%-13s %-30.30s %-11s %-20.20s %s\n", "REFERENCE", "COMPANY", "STATE", "HANDLER", "TERM ENDS")
	for _, it := range page {
		end := it.EndDate
		if end == "" {
			end = "-"
		}
		fmt.Fprintf(stdout, "%-13s %-30.30s %-11s %-20.20s %s\n", it.Ref, it.Company, it.State, it.Handler, end)
	}
	fmt.Fprint(stdout, listFooter(total, *offset, len(page)))
	return nil
}

// knownHandler refuses a --handler that matches no configured handler the
// way List matches (address, or part of the name), so a typo is not read as
// "this handler has no complaints". It is asked only when nothing matched:
// a former handler still on old complaints stays listable.
func knownHandler(hs []correspondence.Person, q string) error {
	var names []string
	for _, h := range hs {
		if strings.EqualFold(h.Email, q) || strings.Contains(strings.ToLower(h.Name), strings.ToLower(q)) {
			return nil
		}
		names = append(names, fmt.Sprintf("%s <%s>", h.Name, h.Email))
	}
	return usageError{fmt.Sprintf("--handler %q is not a handler; the handlers are %s", q, strings.Join(names, ", "))}
}

func cmdShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("show", stderr)
	cfgPath := fs.String("config", "", "config file (TOML)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	gw, c, closeFn, err := openComplaintWith(ctx, openForReading, pos, *cfgPath, "klachtd show KL-2026-0001 --config FILE", stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	tl, err := gw.Timeline(ctx, c)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"complaint": c, "timeline": tl})
	}
	fmt.Fprintf(stdout, "%s  %s  (%s)\n", c.Ref, c.Company, c.State)
	// The dates that still apply in this state: the handler's last day for
	// a delay (the working day before the mailbox sends its own notice, as
	// the handler's letters say) while the term runs, the lapse day while
	// incomplete.
	var delayBy, autoDelay, lapses string
	if c.State == correspondence.StateOpen && c.DelayLatest != "" {
		if d, err := workdays.ParseDate(c.DelayLatest); err == nil {
			delayBy = gw.Calendar().Add(d, -1).Format("2006-01-02")
		}
		autoDelay = c.DelayLatest
	}
	if c.State == correspondence.StateIncomplete {
		lapses = c.LapseDay
	}
	for _, kv := range [][2]string{{"name", c.Name}, {"address", c.Address}, {"phone", c.Phone}, {"availability", c.Availability},
		{"email", c.Email}, {"date", c.FormDate}, {"references", strings.ReplaceAll(c.Refs, "\n", ", ")}, {"handler", c.Handler},
		{"received", c.CompleteDay}, {"ack due", c.AckDue}, {"term ends", c.TermEnd}, {"delay by", delayBy}, {"auto delay", autoDelay},
		{"objection", c.ObjectionEnd}, {"lapses", lapses}, {"description", c.Description}} {
		if kv[1] != "" {
			fmt.Fprintf(stdout, "  %-12s %s\n", kv[0]+":", strings.ReplaceAll(kv[1], "\n", "\n               "))
		}
	}
	fmt.Fprintln(stdout, "\ntimeline:")
	for _, e := range tl {
		late := ""
		if e.Late {
			late = " (late)"
		}
		who := ""
		if e.Who != "" {
			who = " " + e.Who
		}
		fmt.Fprintf(stdout, "  %s  %-8s %-20s%s  %s%s\n", e.At.Format("2006-01-02 15:04:05"), e.Type, e.Kind, who, e.Detail, late)
	}
	return showRecord(ctx, gw, c, stdout) // delivery evidence, hold and erasure (privacy.go)
}

func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", stderr)
	cfgPath := fs.String("config", "", "config file (TOML)")
	out := fs.String("o", "", "write the mbox to this file (default: standard output)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	gw, c, closeFn, err := openComplaint(ctx, pos, *cfgPath, "klachtd export KL-2026-0001 [-o FILE] --config FILE", stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	w := stdout
	if *out != "" {
		f, err := os.OpenFile(*out, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer f.Close()
		w = f
	}
	n, err := gw.ExportMbox(ctx, c, w)
	if err != nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(stderr, "%s: %d mails written to %s\n", c.Ref, n, *out)
	}
	return nil
}
