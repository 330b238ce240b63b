# Sourced by the scripts/bench.d/NN-portshift-*.sh benchmarks: installs what they need, builds the offset server
# (release) and the shim with its benchmark programs into $work, and starts servers on free loopback ports.
# shellcheck shell=bash
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib/deps.sh
ensure_build_deps
ensure_packages iproute2 # ss, to find free ports
swift build -c release --product port_offset_server 2>&1 | tail -n 3 >&2
release_bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
bash scripts/build-shim --bench "$work"
started_pids=()
cleanup() {
    local pid
    for pid in "${started_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# Starts port_offset_server on 127.0.0.1 with a free port; sets offset_server_port.
start_offset_server() {
    "$release_bin/port_offset_server" --listen 127.0.0.1 --port 0 "$@" 2>"$work/offset-server.log" &
    started_pids+=($!)
    local tries
    for tries in $(seq 1 100); do
        offset_server_port=$(sed -n 's/.* listening .*port=\([0-9]*\).*/\1/p' "$work/offset-server.log")
        [ -n "$offset_server_port" ] && return 0
        sleep 0.05
    done
    echo "error: port_offset_server did not start: $(cat "$work/offset-server.log")" >&2
    return 1
}

# Prints a port P with nothing listening on P, P+100 and P+200 (below the ephemeral range).
free_port_window() {
    local port listening
    listening=$(ss -Htan | awk '{print $4}' | sed 's/.*://')
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 11000))
        if ! grep -qxE "$port|$((port + 100))|$((port + 200))|$((port + 1))|$((port + 101))" <<<"$listening"; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

# ratio A B: A/B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

# field NAME LINE: the value after NAME= in LINE.
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

# median_of VALUES...: the median, three decimals.
median_of() {
    printf '%s\n' "$@" | sort -n |
        awk '{ v[NR] = $1 } END { printf "%.3f\n", (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2 }'
}
