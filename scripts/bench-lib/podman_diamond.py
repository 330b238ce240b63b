"""The diamond stack on real podman: mini-compose against a hand-written script and podman-compose.

The stack: b and c need a, d needs b and c, e needs d, every condition `service_healthy`; each service is
busybox httpd on its own free 127.0.0.1 port, healthy once its health check fetches a file from it.

Measured in the same run, each several rounds (median reported):
- script: a hand-written bash script that runs the same `podman run -d` commands in dependency order and
  polls each service's health itself through `podman exec`, every 100 ms (the baseline);
- mini-compose `up -d` until every service is healthy, with the file as it is (interval 1s) and with
  `start_interval: 100ms` during a start period (the Compose way of probing fast while starting);
- podman-compose `up -d`: when it returns, when each container started against when what it needs became
  healthy (probed by this harness every 100 ms), and what podman says of its health afterwards.

Ratios are against the script measured in the same run.
"""

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

BASE = "localhost/mini-compose-base:latest"
SERVICES = ["a", "b", "c", "d", "e"]
NEEDS = {"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"], "e": ["d"]}
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
POLL = 0.1


def free_ports(count):
    sockets, ports = [], []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        ports.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return ports


def server_command(port):
    return ["/bin/sh", "-c", f"echo ok > /tmp/ok; exec httpd -f -p 127.0.0.1:{port} -h /tmp"]


def probe(port):
    return ["wget", "-q", "-O", "/dev/null", f"http://127.0.0.1:{port}/ok"]


def compose_file(directory, project, ports, fast_start):
    lines = [f"name: {project}", "services:"]
    for service in SERVICES:
        port = ports[service]
        lines += [
            f"  {service}:",
            f"    image: {BASE}",
            "    network_mode: host",
            "    stop_grace_period: 0s",
            f"    command: {json.dumps(server_command(port))}",
            "    healthcheck:",
            f"      test: {json.dumps(['CMD'] + probe(port))}",
            "      interval: 1s",
            "      timeout: 2s",
            "      retries: 3",
        ]
        if fast_start:
            lines += ["      start_period: 10s", "      start_interval: 100ms"]
        if NEEDS[service]:
            lines.append("    depends_on:")
            for need in NEEDS[service]:
                lines += [f"      {need}:", "        condition: service_healthy"]
    path = os.path.join(directory, f"{project}.yaml")
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def script_file(directory, ports):
    """What a careful user writes by hand: start in dependency order, poll each service until it answers."""
    lines = [
        "#!/usr/bin/env bash",
        "set -euo pipefail",
        "wait_healthy() {",
        f'    until podman exec "$1" wget -q -O /dev/null "http://127.0.0.1:$2/ok" 2>/dev/null; do sleep {POLL}; done',
        "}",
    ]
    for service in SERVICES:
        port = ports[service]
        command = " ".join("'" + word + "'" for word in server_command(port))
        lines.append(f"podman run -d --name benchscript-{service} --network host {BASE} {command} >/dev/null")
        lines.append(f"wait_healthy benchscript-{service} {port}")
    path = os.path.join(directory, "by-hand.sh")
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def run(arguments, **options):
    return subprocess.run(arguments, capture_output=True, text=True, **options)


def remove_containers(names):
    if names:
        run(["podman", "rm", "-f", "-t", "0"] + names)


def labelled(label):
    result = run(["podman", "ps", "-aq", "--filter", f"label={label}"])
    return result.stdout.split()


def time_script(path):
    started = time.monotonic()
    result = run(["bash", path])
    elapsed = time.monotonic() - started
    remove_containers([f"benchscript-{s}" for s in SERVICES])
    if result.returncode != 0:
        raise SystemExit(f"the hand-written script failed: {result.stderr}")
    return elapsed


def time_mini_compose(binary, path, workdir):
    started = time.monotonic()
    result = run([binary, "-f", path, "up", "-d", "--runtime", "podman", "--working-dir", workdir, "--id", "bench"])
    elapsed = time.monotonic() - started
    ps = run([binary, "-f", path, "ps", "--format", "json", "--working-dir", workdir, "--id", "bench"])
    states = {s["service"]: s["state"] for s in json.loads(ps.stdout or "[]")[0]["services"]} if ps.stdout else {}
    # The launcher records when each service started and turned healthy; check every condition held.
    with open(os.path.join(workdir, ".mini-compose", "bench", "state.json")) as handle:
        records = {r["service"]: r for r in json.load(handle)["services"]}

    def moment(service, label):
        return next(t["at"] for t in records[service]["transitions"] if t["state"] == label)

    honoured = all(
        moment(service, "STARTING") >= moment(need, "HEALTHY") for service in SERVICES for need in NEEDS[service]
    )
    run([binary, "-f", path, "down", "-t", "0", "--working-dir", workdir, "--id", "bench"])
    remove_containers(labelled("io.mini-compose.instance=bench"))
    if result.returncode != 0 or any(state != "HEALTHY" for state in states.values()) or len(states) != 5:
        raise SystemExit(f"mini-compose up did not bring every service up healthy: {states} {result.stderr[-2000:]}")
    return elapsed, honoured


