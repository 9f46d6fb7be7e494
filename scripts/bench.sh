#!/usr/bin/env bash
# Prints the benchmark figures, one `BENCH <figure> <median> <unit>` line each.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench pipeline --quiet 2>/dev/null | grep '^BENCH '
