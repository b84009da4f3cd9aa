#!/usr/bin/env bash
# The SuperSpotSuperResolve runs of Documentation/measurements/superresolve.md, by hand (not CI):
# the four HER2ST sections self-supervised, and simulated Xenium slides of 1/4, 1/2 and a whole
# Visium capture area (6.5 mm) with one model, wall time and peak memory (GNU time) on 2 threads.
#   Documentation/measurements/superresolve-runs.sh BUILD_DIR WORK_DIR
set -euo pipefail
build=$(cd "$1" && pwd)/bin
work=$2
data=$(cd "$(dirname "$0")/../../.." && pwd)/shared/data
mkdir -p "$work"
cd "$work"
timed() { /usr/bin/time -f "%e s wall, %M kB peak" -o "$1.time" "${@:2}" > "$1.log" 2>&1; cat "$1.time"; }

for s in C2 C3 C4 C5; do
  d=$data/her2st/$s
  echo "HER2ST $s:"
  timed her2st-$s "$build/SuperSpotSuperResolve" --stCounts "$d/counts.tsv.gz" --stSpots "$d/spots.tsv" \
    --image "$d/he.jpg" --genes 50 --factor 2 --threads 2 --overwrite --output her2st-$s
done

# One model for the simulated slides: self-supervised on a 1 mm Xenium slide at 10 µm, 50 genes.
"$build/SuperSpotSimulate" --seed 1 --sizeUm 1000 --formats xenium --overwrite --out sim-train > /dev/null
timed sim-train "$build/SuperSpotSuperResolve" --xenium sim-train/xenium --image sim-train/xenium/he.tif \
  --alignment sim-train/xenium/he_imagealignment.csv --resolutionUm 10 --genes 50 --trainSteps 600 \
  --threads 2 --overwrite --output sim-model
for size in 3250 4596 6500; do   # 1/4, 1/2 and the whole 6.5 x 6.5 mm area
  "$build/SuperSpotSimulate" --seed 1000 --sizeUm $size --formats xenium --overwrite --out sim-$size > /dev/null
  echo "simulated ${size} µm:"
  timed sim-$size "$build/SuperSpotSuperResolve" --xenium sim-$size/xenium --image sim-$size/xenium/he.tif \
    --alignment sim-$size/xenium/he_imagealignment.csv --model sim-model/model --samples 4 --steps 10 \
    --threads 2 --overwrite --output sr-$size
done
