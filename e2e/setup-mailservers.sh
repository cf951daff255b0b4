#!/usr/bin/env bash
# A real Dovecot (IMAP) and Postfix (SMTP) on loopback for klachtd's
# end-to-end test (e2e/mailservers_test.go). Root on Debian; no systemd
# needed: the servers are started directly, as their own instances with
# their own config, state and ports, next to (never instead of) a system
# Dovecot or Postfix.
#
#   setup-mailservers.sh install        apt-get install dovecot-imapd dovecot-lmtpd postfix (non-interactive)
#   setup-mailservers.sh up             install if missing, write the config, start both (fresh, empty mailboxes)
#   setup-mailservers.sh down           stop both and remove everything under $KLACHTD_E2E_DIR
#   setup-mailservers.sh dovecot-stop | dovecot-start
#   setup-mailservers.sh postfix-defer DOMAIN   Postfix answers 451 to RCPT TO:<…@DOMAIN>
#   setup-mailservers.sh postfix-accept         and accepts again
#   setup-mailservers.sh postfix-flush          retry Postfix's deferred mail now
#   setup-mailservers.sh status
#
# What it sets up:
#   Dovecot IMAP   127.0.0.1:$KLACHTD_E2E_IMAP_PORT (10143), no TLS, plain login allowed
#   Postfix SMTP   127.0.0.1:$KLACHTD_E2E_SMTP_PORT (10025), accepts from loopback without login
#   Postfix delivers ingressus.test and klant.test to Dovecot by LMTP on
#   127.0.0.1:$KLACHTD_E2E_LMTP_PORT (10124), with recipient_delimiter "+":
#   klachten+anything@ingressus.test lands in klachten@ingressus.test's INBOX.
#   Users (password "test"): $USERS below. Maildirs under $KLACHTD_E2E_DIR/mail,
#   owned by the system user klachtdmail.
#   With KLACHTD_E2E_OAUTH2_INTROSPECT=URL set at "up", Dovecot also takes
#   SASL XOAUTH2 and OAUTHBEARER, checking each token with its oauth2 passdb
#   by RFC 7662 introspection (POST token=...) at URL, which must answer
#   {"active":true,"username":"<the login user>"} (e2e/oauth2_test.go runs one).
set -euo pipefail

BASE=${KLACHTD_E2E_DIR:-/var/tmp/klachtd-e2e}
IMAP_PORT=${KLACHTD_E2E_IMAP_PORT:-10143}
SMTP_PORT=${KLACHTD_E2E_SMTP_PORT:-10025}
LMTP_PORT=${KLACHTD_E2E_LMTP_PORT:-10124}
PASSWORD=test
OAUTH2_INTROSPECT=${KLACHTD_E2E_OAUTH2_INTROSPECT:-}
MAILUSER=klachtdmail
USERS="klachten@ingressus.test sanne@klant.test piet@klant.test anna@klant.test
m.devries@ingressus.test j.bakker@ingressus.test directie@ingressus.test"
DOMAINS="ingressus.test klant.test"
# KLACHTD_E2E_COMPLAINANTS=N adds klant000..klant(N-1)@klant.test (the crash test's complainants).
for i in $(seq 0 $(( ${KLACHTD_E2E_COMPLAINANTS:-0} - 1 ))); do USERS="$USERS $(printf 'klant%03d@klant.test' "$i")"; done

DOVECOT_CONF=$BASE/dovecot/dovecot.conf
POSTFIX_DIR=$BASE/postfix/etc

