#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/
# (the default compiler, GCC on our machines) and runs the whole CTest suite: unit
# tests, fuzz corpus replays and the integration tests, whose openbitsd children are
# sanitized too. Any sanitizer report, from a test or from a daemon it started, fails
# the run; reports are kept in build-asan/sanitizer-reports/.
#
#   SANITIZE_BUILD=build-asan   build directory
#   SANITIZE_JOBS=2             parallel tests (ctest -j)
#   SANITIZE_CMAKE_FLAGS=...    extra flags for the first configure (e.g. -DBITS_WERROR=ON)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${SANITIZE_BUILD:-build-asan}
if [[ ! -f "$build/build.ninja" ]]; then
  # -O0 -g1: instrumented Beast code builds in less than half the CPU time of -O1
  # (src/server/connection.cpp: 45 s against 104 s), the suite still runs in about a
  # minute, and line tables give file:line in reports. Debug keeps assert() on. The
  # benchmark tools have no tests.
  # shellcheck disable=SC2086 # SANITIZE_CMAKE_FLAGS is a list of flags
  cmake -S . -B "$build" -G Ninja -DBITS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DBITS_BUILD_BENCH=OFF \
    -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" ${SANITIZE_CMAKE_FLAGS:-}
fi
cmake --build "$build"

# Daemons write their output to per-test logs that are deleted with the test's temporary
# folder, so reports go to files of their own (one per process) instead of stderr.
reports="$(pwd)/$build/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:log_path=$reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"

status=0
ctest --test-dir "$build" --output-on-failure --timeout 300 -j "${SANITIZE_JOBS:-2}" || status=$?

shopt -s nullglob
found=("$reports"/*)
if (( ${#found[@]} > 0 )); then
  echo "sanitizer reports (${#found[@]} process(es)):"
  for f in "${found[@]}"; do
    echo "----- $f"
    head -n 80 "$f"
  done
  status=1
fi
exit "$status"
