#!/bin/bash
# The training-length check of benchmarks.md: fold C5 only (train C2, C3, C4), 100 and 1000
# steps; everything else as the main HER2ST run (300 steps).
#   Documentation/benchmarks/her2st-training-length/run.sh BUILD_DIR HER2ST_DIR OUT_DIR
set -euo pipefail
B=$1/bin
export OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=1
for s in 100 1000; do
  "$B/SuperSpotBenchmark" her2st --data "$2" --train C2,C3,C4 --test C5 \
    --methods nearest,bilinear,regression,superspot --steps $s --warmupSteps 50 --threads 1 \
    --out "$3/sweep-$s"
done
