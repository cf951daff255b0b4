package main

import (
	"context"
	"fmt"
	"io"
)

// RetentionConfig is the [retention] table: how long personal data is kept.
type RetentionConfig struct {
	// MonthsAfterClosure is the retention term: this many months after a
	// complaint closes, its personal data is erased (a legal hold excepted).
	MonthsAfterClosure int `toml:"months_after_closure"`
}

func (r RetentionConfig) validate() []string {
	// Ten years is far past any limitation period that could need the file;
	// a longer term is more likely a typo (240 for 24).
	if r.MonthsAfterClosure < 1 || r.MonthsAfterClosure > 120 {
		return []string{fmt.Sprintf("retention.months_after_closure: expected a number of months from 1 to 120 (24 is usual), got %d", r.MonthsAfterClosure)}
	}
	return nil
}

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
