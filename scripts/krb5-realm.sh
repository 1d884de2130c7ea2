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
#   DIR/ntlm_users                   NTLM accounts as smbpasswd lines (NT hashes):
#                                    TESTDOM\bob (bobntlmpw), TESTDOM\carol (carolntlmpw)
#   DIR/ntlm_users_plain             the same accounts as DOMAIN:user:password lines
#   DIR/ntlm_client_bob, DIR/ntlm_client_carol, DIR/ntlm_client_wrong
#                                    one-line files for an NTLM initiator (the last one
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
D=$(realpath -m "$2")
REALM=EXAMPLE.TEST
kdc_pid=""  # the KDC launch_kdc started last
ready=0     # set once start has made everything

log() { echo "krb5-realm: $*" >&2; }

# True while process `pid` runs (a killed KDC whose parent is gone stays a zombie
# until init reaps it: that counts as stopped).
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat:0:1}" != Z ]
}

# SIGKILL at once: the realm is thrown away with its folder, the KDC keeps nothing in
# memory that the database lacks, and it spends a second or more on a graceful stop.
stop_kdc() {
  local pid=$kdc_pid
  [ -z "$pid" ] && [ -f "$D/env" ] && pid=$(sed -n 's/^BITS_KRB5_KDC_PID=\([0-9]*\)$/\1/p' "$D/env")
  [ -n "$pid" ] || return 0
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 100); do running "$pid" || return 0; sleep 0.01; done
}

fail() {
  log "$*"
  [ -f "$D/kdc.log" ] && tail -n 20 "$D/kdc.log" >&2
  stop_kdc
  exit 1
}

# A port nothing listens on now, below the range the kernel hands out to outgoing
# connections (a kinit's own port must not be picked while it runs). launch_kdc tries
# again should it be taken all the same.
free_port() {
  local low top port
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  top=$((low > 12000 ? low : 61000))
  while :; do
    port=$((10000 + RANDOM % (top - 10000)))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  echo "$port"
}

