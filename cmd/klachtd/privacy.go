package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ingressus/klachtd/correspondence"
)

func cmdHold(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("hold", stderr)
	cfgPath := fs.String("config", "", "config file (TOML)")
	reason := fs.String("reason", "", "why the complaint must be kept (e.g. a court case)")
	release := fs.Bool("release", false, "lift the hold: the complaint is erased after its term as usual")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	const how = `klachtd hold KL-2026-0001 --reason "rechtszaak" --config FILE, or --release`
	if (*reason == "") == !*release {
		return usageError{"give either --reason R or --release: " + how}
	}
	gw, c, closeFn, err := openComplaint(ctx, pos, *cfgPath, how, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	if err := gw.Hold(ctx, c, *reason, "operator"); err != nil {
		return err
	}
	if *release {
		fmt.Fprintf(stdout, "%s: hold released; erased %d months after closure as usual\n", c.Ref, gw.RetentionMonths())
	} else {
		fmt.Fprintf(stdout, "%s: held (%s); not erased until released\n", c.Ref, *reason)
	}
	return nil
}

// cmdExportAny is `export`: the mbox of one complaint (cmdExport), a
// person's access export (--person) or one complaint's PDF dossier (--pdf).
func cmdExportAny(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	for _, a := range args {
		switch name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); {
		case !strings.HasPrefix(a, "-"):
		case name == "person":
			return cmdExportPerson(ctx, args, stdout, stderr)
		case name == "pdf":
			return cmdExportPDF(ctx, args, stdout, stderr)
		}
	}
	return cmdExport(ctx, args, stdout, stderr)
}

func cmdExportPerson(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", stderr)
	cfgPath := fs.String("config", "", "config file (TOML)")
	person := fs.String("person", "", "the person's e-mail address")
	out := fs.String("o", "", "folder to write mail.mbox and complaints.json to")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *person == "" || *out == "" {
		return usageError{"give the address and a folder: klachtd export --person EMAIL -o DIR --config FILE"}
	}
	gw, closeFn, err := openFromFlags(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	res, err := gw.ExportPerson(ctx, *person, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d complaints, %d mails in and out written to %s (mail.mbox, complaints.json)\n",
		*person, res.Complaints, res.Mails, *out)
	return nil
}

func cmdErase(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("erase", stderr)
	cfgPath := fs.String("config", "", "config file (TOML)")
	person := fs.String("person", "", "the person's e-mail address")
	yes := fs.Bool("yes", false, "erase; without it only show what would be erased")
	includeOpen := fs.Bool("include-open", false, "also erase complaints whose procedure still runs")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *person == "" {
		return usageError{"give the address: klachtd erase --person EMAIL [--yes] [--include-open] --config FILE"}
	}
	gw, closeFn, err := openFromFlags(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	res, err := gw.ErasePerson(ctx, *person, *includeOpen, !*yes)
	if err != nil {
		return err
	}
	if len(res) == 0 {
		fmt.Fprintf(stdout, "%s: nothing stored about this address\n", *person)
		return nil
	}
	refused := 0
	for _, e := range res {
		what := fmt.Sprintf("%d mails in, %d letters out, %d event texts", e.Mails, e.Letters, e.Events)
		if len(e.Fields) > 0 {
			what += "; fields: " + strings.Join(e.Fields, ", ")
		}
		switch {
		case e.Refused != "":
			refused++
			fmt.Fprintf(stdout, "%s (%s): not erased: %s\n", e.Ref, e.State, e.Refused)
		case e.Done:
			fmt.Fprintf(stdout, "%s: erased %s\n", e.Ref, what)
		default:
			fmt.Fprintf(stdout, "%s: would erase %s\n", e.Ref, what)
		}
	}
	if !*yes {
		fmt.Fprintln(stdout, "nothing was changed; add --yes to erase")
		return nil
	}
	if refused > 0 {
		return fmt.Errorf("%d of %d not erased (see above)", refused, len(res))
	}
	return nil
}

// showRecord prints, after show's timeline, the proof of sending per
// letter, linked DSNs, and the hold and erasure status.
func showRecord(ctx context.Context, gw *correspondence.Gateway, c *correspondence.Complaint, stdout io.Writer) error {
	r, err := gw.Record(ctx, c)
	if err != nil {
		return err
	}
	loc := gw.Calendar().Location()
	fmt.Fprintln(stdout, "\ndelivery:")
	for _, m := range r.Mails {
		if m.Direction != "out" {
			continue
		}
		fmt.Fprintf(stdout, "  %-22s %s\n", m.Kind, deliveryLine(m, loc))
		for _, d := range m.DSNs {
			fmt.Fprintf(stdout, "  %-22s bericht van niet-bezorging: mail %d\n", "", d)
		}
	}
	if r.Privacy.Held() {
		fmt.Fprintf(stdout, "\nheld: %s (by %s, %s)\n", r.Privacy.HoldReason, r.Privacy.HoldBy, r.Privacy.HoldAt.In(loc).Format("2006-01-02"))
	}
	if r.Privacy.Erased() {
		fmt.Fprintf(stdout, "\nerased: %s (%s); what remains is the anonymous skeleton\n", r.Privacy.ErasedAt.In(loc).Format("2006-01-02 15:04"), r.Privacy.ErasedWhy)
	}
	return nil
}

// deliveryLine is one letter's delivery evidence, in Dutch as the dossier.
func deliveryLine(m correspondence.MailRecord, loc *time.Location) string {
	var parts []string
	for _, rc := range m.Receipts {
		parts = append(parts, rc.Line(loc))
	}
	switch {
	case len(parts) > 0:
	case m.State == "sent":
		parts = append(parts, "verzonden op "+m.At.In(loc).Format("2006-01-02 15:04:05 MST")+" (geen SMTP-antwoord bewaard)")
	case m.State == "failed":
		parts = append(parts, "niet bezorgd: "+m.LastError)
	default:
		parts = append(parts, "nog in de wachtrij ("+m.State+")")
	}
	return strings.Join(parts, "; ")
}
