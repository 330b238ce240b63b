"""Benchmark: mini-compose's complete load of a generated 2,000-service file against PyYAML's C parser.

Prints the median wall times of several runs, their ratio (target: at most 1.5), and mini-compose's peak
resident memory (target: under 100 MB).
"""
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

SERVICES = 2000
RUNS = 7


def generate(path):
    rng = random.Random(42)
    lines = ["name: bench", "x-common: &common", "  restart: on-failure:3", "  environment: &env",
             "    LOG_LEVEL: info", "    REGION: ${REGION:-eu}", "services:"]
    for i in range(SERVICES):
        lines += [f"  svc{i:04d}:", "    <<: *common", f"    image: registry.local/app{i % 50}:${{TAG:-1.0}}",
                  f"    command: [\"serve\", \"--port\", \"{8000 + i % 1000}\"]",
                  "    environment:", f"      SERVICE_ID: \"{i}\"", "      MODE: production",
                  f"    ports: [\"{10000 + i}:{8000 + i % 1000}\"]",
                  "    healthcheck:", f"      test: [\"CMD-SHELL\", \"wget -qO- http://localhost:{8000 + i % 1000}/health\"]",
                  "      interval: 1m30s", "      timeout: 5s", "      retries: 3", "      start_period: 10s"]
        if i % 100 != 0:
            deps = {i - 1}
            if i > 10:
                deps.add(rng.randrange(0, i - 1))
            lines.append("    depends_on:")
            for d in sorted(deps):
                lines += [f"      svc{d:04d}:", "        condition: service_healthy"]
        lines.append(f"    volumes: [\"./data/{i}:/data\", \"/etc/localtime:/etc/localtime:ro\"]")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def time_pyyaml(path):
    with open(path) as f:
        text = f.read()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        yaml.load(text, Loader=yaml.CSafeLoader)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_mini_compose(binary, path):
    times = []
    env = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": "/tmp"}
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([binary, "config", "--quiet", "-f", path], check=True, env=env)
        times.append(time.perf_counter() - start)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return statistics.median(times), peak_kib / 1024


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "compose.yaml")
        generate(path)
        size = os.path.getsize(path)
        parse = time_pyyaml(path)
        load, peak_mb = time_mini_compose(binary, path)
    ratio = load / parse
    print(f"file: {SERVICES} services, {size / 1024:.0f} KiB; median of {RUNS} runs each")
    print(f"pyyaml CSafeLoader parse only (in-process): {parse * 1000:.1f} ms")
    print(f"mini-compose config --quiet (whole process): {load * 1000:.1f} ms")
    print(f"ratio: {ratio:.2f}x (target <= 1.5x)  {'PASS' if ratio <= 1.5 else 'MISS'}")
    print(f"mini-compose peak RSS: {peak_mb:.1f} MB (target < 100 MB)  {'PASS' if peak_mb < 100 else 'MISS'}")


if __name__ == "__main__":
    main()
