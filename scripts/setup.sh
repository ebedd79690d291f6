#!/usr/bin/env bash
# Installs every Debian 12 package nanoreach needs to build, test and plot. Idempotent: packages
# already present are skipped, so a second run installs nothing. As root it runs apt-get; otherwise
# it prints the exact command to run and exits non-zero. This list is the only place the project's
# system dependencies are named.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake pkg-config git
  # C++ libraries
  libboost-graph-dev libeigen3-dev libhdf5-dev catch2 libcli11-dev libtomlplusplus-dev
  librandom123-dev
  # MPI (optional at build time, used when present)
  libopenmpi-dev openmpi-bin
  # HDF5 command-line tools for inspection
  hdf5-tools
  # fuzzing (scripts/fuzz.sh): clang with libFuzzer and its sanitizer runtimes, OpenMP for clang
  clang libclang-rt-14-dev libomp-dev
  # Python side: reader, plots, notebook tests
  python3 python3-numpy python3-h5py python3-pandas python3-matplotlib python3-pytest
  python3-nbclient python3-nbformat python3-ipykernel
  # Python package: bindings (pybind11), pip install from the checkout, graphs to and from
  # networkx and scipy, result files through xarray + h5netcdf
  pybind11-dev python3-dev python3-pip python3-setuptools python3-wheel python3-venv
  python3-scipy python3-networkx python3-xarray python3-h5netcdf
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=sudo
  else
    echo "setup: missing packages: ${missing[*]}" >&2
    echo "setup: run as root:  apt-get update && $cmd" >&2
    exit 1
  fi
else
  SUDO=
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
