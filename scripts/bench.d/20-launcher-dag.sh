#!/usr/bin/env bash
# The launcher: `mini-compose up` of a generated 30-service DAG on FakeRuntime (apptainer face), each service
# listening after a random 100-400 ms delay with 100 ms health checks. Wall time to all healthy against the
# critical-path lower bound from the same delays (target: at most 1.15x), the largest gap from a condition holding
# to its dependent starting (target: at most 150 ms), and the same stack started one service at a time (the peer).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec "$BENCH_VENV/bin/python" scripts/bench-lib/launcher_dag.py "$MINI_COMPOSE_RELEASE_BIN"
