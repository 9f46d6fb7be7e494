#!/usr/bin/env bash
# `make bench`: prints the benchmark figures, one `BENCH <figure> <median> <unit>` line each.
# Generates the workload once with ../shared/bench/gen.py (python3 + numpy in .venv), then runs
# the native figures and the browser figures (headless Chromium against the release dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
data=bench-data
gen=../shared/bench/gen.py

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import numpy' 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet numpy
fi
sizes=("S 10000 20" "M 100000 20")
# L: about 1.5 GB of CSV and two minutes to generate; KEYSTONE_BENCH_L=1 adds its native figures.
if [ -n "${KEYSTONE_BENCH_L:-}" ]; then sizes+=("L 1000000 20"); fi
# `make bench-sampling`: L only, and only the next-best sample's cost in accuracy.
if [ -n "${KEYSTONE_BENCH_SAMPLING_ONLY:-}" ]; then sizes=("L 1000000 20"); fi
for spec in "${sizes[@]}"; do
  set -- $spec
  if [ ! -s "$data/$1/transactions.csv" ]; then
    [ -f "$gen" ] || { echo "missing $gen: the benchmark workload comes from ../shared" >&2; exit 1; }
    .venv/bin/python "$gen" "$data/$1" "$2" "$3" >&2
  fi
done

export KEYSTONE_BENCH_DATA="$PWD/$data"
# Each step's own output (per-run lines, errors) goes to target/bench-*.log.
mkdir -p target
cargo bench --bench pipeline --quiet 2>target/bench-native.log | grep '^BENCH '
[ -z "${KEYSTONE_BENCH_SAMPLING_ONLY:-}" ] || exit 0
trunk build --release >target/bench-build.log 2>&1 || { echo "trunk build failed: see target/bench-build.log" >&2; exit 1; }
KEYSTONE_BENCH_DIST="$PWD/dist" cargo bench --bench browser --quiet 2>target/bench-browser.log | grep '^BENCH ' \
  || { echo "browser benchmark failed: see target/bench-browser.log" >&2; exit 1; }