die() { echo "setup-mailservers: $*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "must run as root (it installs packages, adds a system user and starts servers)"; }

# wait_port PORT [SECONDS]: until something accepts on 127.0.0.1:PORT.
wait_port() {
  local port=$1 n=$(( ${2:-20} * 10 ))
  for _ in $(seq "$n"); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

# wait_closed PORT [SECONDS]: until nothing accepts on 127.0.0.1:PORT.
wait_closed() {
  local port=$1 n=$(( ${2:-20} * 10 ))
  for _ in $(seq "$n"); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

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

write_config() {
  need_root
  if ! id "$MAILUSER" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$MAILUSER"
  fi
  local uid gid
  uid=$(id -u "$MAILUSER")
  gid=$(id -g "$MAILUSER")

  mkdir -p "$BASE/dovecot/run" "$BASE/dovecot/state" "$BASE/mail" "$POSTFIX_DIR"
  chmod 755 "$BASE" "$BASE/dovecot"
  chown "$MAILUSER:$MAILUSER" "$BASE/mail"
  chmod 700 "$BASE/mail"

  # Dovecot: passwd-file users, static userdb, Maildir, IMAP + LMTP on loopback.
  : >"$BASE/dovecot/users"
  for u in $USERS; do echo "$u:{PLAIN}$PASSWORD" >>"$BASE/dovecot/users"; done
  chown root:dovecot "$BASE/dovecot/users"
  chmod 640 "$BASE/dovecot/users"
  local mechs="plain login" oauth2_passdb=""
  if [ -n "$OAUTH2_INTROSPECT" ]; then
    mechs="plain login xoauth2 oauthbearer"
    # After passwd-file: a token is no user's password, so that passdb
    # fails and Dovecot goes on to this one (result_failure = continue).
    cat >"$BASE/dovecot/oauth2.conf.ext" <<EOF
# Written by klachtd's e2e/setup-mailservers.sh.
introspection_mode = post
introspection_url = $OAUTH2_INTROSPECT
username_attribute = username
active_attribute = active
active_value = true
EOF
    oauth2_passdb="passdb {
  driver = oauth2
  args = $BASE/dovecot/oauth2.conf.ext
}"
  fi
  cat >"$DOVECOT_CONF" <<EOF
# Written by klachtd's e2e/setup-mailservers.sh: a Dovecot for tests only.
base_dir = $BASE/dovecot/run
state_dir = $BASE/dovecot/state
instance_name = klachtd-e2e
protocols = imap lmtp
listen = 127.0.0.1
log_path = $BASE/dovecot/dovecot.log
# Loopback only, so no TLS, and plain-text login is allowed.
ssl = no
disable_plaintext_auth = no
auth_mechanisms = $mechs
mail_location = maildir:~/Maildir
first_valid_uid = $uid
last_valid_uid = $uid
first_valid_gid = $gid
last_valid_gid = $gid
# klachten+token@ingressus.test is klachten@ingressus.test, into its INBOX.
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu $BASE/dovecot/users
}
$oauth2_passdb
userdb {
  driver = static
  args = uid=$MAILUSER gid=$MAILUSER home=$BASE/mail/%Ld/%Ln
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $LMTP_PORT
  }
}
EOF

  # Postfix: its own instance (config, queue, data), SMTP on loopback,
  # delivering both test domains to Dovecot by LMTP.
  : >"$POSTFIX_DIR/vmailbox"
  for u in $USERS; do echo "$u OK" >>"$POSTFIX_DIR/vmailbox"; done
  : >"$POSTFIX_DIR/recipient_access"
  cat >"$POSTFIX_DIR/main.cf" <<EOF
# Written by klachtd's e2e/setup-mailservers.sh: a Postfix for tests only.
compatibility_level = 3.6
queue_directory = $BASE/postfix/spool
data_directory = $BASE/postfix/lib
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.ingressus.test
mydomain = ingressus.test
myorigin = \$mydomain
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
alias_maps =
alias_database =
local_transport = error:5.1.1 local delivery is off in this test instance
virtual_mailbox_domains = $DOMAINS
virtual_mailbox_maps = texthash:$POSTFIX_DIR/vmailbox
virtual_transport = lmtp:inet:127.0.0.1:$LMTP_PORT
recipient_delimiter = +
# Seen in practice: Dovecot's LMTP writes Delivered-To (the +token klachtd
# threads by) only when a transaction has one recipient; a mail to
# klachten+token@ and a colleague in one go would arrive without it.
lmtp_destination_recipient_limit = 1
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
# postfix-defer DOMAIN writes "DOMAIN 451 …" here: a deferral at RCPT.
smtpd_recipient_restrictions = check_recipient_access texthash:$POSTFIX_DIR/recipient_access, permit_mynetworks, reject_unauth_destination
smtpd_banner = \$myhostname ESMTP
# A reload reaches only new SMTP sessions; klachtd keeps its connection
# open between letters, so Postfix closing idle sessions soon lets a
# postfix-defer/postfix-accept take effect within seconds (default 300s).
smtpd_timeout = ${KLACHTD_E2E_SMTPD_TIMEOUT:-3s}
# Retry deferred mail (Dovecot stopped) within seconds, not minutes.
queue_run_delay = 2s
minimal_backoff_time = 2s
maximal_backoff_time = 10s
maillog_file = $BASE/postfix/postfix.log
maillog_file_prefixes = /var, /dev/stdout, $BASE
biff = no
smtputf8_enable = no
EOF
  # Debian's master.cf chroots most services; ours runs nothing chrooted.
  cat >"$POSTFIX_DIR/master.cf" <<EOF
# Written by klachtd's e2e/setup-mailservers.sh.
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
pickup     unix  n - n 60   1 pickup
cleanup    unix  n - n -    0 cleanup
qmgr       unix  n - n 300  1 qmgr
rewrite    unix  - - n -    - trivial-rewrite
bounce     unix  - - n -    0 bounce
defer      unix  - - n -    0 bounce
trace      unix  - - n -    0 bounce
verify     unix  - - n -    1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -    - proxymap
proxywrite unix  - - n -    1 proxymap
smtp       unix  - - n -    - smtp
relay      unix  - - n -    - smtp
showq      unix  n - n -    - showq
error      unix  - - n -    - error
retry      unix  - - n -    - error
discard    unix  - - n -    - discard
local      unix  - n n -    - local
virtual    unix  - n n -    - virtual
lmtp       unix  - - n -    - lmtp
anvil      unix  - - n -    1 anvil
scache     unix  - - n -    1 scache
postlog    unix-dgram n - n - 1 postlogd
EOF
}

