# shellcheck shell=bash
# The logic every Mini Compose batch job shares, sourced by job-sge.sh, job-slurm.sh and job-pbs.sh:
# find this node's IP, start the port offset server and `mini-compose serve`, start the stack's instances, wait
# until every service is healthy (through GET /status/<id>/), run the workload, and stop everything when the
# job ends, whether the workload finished, failed, or the scheduler sent a signal.
#
# Settings, all optional (environment variables, or set them in the job script before mc_job_main):
#   MC_PROJECT_DIR      the directory holding docker-compose.yml (default: the directory the job starts in)
#   MC_INSTANCES        how many copies of the stack to start, ids 1..N (default 1); copies share the node's
#                       network through PortShift, each in its own group with its own window of ports
#   MC_IDS              the instance ids, space-separated, instead of 1..N
#   HOST_IP             the address every service name resolves to (default: this node's first address)
#   MC_LISTEN           where `mini-compose serve` listens (default 127.0.0.1:5000)
#   MC_PORTSHIFT        1 (default): use PortShift (start an offset server if none answers; serve --portshift)
#   OFFSET_SERVER_ADDR  the offset server, host:port (default 127.0.0.1:25000)
#   MC_WAIT_SECONDS     how long to wait for the stack to become healthy (default 600)
#   MC_LOG_DIR          logs of the server and offset server (default: $MC_PROJECT_DIR/mini-compose-logs/$MC_JOB_ID)
#   MC_SERVE_ARGS       more arguments for `mini-compose serve`, space-separated (such as --runtime singularity)
#   MC_WORKLOAD         the workload as a shell command line, when the scheduler cannot pass arguments (PBS)
# The workload runs in the project directory with HOST_IP and OFFSET_SERVER_ADDR set and these functions
# exported; `mc_in_instance ID COMMAND...` runs a command in that instance's PortShift group.
# Needs bash, curl, and mini-compose and port_offset_server on PATH (module load mini-compose).
#
# Known limitation: the offset server a job starts ends with that job, so on a node shared with other
# PortShift jobs run the offset server outside the jobs (or request whole nodes).

mc_log() {
    printf '%s mini-compose-job: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
}

mc_fail() {
    mc_log "error: $*"
    return 1
}

# This node's address for HOST_IP: the first of `hostname -I` that is not loopback, else `hostname -i`.
mc_node_ip() {
    local address
    for address in $(hostname -I 2>/dev/null); do
        case "$address" in
            127.* | ::1 | *:*) continue ;;
        esac
        echo "$address"
        return 0
    done
    address=$(hostname -i 2>/dev/null | awk '{print $1}')
    if [ -n "$address" ]; then
        echo "$address"
        return 0
    fi
    mc_fail "cannot find this node's IP address; set HOST_IP"
}

# GET a path of the API ($1), giving up after $2 seconds (default 30); prints the body. An HTTP error status
# is a failure (curl -f).
mc_api() {
    curl --silent --show-error --fail --max-time "${2:-30}" -H 'Accept: application/json' "http://$MC_LISTEN$1"
}

