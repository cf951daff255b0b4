#!/bin/sh
# Installs what klachtd-bench needs on Debian (bookworm or later):
# Dovecot (IMAP), Postfix (for smtp-sink and smtp-source) and isync (mbsync).
# The bench starts its own private instances on loopback ports; it does not
# use or reconfigure the system's Dovecot or Postfix. Run as root.
set -eu
export DEBIAN_FRONTEND=noninteractive
# Postfix asks how to configure the system's mail: leave it unconfigured.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update
apt-get install -y dovecot-imapd postfix isync
# Go 1.26 and gcc (cgo, for the SQLite driver) are needed to build klachtd.
command -v go >/dev/null || echo "klachtd-bench: install Go 1.26 from https://go.dev/dl/" >&2
command -v gcc >/dev/null || apt-get install -y gcc
