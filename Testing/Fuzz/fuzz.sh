#!/usr/bin/env bash
# Runs SuperSpot's fuzzers by hand, one at a time (Documentation/Reliability.md).
#
#   Testing/Fuzz/fuzz.sh BUILD_DIR SECONDS [FUZZER...]
#
# BUILD_DIR is a build with -DSUPERSPOT_BUILD_FUZZERS=ON (the "sanitize" preset:
# build-sanitize). Each fuzzer runs SECONDS on one core, growing its corpus in
# BUILD_DIR/Testing/Fuzz/fuzz-corpus/<fuzzer> from its seeds and the committed
# regressions; a finding is written to BUILD_DIR/Testing/Fuzz/fuzz-artifacts/<fuzzer>/ and
# the log to .../fuzz-logs/<fuzzer>.log. The last line per fuzzer: executions and findings.
set -uo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,11p' "$0"
  exit 2
fi
build=$(cd "$1" && pwd)
seconds=$2
shift 2
source_dir=$(cd "$(dirname "$0")" && pwd)
fuzz=$build/Testing/Fuzz
fuzzers=("$@")
if [ ${#fuzzers[@]} -eq 0 ]; then
  fuzzers=($(cd "$build/bin" && ls ssFuzz* | grep -v ssFuzzSeeds))
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for f in "${fuzzers[@]}"; do
  corpus=$fuzz/fuzz-corpus/$f
  artifacts=$fuzz/fuzz-artifacts/$f
  mkdir -p "$corpus" "$artifacts" "$fuzz/fuzz-logs"
  dirs=("$corpus" "$fuzz/fuzz-seeds/$f")
  if [ -d "$source_dir/regressions/$f" ]; then
    dirs+=("$source_dir/regressions/$f")
  fi
  log=$fuzz/fuzz-logs/$f.log
  "$build/bin/$f" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=16384 -close_fd_mask=1 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "${dirs[@]}" > "$log" 2>&1
  rc=$?
  executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  findings=$(ls "$artifacts" | wc -l)
  echo "$f: exit $rc, ${executions:-?} executions in ${seconds} s, corpus $(ls "$corpus" | wc -l), findings in $artifacts: $findings"
done
