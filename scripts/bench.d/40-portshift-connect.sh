#!/usr/bin/env bash
# PortShift: connect()+close() to a loopback listener with the shim (after its first query) against the same
# program without it, 10,000 calls each in alternating runs of 2,500. Target: at most 1.05x.
source "$(dirname "$0")/portshift-setup.bash"
start_offset_server
shim_env=(LD_PRELOAD="$work/libpreload_port_offset.so" APP_GRP=bench OFFSET_SERVER_ADDR="127.0.0.1:$offset_server_port")
base_medians=()
shim_medians=()
for round in 1 2 3 4; do
    port=$(free_port_window)
    out=$("$work/bench_connect" "$port" 2500)
    base_medians+=("$(field median_ns "$out")")
    port=$(free_port_window)
    out=$(env "${shim_env[@]}" "$work/bench_connect" "$port" 2500)
    shim_medians+=("$(field median_ns "$out")")
done
median_of() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2 }'; }
base=$(median_of "${base_medians[@]}")
shim=$(median_of "${shim_medians[@]}")
echo "portshift connect+close per call: baseline (no shim) median $(awk -v n="$base" 'BEGIN{printf "%.1f", n/1000}') us," \
    "with shim $(awk -v n="$shim" 'BEGIN{printf "%.1f", n/1000}') us: ratio $(ratio "$shim" "$base")x (target <= 1.05x)"
