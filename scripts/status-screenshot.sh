#!/usr/bin/env bash
# Makes docs/status-page.png: starts build/openbitsd with the admin listener in a
# temporary directory, gives it a few finished uploads, a few open ones and an error
# (with curl, on 127.0.0.1), and photographs /status with Debian's headless chromium.
# Usage: scripts/status-screenshot.sh [OUTPUT.png]   (after `make build`)
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${1:-$here/docs/status-page.png}")"
bin="${OPENBITSD:-$here/build/openbitsd}"
command -v chromium >/dev/null || { echo "status-screenshot: chromium is not installed" >&2; exit 1; }
[ -x "$bin" ] || { echo "status-screenshot: $bin missing (make build)" >&2; exit 1; }

work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/uploads" "$work/builds"
cat > "$work/openbitsd.toml" <<TOML
[server]
listen = ["127.0.0.1:0"]
log_level = "warn"
[[vdir]]
url = "/uploads/"
root = "$work/uploads"
create_dirs = true
[[vdir]]
url = "/builds/"
root = "$work/builds"
create_dirs = true
[admin]
listen = "127.0.0.1:0"
TOML
"$bin" --config "$work/openbitsd.toml" --port-file "$work/ports" 2>"$work/log" &
pid=$!
for _ in $(seq 100); do [ -s "$work/ports" ] && [ "$(wc -l <"$work/ports")" -ge 2 ] && break; sleep 0.05; done
port="$(sed -n 1p "$work/ports")"
admin="$(sed -n 2p "$work/ports")"
base="http://127.0.0.1:$port"
guid="{7df0354d-249b-430f-820d-3d2a9bef4931}"

post() {  # post PATH PACKET [extra curl args...] -> prints the response headers
  local path="$1" packet="$2"; shift 2
  curl -s -D - -o /dev/null -X BITS_POST -H "BITS-Packet-Type: $packet" "$@" "$base$path"
}
create() { post "$1" Create-Session -H "BITS-Supported-Protocols: $guid" -H "Content-Length: 0" | tr -d '\r' |
  sed -n 's/^BITS-Session-Id: //Ip'; }
fragment() {  # fragment PATH ID FIRST LAST TOTAL
  head -c $(($4 - $3 + 1)) /dev/zero | post "$1" Fragment -H "BITS-Session-Id: $2" \
    -H "Content-Range: bytes $3-$4/$5" --data-binary @- >/dev/null
}
upload() {  # upload PATH SIZE: a whole upload in one fragment, then Close-Session
  local id; id="$(create "$1")"
  fragment "$1" "$id" 0 $(($2 - 1)) "$2"
  post "$1" Close-Session -H "BITS-Session-Id: $id" -H "Content-Length: 0" >/dev/null
}
partial() {  # partial PATH HAVE TOTAL: an open session holding HAVE of TOTAL bytes
  local id; id="$(create "$1")"
  [ "$2" -gt 0 ] && fragment "$1" "$id" 0 $(($2 - 1)) "$3"
  return 0
}
upload /uploads/ws-0142/inventory.xml 48213
upload /uploads/ws-0077/crash-2026-12-03.dmp 1835008
upload /builds/agent-7.4.1.msi 3145728
partial /uploads/ws-0019/eventlog.evtx 6291456 8388608
partial /uploads/ws-0233/screen-capture.mp4 1048576 9437184
partial /builds/nightly/agent-7.5.0-rc1.msi 524288 4194304
partial /uploads/ws-0311/pending.zip 0 0
post /uploads/ws-0666/stale.bin Close-Session -H "Content-Length: 0" \
  -H "BITS-Session-Id: {00000000-0000-0000-0000-00000000dead}" >/dev/null
sleep 1.2   # a second sample, so the page has rates to show
partial /uploads/ws-0233/screen-capture-2.mp4 2097152 9437184

chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
  --user-data-dir="$work/chromium" --window-size=1280,900 --virtual-time-budget=5000 \
  --screenshot="$out" "http://127.0.0.1:$admin/status" 2>/dev/null
echo "status-screenshot: wrote $out"
