#!/usr/bin/env bash
# The README's test command: set up a fresh Debian 12 machine, build, and run every test.
#   1. scripts/setup.sh installs the Debian packages (as root; otherwise it prints the apt-get line);
#   2. a Release build runs the whole suite with ctest (unit, program, Python, MPI end-to-end tests);
#   3. an AddressSanitizer + UndefinedBehaviorSanitizer build runs the unit tests again;
#   4. where clang is present, each libFuzzer target (tests/fuzz) runs for NANOREACH_FUZZ_SECONDS
#      (default 20; scripts/fuzz.sh 3600 is a longer run).
# The Release suite includes the fault-injection tests (tests/fault, ctest label faults).
# Exits non-zero on any failure. NANOREACH_SKIP_ASAN=1 skips step 3, NANOREACH_SKIP_FUZZ=1 step 4.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)

echo "== Release build and full test suite"
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 900

if [ "${NANOREACH_SKIP_ASAN:-0}" != 1 ]; then
  echo "== AddressSanitizer + UBSan build, unit tests"
  scripts/build.sh --asan test_graph test_sim test_io test_experiment
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -L unit --timeout 900
fi
if [ "${NANOREACH_SKIP_FUZZ:-0}" != 1 ] && command -v clang++ >/dev/null; then
  echo "== libFuzzer targets, ${NANOREACH_FUZZ_SECONDS:-20} s each"
  scripts/fuzz.sh "${NANOREACH_FUZZ_SECONDS:-20}"
fi
echo "== all tests passed"
