#!/usr/bin/env bash
# A throw-away Ceph cluster with a RADOS Gateway (real S3, SigV4 checked) on loopback,
# without systemd: one monitor, one memstore OSD, no manager, auth none.
#
#   scripts/ceph-rgw.sh start DIR   start it with everything under DIR; prints and writes
#                                   DIR/env (S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY,
#                                   S3_REGION, S3_TLS_ENDPOINT with its certificate in
#                                   S3_CA_FILE, and the daemons' PIDs) once S3 answers
#   scripts/ceph-rgw.sh stop DIR    stop it (gateway first) and remove DIR
#   scripts/ceph-rgw.sh gateway DIR PORT
#                                   run one more gateway of that cluster on plain HTTP
#                                   127.0.0.1:PORT, in the foreground (exec: its PID is
#                                   this script's), with its own name, admin socket, PID
#                                   and log files; same users and buckets. Tests stop and
#                                   start it to take "the store" away without disturbing
#                                   the shared gateway. Stop it with SIGTERM (about 2 s):
#                                   gateways watch each other's cache, and one killed
#                                   with -9 holds up bucket creation and removal on the
#                                   others for 30 s.
#
# Ports are picked free at start, so parallel runs on one machine do not collide (the
# OSD takes free ports from Ceph's 6800-7300 range itself). Data lives in RAM
# (memstore, 1 GiB at most, or CEPH_RGW_MEMSTORE_BYTES); the whole cluster needs about
# 150 MiB besides.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR | gateway DIR PORT" >&2; exit 2; }
[ $# -eq 2 ] || { [ $# -eq 3 ] && [ "$1" = gateway ]; } || usage
cmd=$1
D=$(realpath -m "$2")

log() { echo "ceph-rgw: $*" >&2; }

# Kills the daemons listed in $D/env. SIGKILL at once: the cluster is thrown away with
# its folder (memstore keeps nothing on disk), and each daemon spends about 2 s on a
# graceful stop.
stop_daemons() {
  [ -f "$D/env" ] || return 0
  local pids p
  pids=$(sed -n 's/^\(RGW\|OSD\|MON\)_PID=\([0-9]*\)$/\2/p' "$D/env")
  # Gateways started with "gateway" that a test left running (still radosgw: the PID
  # may have been reused since).
  for p in $(cat "$D"/run/gateway-*.pid 2>/dev/null || true); do
    if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = radosgw ]; then pids="$p $pids"; fi
  done
  for p in $pids; do kill -9 "$p" 2>/dev/null || true; done
  for p in $pids; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
  done
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Shows the end of each daemon's log after a failed start.
fail() {
  log "$*"
  local f
  for f in "$D"/log/*.log; do
    [ -f "$f" ] || continue
    echo "---- $f" >&2
    tail -n 20 "$f" >&2
  done
  stop_daemons
  exit 1
}

start() {
  for tool in ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool monmaptool; do
    command -v "$tool" >/dev/null || { log "$tool not found (scripts/install-deps.sh installs Ceph)"; exit 1; }
  done
  stop_daemons  # leftovers of an interrupted run in the same folder
  rm -rf "$D"
  mkdir -p "$D"/{run,log,mon/ceph-a,osd/ceph-0,rgw}
  local mon_port rgw_port tls_port fsid
  mon_port=$(free_port)
  rgw_port=$(free_port)
  while [ "$rgw_port" = "$mon_port" ]; do rgw_port=$(free_port); done
  tls_port=$(free_port)
  while [ "$tls_port" = "$mon_port" ] || [ "$tls_port" = "$rgw_port" ]; do tls_port=$(free_port); done
  # A self-signed certificate for the TLS endpoint; clients trust it as their CA bundle.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 \
    -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:*.localhost" \
    -keyout "$D/rgw.key" -out "$D/rgw.crt" 2>/dev/null || fail "openssl could not make a certificate"
  fsid=$(cat /proc/sys/kernel/random/uuid)
  cat >"$D/ceph.conf" <<EOC
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
public addr = 127.0.0.1
public network = 127.0.0.1/32
ms bind ipv6 = false
ms bind msgr1 = false
auth cluster required = none
auth service required = none
auth client required = none
# radosgw insists on the secure mode, which auth none does not have.
ms mon client mode = crc
run dir = $D/run
admin socket = $D/run/\$name.asok
log file = $D/log/\$name.log
pid file = $D/run/\$name.pid
keyring = $D/keyring
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
# A nearly full disk must not make the monitor shut down: the data lives in RAM.
mon data avail warn = 1
mon data avail crit = 0
mon data = $D/mon/\$cluster-\$id
osd data = $D/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = ${CEPH_RGW_MEMSTORE_BYTES:-1073741824}
osd memory target = 939524096
osd op num shards = 1
osd op num threads per shard = 2
[client.rgw.test]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port ssl_endpoint=127.0.0.1:$tls_port ssl_certificate=$D/rgw.crt ssl_private_key=$D/rgw.key
# Virtual-host addressing: Host "BUCKET.localhost:PORT" names the bucket.
rgw dns name = localhost
rgw data = $D/rgw
rgw thread pool size = 32
# SIGTERM (by hand) otherwise waits 120 s for requests that can no longer finish.
rgw exit timeout secs = 2
EOC
  export CEPH_CONF=$D/ceph.conf
  ceph-authtool --create-keyring "$D/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$D/monmap" >/dev/null
  ceph-mon --mkfs -i a --monmap "$D/monmap" --keyring "$D/keyring" 2>>"$D/log/mkfs.log" ||
    fail "ceph-mon --mkfs failed"
  ceph-mon -f -i a </dev/null >>"$D/log/mon.out" 2>&1 &
  echo "MON_PID=$!" >"$D/env"
  local osd_uuid osd_id
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  osd_id=$(timeout 60 ceph --connect-timeout 30 osd new "$osd_uuid" 2>>"$D/log/mkfs.log") ||
    fail "the monitor did not answer"
  ceph-osd -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" >>"$D/log/mkfs.log" 2>&1 ||
    fail "ceph-osd --mkfs failed"
  ceph-osd -f -i "$osd_id" </dev/null >>"$D/log/osd.out" 2>&1 &
  echo "OSD_PID=$!" >>"$D/env"
  local up=0
  for _ in $(seq 120); do
    if timeout 10 ceph osd stat 2>/dev/null | grep -q '1 up'; then up=1; break; fi
    sleep 0.5
  done
  [ $up = 1 ] || fail "the OSD did not come up"
  radosgw -f -n client.rgw.test </dev/null >>"$D/log/rgw.out" 2>&1 &
  echo "RGW_PID=$!" >>"$D/env"
  local answers=0
  for _ in $(seq 240); do
    if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$rgw_port/"; then answers=1; break; fi
    sleep 0.25
  done
  [ $answers = 1 ] || fail "radosgw did not answer on port $rgw_port"
  timeout 60 radosgw-admin user create --uid=tester --display-name=Tester \
    --access-key=OPENBITSTESTKEY --secret-key=openbits-test-secret >/dev/null 2>>"$D/log/mkfs.log" ||
    fail "radosgw-admin user create failed"
  # The gateway creates its bucket, data and multipart pools on first use, which takes
  # seconds: do it here once rather than in whichever test comes first.
  local e="http://127.0.0.1:$rgw_port/openbits-warm-up"
  local a=(-s -f --max-time 60 --aws-sigv4 "aws:amz:us-east-1:s3"
    --user "OPENBITSTESTKEY:openbits-test-secret" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
  local up
  curl "${a[@]}" -X PUT "$e" >/dev/null &&
    curl "${a[@]}" -X PUT --data-binary warm "$e/o" >/dev/null &&
    up=$(curl "${a[@]}" -X POST "$e/o?uploads=" | sed -n 's:.*<UploadId>\(.*\)</UploadId>.*:\1:p') &&
    curl "${a[@]}" -X DELETE "$e/o?uploadId=$up" >/dev/null &&
    curl "${a[@]}" -X DELETE "$e/o" >/dev/null &&
    curl "${a[@]}" -X DELETE "$e" >/dev/null || fail "the gateway's first requests failed"
  cat >>"$D/env" <<EOE
S3_ENDPOINT=http://127.0.0.1:$rgw_port
S3_ACCESS_KEY=OPENBITSTESTKEY
S3_SECRET_KEY=openbits-test-secret
S3_REGION=us-east-1
S3_TLS_ENDPOINT=https://127.0.0.1:$tls_port
S3_CA_FILE=$D/rgw.crt
EOE
  cat "$D/env"
}

# One more radosgw of the cluster in $D, on port $1, replacing this shell.
gateway() {
  local port=$1 name=client.rgw.p$1
  [ -f "$D/ceph.conf" ] || { log "no cluster in $D (start it first)"; exit 1; }
  mkdir -p "$D/rgw-$port"
  export CEPH_CONF=$D/ceph.conf
  echo $$ >"$D/run/gateway-$port.pid"
  exec radosgw -f -n "$name" --rgw-frontends "beast endpoint=127.0.0.1:$port" \
    --rgw-dns-name localhost --rgw-data "$D/rgw-$port" --rgw-thread-pool-size 32 \
    --rgw-exit-timeout-secs 2 </dev/null
}

case $cmd in
  start) start ;;
  gateway) gateway "$3" ;;
  stop)
    stop_daemons
    rm -rf "$D"
    ;;
  *) usage ;;
esac
