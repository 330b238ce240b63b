"""Benchmark: N copies (N = 1, 5, 20) of the demo stack (Fixtures/compose/demo) started at once under PortShift,
through the HTTP API of one `mini-compose serve`, on FakeRuntime (apptainer face).

For each N, a fresh server: its idle RSS is read, N `GET /start/<id>/` requests go out together, and the time to
all healthy is from the first request to the last service of the last copy turning HEALTHY (or RUNNING, for the
client, which has no health check), read from the instances' recorded transitions. Rounds are interleaved
(1, 5, 20, 1, 5, 20, ...) so that other load on the machine hits every N alike; the figures are medians. Reported:
time for N copies against one copy (target: 20 copies within 3x), and mini-compose's own memory per copy: the
server's RSS with N copies up minus its idle RSS, divided by N (and its CPU time from the first request to all
healthy, divided by N).
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

from fake_sandbox import ROOT, Sandbox, cpu_seconds, free_ports, load_average, wait_until

COUNTS = (1, 5, 20)
ROUNDS = 5
IMAGES = {"tcp-service": "mini-compose/tcp-service:demo", "tcp-client": "mini-compose/tcp-client:demo"}
# Offsets far from the offset server's default ones, so copies do not meet other users' PortShift groups.
FIRST_OFFSET = 12000


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise SystemExit(f"error: no VmRSS for process {pid}")


class Server:
    def __init__(self, sandbox, compose_path, offset_server, shim):
        self.port = free_ports(1)[0]
        self.log = open(os.path.join(sandbox.directory, f"serve-{self.port}.log"), "w")
        self.process = subprocess.Popen(
            [sandbox.mini_compose, "serve", "127.0.0.1", "-f", compose_path, "--listen", f"127.0.0.1:{self.port}",
             "--portshift", "--offset-server", offset_server, "--shim", shim],
            env=sandbox.env, stdout=self.log, stderr=self.log)
        if not wait_until(lambda: self.ok("/healthz"), timeout=30, every=0.05):
            raise SystemExit(f"error: mini-compose serve did not answer; see {self.log.name}")

    def get(self, path, timeout=60):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}",
                                         headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"null")

    def ok(self, path):
        try:
            self.get(path, timeout=2)
            return True
        except OSError:
            return False

    def stop(self):
        try:
            self.get("/stopServer", timeout=60)
        except OSError:
            pass
        try:
            self.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def ready_time(state):
    """When the instance's last service became ready: HEALTHY, or RUNNING for a service without a health check."""
    times = []
    for record in state["services"]:
        label = "HEALTHY" if record["transitions"][-1]["state"] == "HEALTHY" else "RUNNING"
        times.append(next(t["at"] for t in record["transitions"] if t["state"] == label))
    return max(times)


def one_round(sandbox, compose_path, workdir, offset_server, shim, count):
    shutil.rmtree(os.path.join(workdir, ".mini-compose"), ignore_errors=True)
    server = Server(sandbox, compose_path, offset_server, shim)
    try:
        time.sleep(0.5)
        idle = rss_kib(server.process.pid)
        idle_cpu = cpu_seconds(server.process.pid)
        ids = [f"c{i:02d}" for i in range(count)]
        errors = []

        def start(instance):
            try:
                server.get(f"/start/{instance}/")
            except OSError as error:
                errors.append(f"{instance}: {error}")

        threads = [threading.Thread(target=start, args=(i,)) for i in ids]
        t0 = time.time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise SystemExit("error: starting copies failed: " + "; ".join(errors))

        def all_healthy():
            instances = server.get("/status/")["instances"]
            failed = [s for i in instances for s in i["services"] if s["state"] in ("FAILED", "UNHEALTHY")]
            if failed:
                raise SystemExit(f"error: a service failed: {failed[0]}")
            return len(instances) == count and all(i["healthy"] for i in instances)

        if not wait_until(all_healthy, timeout=300, every=0.1):
            raise SystemExit(f"error: {count} copies not healthy within 300 s")
        time.sleep(0.5)
        loaded = rss_kib(server.process.pid)
        cpu = cpu_seconds(server.process.pid) - idle_cpu
        last = 0.0
        for instance in ids:
            with open(os.path.join(workdir, ".mini-compose", instance, "state.json")) as f:
                last = max(last, ready_time(json.load(f)))
        return last - t0, (loaded - idle) / count, idle, cpu / count
    finally:
        server.stop()


def main():
    release_bin = os.path.abspath(sys.argv[1])
    sandbox = Sandbox(release_bin)
    offset_log = open(os.path.join(sandbox.directory, "offset-server.log"), "w")
    offset_port = free_ports(1)[0]
    offset_server = subprocess.Popen(
        [os.path.join(release_bin, "port_offset_server"), "--listen", "127.0.0.1", "--port", str(offset_port),
         "--first-offset", str(FIRST_OFFSET), "--state-file", os.path.join(sandbox.directory, "offsets.state")],
        stdout=offset_log, stderr=offset_log)
    try:
        for fixture, reference in IMAGES.items():
            sandbox.publish(fixture, reference)
        with open(os.path.join(ROOT, "Fixtures", "compose", "demo", "compose.yaml")) as f:
            compose_path = sandbox.project("demo", f.read())
        workdir = os.path.join(os.path.dirname(compose_path), "working_dir")
        shim = os.path.join(release_bin, "libpreload_port_offset.so")
        address = f"127.0.0.1:{offset_port}"
        times = {n: [] for n in COUNTS}
        memory = {n: [] for n in COUNTS}
        cpus = {n: [] for n in COUNTS}
        idles = []
        load_before = load_average()
        for _ in range(ROUNDS):
            for count in COUNTS:
                seconds, per_copy, idle, cpu = one_round(sandbox, compose_path, workdir, address, shim, count)
                cpus[count].append(cpu)
                times[count].append(seconds)
                memory[count].append(per_copy)
                idles.append(idle)
        load_after = load_average()
        one = statistics.median(times[1])
        print(f"portshift copies of the demo stack (3 services each) started at once through the API, "
              f"medians of {ROUNDS} interleaved rounds; server idle RSS {statistics.median(idles) / 1024:.1f} MiB")
        for count in COUNTS:
            t = statistics.median(times[count])
            target = " (target <= 3x)" if count == 20 else ""
            print(f"  N={count:2d}: all healthy after {t:.3f} s ({', '.join(f'{x:.2f}' for x in times[count])}): "
                  f"{t / one:.2f}x one copy{target}; mini-compose memory per copy "
                  f"{statistics.median(memory[count]):.0f} KiB, CPU per copy until healthy "
                  f"{statistics.median(cpus[count]) * 1000:.0f} ms")
        print(f"  load average before {load_before}, after {load_after}")
    finally:
        offset_server.terminate()
        offset_server.wait()
        offset_log.close()
        sandbox.close()


if __name__ == "__main__":
    main()
