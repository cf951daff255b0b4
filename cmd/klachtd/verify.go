package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/ingressus/klachtd/correspondence"
)

// errRecordChanged is verify's failure: the record is not as it was stored.
type errRecordChanged struct{ n int }

func (e errRecordChanged) Error() string {
	return fmt.Sprintf("the record was changed: %d problems (see above)", e.n)
}

func cmdVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("verify", stderr)
	cfgPath := fs.String("config", "", "config file (TOML)")
	asJSON := fs.Bool("json", false, "print JSON")
	anchor := fs.String("anchor", "", "a chain head published earlier (the digest shows it): check the record up to it is unchanged")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	// A typo must not read as evidence of tampering: only a whole head can
	// be looked for in the chain.
	if a := strings.TrimSpace(*anchor); a != "" && !isChainHead(a) {
		return usageError{fmt.Sprintf("--anchor %q is not a whole chain head: give all 64 hexadecimal characters a digest printed under \"Kop van de hashketen\" (\"Head of the record's hash chain\")", a)}
	}
	gw, closeFn, err := openFromFlags(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	r, err := gw.Verify(ctx)
	if err != nil {
		return err
	}
	if *anchor != "" {
		seq, found, err := gw.VerifyAnchor(ctx, *anchor)
		if err != nil {
			return err
		}
		if !found {
			r.Problems = append(r.Problems, correspondence.VerifyProblem{Kind: "anchor",
				Detail: "the published chain head " + *anchor + " is not in the chain: the record before it was rewritten"})
		} else if !*asJSON {
			fmt.Fprintf(stdout, "anchor %s found at ledger entry %d\n", *anchor, seq)
		}
	}
	if *asJSON {
		if err := json.NewEncoder(stdout).Encode(r); err != nil {
			return err
		}
	} else {
		printVerify(stdout, r)
	}
	if !r.OK() {
		return errRecordChanged{len(r.Problems)}
	}
	return nil
}

// printVerify writes the walk's result for a reader.
func printVerify(w io.Writer, r *correspondence.VerifyReport) {
	for _, p := range r.Problems {
		where := p.Table
		if p.Row != 0 {
			where = fmt.Sprintf("%s row %d", p.Table, p.Row)
		}
		if p.Ref != "" {
			where += " (" + p.Ref + ")"
		}
		if where == "" && p.Seq != 0 {
			where = fmt.Sprintf("ledger entry %d", p.Seq)
		}
		if where == "" {
			where = "ledger"
		}
		fmt.Fprintf(w, "%s: %s: %s\n", p.Kind, where, p.Detail)
	}
	verdict := "intact"
	if !r.OK() {
		verdict = "NOT intact"
	}
	fmt.Fprintf(w, "record %s: %d ledger entries, %d rows as stored, %d erased by a recorded erasure; chain head %s\n",
		verdict, r.Entries, r.Intact, r.Erased, r.Head)
}

// isChainHead reports whether s is a whole ledger chain head: a SHA-256 in
// hexadecimal.
func isChainHead(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
