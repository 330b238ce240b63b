"""Benchmark: `mini-compose up` of a generated 30-service DAG on FakeRuntime (apptainer face).

Each service's program starts (and so listens) only after a random 100-400 ms delay (fixed seed); long-running
services have a TCP health check every 100 ms; one-shot jobs exit 0 after their delay. Dependencies mix
service_started, service_healthy and service_completed_successfully. Reported, from one run:

- the wall time from launching `mini-compose up -d` to the last service healthy (or completed), against the
  critical-path lower bound computed from the same delays (target: at most 1.15x), and against the tighter bound
  that also counts Docker's health timing (a service is seen healthy at the first 100 ms probe after it listens);
- the largest gap between a dependency's condition holding (its recorded transition) and its dependent starting
  (target: at most 150 ms), and how late conditions were noticed after they really held;
- where the time went along the critical path actually taken, and the CPU time mini-compose itself used;
- the same stack started strictly one service at a time, as sequential tools do (start, wait for health or
  completion with the same 100 ms probes, then the next), by a driver issuing the same runtime commands.
"""
import json
import math
import os
import random
import subprocess
import sys
import time

from fake_sandbox import Sandbox, cpu_seconds, free_ports, load_average

SERVICES = 30
SEED = 4
INTERVAL = 0.1
IMAGE_SERVICE = "mini-compose/tcp-service:bench"
IMAGE_JOB = "mini-compose/oneshot:bench"


def generate(job_condition):
    """The DAG: services in topological order, each with its delay, kind and dependencies."""
    rng = random.Random(SEED)
    ports = free_ports(SERVICES)
    services = []
    jobs = set(rng.sample(range(1, SERVICES - 3), 5))
    for i in range(SERVICES):
        name = f"s{i:02d}"
        deps = []
        if i >= 3:
            for d in sorted(rng.sample(range(max(0, i - 8), i), rng.choice([1, 1, 2, 2, 3]))):
                dep = services[d]
                if dep["job"]:
                    condition = job_condition
                else:
                    condition = rng.choice(["service_healthy", "service_healthy", "service_started"])
                deps.append((dep["name"], condition))
        services.append({"name": name, "delay": round(rng.uniform(0.1, 0.4), 3), "job": i in jobs,
                         "port": ports[i], "deps": deps})
    return services


def compose(services):
    lines = ["name: dag", "services:"]
    for s in services:
        lines += [f"  {s['name']}:", f"    image: {IMAGE_JOB if s['job'] else IMAGE_SERVICE}", "    environment:",
                  f"      FAKE_RUNTIME_START_DELAY: \"{s['delay']}\""]
        if not s["job"]:
            lines += [f"      SERVICE_PORT: \"{s['port']}\"", "    healthcheck:",
                      f"      test: [\"CMD\", \"bash\", \"-c\", \"exec 3<>/dev/tcp/127.0.0.1/{s['port']}\"]",
                      "      interval: 100ms", "      timeout: 2s", "      retries: 3",
                      "      start_period: 10s", "      start_interval: 100ms"]
        if s["deps"]:
            lines.append("    depends_on:")
            for dep, condition in s["deps"]:
                lines += [f"      {dep}:", f"        condition: {condition}"]
    return "\n".join(lines) + "\n"


def lower_bounds(services):
    """Critical path from the delays alone, and with a service seen healthy at its first probe after listening."""
    results = []
    for quantised in (False, True):
        start, ready = {}, {}
        for s in services:
            t = 0.0
            for dep, condition in s["deps"]:
                t = max(t, start[dep] if condition == "service_started" else ready[dep])
            start[s["name"]] = t
            delay = s["delay"]
            if quantised and not s["job"]:
                delay = math.ceil(delay / INTERVAL - 1e-9) * INTERVAL
            ready[s["name"]] = t + delay
        results.append(max(ready.values()))
    return results


def first(record, prefix):
    return next((t["at"] for t in record["transitions"] if t["state"].startswith(prefix)), None)


def analyse(services, state, t0, job_end):
    records = {r["service"]: r for r in state["services"]}
    last = {n: r["transitions"][-1]["state"] for n, r in records.items()}
    bad = [f"{n}={state}" for n, state in last.items() if not state.startswith(("HEALTHY", job_end))]
    if bad:
        raise SystemExit("error: not every service became healthy or completed: " + ", ".join(bad))
    ready = {}
    for s in services:
        r = records[s["name"]]
        ready[s["name"]] = first(r, job_end if s["job"] else "HEALTHY")
    holds = {}
    for s in services:
        r = records[s["name"]]
        holds[(s["name"], "service_started")] = r["startedAt"]
        holds[(s["name"], "ready")] = ready[s["name"]]
    path = critical_path(services, records, ready, holds, t0)
    gaps, notice = [], []
    for s in services:
        r = records[s["name"]]
        # The program really listens (or exits) about its delay after the start command returned.
        notice.append(ready[s["name"]] - (r["startedAt"] + s["delay"]))
        if not s["deps"]:
            continue
        held = max(holds[(dep, "service_started" if c == "service_started" else "ready")] for dep, c in s["deps"])
        gaps.append((first(r, "STARTING") - held, s["name"]))
    return max(ready.values()) - t0, max(gaps), sorted(notice), path


