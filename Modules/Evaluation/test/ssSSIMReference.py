"""Reference values for ssSSIMCrossCheckTest, computed by skimage itself.

Reads a JSON list of cases {width, height, image1, image2, tissue} (row-major) and
writes, per case, skimage.metrics.structural_similarity(image1, image2, data_range=1,
win_size=7, full=True) -> (mssim, map), and the benchmark's tissue SSIM written
independently from BENCHMARK.md's text: truth = image1, prediction = image2, both
scaled by the truth's min-max over tissue, prediction clipped, non-tissue 0, map
averaged over tissue.
Usage: python3 ssSSIMReference.py cases.json out.json
"""
import json
import sys

import numpy as np
from skimage.metrics import structural_similarity

cases = json.load(open(sys.argv[1]))
out = []
for case in cases:
    shape = (case["height"], case["width"])
    a = np.asarray(case["image1"], dtype=np.float64).reshape(shape)
    b = np.asarray(case["image2"], dtype=np.float64).reshape(shape)
    tissue = np.asarray(case["tissue"], dtype=bool).reshape(shape)
    mssim, full = structural_similarity(a, b, data_range=1, win_size=7, full=True)
    lo, hi = a[tissue].min(), a[tissue].max()
    t = np.where(tissue, (a - lo) / (hi - lo), 0.0)
    p = np.where(tissue, np.clip((b - lo) / (hi - lo), 0.0, 1.0), 0.0)
    _, tissue_map = structural_similarity(t, p, data_range=1, win_size=7, full=True)
    out.append({"mssim": float(mssim), "map": full.ravel().tolist(),
                "tissue_ssim": float(tissue_map[tissue].mean())})
json.dump(out, open(sys.argv[2], "w"))
