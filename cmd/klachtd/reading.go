package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ingressus/klachtd/correspondence"
)

// openForReading opens the gateway for an operator command that only reads
// and renders no letter (list, show). It parses no templates: parsing every
// letter in both languages was most of such a command's start-up (issue 17:
// each operator command under 200 ms). The daemon and every command that
// may queue or render a letter open with openFromFlags, so a broken
// template still fails them at start.
func openForReading(ctx context.Context, cfgPath string, stderr io.Writer) (*correspondence.Gateway, func(), error) {
	if err := needConfig(cfgPath); err != nil {
		return nil, nil, err
	}
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		return nil, nil, err
	}
	store, err := correspondence.OpenStore(ctx, cfg.path(cfg.Gateway.Database))
	if err != nil {
		return nil, nil, err
	}
	// No renderer: nothing these commands call renders.
	return cfg.gateway(store, nil, newLogger(stderr, "warn")), func() { store.Close() }, nil
}

// listPage is how many complaints `klachtd list` prints by default: a
// decade's store holds a hundred thousand.
const listPage = 50

// listFooter says which matches were printed and how to see the rest;
// nothing when all were.
func listFooter(total, offset, shown int) string {
	if shown == total {
		return ""
	}
	if shown == 0 {
		return fmt.Sprintf("\nnone from --offset %d: %d complaints match\n", offset, total)
	}
	s := fmt.Sprintf("\n%d to %d of %d complaints", offset+1, offset+shown, total)
	if next := offset + shown; next < total {
		s += fmt.Sprintf("; the next page: --offset %d (--limit 0 prints all)", next)
	}
	return s + "\n"
}
