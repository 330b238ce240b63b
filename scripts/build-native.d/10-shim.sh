#!/usr/bin/env bash
# Called by scripts/test with the bin dir: the PortShift shim and its C test programs.
set -euo pipefail
exec bash "$(dirname "$0")/../build-shim" --tests "$1"