dovecot_start() {
  # The daemons must not keep our stdout/stderr: a caller that reads them
  # to the end (a test) would wait forever.
  dovecot -c "$DOVECOT_CONF" </dev/null >>"$BASE/dovecot/start.log" 2>&1 ||
    { cat "$BASE/dovecot/start.log" >&2; die "Dovecot did not start"; }
  wait_port "$IMAP_PORT" 20 || die "Dovecot does not listen on 127.0.0.1:$IMAP_PORT; see $BASE/dovecot/dovecot.log"
  wait_port "$LMTP_PORT" 20 || die "Dovecot LMTP does not listen on 127.0.0.1:$LMTP_PORT"
}

# children_of PID: the PIDs whose parent is PID (from /proc; no procps).
children_of() {
  local parent=$1 f stat fields
  for f in /proc/[0-9]*/stat; do
    stat=$(cat "$f" 2>/dev/null) || continue
    # "pid (comm) state ppid …": comm may hold spaces, so cut after ") ".
    read -r -a fields <<<"${stat##*) }"
    if [ "${fields[1]:-}" = "$parent" ]; then
      f=${f#/proc/}
      echo "${f%/stat}"
    fi
  done
}

dovecot_stop() {
  local pidfile=$BASE/dovecot/run/master.pid children=
  if [ -f "$pidfile" ]; then
    # Seen in practice: after "dovecot stop" an imap process that serves a
    # logged-in client (klachtd idling) lives on and keeps answering, so a
    # stop would go unnoticed. A real stop (systemd kills the whole cgroup)
    # ends those sessions too: remember the master's children, by PID.
    children=$(children_of "$(cat "$pidfile")")
    dovecot -c "$DOVECOT_CONF" stop 2>/dev/null || true
  fi
  wait_closed "$IMAP_PORT" 20 || die "Dovecot still listens on $IMAP_PORT"
  for pid in $children; do kill -TERM "$pid" 2>/dev/null || true; done
}

postfix_start() {
  # Postfix's own check creates the queue's subfolders with their owners.
  mkdir -p "$BASE/postfix/spool" "$BASE/postfix/lib"
  chown postfix:postfix "$BASE/postfix/lib"
  if ! postfix -c "$POSTFIX_DIR" check </dev/null >/dev/null 2>&1 ||
    ! postfix -c "$POSTFIX_DIR" start </dev/null >/dev/null 2>&1; then
    tail -5 "$BASE/postfix/postfix.log" >&2 || true
    die "Postfix did not start"
  fi
  wait_port "$SMTP_PORT" 20 || die "Postfix does not listen on 127.0.0.1:$SMTP_PORT; see $BASE/postfix/postfix.log"
}

postfix_stop() {
  if [ -f "$POSTFIX_DIR/main.cf" ] && postfix -c "$POSTFIX_DIR" status >/dev/null 2>&1; then
    postfix -c "$POSTFIX_DIR" stop </dev/null >/dev/null 2>&1 || true
  fi
}

postfix_reload() {
  postfix -c "$POSTFIX_DIR" reload </dev/null >/dev/null 2>&1 || die "postfix reload failed; see $BASE/postfix/postfix.log"
}

up() {
  install_packages
  if [ -e "$BASE" ]; then down; fi
  for port in "$IMAP_PORT" "$SMTP_PORT" "$LMTP_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "127.0.0.1:$port is in use (a leftover instance? \"KLACHTD_E2E_DIR=its-folder $0 down\" stops it); choose other ports with KLACHTD_E2E_IMAP_PORT, KLACHTD_E2E_SMTP_PORT, KLACHTD_E2E_LMTP_PORT"
    fi
  done
  write_config
  dovecot_start
  postfix_start
  echo "setup-mailservers: Dovecot IMAP 127.0.0.1:$IMAP_PORT, Postfix SMTP 127.0.0.1:$SMTP_PORT (LMTP $LMTP_PORT), state in $BASE"
}

down() {
  need_root
  [ -e "$BASE" ] || return 0
  postfix_stop
  dovecot_stop
  # Only ever our own folder: refuse anything that does not look like it.
  [ -f "$DOVECOT_CONF" ] || [ -d "$BASE/postfix" ] || die "$BASE does not look like a klachtd e2e folder; not removing it"
  rm -rf "$BASE"
}

case "${1:-}" in
  install) install_packages ;;
  up) up ;;
  down) down ;;
  dovecot-stop) dovecot_stop ;;
  dovecot-start) dovecot_start ;;
  postfix-defer)
    [ -n "${2:-}" ] || die "postfix-defer DOMAIN"
    echo "$2 451 4.7.1 deferred by klachtd e2e test" >"$POSTFIX_DIR/recipient_access"
    postfix_reload ;;
  postfix-accept)
    : >"$POSTFIX_DIR/recipient_access"
    postfix_reload ;;
  postfix-flush) postqueue -c "$POSTFIX_DIR" -f ;;
  status)
    postfix -c "$POSTFIX_DIR" status || true
    if [ -f "$BASE/dovecot/run/master.pid" ] && kill -0 "$(cat "$BASE/dovecot/run/master.pid")" 2>/dev/null; then
      echo "dovecot is running (pid $(cat "$BASE/dovecot/run/master.pid"))"
    else
      echo "dovecot is not running"
    fi ;;
  *) sed -n '2,28p' "$0" >&2; exit 2 ;;
esac
