package main

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/ingressus/klachtd/mailbox"
)

// traceFlag is --trace: off, on with mail bodies redacted (--trace), or
// everything (--trace=full). The transcript holds complainants' personal
// data, so bodies stay out unless asked for.
type traceFlag string

func (f *traceFlag) String() string { return string(*f) }

// IsBoolFlag lets "--trace" stand alone.
func (f *traceFlag) IsBoolFlag() bool { return true }

func (f *traceFlag) Set(v string) error {
	switch v {
	case "true", "redacted":
		*f = "redacted"
	case "full":
		*f = "full"
	case "false", "":
		*f = ""
	default:
		return fmt.Errorf(`expected --trace, --trace=full or --trace=false, got %q`, v)
	}
	return nil
}

const traceUsage = "write the IMAP protocol transcript to stderr (no passwords; mail bodies redacted unless --trace=full)"

// writer returns where the transcript goes, nil when off, and says at
// start what the log will hold.
func (f traceFlag) writer(stderr io.Writer, log *slog.Logger) io.Writer {
	switch f {
	case "full":
		log.Warn("--trace=full: the IMAP transcript in this log holds whole mails, with complainants' personal data; keep the log safe and delete it when done")
		return stderr
	case "redacted":
		log.Warn("--trace: the IMAP transcript goes to this log; mail bodies are redacted (--trace=full shows them), but headers in command lines and addresses may remain")
		return mailbox.RedactLiterals(stderr)
	}
	return nil
}
