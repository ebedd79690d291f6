#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with Debian's clang into build-fuzz/ and runs each for
# SECONDS (default 20; scripts/test.sh uses 20, a longer run is e.g. `scripts/fuzz.sh 3600`), on a
# working corpus seeded from tests/fuzz/corpus/. Crashes are kept in build-fuzz/crashes/ and make
# the script fail. Prints the inputs each target tried. (alloc_dealloc_mismatch=0: clang's ASan
# misreads libstdc++ 12's std::stable_sort buffer, new(nothrow) freed by its sized delete.)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
command -v clang++ >/dev/null || { echo "fuzz: clang++ not found (scripts/setup.sh installs it)" >&2; exit 1; }
dir=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNANOREACH_FUZZ=ON -DNANOREACH_TESTS=OFF \
  -DNANOREACH_PYTHON_MODULE=OFF -DNANOREACH_MPI=OFF > "$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; exit 1; }
cmake --build "$dir" -j"$(nproc 2>/dev/null || echo 2)" --target fuzz_config fuzz_edge_list fuzz_h5
mkdir -p "$dir/crashes"
total=0
status=0
for t in config edge_list h5; do
  corpus="$dir/corpus/$t"
  mkdir -p "$corpus"
  cp -n tests/fuzz/corpus/$t/* "$corpus/" 2>/dev/null || true
  log="$dir/fuzz_$t.log"
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:alloc_dealloc_mismatch=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$dir/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=4096 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$dir/crashes/$t-" "$corpus" > "$log" 2>&1; then
    verdict="no crash"
  else
    verdict="FAILED (see $log and $dir/crashes/)"
    status=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  total=$((total + ${runs:-0}))
  echo "fuzz_$t: ${runs:-0} inputs in $seconds s, $verdict"
done
echo "fuzz: $total inputs tried"
exit $status
