#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang in build-fuzz/ and runs each one
# for a bounded time on a copy of its committed corpus (tests/fuzz/corpus/<target>/).
# Exits non-zero if any target crashes, leaks, times out or violates a property; the
# input that did it is kept in build-fuzz/fuzz-artifacts/ (docs/fuzzing.md).
#
#   FUZZ_SECONDS=20        seconds per target (libFuzzer -max_total_time)
#   FUZZ_JOBS=2            targets run at the same time (one core each)
#   FUZZ_TARGETS="a b"     run only these targets (default: every corpus folder)
#   FUZZ_BUILD=build-fuzz  build directory
#   FUZZ_MERGE=1           afterwards, fold what the run found back into the committed
#                          corpora, minimised with -merge=1 (for maintainers)
#   FUZZ_CMAKE_FLAGS=...   extra flags for the first configure (e.g. -DBITS_WERROR=ON)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${FUZZ_BUILD:-build-fuzz}
seconds=${FUZZ_SECONDS:-20}
jobs_max=${FUZZ_JOBS:-2}
corpora=tests/fuzz/corpus
targets=${FUZZ_TARGETS:-$(cd "$corpora" && echo *)}

if [[ ! -f "$build/build.ninja" ]]; then
  # shellcheck disable=SC2086 # FUZZ_CMAKE_FLAGS is a list of flags
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DBITS_BUILD_FUZZERS=ON \
    ${FUZZ_CMAKE_FLAGS:-}
fi
build_targets=()
for t in $targets; do build_targets+=("openbits_fuzz_$t"); done
cmake --build "$build" --target "${build_targets[@]}"

artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every sanitizer report is fatal; libFuzzer checks for leaks after each input itself.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

count() { find "$1" -maxdepth 1 -type f | wc -l; }

# One target: fuzz a copy of its corpus; with FUZZ_MERGE, rebuild the committed corpus
# from the old one plus what was found. Leaves "ok" or "failed" in $work/<target>/status.
run_target() {
  local t=$1 exe="$build/tests/fuzz/openbits_fuzz_$1" dir="$work/$1"
  mkdir -p "$dir"
  cp -r "$corpora/$t" "$dir/corpus"
  if ! "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$artifacts/$t-" "$dir/corpus" > "$dir/log" 2>&1; then
    echo failed > "$dir/status"
    return
  fi
  if [[ "${FUZZ_MERGE:-0}" == 1 ]]; then
    # Edges only (no hit counts): the committed corpora stay small, as every test run
    # replays them.
    mkdir -p "$dir/merged"
    "$exe" -merge=1 -use_counters=0 "$dir/merged" "$corpora/$t" "$dir/corpus" \
      > "$dir/merge.log" 2>&1
    find "$corpora/$t" -maxdepth 1 -type f -delete
    cp "$dir/merged"/* "$corpora/$t/"
  fi
  echo ok > "$dir/status"
}

echo "fuzzing ${seconds}s per target, $jobs_max at a time: $targets"
for t in $targets; do
  while (( $(jobs -rp | wc -l) >= jobs_max )); do wait -n || true; done
  run_target "$t" &
done
wait

failed=()
for t in $targets; do
  dir="$work/$t"
  if [[ "$(cat "$dir/status" 2>/dev/null)" != ok ]]; then
    failed+=("$t")
    echo "!!! fuzz $t failed:"
    tail -n 60 "$dir/log"
    echo "!!! reproduce with: $build/tests/fuzz/openbits_fuzz_replay $t $artifacts/$t-*"
    continue
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
  echo "fuzz $t: $runs runs, corpus $(count "$corpora/$t") -> $(count "$dir/corpus") file(s)"
done

if (( ${#failed[@]} > 0 )); then
  echo "fuzzing failed: ${failed[*]} (inputs in $artifacts)"
  exit 1
fi
echo "fuzzing passed: $(wc -w <<< "$targets") target(s), ${seconds}s each"