# Whether the offset server answers a LIST request.
mc_offset_server_answers() {
    local host=${OFFSET_SERVER_ADDR%:*} port=${OFFSET_SERVER_ADDR##*:}
    [ "$host" != "$OFFSET_SERVER_ADDR" ] || port=25000
    timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "LIST\n" >&3 && grep -qx "\." <&3' _ "$host" "$port" \
        2>/dev/null
}

mc_start_offset_server() {
    if mc_offset_server_answers; then
        mc_log "using the offset server already at $OFFSET_SERVER_ADDR"
        return 0
    fi
    local host=${OFFSET_SERVER_ADDR%:*} port=${OFFSET_SERVER_ADDR##*:}
    [ "$host" != "$OFFSET_SERVER_ADDR" ] || port=25000
    port_offset_server --listen "$host" --port "$port" --state-file "$MC_LOG_DIR/offsets.state" \
        >"$MC_LOG_DIR/port_offset_server.log" 2>&1 &
    MC_OFFSET_PID=$!
    local waited=0
    until mc_offset_server_answers; do
        kill -0 "$MC_OFFSET_PID" 2>/dev/null ||
            mc_fail "port_offset_server exited; see $MC_LOG_DIR/port_offset_server.log" || return 1
        [ "$waited" -lt 100 ] || mc_fail "port_offset_server does not answer at $OFFSET_SERVER_ADDR" || return 1
        sleep 0.1
        waited=$((waited + 1))
    done
    mc_log "started port_offset_server at $OFFSET_SERVER_ADDR (pid $MC_OFFSET_PID)"
}

mc_start_server() {
    local arguments=("$HOST_IP" --listen "$MC_LISTEN")
    [ "$MC_PORTSHIFT" != 1 ] || arguments+=(--portshift)
    # shellcheck disable=SC2206 # MC_SERVE_ARGS is a list of words by design
    arguments+=(${MC_SERVE_ARGS:-})
    (cd "$MC_PROJECT_DIR" && exec mini-compose serve "${arguments[@]}") >"$MC_LOG_DIR/serve.log" 2>&1 &
    MC_SERVE_PID=$!
    local waited=0
    until mc_api /status/ 2 >/dev/null 2>&1; do
        kill -0 "$MC_SERVE_PID" 2>/dev/null ||
            mc_fail "mini-compose serve exited; see $MC_LOG_DIR/serve.log" || return 1
        [ "$waited" -lt 300 ] || mc_fail "mini-compose serve does not answer at $MC_LISTEN" || return 1
        sleep 0.1
        waited=$((waited + 1))
    done
    mc_log "mini-compose serve answers at http://$MC_LISTEN/ (pid $MC_SERVE_PID, HOST_IP $HOST_IP)"
}

# The per-service states in a /status/<id>/ JSON answer, one per line (HEALTHY, RUNNING, STARTING ...).
mc_states() {
    grep -o '"state"[[:space:]]*:[[:space:]]*"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/'
}

# Waits until every service of instance $1 is HEALTHY (RUNNING for a service without a health check, EXITED(0)
# for one that has done its work). FAILED, STOPPED or a non-zero EXITED ends the wait at once; UNHEALTHY may
# still recover, so it only ends it at the deadline.
mc_wait_healthy() {
    local id=$1 deadline=$((SECONDS + MC_WAIT_SECONDS)) body states
    while :; do
        body=$(mc_api "/status/$id/" 10 2>/dev/null) || body=""
        states=$(printf '%s' "$body" | mc_states)
        if [ -n "$states" ] && ! printf '%s\n' "$states" | grep -qviE '^(healthy|running|exited\(0\))$'; then
            mc_log "instance $id is healthy: $(printf '%s\n' "$states" | sort | uniq -c | xargs)"
            return 0
        fi
        if printf '%s\n' "$states" | grep -qiE '^(failed|stopped|exited\([^0])'; then
            mc_fail "instance $id did not come up: $body"
            return 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            mc_fail "instance $id not healthy after $MC_WAIT_SECONDS s: $body"
            return 1
        fi
        sleep 1
    done
}

# The PortShift group of instance $1: <project>-<id>, the project's name as `mini-compose config` prints it.
mc_group() {
    local project
    project=$(cd "$MC_PROJECT_DIR" && mini-compose config --format json 2>/dev/null |
        sed -n 's/^  "name": "\(.*\)",$/\1/p' | head -n 1)
    [ -n "$project" ] || mc_fail "cannot read the project name with mini-compose config" || return 1
    echo "$project-$1"
}

# Runs a command in instance $1's PortShift group, so that it dials that copy's ports as the services see them.
mc_in_instance() {
    local group
    group=$(mc_group "$1") || return 1
    shift
    APP_GRP=$group LD_PRELOAD="$MINICOMPOSE_LIB/libpreload_port_offset.so${LD_PRELOAD:+ $LD_PRELOAD}" "$@"
}

# Stops the instances, the server and the offset server this job started; safe to call more than once.
mc_cleanup() {
    local status=$?
    trap - EXIT INT TERM HUP USR1 USR2
    local id waited
    if [ -n "${MC_SERVE_PID:-}" ] && kill -0 "$MC_SERVE_PID" 2>/dev/null; then
        for id in ${MC_STARTED:-}; do
            if mc_api "/stop/$id/" >/dev/null 2>&1; then
                mc_log "stopped instance $id"
            else
                mc_log "warning: GET /stop/$id/ failed"
            fi
        done
        mc_api /stopServer >/dev/null 2>&1 || true
        waited=0
        while kill -0 "$MC_SERVE_PID" 2>/dev/null && [ "$waited" -lt 300 ]; do
            sleep 0.1
            waited=$((waited + 1))
        done
        if kill -0 "$MC_SERVE_PID" 2>/dev/null; then
            mc_log "warning: mini-compose serve still running after /stopServer; sending SIGTERM"
            kill -TERM "$MC_SERVE_PID" 2>/dev/null || true
        fi
        wait "$MC_SERVE_PID" 2>/dev/null || true
        mc_log "mini-compose serve stopped"
    fi
    MC_SERVE_PID=""
    if [ -n "${MC_OFFSET_PID:-}" ]; then
        kill -TERM "$MC_OFFSET_PID" 2>/dev/null || true
        wait "$MC_OFFSET_PID" 2>/dev/null || true
        mc_log "port_offset_server stopped"
        MC_OFFSET_PID=""
    fi
    exit "$status"
}

# The scheduler's signals end the workload first; cleanup then runs from the EXIT trap.
mc_on_signal() {
    mc_log "received SIG$1; stopping"
    [ -z "${MC_WORKLOAD_PID:-}" ] || kill -TERM "$MC_WORKLOAD_PID" 2>/dev/null || true
    exit $((128 + $(kill -l "$1")))
}

# Runs the workload in the background and waits for it, so that a signal is handled at once.
mc_run_workload() {
    [ $# -gt 0 ] || return 0
    mc_log "workload: $*"
    export -f mc_in_instance mc_group mc_fail mc_log
    export MC_PROJECT_DIR
    (cd "$MC_PROJECT_DIR" && exec "$@") &
    MC_WORKLOAD_PID=$!
    local status=0
    wait "$MC_WORKLOAD_PID" || status=$?
    MC_WORKLOAD_PID=""
    mc_log "workload finished with status $status"
    return "$status"
}

# Everything, in order: settings, servers, instances, health, workload ("$@"), cleanup.
mc_job_main() {
    set -euo pipefail
    MC_JOB_ID=${MC_JOB_ID:-local-$$}
    MC_PROJECT_DIR=$(cd "${MC_PROJECT_DIR:-$PWD}" && pwd)
    MC_LISTEN=${MC_LISTEN:-127.0.0.1:5000}
    MC_PORTSHIFT=${MC_PORTSHIFT:-1}
    MC_WAIT_SECONDS=${MC_WAIT_SECONDS:-600}
    export OFFSET_SERVER_ADDR=${OFFSET_SERVER_ADDR:-127.0.0.1:25000}
    MC_LOG_DIR=${MC_LOG_DIR:-$MC_PROJECT_DIR/mini-compose-logs/$MC_JOB_ID}
    mkdir -p "$MC_LOG_DIR"
    command -v mini-compose >/dev/null || mc_fail "mini-compose is not on PATH (module load mini-compose)"
    command -v curl >/dev/null || mc_fail "curl is not on PATH"
    HOST_IP=${HOST_IP:-$(mc_node_ip)}
    export HOST_IP
    local ids=${MC_IDS:-$(seq -s ' ' 1 "${MC_INSTANCES:-1}")} id
    MC_STARTED=""
    trap mc_cleanup EXIT
    for signal in INT TERM HUP USR1 USR2; do
        # shellcheck disable=SC2064 # the signal name is fixed when the trap is set
        trap "mc_on_signal $signal" "$signal"
    done
    mc_log "job $MC_JOB_ID: project $MC_PROJECT_DIR, instances $ids, logs $MC_LOG_DIR"
    [ "$MC_PORTSHIFT" != 1 ] || mc_start_offset_server
    mc_start_server
    for id in $ids; do
        mc_api "/start/$id/" >/dev/null || mc_fail "GET /start/$id/ failed"
        MC_STARTED="$MC_STARTED $id"
    done
    for id in $ids; do
        mc_wait_healthy "$id"
    done
    if [ $# -gt 0 ]; then
        mc_run_workload "$@"
    elif [ -n "${MC_WORKLOAD:-}" ]; then
        mc_run_workload bash -c "$MC_WORKLOAD"
    else
        mc_log "no workload given: the stack runs until GET http://$MC_LISTEN/stopServer or the end of the job"
        wait "$MC_SERVE_PID" || true
    fi
}
