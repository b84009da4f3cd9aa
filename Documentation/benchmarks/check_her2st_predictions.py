#!/usr/bin/python3
"""Recomputes protocol 1's mean PCC and RMSE from SuperSpotBenchmark her2st predictions files,
with none of SuperSpot's code: the truth is read from the raw counts (counts / the spot's total
over all genes x 1e4, log1p), the predictions from OUT/predictions/{section}_{method}.csv.gz.

    Documentation/benchmarks/check_her2st_predictions.py OUT/predictions \
        [--data ../shared/data/her2st] [--panel ../shared/docs/her2st_panel50.txt]

Needs python3-numpy (Debian). Prints one row per method: per-section mean PCC / RMSE over the
panel genes (genes constant in either map left out of the PCC), then their means over sections.
"""
import argparse
import csv
import gzip
import math
import os

import numpy as np

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("predictions")
parser.add_argument("--data", default="../shared/data/her2st")
parser.add_argument("--panel", default="../shared/docs/her2st_panel50.txt")
args = parser.parse_args()

panel = [line.strip() for line in open(args.panel) if line.strip()]


def truth(section):
    with gzip.open(os.path.join(args.data, section, "counts.tsv.gz"), "rt") as f:
        rows = csv.reader(f, delimiter="\t")
        genes = next(rows)[1:]
        columns = [genes.index(g) for g in panel]
        spots = {}
        for row in rows:
            counts = np.array(row[1:], dtype=float)
            spots[row[0]] = np.log1p(counts[columns] / counts.sum() * 1e4)
    return spots


truths, scores = {}, {}
for name in sorted(os.listdir(args.predictions)):
    if not name.endswith(".csv.gz"):
        continue
    section, method = name[: -len(".csv.gz")].split("_", 1)
    if section not in truths:
        truths[section] = truth(section)
    with gzip.open(os.path.join(args.predictions, name), "rt") as f:
        rows = csv.reader(f)
        if next(rows)[1:] != panel:
            raise SystemExit(f"{name}: the header's genes are not the panel's")
        predicted, measured = [], []
        for row in rows:
            predicted.append(np.array(row[1:], dtype=float))
            measured.append(truths[section][row[0]])
    p, t = np.array(predicted), np.array(measured)
    pcc = [np.corrcoef(p[:, g], t[:, g])[0, 1] for g in range(len(panel)) if p[:, g].std() > 0 and t[:, g].std() > 0]
    rmse = [math.sqrt(((p[:, g] - t[:, g]) ** 2).mean()) for g in range(len(panel))]
    scores.setdefault(method, {})[section] = (float(np.mean(pcc)), float(np.mean(rmse)))

sections = sorted(truths)
print("| method | " + " | ".join(f"{s} PCC / RMSE" for s in sections) + " | mean PCC | mean RMSE |")
print("|---" * (len(sections) + 3) + "|")
for method, by_section in scores.items():
    cells = [f"{by_section[s][0]:.3f} / {by_section[s][1]:.3f}" if s in by_section else "-" for s in sections]
    mean_pcc = np.mean([v[0] for v in by_section.values()])
    mean_rmse = np.mean([v[1] for v in by_section.values()])
    print(f"| {method} | " + " | ".join(cells) + f" | {mean_pcc:.3f} | {mean_rmse:.3f} |")
