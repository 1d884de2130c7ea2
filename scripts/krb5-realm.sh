#!/usr/bin/env bash
# A throw-away MIT Kerberos realm on loopback for the Negotiate tests: a database made
# with kdb5_util and kadmin.local, and krb5kdc in the foreground. Nothing in /etc is read
# or written; every file lives under DIR.
#
#   scripts/krb5-realm.sh start DIR   make realm EXAMPLE.TEST under DIR, start its KDC on a
#                                     free 127.0.0.1 port, and write DIR/env (see below)
#   scripts/krb5-realm.sh stop DIR    stop the KDC and remove DIR
#
# DIR/env holds NAME=value lines: KRB5_CONFIG and KRB5_KDC_PROFILE (point a process at
# the realm), BITS_KRB5_REALM, BITS_KRB5_DIR, BITS_KRB5_KDC_PORT, BITS_KRB5_KDC_PID.
#
# What the realm holds (passwords are test data, not secrets):
#   HTTP/localhost, HTTP/127.0.0.1   keys in DIR/http.keytab (the server's keytab)
#   DIR/stale.keytab                 an older key of HTTP/localhost (kvno one lower), as
#                                    left behind when a service account's key changes
#   HTTP/other.example.test          keys in DIR/other.keytab (a keytab for another name)
#   alice, bob                       passwords alicepw, bobpw; alice kinit'ed into
#                                    DIR/alice.ccache, bob into DIR/bob.ccache
#   WS01$                            a machine account: random key in DIR/ws01.keytab,
#                                    kinit'ed with it into DIR/ws01.ccache
#   DIR/alice_skewed.ccache          alice's tickets, on a client whose clock is an hour
#                                    ahead (the ccache's clock offset says so)
#   DIR/alice_expired.ccache         a ticket for HTTP/localhost that expired an hour ago,
#                                    on a client whose clock is two hours behind (so the
#                                    client still uses it): issued by this realm's KDC
#                                    run two hours in the past under faketime
#   DIR/ntlm_users                   NTLM accounts (DOMAIN:user:password): TESTDOM\bob
#                                    (bobntlmpw), TESTDOM\carol (carolntlmpw)
#   DIR/ntlm_client_bob, DIR/ntlm_client_carol, DIR/ntlm_client_wrong
#                                    one-line files for an NTLM initiator (the last one
#                                    holds a wrong password for bob)
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
D=$(realpath -m "$2")
REALM=EXAMPLE.TEST

log() { echo "krb5-realm: $*" >&2; }

# SIGKILL at once: the realm is thrown away with its folder, the KDC keeps nothing in
# memory that the database lacks, and it spends a second or more on a graceful stop.
stop_kdc() {
  [ -f "$D/env" ] || return 0
  local pid
  pid=$(sed -n 's/^BITS_KRB5_KDC_PID=\([0-9]*\)$/\1/p' "$D/env")
  [ -n "$pid" ] || return 0
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.01; done
}

# A port nothing listens on (TCP) now; the KDC's start is retried should it be taken.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  echo "$port"
}

fail() {
  log "$*"
  [ -f "$D/kdc.log" ] && tail -n 20 "$D/kdc.log" >&2
  stop_kdc
  exit 1
}

write_config() {
  local port=$1
  # Deterministic names: no DNS canonicalisation or reverse lookups, so a client asks
  # for exactly HTTP/<host in the URL>.
  cat >"$D/krb5.conf" <<EOC
[libdefaults]
  default_realm = $REALM
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  udp_preference_limit = 1
  default_ccache_name = FILE:$D/default.ccache
  default_keytab_name = FILE:$D/default.keytab
[realms]
  $REALM = {
    kdc = 127.0.0.1:$port
  }
[domain_realm]
  localhost = $REALM
  127.0.0.1 = $REALM
EOC
  cat >"$D/kdc.conf" <<EOC
[kdcdefaults]
  kdc_listen = 127.0.0.1:$port
  kdc_tcp_listen = 127.0.0.1:$port
[realms]
  $REALM = {
    database_name = $D/principal
    key_stash_file = $D/stash
    acl_file = $D/kadm5.acl
    max_life = 10h
  }
[logging]
  kdc = FILE:$D/kdc.log
  admin_server = FILE:$D/kadmin.log
  default = FILE:$D/krb5lib.log
EOC
}

# Sets the clock offset in the header of a FILE ccache (format version 4, header tag 1:
# seconds the client adds to its clock, as kdc_timesync records them), big-endian.
set_ccache_offset() {
  local file=$1 offset=$2 hex
  [ "$(head -c 8 "$file" | od -An -tx1 | tr -d ' \n')" = 0504000c00010008 ] || return 1
  hex=$(printf '%08x' $((offset & 0xffffffff)))
  printf "\\x${hex:0:2}\\x${hex:2:2}\\x${hex:4:2}\\x${hex:6:2}" |
    dd of="$file" bs=1 seek=8 conv=notrunc status=none
}

# The library that runs a command two hours in the past (preloaded with `env`, so that
# the command keeps the PID it was started with).
faketime_library() {
  local lib
  lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
  [ -n "$lib" ] || fail "libfaketime not found (scripts/install-deps.sh installs faketime)"
  echo "$lib"
}