def observe_podman_compose(podman_compose, path, project, ports):
    """Starts the stack with podman-compose while probing every service's health itself."""
    healthy_at = {}
    started = time.monotonic()
    process = subprocess.Popen(
        [podman_compose, "-f", path, "up", "-d"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    returned_at = None
    deadline = started + 60
    while time.monotonic() < deadline and (returned_at is None or len(healthy_at) < 5):
        if returned_at is None and process.poll() is not None:
            returned_at = time.monotonic() - started
        for service in SERVICES:
            if service in healthy_at:
                continue
            names = run(["podman", "ps", "-q", "--filter", f"label=com.docker.compose.project={project}",
                         "--filter", f"label=com.docker.compose.service={service}"]).stdout.split()
            if names and run(["podman", "exec", names[0]] + probe(ports[service])).returncode == 0:
                healthy_at[service] = time.time()
        time.sleep(POLL)
    output = process.communicate()[0]
    containers = {}
    for cid in labelled(f"com.docker.compose.project={project}"):
        fields = run(["podman", "inspect", "--format",
                      '{{index .Config.Labels "com.docker.compose.service"}} {{.State.StartedAt.UnixNano}} '
                      "{{.State.Health.Status}}", cid]).stdout.split()
        containers[fields[0]] = {"started": int(fields[1]) / 1e9, "health": fields[2] if len(fields) > 2 else ""}
    run([podman_compose, "-f", path, "down", "-t", "0"])
    remove_containers(labelled(f"com.docker.compose.project={project}"))
    early = []
    for service in SERVICES:
        for need in NEEDS[service]:
            if service in containers and need in healthy_at and containers[service]["started"] < healthy_at[need]:
                early.append(f"{service} started {healthy_at[need] - containers[service]['started']:.2f}s "
                             f"before {need} was healthy")
    return returned_at, early, {s: c["health"] or "(none)" for s, c in sorted(containers.items())}, output


def main():
    binary, podman_compose = sys.argv[1], sys.argv[2]
    directory = tempfile.mkdtemp(prefix="bench-diamond-")
    try:
        names = SERVICES
        ports = dict(zip(names, free_ports(len(names))))
        slow = compose_file(directory, "benchslow", ports, fast_start=False)
        fast = compose_file(directory, "benchfast", ports, fast_start=True)
        script = script_file(directory, ports)
        pc_file = compose_file(directory, "benchpc", ports, fast_start=False)
        workdir = os.path.join(directory, "work")
        times = {"script": [], "mini-compose (interval 1s)": [], "mini-compose (start_interval 100ms)": []}
        honoured = True
        time_script(script)  # warm-up: the image and podman's own caches
        for _ in range(ROUNDS):
            times["script"].append(time_script(script))
            elapsed, ok = time_mini_compose(binary, slow, workdir)
            times["mini-compose (interval 1s)"].append(elapsed)
            honoured &= ok
            elapsed, ok = time_mini_compose(binary, fast, workdir)
            times["mini-compose (start_interval 100ms)"].append(elapsed)
            honoured &= ok
        returned, early, health, output = observe_podman_compose(podman_compose, pc_file, "benchpc", ports)

        baseline = statistics.median(times["script"])
        print(f"diamond stack on real podman, {ROUNDS} rounds, median wall time to all healthy")
        for name, values in times.items():
            median = statistics.median(values)
            print(f"  {name:38s} {median:6.2f} s  ratio {median / baseline:4.2f}x  "
                  f"(rounds: {', '.join(f'{v:.2f}' for v in values)})")
        print(f"  every depends_on condition honoured by mini-compose: {'yes' if honoured else 'NO'}")
        print(f"  target: mini-compose at most 0.8x the script")
        print("podman-compose 1.6.0 on the same file (interval 1s):")
        print(f"  up -d returned after {returned:.2f} s" if returned is not None else "  up -d did not return in 60 s")
        print(f"  started before what it needs was healthy: {'; '.join(early) if early else 'none'}")
        print(f"  health podman reports afterwards: {health}")
        if "health" in output.lower() or "condition" in output.lower():
            print("  podman-compose said: " + " | ".join(
                line for line in output.splitlines() if "health" in line.lower() or "condition" in line.lower()))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
