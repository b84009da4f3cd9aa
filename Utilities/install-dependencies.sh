#!/usr/bin/env bash
# Installs every Debian 12 package SuperSpot builds, tests and runs with.
# The one list of packages: the README and .ci/run both call this script.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
packages=(
  # toolchain
  g++ cmake ninja-build pkg-config ccache
  # libraries (LibTorch CPU with oneDNN and c10d/Gloo; ITK 5.2; OpenSlide; TCLAP; Boost; HDF5; JSON)
  libtorch-dev libinsighttoolkit5-dev libopenslide-dev libtclap-dev
  libboost-iostreams-dev libboost-filesystem-dev libhdf5-dev nlohmann-json3-dev
  libtiff-dev libpng-dev zlib1g-dev
  # Gloo headers: c10d data-parallel training on the CPU (LibTorch links libgloo)
  libgloo-dev
  # without it Debian's LibTorch runs matrix products on the reference BLAS (~40x slower)
  libopenblas0-openmp
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev libxml2-utils
  # the sanitizer and fuzz build (CMakePresets.json "sanitize"): clang, its ASan/UBSan/libFuzzer
  # runtimes, and llvm-symbolizer for readable reports
  clang libclang-rt-14-dev llvm
  # independent cross-checks in the tests: skimage's SSIM, anndata reading our .h5ad
  python3-skimage python3-anndata python3-h5py
)
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${packages[@]}"
