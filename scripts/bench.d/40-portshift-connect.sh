#!/usr/bin/env bash
# PortShift: connect()+close() to a loopback listener with the shim (after its first query) against the same
# program without it: 10,000 calls each, in 20 alternating runs of 500 so that other load on the machine hits
# both alike; the figure is the median of the runs' medians. Each run also times, interleaved call by call, a
# raw connect system call the shim cannot see: the ratio of the two is the shim's cost measured within one
# process. Target: at most 1.05x.
source "$(dirname "$0")/portshift-setup.bash"
start_offset_server
shim_env=(LD_PRELOAD="$work/libpreload_port_offset.so" APP_GRP=bench OFFSET_SERVER_ADDR="127.0.0.1:$offset_server_port")
base=()
shim=()
inprocess=()
for round in $(seq 1 20); do
    port=$(free_port_window)
    out=$("$work/bench_connect" "$port" 500)
    base+=("$(field median_ns "$out")")
    port=$(free_port_window)
    out=$(env "${shim_env[@]}" "$work/bench_connect" "$port" 500)
    shim+=("$(field median_ns "$out")")
    inprocess+=("$(ratio "$(field median_ns "$out")" "$(field raw_median_ns "$out")")")
done
b=$(median_of "${base[@]}")
s=$(median_of "${shim[@]}")
echo "portshift connect+close per call: without shim median $(awk -v n="$b" 'BEGIN{printf "%.1f", n/1000}') us," \
    "with shim $(awk -v n="$s" 'BEGIN{printf "%.1f", n/1000}') us: ratio $(ratio "$s" "$b")x (target <= 1.05x);" \
    "in-process hooked/raw ratio $(median_of "${inprocess[@]}")x"