def critical_path(services, records, ready, holds, t0):
    """Walks back from the last service ready through the dependency that held last, adding up where the time
    went: the launcher (from `up` or a condition holding to the start command), the runtime's start commands, the
    programs' own delays, and noticing readiness (health probes, exit polling)."""
    by_name = {s["name"]: s for s in services}
    parts = {"launcher": 0.0, "start commands": 0.0, "delays": 0.0, "noticing": 0.0}
    name = max(ready, key=ready.get)
    via_ready, length = True, 0
    while True:
        s, r = by_name[name], records[name]
        starting = first(r, "STARTING")
        length += 1
        if via_ready:
            parts["delays"] += s["delay"]
            parts["noticing"] += ready[name] - (r["startedAt"] + s["delay"])
        parts["start commands"] += r["startedAt"] - starting
        if not s["deps"]:
            parts["launcher"] += starting - t0
            return length, parts
        key = lambda d: holds[(d[0], "service_started" if d[1] == "service_started" else "ready")]
        dep, condition = max(s["deps"], key=key)
        parts["launcher"] += starting - key((dep, condition))
        name, via_ready = dep, condition != "service_started"


def up_mini_compose(sandbox, services, path, runtime, job_end):
    workdir = os.path.join(os.path.dirname(path), "working_dir")
    common = ["--id", "dag", "--working-dir", workdir]
    t0 = time.time()
    up = subprocess.Popen([sandbox.mini_compose, "-f", path, "up", "-d", "--runtime", runtime] + common,
                          env=sandbox.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    own_cpu = 0.0
    deadline = time.monotonic() + 300
    while up.poll() is None and time.monotonic() < deadline:
        try:
            own_cpu = cpu_seconds(up.pid)
        except (OSError, IndexError):
            pass
        time.sleep(0.05)
    if up.poll() is None:
        up.kill()
        raise SystemExit("error: mini-compose up did not return within 300 s")
    returned = time.time() - t0
    if up.returncode != 0:
        raise SystemExit(f"error: mini-compose up exited {up.returncode}")
    with open(os.path.join(workdir, ".mini-compose", "dag", "state.json")) as f:
        state = json.load(f)
    down = sandbox.run([sandbox.mini_compose, "-f", path, "down", "-t", "1"] + common,
                       capture_output=True, text=True, timeout=300)
    if down.returncode != 0:
        raise SystemExit(f"error: mini-compose down failed:\n{down.stdout}{down.stderr}")
    wall, gap, notice, path = analyse(services, state, t0, job_end)
    return wall, returned, own_cpu, gap, notice, path


class SequentialDriver:
    """Starts one service at a time with the runtime commands and probes mini-compose uses, each waited for
    (healthy, or ended for a job, seen by 100 ms probes) before the next starts."""

    def __init__(self, sandbox, directory, runtime):
        self.sandbox = sandbox
        self.directory = directory
        self.runtime = runtime
        self.hosts = os.path.join(directory, "hosts")
        os.makedirs(directory, exist_ok=True)

    @staticmethod
    def environment(s):
        env = {"FAKE_RUNTIME_START_DELAY": str(s["delay"])}
        if not s["job"]:
            env["SERVICE_PORT"] = str(s["port"])
        return env

    def env_file(self, s):
        path = os.path.join(self.directory, s["name"] + ".env")
        with open(path, "w") as f:
            f.write("".join(f"{k}='{v}'\n" for k, v in self.environment(s).items()))
        return path

    def start(self, s, name):
        image = IMAGE_JOB if s["job"] else IMAGE_SERVICE
        if self.runtime == "apptainer" and s["job"]:
            # A job whose exit code matters runs in the foreground, as mini-compose runs it: done when this returns.
            argv = ["apptainer", "run", "--cleanenv", "--env-file", self.env_file(s), "--bind",
                    f"{self.hosts}:/etc/hosts:ro", "docker://" + image]
        elif self.runtime == "apptainer":
            argv = ["apptainer", "instance", "run", "--cleanenv", "--env-file", self.env_file(s), "--bind",
                    f"{self.hosts}:/etc/hosts:ro", "docker://" + image, name]
        else:
            env = [w for k, v in self.environment(s).items() for w in ("-e", f"{k}={v}")]
            argv = ["docker", "run", "-d", "--name", name] + env + ["-v", f"{self.hosts}:/etc/hosts:ro", image]
        self.sandbox.run(argv, check=True, capture_output=True)

    def probe(self, s, name):
        check = ["bash", "-c", f"exec 3<>/dev/tcp/127.0.0.1/{s['port']}"]
        if self.runtime == "apptainer":
            argv = ["apptainer", "exec", "--cleanenv", "--env-file", self.env_file(s), f"instance://{name}"] + check
        else:
            env = [w for k, v in self.environment(s).items() for w in ("-e", f"{k}={v}")]
            argv = ["docker", "exec"] + env + [name] + check
        return self.sandbox.run(argv, capture_output=True).returncode == 0

    def ended(self, s, name):
        if self.runtime == "apptainer" and s["job"]:
            return True
        if self.runtime == "apptainer":
            out = self.sandbox.run(["apptainer", "instance", "list", "--json"], capture_output=True, text=True).stdout
            return name not in {i["instance"] for i in json.loads(out).get("instances") or []}
        out = self.sandbox.run(["docker", "inspect", "--format", "{{.State.Status}}", name],
                               capture_output=True, text=True).stdout
        return out.strip() == "exited"

    def run(self, services):
        with open(self.hosts, "w") as f:
            f.write("127.0.0.1 localhost\n" + "".join(f"127.0.0.1 {s['name']}\n" for s in services))
        t0 = time.monotonic()
        for s in services:
            name = f"seq-{self.runtime}-{s['name']}"
            self.start(s, name)
            deadline = time.monotonic() + 30
            while not (self.ended(s, name) if s["job"] else self.probe(s, name)):
                if time.monotonic() > deadline:
                    raise SystemExit(f"error: sequential driver: {name} not ready within 30 s")
                time.sleep(INTERVAL)
        wall = time.monotonic() - t0
        for s in services:
            name = f"seq-{self.runtime}-{s['name']}"
            if self.runtime == "apptainer":
                self.sandbox.run(["apptainer", "instance", "stop", "-t", "1", name], capture_output=True)
            else:
                self.sandbox.run(["docker", "rm", "-f", name], capture_output=True)
        return wall


FACES = (("docker", "service_completed_successfully", "EXITED(0)"),
         ("apptainer", "service_completed_successfully", "EXITED(0)"))


def main():
    release_bin = os.path.abspath(sys.argv[1])
    sandbox = Sandbox(release_bin)
    try:
        sandbox.publish("tcp-service", IMAGE_SERVICE)
        sandbox.publish("oneshot", IMAGE_JOB)
        print(f"launcher DAG: {SERVICES} services (5 one-shot jobs), up to 3 dependencies each, delays 100-400 ms "
              f"(seed {SEED}), health checks every 100 ms; FakeRuntime")
        for runtime, job_condition, job_end in FACES:
            services = generate(job_condition)
            path = sandbox.project(f"dag-{runtime}", compose(services))
            bound, quantised = lower_bounds(services)
            load_before = load_average()
            wall, returned, own_cpu, (gap, gap_service), notice, (length, parts) = up_mini_compose(
                sandbox, services, path, runtime, job_end)
            sequential = SequentialDriver(sandbox, os.path.join(sandbox.directory, f"seq-{runtime}"), runtime).run(
                services)
            load_after = load_average()
            conditions = sorted({c for s in services for _, c in s["deps"]})
            print(f"{runtime} face, conditions {', '.join(conditions)}:")
            print(f"  up to all healthy: {wall:.3f} s (up -d returned after {returned:.3f} s, having used {own_cpu:.2f} s "
                  f"of CPU itself); critical-path lower "
                  f"bound {bound:.3f} s: ratio {wall / bound:.2f}x (target <= 1.15x); bound with 100 ms probes "
                  f"{quantised:.3f} s: ratio {wall / quantised:.2f}x")
            print(f"  largest gap from a dependency's condition holding to its dependent starting: "
                  f"{gap * 1000:.0f} ms ({gap_service}) (target <= 150 ms)")
            print(f"  condition noticed after it really held (listening or exit): median "
                  f"{notice[len(notice) // 2] * 1000:.0f} ms, max {notice[-1] * 1000:.0f} ms")
            print(f"  where the time went along the critical path actually taken ({length} services): "
                  + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in parts.items()))
            print(f"  peer baseline, one service at a time: {sequential:.3f} s; mini-compose "
                  f"{sequential / wall:.2f}x faster")
            print(f"  load average before {load_before}, after {load_after}")
    finally:
        sandbox.close()


if __name__ == "__main__":
    main()
