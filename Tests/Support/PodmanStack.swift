import Foundation
import Glibc
import MiniCompose
import SystemKit

/// One test's run of a compose file from `Fixtures/compose/podman` on real Podman: its own instance id, working
/// directory and free ports, `mini-compose` run as a process against it, and a clean-up that removes every
/// container the instance may have left.
public final class PodmanStack: @unchecked Sendable {
    /// How the launcher reaches Podman: as `podman`, or as `docker` through a symlink (as podman-docker installs).
    public enum Face: String, Sendable, CaseIterable, CustomStringConvertible {
        case podman, docker
        public var description: String { rawValue }
    }

    public let face: Face
    public let composeFile: String
    public let id: String
    public let workingDirectory: ComposeFixtureDirectory
    /// Free ports for the fixture's services, by variable (`STORE_PORT`, `API_PORT`, `WEB_PORT`).
    public let ports: [String: Int]
    /// The environment `mini-compose` runs with: the test's own, the ports, and for `docker` the symlink first on PATH.
    public let environment: [String: String]
    public let podman: String

    public init(_ file: String = "compose.yaml", face: Face = .podman) throws {
        try PodmanHost.requireAvailable()
        self.face = face
        podman = PodmanHost.executable!
        composeFile = BuildProducts.fixture("compose/podman/" + file).path
        id = "t" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        workingDirectory = ComposeFixtureDirectory()
        var ports: [String: Int] = [:]
        for name in ["STORE_PORT", "API_PORT", "WEB_PORT"] {
            ports[name] = try FreePort.pick(avoiding: Set(ports.values))
        }
        self.ports = ports
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MINI_COMPOSE_") }
        for (name, port) in ports { environment[name] = String(port) }
        if face == .docker {
            // Real docker clients may be installed (no engine); the link must come first, as podman-docker's does.
            let links = workingDirectory.url.appendingPathComponent("bin")
            try FileManager.default.createDirectory(at: links, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                atPath: links.appendingPathComponent("docker").path, withDestinationPath: podman)
            environment["PATH"] = links.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        }
        self.environment = environment
    }

    deinit { removeContainers() }

    /// `<project>-<id>-<service>` for a service of this stack's project.
    public func container(_ service: String, project: String = "mcpodman") -> String { "\(project)-\(id)-\(service)" }

    public func port(_ service: String) -> Int { ports[service.uppercased() + "_PORT"]! }

    /// The words every `mini-compose` call of this stack gets after its command.
    public var instanceArguments: [String] {
        ["--runtime", face.rawValue, "--working-dir", workingDirectory.path, "--id", id]
    }

    /// Runs `mini-compose -f FILE COMMAND ...` to completion.
    public func miniCompose(
        _ command: String, _ arguments: [String] = [], timeout: Duration = .seconds(120)
    ) async throws -> RunResult {
        try await ProcessRunner().run(
            Command(
                BuildProducts.path("mini-compose"), ["-f", composeFile, command] + instanceArguments + arguments,
                environment: environment),
            options: RunOptions(timeout: timeout))
    }

    /// Starts `mini-compose up` in the foreground as a child process, its output in files of the working directory.
    public func startUp(_ arguments: [String] = []) throws -> ChildProcess {
        try Subprocess.spawn(
            Command(
                BuildProducts.path("mini-compose"), ["-f", composeFile, "up"] + instanceArguments + arguments,
                environment: environment),
            options: SpawnOptions(
                stdout: .file(path: workingDirectory.path + "/up.out", append: false),
                stderr: .file(path: workingDirectory.path + "/up.err", append: false), newProcessGroup: true))
    }

    /// What the foreground `up` printed so far, for failure messages.
    public var upOutput: String {
        ["up.out", "up.err"].compactMap {
            try? String(contentsOfFile: workingDirectory.path + "/" + $0, encoding: .utf8)
        }.joined(separator: "\n")
    }

    /// Runs podman itself (never through the docker link), for looking at what really happened.
    public func podman(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> RunResult {
        try await ProcessRunner().run(
            Command(podman, arguments, environment: ProcessInfo.processInfo.environment),
            options: RunOptions(timeout: timeout))
    }

    /// `sh -c 'printf %s "$NAME"'` inside the container: the variable's value exactly as the container has it.
    public func variable(_ name: String, in container: String) async throws -> String? {
        let result = try await podman(["exec", container, "/bin/sh", "-c", "printf %s \"${\(name)?}\""])
        return result.status == .exited(0) ? result.stdoutText : nil
    }

    /// The names of the containers this instance has, running or not.
    public func containers() async throws -> [String] {
        let result = try await podman([
            "ps", "-a", "--filter", "label=io.mini-compose.instance=\(id)", "--format", "{{.Names}}",
        ])
        return result.stdoutText.split(separator: "\n").map(String.init).sorted()
    }

    /// The instance's saved state, as `mini-compose ps` and adoption read it.
    public func state() throws -> InstanceState? {
        try InstanceState.load(workingDirectory: workingDirectory.path, id: id)
    }

    /// Each service's state label (HEALTHY, EXITED(3), ...) from the saved state.
    public func states() -> [String: String] {
        guard let state = try? state() else { return [:] }
        return Dictionary(uniqueKeysWithValues: state.services.map { ($0.service, $0.state.label) })
    }

    /// Polls `condition` every 100 ms until it holds or `timeout` passes; returns whether it held.
    public func waitUntil(
        timeout: Duration = .seconds(60), _ condition: () async throws -> Bool
    ) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    /// Removes every container labelled with this instance, whatever the test left.
    public func removeContainers() {
        let runner = ProcessRunner()
        let environment = ProcessInfo.processInfo.environment
        guard
            let listed = try? runner.runBlocking(
                Command(
                    podman, ["ps", "-aq", "--filter", "label=io.mini-compose.instance=\(id)"],
                    environment: environment), options: RunOptions(timeout: .seconds(30)))
        else { return }
        let ids = listed.stdoutText.split(separator: "\n").map(String.init)
        guard !ids.isEmpty else { return }
        _ = try? runner.runBlocking(
            Command(podman, ["rm", "-f", "-t", "0"] + ids, environment: environment),
            options: RunOptions(timeout: .seconds(60)))
    }
}

/// A TCP port free on 127.0.0.1 right now: bound as port 0, read back, released.
public enum FreePort {
    public static func pick(avoiding taken: Set<Int> = []) throws -> Int {
        for _ in 0..<20 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { break }
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
                }
            }
            let port = Int(UInt16(bigEndian: address.sin_port))
            if bound, !taken.contains(port) { return port }
        }
        throw SystemError(call: "bind", subject: "127.0.0.1:0", errno: errno)
    }
}
