#!/usr/bin/env bash
# PortShift: port_offset_server under 32 concurrent clients, one query per connection, for 10 s, against a
# minimal single-threaded C accept-reply responder doing the same. Targets: at least 0.7x its queries/s and a
# p99 latency at most 1.5x its p99.
source "$(dirname "$0")/portshift-setup.bash"
seconds=${PORTSHIFT_BENCH_SECONDS:-10}
"$work/bench_responder" >"$work/responder.out" &
started_pids+=($!)
for _ in $(seq 1 100); do grep -q port= "$work/responder.out" && break; sleep 0.05; done
responder_port=$(field port "$(cat "$work/responder.out")")
base=$("$work/bench_load" "$responder_port" 32 "$seconds")
start_offset_server
server=$("$work/bench_load" "$offset_server_port" 32 "$seconds")
echo "portshift offset server, 32 clients, ${seconds} s:" \
    "responder $(field qps "$base") q/s p99 $(field p99_us "$base") us;" \
    "port_offset_server $(field qps "$server") q/s p99 $(field p99_us "$server") us;" \
    "throughput ratio $(ratio "$(field qps "$server")" "$(field qps "$base")")x (target >= 0.7x)," \
    "p99 ratio $(ratio "$(field p99_us "$server")" "$(field p99_us "$base")")x (target <= 1.5x);" \
    "errors $(field errors "$base")/$(field errors "$server")"
