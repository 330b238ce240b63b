#!/usr/bin/env bash
# Called by scripts/test with the bin dir: installs Mini Compose with scripts/install into $1/cluster-prefix,
# which the cluster tests (module files, the PortShift quick start, job scripts) use as a node would.
set -euo pipefail
bin_dir=${1:?usage: 30-cluster-install.sh BIN_DIR}
log="$bin_dir/cluster-install.log"
if ! bash "$(dirname "$0")/../install" --prefix "$bin_dir/cluster-prefix" >"$log" 2>&1; then
    echo "error: scripts/install failed; the end of its output ($log):" >&2
    tail -n 40 "$log" >&2
    exit 1
fi
