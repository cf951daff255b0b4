#!/usr/bin/env bash
# Installs Debian's Dovecot (IMAP, LMTP) and Postfix for klachtd's
# end-to-end tests and benchmark, non-interactively, as root:
#
#   setup-mailservers.sh install
#
# It only installs: the tests and the benchmark run their own private
# instances on loopback ports, with their own config, state and mail, next
# to (never instead of) a system Dovecot or Postfix; package e2e/mailservers
# writes their config, starts and stops them. The packages' own services are
# kept from starting.
set -euo pipefail

die() { echo "setup-mailservers: $*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "must run as root (it installs packages)"; }

install_packages() {
  need_root
  if command -v dovecot >/dev/null && command -v postfix >/dev/null && [ -x /usr/lib/dovecot/imap ] && [ -x /usr/lib/dovecot/lmtp ]; then
    echo "setup-mailservers: dovecot-imapd, dovecot-lmtpd and postfix already installed"
    return
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Postfix's installer asks what kind of mail server this is; answer.
  echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
  echo "postfix postfix/mailname string ingressus.test" | debconf-set-selections
  # Keep the packages' own services from starting (no systemd here, maybe;
  # and we run our own instances): the standard policy-rc.d answer 101.
  local policy=/usr/sbin/policy-rc.d made_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    made_policy=1
  fi
  # apt-get update only when the lists are missing or stale.
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
    apt-get update -qq
  fi
  apt-get install -y -qq -o DPkg::Lock::Timeout=600 dovecot-imapd dovecot-lmtpd postfix >/dev/null
  if [ -n "$made_policy" ]; then rm -f "$policy"; fi
  echo "setup-mailservers: installed $(dovecot --version | cut -d' ' -f1) and postfix $(postconf -dh mail_version)"
}

case "${1:-}" in
  install) install_packages ;;
  *) sed -n '2,11p' "$0" >&2; exit 2 ;;
esac
