#!/usr/bin/env bash
# Many copies: N = 1, 5 and 20 copies of the demo stack started at once under PortShift through one
# `mini-compose serve` on FakeRuntime. Time to all healthy against one copy (target: 20 copies within 3x) and
# the server's own memory per copy (RSS with N copies minus idle, divided by N).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec "$BENCH_VENV/bin/python" scripts/bench-lib/portshift_copies.py "$MINI_COMPOSE_RELEASE_BIN"
