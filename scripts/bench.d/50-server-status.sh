#!/usr/bin/env bash
# The HTTP server: wrk on GET /status/<id>/ of `mini-compose serve` running a 10-service instance on FakeRuntime,
# against a Flask app serving the same JSON on Flask's built-in server (the original's stack), 50 connections,
# 10 s each. Targets: at least 50x Flask's requests/s, p99 under 5 ms, idle RSS under 25 MB. The idle memory is
# also measured for a build with the Swift runtime linked statically, the form to copy to a compute node.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/deps.sh
ensure_packages wrk
static=(-c release --static-swift-stdlib --build-path .build/static-release)
echo "building mini-compose with --static-swift-stdlib" >&2
swift build "${static[@]}" --product mini-compose 2>&1 | tail -n 1 >&2
exec "$BENCH_VENV/bin/python" scripts/bench-lib/server_status.py "$MINI_COMPOSE_RELEASE_BIN" \
    "$(swift build "${static[@]}" --show-bin-path)/mini-compose"
