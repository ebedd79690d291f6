#!/usr/bin/env bash
# Configures and builds nanoreach into build/ (Release) or, with --asan, build-asan/ (AddressSanitizer
# + UndefinedBehaviorSanitizer). Used by demo.sh and test.sh; safe to run again (incremental).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build
flags=(-DCMAKE_BUILD_TYPE=Release)
target=()
if [ "${1:-}" = "--asan" ]; then
  dir=build-asan
  flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DNANOREACH_SANITIZE=ON)
  shift
fi
[ $# -gt 0 ] && target=(--target "$@")
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$dir" "${flags[@]}" > "$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; exit 1; }
cmake --build "$dir" -j"$jobs" "${target[@]}"
