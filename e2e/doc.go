// Package e2e holds klachtd's whole-system tests: the binary as a separate
// process against mail servers it does not share memory with. Both are
// gated by environment variables, so `go test ./...` skips them and says how
// to run them:
//
//	KLACHTD_CRASH=1 go test -count=1 -v ./e2e/ -run Crash
//	    the daemon SIGKILLed at random moments over a backlog in the
//	    demo mail world (klachtd devmail, kept on disk);
//	KLACHTD_E2E=1 go test -count=1 -v ./e2e/ -run E2E
//	    a real Dovecot (IMAP) and Postfix (SMTP) on loopback, installed by
//	    e2e/setup-mailservers.sh (root, Debian) and run by package
//	    e2e/mailservers, with their faults.
//
// The package has no code of its own: only tests (e2e/mailservers is the
// code that runs the real servers, here and in cmd/klachtd-bench).
package e2e