make_skewed_tickets() {
  echo alicepw | kinit -S HTTP/localhost -c "FILE:$D/alice_skewed.ccache" alice >/dev/null 2>>"$D/setup.log" ||
    fail "kinit alice for HTTP/localhost failed"
  set_ccache_offset "$D/alice_skewed.ccache" 3600 || fail "could not write alice_skewed.ccache"
  # A second KDC on the same database, two hours in the past, for one kinit that runs
  # in the past too (so that the ticket's requested end lies in the past as well).
  local port pid rc=0 lib
  lib=$(faketime_library)
  port=$(free_port)
  sed "s/127.0.0.1:[0-9]*/127.0.0.1:$port/" "$D/kdc.conf" >"$D/kdc-past.conf"
  sed "s/127.0.0.1:[0-9]*/127.0.0.1:$port/" "$D/krb5.conf" >"$D/krb5-past.conf"
  env KRB5_KDC_PROFILE="$D/kdc-past.conf" LD_PRELOAD="$lib" FAKETIME=-7200 krb5kdc -n -r "$REALM" </dev/null >>"$D/kdc.out" 2>&1 &
  pid=$!
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  echo alicepw | env KRB5_CONFIG="$D/krb5-past.conf" LD_PRELOAD="$lib" FAKETIME=-7200 \
    kinit -l 1h -S HTTP/localhost -c "FILE:$D/alice_expired.ccache" alice >/dev/null 2>>"$D/setup.log" ||
    rc=1
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$D/kdc-past.conf" "$D/krb5-past.conf"
  [ $rc = 0 ] || fail "kinit against the KDC in the past failed"
  set_ccache_offset "$D/alice_expired.ccache" -7200 || fail "could not write alice_expired.ccache"
}

start() {
  for tool in kdb5_util kadmin.local krb5kdc kinit; do
    command -v "$tool" >/dev/null ||
      { log "$tool not found (scripts/install-deps.sh installs krb5-kdc, krb5-admin-server, krb5-user, faketime)"; exit 1; }
  done
  stop_kdc
  rm -rf "$D"
  mkdir -p "$D"
  export KRB5_CONFIG=$D/krb5.conf KRB5_KDC_PROFILE=$D/kdc.conf
  # The tools must not touch anything outside DIR.
  export KRB5CCNAME=FILE:$D/default.ccache KRB5_KTNAME=FILE:$D/default.keytab KRB5RCACHETYPE=none
  : >"$D/kadm5.acl"

  local attempt port pid
  for attempt in 1 2 3; do
    port=$(free_port)
    write_config "$port"
    if [ ! -f "$D/principal" ]; then
      kdb5_util create -s -r "$REALM" -P masterpw >/dev/null 2>>"$D/setup.log" ||
        fail "kdb5_util create failed (see $D/setup.log)"
      # One kadmin.local for every principal and keytab: it reads the requests from stdin.
      kadmin.local -r "$REALM" >>"$D/setup.log" 2>&1 <<EOK || fail "kadmin.local failed (see $D/setup.log)"
addprinc -randkey HTTP/localhost
addprinc -randkey HTTP/127.0.0.1
addprinc -randkey HTTP/other.example.test
ktadd -k $D/stale.keytab HTTP/localhost
ktadd -k $D/http.keytab HTTP/localhost HTTP/127.0.0.1
ktadd -k $D/other.keytab HTTP/other.example.test
addprinc -pw alicepw alice
addprinc -pw bobpw bob
addprinc -randkey WS01\$
ktadd -k $D/ws01.keytab WS01\$
EOK
      [ -s "$D/http.keytab" ] && [ -s "$D/ws01.keytab" ] || fail "kadmin.local made no keytab (see $D/setup.log)"
    fi
    krb5kdc -n -r "$REALM" </dev/null >>"$D/kdc.out" 2>&1 &
    pid=$!
    for _ in $(seq 200); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.01
    done
    if kill -0 "$pid" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      break
    fi
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
    log "the KDC did not start on port $port (attempt $attempt)"
  done
  [ -n "$pid" ] || fail "the KDC did not start"
  cat >"$D/env" <<EOE
KRB5_CONFIG=$D/krb5.conf
KRB5_KDC_PROFILE=$D/kdc.conf
BITS_KRB5_REALM=$REALM
BITS_KRB5_DIR=$D
BITS_KRB5_KDC_PORT=$port
BITS_KRB5_KDC_PID=$pid
EOE

  # kinit reads the password from its standard input when that is not a terminal.
  echo alicepw | kinit -c "FILE:$D/alice.ccache" alice >/dev/null 2>>"$D/setup.log" || fail "kinit alice failed"
  echo bobpw | kinit -c "FILE:$D/bob.ccache" bob >/dev/null 2>>"$D/setup.log" || fail "kinit bob failed"
  kinit -k -t "$D/ws01.keytab" -c "FILE:$D/ws01.ccache" 'WS01$' 2>>"$D/setup.log" || fail "kinit WS01\$ failed"

  make_skewed_tickets
  printf 'TESTDOM:bob:bobntlmpw\nTESTDOM:carol:carolntlmpw\n' >"$D/ntlm_users"
  make_skewed_tickets
  printf 'TESTDOM:bob:bobntlmpw\n' >"$D/ntlm_client_bob"
  printf 'TESTDOM:carol:carolntlmpw\n' >"$D/ntlm_client_carol"
  printf 'TESTDOM:bob:not-the-password\n' >"$D/ntlm_client_wrong"
  cat "$D/env"
}

case $cmd in
  start) start ;;
  stop)
    stop_kdc
    rm -rf "$D"
    ;;
  *) usage ;;
esac
