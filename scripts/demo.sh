#!/usr/bin/env bash
# The README's demo command: set up a fresh Debian 12 machine, build, and run the default experiment:
# nano- vs micro- vs mega-influencers at equal budget on the default Dunbar network (1,000,000 people).
# Prints the result table and writes nano_vs_mega.h5 and nano_vs_mega.png in results/ (or $1).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh nanoreach
out=${1:-results}
mkdir -p "$out"
build/nanoreach run experiments/nano_vs_mega.toml --out "$out/nano_vs_mega.h5" --force
/usr/bin/python3 scripts/plot_reach.py "$out/nano_vs_mega.h5" -o "$out/nano_vs_mega.png"
echo "demo: results in $out/nano_vs_mega.h5, figure in $out/nano_vs_mega.png"
