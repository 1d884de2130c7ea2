#!/usr/bin/env bash
# Installs the Debian 12 packages OpenBITS builds, tests and runs with; installs only
# what is missing, so it is cheap to call before every build.
set -euo pipefail

packages=(
  g++ cmake ninja-build make pkg-config
  libboost1.81-dev            # Asio, Beast, System (libboost-dev is 1.74: too old)
  libssl-dev                  # TLS through Asio SSL
  libcurl4-openssl-dev        # client and notifications
  libtomlplusplus-dev         # configuration
  libcli11-dev                # command lines
  libspdlog-dev libfmt-dev    # logging
  nlohmann-json3-dev          # session metadata, --json output
  libpugixml-dev              # S3 answers (XML)
  libcrypt-dev                # htpasswd hashes
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev clang-format  # fuzzing, sanitizers, formatting
  openssl curl python3        # test certificates, examples, upload-reply test back-end
  ceph-mon ceph-osd radosgw   # a real S3 store for the tests (scripts/ceph-rgw.sh)
  libkrb5-dev                 # GSSAPI (MIT Kerberos) for Negotiate
  gss-ntlmssp                 # NTLM as a GSSAPI mechanism
  krb5-kdc krb5-admin-server krb5-user faketime  # a real KDC for the tests (scripts/krb5-realm.sh)
  debhelper dpkg-dev lintian  # make deb, scripts/test-package.sh
  libsystemd-dev              # sd_notify for the systemd unit (Type=notify)
  nginx haproxy               # the reverse proxies of packaging/proxy/, started by the tests
  prometheus-cpp-dev          # /metrics of the admin listener
  chromium                    # the /status page test and scripts/status-screenshot.sh (headless)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo)" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# Packages such as nginx, haproxy and krb5-kdc start their service when installed; the
# tests start their own instances on loopback, so keep the packaged ones from starting
# (and from taking port 80) unless the machine already has a policy of its own.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod 755 "$policy"
  trap '$sudo rm -f "$policy"' EXIT
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
