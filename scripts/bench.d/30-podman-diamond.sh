#!/usr/bin/env bash
# The diamond stack on real podman: mini-compose `up -d` to all healthy against a hand-written script that
# starts the same containers in order and polls their health itself, and what podman-compose does with the
# same file. Needs root for podman (scripts/setup-podman); elsewhere it says why and measures nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! bash scripts/setup-podman 2>/dev/null; then
    echo "skipped: real podman cannot be prepared here (scripts/setup-podman needs root)"
    exit 0
fi
exec "$BENCH_VENV/bin/python" scripts/bench-lib/podman_diamond.py \
    "$MINI_COMPOSE_RELEASE_BIN/mini-compose" "$BENCH_VENV/bin/podman-compose"
