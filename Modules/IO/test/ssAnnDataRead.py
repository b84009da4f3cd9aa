"""Reads an .h5ad file with anndata (as scanpy does) and writes what it found as JSON,
for ssAnnDataTest.cxx to check against what it wrote.

Usage: /usr/bin/python3 ssAnnDataRead.py file.h5ad out.json

Floats are written as Python floats (float64, exact for float32 values; NaN as null), so
the test can compare them bit for bit. Besides anndata's view, it reports how h5py sees the datasets
(compression), and, as scanpy.pl.spatial places dots on the image, the hires image's
colour under each observation: obsm['spatial'] * tissue_hires_scalef, (x, y) = (column, row).
"""
import json
import sys

import anndata
import h5py
import numpy as np


def floats(values):
    """A float array as a list of Python floats, NaN as None (JSON has no NaN)."""
    return [None if np.isnan(v) else v for v in np.asarray(values, dtype=np.float64).ravel().tolist()]


def plain(value):
    """uns values as JSON, with their numpy dtype and shape where they are arrays."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "OUS":
            data = [str(v) for v in value.ravel()]
        else:
            data = value.ravel().tolist()
        return {"dtype": str(value.dtype), "shape": list(value.shape), "data": data}
    if isinstance(value, (np.bool_, bool)):
        return {"bool": bool(value)}
    if isinstance(value, np.generic):
        return {"dtype": str(value.dtype), "value": value.item()}
    return value


def main(path, out_path):
    adata = anndata.read_h5ad(path)
    result = {
        "shape": list(adata.shape),
        "obs_names": [str(v) for v in adata.obs_names],
        "var_names": [str(v) for v in adata.var_names],
        "X_dtype": str(adata.X.dtype),
        "X": floats(adata.X),
        "obs": {c: adata.obs[c].astype(np.float64).tolist() for c in adata.obs.columns},
        "obs_dtypes": {c: str(adata.obs[c].dtype) for c in adata.obs.columns},
        "var": {c: adata.var[c].astype(np.float64).tolist() for c in adata.var.columns},
        "layers": {k: {"dtype": str(v.dtype), "shape": list(v.shape),
                       "data": floats(v)}
                   for k, v in adata.layers.items()},
        "obsm": {k: {"dtype": str(v.dtype), "shape": list(v.shape), "data": np.asarray(v).ravel().tolist()}
                 for k, v in adata.obsm.items()},
        "uns": plain(dict(adata.uns)),
    }
    with h5py.File(path, "r") as f:
        result["compression"] = {k: f[k].compression for k in ["X"] + ["layers/" + k for k in f["layers"]]}
    spatial = adata.uns.get("spatial", {})
    for library, entry in spatial.items():
        images = entry.get("images", {})
        if "hires" in images:
            image = images["hires"]
            scale = entry["scalefactors"]["tissue_hires_scalef"]
            xy = np.rint(adata.obsm["spatial"] * scale).astype(int)
            result["hires_under_obs"] = {library: [image[y, x].tolist() for x, y in xy]}
    with open(out_path, "w") as out:
        json.dump(result, out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
