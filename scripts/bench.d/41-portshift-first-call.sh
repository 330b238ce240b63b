#!/usr/bin/env bash
# PortShift: the latency the shim adds to a process's first hooked call (the offset query), as the median over
# 50 fresh processes, against the same first bind() without the shim. Target: under 1 ms added.
source "$(dirname "$0")/portshift-setup.bash"
start_offset_server
shim_env=(LD_PRELOAD="$work/libpreload_port_offset.so" APP_GRP=bench OFFSET_SERVER_ADDR="127.0.0.1:$offset_server_port")
base=()
shim=()
later=()
for run in $(seq 1 50); do
    port=$(free_port_window)
    out=$("$work/bench_first_call" "$port")
    base+=("$(field first_ns "$out")")
    out=$(env "${shim_env[@]}" "$work/bench_first_call" "$port")
    shim+=("$(field first_ns "$out")")
    later+=("$(field second_ns "$out")")
done
b=$(median_of "${base[@]}")
s=$(median_of "${shim[@]}")
l=$(median_of "${later[@]}")
added=$(awk -v s="$s" -v b="$b" 'BEGIN { printf "%.3f", (s - b) / 1e6 }')
echo "portshift first hooked call: baseline bind $(awk -v n="$b" 'BEGIN{printf "%.1f", n/1000}') us," \
    "with shim $(awk -v n="$s" 'BEGIN{printf "%.1f", n/1000}') us (ratio $(ratio "$s" "$b")x): added $added ms" \
    "(target < 1 ms); later binds with shim $(awk -v n="$l" 'BEGIN{printf "%.1f", n/1000}') us"
