#!/usr/bin/env bash
# Called by scripts/test with the bin dir: installs Mini Compose with scripts/install into $1/cluster-prefix,
# which the cluster tests (module files, the PortShift quick start, job scripts) use as a node would.
set -euo pipefail
bin_dir=${1:?usage: 30-cluster-install.sh BIN_DIR}
exec bash "$(dirname "$0")/../install" --prefix "$bin_dir/cluster-prefix" >/dev/null
