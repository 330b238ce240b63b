"""A FakeRuntime sandbox for the launcher benchmarks: a registry holding fixture images, a state root, and a PATH
directory where docker, podman, apptainer and singularity are FakeRuntime, as the launcher tests set it up."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class Sandbox:
    def __init__(self, release_bin):
        self.release_bin = os.path.abspath(release_bin)
        self.mini_compose = os.path.join(self.release_bin, "mini-compose")
        self.directory = tempfile.mkdtemp(prefix="mini-compose-bench-")
        self.registry = os.path.join(self.directory, "registry")
        self.root = os.path.join(self.directory, "fake-root")
        fake_bin = os.path.join(self.directory, "fake-bin")
        # The benchmarks measure mini-compose, so they use the cheapest FakeRuntime to start when there is one.
        fake_runtime = os.environ.get("BENCH_FAKE_RUNTIME") or os.path.join(self.release_bin, "FakeRuntime")
        subprocess.run([os.path.join(ROOT, "scripts", "fake-runtime-path"), fake_bin, fake_runtime], check=True,
                       stdout=subprocess.DEVNULL)
        self.env = dict(os.environ)
        self.env.update(PATH=fake_bin + ":" + os.environ.get("PATH", "/usr/bin:/bin"),
                        FAKE_RUNTIME_ROOT=self.root, FAKE_RUNTIME_REGISTRY=self.registry)

    def publish(self, fixture, reference):
        """Puts the fixture image's build context (with its compiled program) in the registry as repo/tag."""
        repository, tag = reference.split(":", 1)
        target = os.path.join(self.registry, repository, tag)
        shutil.copytree(os.path.join(ROOT, "Fixtures", "images", fixture), target)
        shutil.copy(os.path.join(self.release_bin, "fixture-programs", fixture), os.path.join(target, fixture))

    def project(self, name, compose_text):
        """Writes a project directory with compose.yaml; returns the compose file's path."""
        directory = os.path.join(self.directory, name)
        os.makedirs(directory)
        path = os.path.join(directory, "compose.yaml")
        with open(path, "w") as f:
            f.write(compose_text)
        return path

    def run(self, argv, **kwargs):
        return subprocess.run(argv, env=self.env, **kwargs)

    def close(self):
        # Containers that are still up (a benchmark that failed half-way) are stopped by FakeRuntime's own stop.
        listing = self.run(["apptainer", "instance", "list", "--json"], capture_output=True, text=True)
        try:
            names = [i["instance"] for i in json.loads(listing.stdout).get("instances") or []]
        except ValueError:
            names = []
        for name in names:
            self.run(["apptainer", "instance", "stop", "-t", "1", name], capture_output=True)
        shutil.rmtree(self.directory, ignore_errors=True)


def free_ports(count):
    """Ports nothing listens on now (bound to port 0 and read back, then released)."""
    sockets, ports = [], []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        ports.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return ports


def cpu_seconds(pid):
    """User plus system CPU time a live process has used (its own, not its children's)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def wait_until(predicate, timeout, every=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return None
