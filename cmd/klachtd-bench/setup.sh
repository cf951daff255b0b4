#!/bin/sh
# Installs what klachtd-bench needs on Debian (bookworm or later): Dovecot
# (IMAP) and Postfix (for smtp-sink and smtp-source), as the e2e tests have
# them, and isync (mbsync). The bench starts its own private instances on
# loopback ports (package e2e/mailservers); it does not use or reconfigure
# the system's Dovecot or Postfix. Run as root.
set -eu
bash "$(dirname "$0")/../../e2e/setup-mailservers.sh" install
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq isync
# Go 1.26 and gcc (cgo, for the SQLite driver) are needed to build klachtd.
command -v go >/dev/null || echo "klachtd-bench: install Go 1.26 from https://go.dev/dl/" >&2
command -v gcc >/dev/null || apt-get install -y gcc
