#!/usr/bin/env bash
# Loading a 2,000-service compose file: `mini-compose config --quiet` (read, parse, interpolate, validate,
# order; process start included) against PyYAML's C loader merely parsing the same file in-process.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec "$BENCH_VENV/bin/python" scripts/bench-lib/compose_load.py "$MINI_COMPOSE_RELEASE_BIN/mini-compose"
