"""Benchmark: GET /status/<id>/ (Accept: application/json) of `mini-compose serve` with a running 10-service
instance on FakeRuntime, against a Flask app serving the same JSON document on Flask's built-in server, both
loaded by wrk in the same run (same connections, threads and duration).

Prints requests/s and p99 latency of both, the throughput ratio (target: at least 50x Flask), mini-compose's p99
(target: under 5 ms), and the idle resident memory of both servers (target for mini-compose: under 25 MB).

The idle memory target is judged on the same code built with the Swift runtime and Foundation linked statically,
as scripts/install builds it for the nodes users run it on; the development build (`swift build -c release`) is
reported too, with how much of it is pages of the shared Swift and Foundation libraries it maps.

Usage: server_status.py RELEASE_BIN_DIR STATIC_MINI_COMPOSE
(environment: SERVER_BENCH_SECONDS, SERVER_BENCH_CONNECTIONS)
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

SERVICES = 10
INSTANCE = "bench"
SECONDS = int(os.environ.get("SERVER_BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("SERVER_BENCH_CONNECTIONS", "50"))
THREADS = 2
REPOSITORY = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def compose_file():
    lines = ["name: bench", "services:"]
    for index in range(1, SERVICES + 1):
        lines += [
            f"  svc{index:02d}:",
            "    image: bench/tcp-service:1",
            "    environment: {SERVICE_PORT: \"0\", ROLE: \"worker\"}",
            f"    ports: [\"{18000 + index}:{8000 + index}\"]",
            # Quick probes while starting fill the health history; afterwards they would only add noise to the load.
            "    healthcheck: {test: [\"CMD\", \"true\"], interval: 5s, timeout: 2s, retries: 3, start_period: 3s,"
            " start_interval: 200ms}",
        ]
        if index > 1:
            lines.append("    depends_on: {svc01: {condition: service_healthy}}")
    return "\n".join(lines) + "\n"


def prepare(work, release_bin):
    """A FakeRuntime sandbox: runtime symlinks, a registry holding the fixture image, the compose project."""
    fake_bin = os.path.join(work, "fake-bin")
    os.makedirs(fake_bin)
    for name in ["docker", "podman", "apptainer", "singularity"]:
        os.symlink(os.path.join(release_bin, "FakeRuntime"), os.path.join(fake_bin, name))
    image = os.path.join(work, "registry", "bench", "tcp-service", "1")
    shutil.copytree(os.path.join(REPOSITORY, "Fixtures", "images", "tcp-service"), image)
    shutil.copy(os.path.join(release_bin, "fixture-programs", "tcp-service"), image)
    project = os.path.join(work, "project")
    os.makedirs(project)
    with open(os.path.join(project, "compose.yaml"), "w", encoding="utf-8") as file:
        file.write(compose_file())
    environment = dict(os.environ)
    environment.update(
        PATH=fake_bin + ":" + environment.get("PATH", "/usr/bin:/bin"),
        FAKE_RUNTIME_ROOT=os.path.join(work, "fake-root"),
        FAKE_RUNTIME_REGISTRY=os.path.join(work, "registry"),
    )
    return project, environment


def wait_for(what, condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise SystemExit(f"error: timed out waiting for {what}")


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            return file.read()
    except FileNotFoundError:
        return ""


def get(url):
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


def rss_mb(pid):
    for line in read(f"/proc/{pid}/status").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def swift_library_mb(pid):
    """Resident memory of the shared Swift and Foundation libraries mapped into the process."""
    total, current = 0, ""
    for line in read(f"/proc/{pid}/smaps").splitlines():
        fields = line.split()
        if fields and "-" in fields[0] and not fields[0].endswith(":"):
            current = fields[5] if len(fields) > 5 else ""
        elif fields and fields[0] == "Rss:" and "/swift/" in current and ".so" in current:
            total += int(fields[1])
    return total / 1024


def start_mini_compose(binary, project, environment, work):
    log = os.path.join(work, "serve.log")
    process = subprocess.Popen(
        [binary, "serve", "127.0.0.1", "-f", os.path.join(project, "compose.yaml"),
         "--listen", "127.0.0.1:0"],
        cwd=project, env=environment, stdin=subprocess.DEVNULL, stdout=open(log, "w"), stderr=subprocess.STDOUT,
    )

    def bound_port():
        if process.poll() is not None:
            raise SystemExit(f"error: mini-compose serve exited:\n{read(log)}")
        match = re.search(r" listening .*address=127\.0\.0\.1:(\d+)", read(log))
        return int(match.group(1)) if match else None

    return process, wait_for("mini-compose serve to listen", bound_port), log


def start_flask(document_path, work):
    log = os.path.join(work, "flask.log")
    process = subprocess.Popen(
        [sys.executable, os.path.join(REPOSITORY, "scripts", "bench-lib", "flask_status.py"), document_path],
        stdin=subprocess.DEVNULL, stdout=open(log, "w"), stderr=subprocess.STDOUT,
    )

    def bound_port():
        if process.poll() is not None:
            raise SystemExit(f"error: the Flask peer exited:\n{read(log)}")
        match = re.search(r"port=(\d+)", read(log))
        return int(match.group(1)) if match else None

    return process, wait_for("the Flask peer to listen", bound_port)


def to_ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def load(url):
    """wrk against `url`; returns requests/s, p99 in ms, and the count of failed or non-2xx responses."""
    output = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "-H", "Accept: application/json",
         url],
        check=True, capture_output=True, text=True,
    ).stdout
    requests = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    bad += sum(int(n) for n in errors.groups()) if errors else 0
    return requests, p99, bad


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def verdict(ok):
    return "PASS" if ok else "MISS"


def instance_document(base):
    """Waits until the instance is healthy and through its start period; returns its status document."""

    def all_up():
        document = json.loads(get(f"{base}/status/{INSTANCE}/")[1])
        states = [service["state"] for service in document["services"]]
        return len(states) == SERVICES and set(states) == {"HEALTHY"}

    wait_for("the 10-service instance to be healthy", all_up)
    time.sleep(3)  # through the start period: the document then holds the latest probes of each service
    return get(f"{base}/status/{INSTANCE}/")[1]


def start_instance(base):
    status, _ = get(f"{base}/start/{INSTANCE}/")
    if status != 200:
        raise SystemExit(f"error: /start/{INSTANCE}/ answered {status}")
    return instance_document(base)


def idle_memory(binary, project, environment, work):
    """Resident memory of an idle server: just started, then with the instance running."""
    server, port, _ = start_mini_compose(binary, project, environment, work)
    try:
        base = f"http://127.0.0.1:{port}"
        get(base + "/healthz")
        time.sleep(1)  # let start-up work settle before reading memory
        empty = rss_mb(server.pid)
        start_instance(base)
        running = rss_mb(server.pid)
        get(f"{base}/stop/{INSTANCE}/")
        return empty, running
    finally:
        stop(server)


def main():
    release_bin, static_binary = sys.argv[1], sys.argv[2]
    load_before = os.getloadavg()[0]
    work = tempfile.mkdtemp(prefix="server-bench-")
    started = []
    try:
        project, environment = prepare(work, release_bin)
        server, port, _ = start_mini_compose(os.path.join(release_bin, "mini-compose"), project, environment, work)
        started.append(server)
        base = f"http://127.0.0.1:{port}"
        get(base + "/healthz")
        time.sleep(1)  # let start-up work settle before reading memory
        idle_empty = rss_mb(server.pid)
        body = start_instance(base)
        idle_running = rss_mb(server.pid)
        libraries = swift_library_mb(server.pid)
        document_path = os.path.join(work, "status.json")
        with open(document_path, "wb") as file:
            file.write(body)

        flask, flask_port = start_flask(document_path, work)
        started.append(flask)
        flask_url = f"http://127.0.0.1:{flask_port}/status/{INSTANCE}/"
        _, flask_body = get(flask_url)
        if json.loads(flask_body) != json.loads(body):
            raise SystemExit("error: the Flask peer does not serve the same document")
        time.sleep(1)
        flask_idle = rss_mb(flask.pid)

        ours = load(f"{base}/status/{INSTANCE}/")
        ours_after = rss_mb(server.pid)
        theirs = load(flask_url)
        get(f"{base}/stop/{INSTANCE}/")
        for process in reversed(started):
            stop(process)
        started.clear()
        static_empty, static_running = idle_memory(static_binary, project, environment, work)
        ratio = ours[0] / theirs[0]

        print(f"GET /status/<id>/ of a {SERVICES}-service instance on FakeRuntime, JSON of {len(body)} bytes;"
              f" wrk {THREADS} threads, {CONNECTIONS} connections, {SECONDS} s each;"
              f" load average at the start: {load_before:.1f}")
        print(f"flask (built-in server): {theirs[0]:.0f} requests/s, p99 {theirs[1]:.2f} ms, failed {theirs[2]}")
        print(f"mini-compose serve:      {ours[0]:.0f} requests/s, p99 {ours[1]:.2f} ms, failed {ours[2]}")
        print(f"throughput ratio: {ratio:.1f}x (target >= 50x)  {verdict(ratio >= 50)}")
        print(f"mini-compose p99: {ours[1]:.2f} ms (target < 5 ms)  {verdict(ours[1] < 5)}")
        print(f"idle RSS, flask: {flask_idle:.1f} MB")
        # The target is judged on the build users run: scripts/install links the Swift runtime statically.
        print(f"idle RSS, mini-compose (--static-swift-stdlib, as scripts/install builds it): {static_empty:.1f} MB,"
              f" {static_running:.1f} MB with the instance running (target < 25 MB)  {verdict(static_running < 25)}")
        print(f"idle RSS, mini-compose (swift build -c release, the development build): {idle_empty:.1f} MB,"
              f" {idle_running:.1f} MB with the instance running ({libraries:.1f} MB of it pages of the shared Swift"
              f" and Foundation libraries), {ours_after:.1f} MB after the load")
        if ours[2] or theirs[2]:
            print("error: some requests failed; the figures above are not comparable")
            return 1
        return 0
    finally:
        for process in reversed(started):
            stop(process)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
