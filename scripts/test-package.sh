#!/usr/bin/env bash
# The Debian package on this machine, as root: build it (scripts/build-deb.sh), install
# it with dpkg -i, check what it installed, run the unit's ExecStart line as the unit's
# user (there is no systemd in CI: setpriv stands in for it, with the unit's umask and
# no new privileges; --listen 127.0.0.1:0 replaces the packaged listener so a busy port
# 8080 cannot fail the test), upload a file with the installed client, stop the server
# with SIGTERM, run lintian, purge, and check that the user and the configuration are
# gone and the upload is kept. The machine is left as it was found: what the purge keeps
# is removed here unless it existed before. Safe to run again; refuses to touch a
# machine where the package or the user already exist.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "test-package: FAIL: $*" >&2
  exit 1
}
[ "$(id -u)" -eq 0 ] || fail "run as root (it installs and purges the openbits package)"
if dpkg-query -W -f='${Status}' openbits 2>/dev/null | grep -q "ok installed\|config-files"; then
  fail "the openbits package is installed here; purge it first (dpkg --purge openbits)"
fi
getent passwd openbits >/dev/null && fail "a user openbits exists without the package"

version=$(sed -n 's/^project(openbits VERSION \([0-9][0-9.]*\).*/\1/p' CMakeLists.txt)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb=${DEB_OUT:-build-deb}/openbits_${version}_${arch}.deb
unit=/lib/systemd/system/openbitsd.service
uploads=/var/lib/openbits/uploads
state_existed=false
[ -e /var/lib/openbits ] && state_existed=true
work=$(mktemp -d /tmp/openbits-test-package.XXXXXX)
name="test-package-$$-$RANDOM.bin"
daemon_pid=""
installed=false

cleanup() {
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -KILL "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  if $installed; then dpkg --purge openbits >/dev/null 2>&1 || true; fi
  if $state_existed; then
    rm -f "$uploads/$name"
  else
    rm -rf /var/lib/openbits
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== build"
scripts/build-deb.sh
[ -f "$deb" ] || fail "$deb was not built"

echo "== install"
installed=true
dpkg -i "$deb"
for f in /usr/sbin/openbitsd /usr/bin/openbits /etc/openbits/openbitsd.toml "$unit" \
  /usr/share/man/man8/openbitsd.8.gz /usr/share/man/man1/openbits.1.gz \
  /usr/share/man/man5/openbitsd.toml.5.gz; do
  [ -f "$f" ] || fail "$f not installed"
done
dpkg-query -W -f='${Conffiles}\n' openbits | grep -q "^ /etc/openbits/openbitsd.toml " ||
  fail "/etc/openbits/openbitsd.toml is not a conffile"
[ "$(openbitsd --version)" = "openbitsd $version" ] || fail "openbitsd --version: $(openbitsd --version)"
[ "$(openbits --version)" = "openbits $version" ] || fail "openbits --version: $(openbits --version)"
getent passwd openbits >/dev/null || fail "no user openbits"
[ "$(stat -c %U:%G "$uploads")" = openbits:openbits ] || fail "$uploads not owned by openbits"
openbitsd --check-config /etc/openbits/openbitsd.toml
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$unit" || fail "systemd-analyze verify $unit"
fi

echo "== serve as the unit would"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
user=$(sed -n 's/^User=//p' "$unit")
group=$(sed -n 's/^Group=//p' "$unit")
umask_value=$(sed -n 's/^UMask=//p' "$unit")
[ -n "$exec_start" ] && [ -n "$user" ] && [ -n "$group" ] || fail "$unit lacks ExecStart, User or Group"
chown "$user:$group" "$work"
# shellcheck disable=SC2086 # ExecStart is a command line: split it as systemd does
(cd / && umask "${umask_value:-0022}" &&
  exec setpriv --reuid="$user" --regid="$group" --init-groups --no-new-privs \
    $exec_start --listen 127.0.0.1:0 --port-file "$work/port") >"$work/openbitsd.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do
  [ -s "$work/port" ] && break
  kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/openbitsd.log"; fail "openbitsd exited"; }
  sleep 0.1
done
[ -s "$work/port" ] || { cat "$work/openbitsd.log"; fail "openbitsd did not listen within 10 s"; }
port=$(head -n1 "$work/port")

head -c 300000 /dev/urandom >"$work/payload.bin"
openbits upload "$work/payload.bin" "http://127.0.0.1:$port/$name" --no-state -q ||
  { cat "$work/openbitsd.log"; fail "upload failed"; }
cmp "$work/payload.bin" "$uploads/$name" || fail "$uploads/$name differs from what was sent"
[ "$(stat -c %U:%G "$uploads/$name")" = openbits:openbits ] ||
  fail "$uploads/$name is owned by $(stat -c %U:%G "$uploads/$name")"
[ "$(stat -c %a "$uploads/$name")" = 640 ] || fail "$uploads/$name has mode $(stat -c %a "$uploads/$name")"

kill -TERM "$daemon_pid"
status=0
wait "$daemon_pid" || status=$?
daemon_pid=""
[ "$status" -eq 0 ] || { cat "$work/openbitsd.log"; fail "openbitsd exited with $status on SIGTERM"; }
grep -q "stopped" "$work/openbitsd.log" || fail "no 'stopped' line in the log"

echo "== lintian"
lintian --fail-on error --display-level ">=warning" "$deb"

echo "== purge"
dpkg --purge openbits
installed=false
getent passwd openbits >/dev/null && fail "user openbits left after purge"
getent group openbits >/dev/null && fail "group openbits left after purge"
[ -e /etc/openbits ] && fail "/etc/openbits left after purge"
[ -e /usr/sbin/openbitsd ] && fail "/usr/sbin/openbitsd left after purge"
cmp "$work/payload.bin" "$uploads/$name" || fail "the upload did not survive the purge"

echo "test-package: OK (openbits $version: installed, served an upload as user openbits, lintian clean, purged)"
