#!/usr/bin/env bash
# Normal runs of the CLI modules, as a user starts them, in a sanitizer build: a simulated
# slide in every format, then SuperSpotInfo and SuperSpotMakePairs on each, and one refused
# run. AddressSanitizer, LeakSanitizer (at each exit) and UBSan report to standard error and
# exit non-zero; so does this script then.
#
#   Testing/Sanitizers/run-cli-modules.sh BUILD_DIR [WORK_DIR]
set -euo pipefail
bin=$(cd "$1/bin" && pwd)
work=${2:-$(mktemp -d)}
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work" && mkdir -p "$work"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$source_dir/Testing/Sanitizers/lsan.supp}
export SUPERSPOT_PROGRESS=none
run() {
  echo "== $*"
  "$@" > "$work/last.out"
}
sim=$work/sim
run "$bin/SuperSpotSimulate" --sizeUm 600 --seed 5 --genes 8 --formats all --threads 2 --out "$sim"
run "$bin/SuperSpotInfo" --xenium "$sim/xenium" --image "$sim/xenium/he.tif" \
  --alignment "$sim/xenium/he_imagealignment.csv" --overlay "$work/xenium.png" --json "$work/xenium.json"
run "$bin/SuperSpotInfo" --visium "$sim/visium/outs" --spotTable "$work/visium-spots.csv" \
  --overlay "$work/visium.png" --overlaySize 300
run "$bin/SuperSpotInfo" --stCounts "$sim/st/counts.tsv.gz" --stSpots "$sim/st/spots.tsv" --image "$sim/st/he.tif"
run "$bin/SuperSpotInfo" --spots "$work/visium-spots.csv" --image "$sim/visium/outs/tissue_image.tif"
run "$bin/SuperSpotMakePairs" --xenium "$sim/xenium" --image "$sim/xenium/he.tif" \
  --alignment "$sim/xenium/he_imagealignment.csv" --genes 4 --resolutionUm 20 --output "$work/pairs-xenium"
run "$bin/SuperSpotMakePairs" --visium "$sim/visium/outs" --image "$sim/visium/outs/tissue_image.tif" \
  --genes 4 --output "$work/pairs-visium"
run "$bin/SuperSpotMakePairs" --stCounts "$sim/st/counts.tsv.gz" --stSpots "$sim/st/spots.tsv" \
  --image "$sim/st/he.tif" --genes 4 --output "$work/pairs-st"
# A refused run: the error path must not leak either (exit 1 with one line is expected).
echo "== SuperSpotInfo on a missing folder (refused)"
set +e
"$bin/SuperSpotInfo" --visium "$work/no-such-outs" > /dev/null 2> "$work/refused.err"
rc=$?
set -e
if [ $rc -ne 1 ] || grep -q "Sanitizer" "$work/refused.err"; then
  cat "$work/refused.err"
  exit 1
fi
echo "all runs clean"