# krb5.conf (clients) and kdc.conf (the KDC) for a KDC on `port`.
write_config() {
  local port=$1 krb5_conf=$2 kdc_conf=$3
  # Deterministic names: no DNS canonicalisation or reverse lookups, so a client asks
  # for exactly HTTP/<host in the URL>.
  cat >"$krb5_conf" <<EOC
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
  cat >"$kdc_conf" <<EOC
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

# Starts krb5kdc in the foreground (in the background of this script) with the configs
# `name`.krb5.conf and `name`.kdc.conf on a free port, with the extra environment
# `VAR=value` arguments, and waits until it answers. Sets kdc_pid and kdc_port.
launch_kdc() {
  local name=$1 attempt
  shift
  for attempt in 1 2 3; do
    kdc_port=$(free_port)
    write_config "$kdc_port" "$D/$name.krb5.conf" "$D/$name.kdc.conf"
    env KRB5_KDC_PROFILE="$D/$name.kdc.conf" "$@" krb5kdc -n -r "$REALM" </dev/null >>"$D/kdc.out" 2>&1 &
    kdc_pid=$!
    for _ in $(seq 300); do
      kill -0 "$kdc_pid" 2>/dev/null || break
      (exec 3<>"/dev/tcp/127.0.0.1/$kdc_port") 2>/dev/null && kill -0 "$kdc_pid" 2>/dev/null && return 0
      sleep 0.01
    done
    kill -9 "$kdc_pid" 2>/dev/null || true
    wait "$kdc_pid" 2>/dev/null || true
    kdc_pid=""
    log "the $name KDC did not start on port $kdc_port (attempt $attempt)"
  done
  return 1
}

# Sets the clock offset in the header of a FILE ccache (format version 4, header tag 1:
# seconds the client adds to its clock, as kdc_timesync records them), big-endian.
set_ccache_offset() {
  local file=$1 offset=$2 hex
  [ "$(head -c 8 "$file" | od -An -tx1 | tr -d ' \n')" = 0504000c00010008 ] || return 1
  hex=$(printf '%08x' $((offset & 0xffffffff)))
  printf '%b' "\\x${hex:0:2}\\x${hex:2:2}\\x${hex:4:2}\\x${hex:6:2}" |
    dd of="$file" bs=1 seek=8 conv=notrunc status=none
}

# The service ticket comes with the initial request (-S): with the clock an hour ahead,
# the KDC would refuse to issue it later.
make_skewed_ticket() {
  echo alicepw | kinit -S HTTP/localhost -c "FILE:$D/alice_skewed.ccache" alice >/dev/null &&
    set_ccache_offset "$D/alice_skewed.ccache" 3600
}

# A second KDC on the same database, two hours in the past (libfaketime, preloaded with
# `env` so that the PID is the KDC's), for one kinit run in the past too (so that the
# ticket's requested end lies in the past as well).
make_expired_ticket() {
  local libs=(/usr/lib/*/faketime/libfaketime.so.1) lib rc=0
  lib=${libs[0]}
  [ -e "$lib" ] || { log "libfaketime not found (scripts/install-deps.sh installs faketime)"; return 1; }
  launch_kdc past LD_PRELOAD="$lib" FAKETIME=-7200 || return 1
  echo alicepw | env KRB5_CONFIG="$D/past.krb5.conf" LD_PRELOAD="$lib" FAKETIME=-7200 \
    kinit -l 1h -S HTTP/localhost -c "FILE:$D/alice_expired.ccache" alice >/dev/null || rc=1
  kill -9 "$kdc_pid" 2>/dev/null || true
  wait "$kdc_pid" 2>/dev/null || true
  [ $rc = 0 ] && set_ccache_offset "$D/alice_expired.ccache" -7200
}

# One smbpasswd line: the NT hash is MD4 over the UTF-16LE password (OpenSSL keeps MD4
# in its legacy provider).
smbpasswd_line() {
  local user=$1 uid=$2 password=$3 hash
  hash=$(printf '%s' "$password" | iconv -f UTF-8 -t UTF-16LE |
    openssl dgst -md4 -provider legacy -provider default | sed 's/.*= *//' | tr a-f A-F)
  [ ${#hash} = 32 ] || fail "openssl could not compute an NT hash"
  printf '%s:%s:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:%s:[U          ]:LCT-00000000:\n' \
    "$user" "$uid" "$hash"
}

make_database() {
  kdb5_util create -s -r "$REALM" -P masterpw >/dev/null || return 1
  # One kadmin.local for every principal and keytab: it reads the requests from stdin.
  kadmin.local -r "$REALM" <<EOK || return 1
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
  [ -s "$D/http.keytab" ] && [ -s "$D/ws01.keytab" ]
}

start() {
  for tool in kdb5_util kadmin.local krb5kdc kinit; do
    command -v "$tool" >/dev/null ||
      { log "$tool not found (scripts/install-deps.sh installs krb5-kdc, krb5-admin-server, krb5-user)"; exit 1; }
  done
  stop_kdc
  rm -rf "$D"
  mkdir -p "$D"
  trap '[ $ready = 1 ] || stop_kdc' EXIT  # no KDC outlives a failed start
  # The tools read the realm's files only, and write nothing outside DIR.
  export KRB5_CONFIG=$D/krb5.conf KRB5_KDC_PROFILE=$D/kdc.conf
  export KRB5CCNAME=FILE:$D/default.ccache KRB5_KTNAME=FILE:$D/default.keytab KRB5RCACHETYPE=none
  : >"$D/kadm5.acl"
  write_config 0 "$D/krb5.conf" "$D/kdc.conf"
  make_database >>"$D/setup.log" 2>&1 || fail "kdb5_util or kadmin.local failed (see $D/setup.log)"

  launch_kdc realm || fail "the KDC did not start"
  mv "$D/realm.krb5.conf" "$D/krb5.conf"
  mv "$D/realm.kdc.conf" "$D/kdc.conf"
  cat >"$D/env" <<EOE
KRB5_CONFIG=$D/krb5.conf
KRB5_KDC_PROFILE=$D/kdc.conf
BITS_KRB5_REALM=$REALM
BITS_KRB5_DIR=$D
BITS_KRB5_KDC_PORT=$kdc_port
BITS_KRB5_KDC_PID=$kdc_pid
EOE

  # The tickets, all at once: each kinit mostly waits for the KDC. kinit reads the
  # password from its standard input when that is not a terminal.
  local jobs=() job ok=1
  { echo alicepw | kinit -c "FILE:$D/alice.ccache" alice >/dev/null; } 2>>"$D/setup.log" &
  jobs+=($!)
  { echo bobpw | kinit -c "FILE:$D/bob.ccache" bob >/dev/null; } 2>>"$D/setup.log" &
  jobs+=($!)
  kinit -k -t "$D/ws01.keytab" -c "FILE:$D/ws01.ccache" 'WS01$' 2>>"$D/setup.log" &
  jobs+=($!)
  make_skewed_ticket 2>>"$D/setup.log" &
  jobs+=($!)
  make_expired_ticket 2>>"$D/setup.log" &
  jobs+=($!)
  for job in "${jobs[@]}"; do wait "$job" || ok=0; done
  [ $ok = 1 ] || fail "getting the test tickets failed (see $D/setup.log)"
  rm -f "$D"/past.*.conf

  smbpasswd_line 'TESTDOM\bob' 1001 bobntlmpw >"$D/ntlm_users"
  smbpasswd_line 'TESTDOM\carol' 1002 carolntlmpw >>"$D/ntlm_users"
  printf 'TESTDOM:bob:bobntlmpw\nTESTDOM:carol:carolntlmpw\n' >"$D/ntlm_users_plain"
  printf 'TESTDOM:bob:bobntlmpw\n' >"$D/ntlm_client_bob"
  printf 'TESTDOM:carol:carolntlmpw\n' >"$D/ntlm_client_carol"
  printf 'TESTDOM:bob:not-the-password\n' >"$D/ntlm_client_wrong"
  ready=1
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
