import Foundation
import Glibc
import SystemKit

/// A private FakeRuntime for one test: a directory of `docker`, `podman`, `apptainer` and `singularity` symlinks
/// to the built FakeRuntime, its own `FAKE_RUNTIME_ROOT` and fixture registry, and an environment that puts the
/// symlinks first on PATH. `FakeRuntimeSandbox.with { ... }` kills whatever the test left running and removes it all.
public struct FakeRuntimeSandbox: Sendable {
    public let directory: URL
    public let binDirectory: URL
    public let stateDirectory: URL
    public let registryDirectory: URL
    /// The environment a launcher (or a test) runs runtime commands with.
    public let environment: [String: String]

    public static let runtimeNames = ["docker", "podman", "apptainer", "singularity"]

    public init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent(
            "fake-runtime-test-\(UUID().uuidString)")
        directory = base
        binDirectory = base.appendingPathComponent("bin")
        stateDirectory = base.appendingPathComponent("state")
        registryDirectory = base.appendingPathComponent("registry")
        for url in [binDirectory, stateDirectory, registryDirectory, base.appendingPathComponent("work")] {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        try Self.linkRuntimes(into: binDirectory)
        // Faults set in the caller's environment must not leak into every test.
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FAKE_RUNTIME_") }
        environment["PATH"] = binDirectory.path + ":/usr/local/bin:/usr/bin:/bin"
        environment["FAKE_RUNTIME_ROOT"] = stateDirectory.path
        environment["FAKE_RUNTIME_REGISTRY"] = registryDirectory.path
        self.environment = environment
    }

    /// Creates the four symlinks to the built FakeRuntime in `directory`.
    public static func linkRuntimes(into directory: URL) throws {
        let binary = BuildProducts.path("FakeRuntime")
        for name in runtimeNames {
            let link = directory.appendingPathComponent(name).path
            try? FileManager.default.removeItem(atPath: link)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: binary)
        }
    }

    /// A scratch directory for the test's files.
    public var workDirectory: URL { directory.appendingPathComponent("work") }

    /// Runs a runtime command the way the launcher will: by name, found on the sandbox's PATH.
    public func run(
        _ tool: String, _ arguments: [String], environment extra: [String: String] = [:], input: String? = nil,
        timeout: Duration = .seconds(60), workingDirectory: String? = nil
    ) async throws -> RunResult {
        let command = Command(
            tool, arguments, environment: environment.merging(extra) { _, new in new },
            workingDirectory: workingDirectory ?? workDirectory.path)
        return try await ProcessRunner().run(
            command, options: RunOptions(input: input.map { Array($0.utf8) }, timeout: timeout))
    }

    /// Copies a fixture image's build context and its built program into the sandbox; returns the context path.
    public func buildContext(_ fixture: String) throws -> URL {
        let context = directory.appendingPathComponent("contexts").appendingPathComponent(fixture)
        try FileManager.default.createDirectory(
            at: context.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: context)
        try FileManager.default.copyItem(at: BuildProducts.fixture("images/\(fixture)"), to: context)
        let program = BuildProducts.directory.appendingPathComponent("fixture-programs").appendingPathComponent(fixture)
        guard FileManager.default.isExecutableFile(atPath: program.path) else {
            throw SandboxError.missingFixtureProgram(program.path)
        }
        try FileManager.default.copyItem(at: program, to: context.appendingPathComponent(fixture))
        return context
    }

    /// Builds a fixture image with the docker face and tags it.
    public func buildImage(_ fixture: String, tag: String) async throws {
        let context = try buildContext(fixture)
        let result = try await run("docker", ["build", "-q", "-t", tag, context.path])
        guard result.status == .exited(0) else { throw SandboxError.commandFailed("docker build", result.stderrText) }
    }

    /// Stops every process the sandbox's containers and instances still have, then deletes the sandbox.
    public func tearDown() {
        for kind in ["containers", "instances"] {
            let base = stateDirectory.appendingPathComponent(kind)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []
            for name in names {
                let record = base.appendingPathComponent(name).appendingPathComponent("record.json")
                guard let data = try? Data(contentsOf: record),
                    let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
                else { continue }
                for key in ["monitorPid", "pid"] {
                    if let pid = object[key] as? Int, pid > 0 {
                        kill(pid_t(-pid), SIGKILL)
                        kill(pid_t(pid), SIGKILL)
                    }
                }
            }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` with a fresh sandbox, cleaning up afterwards whatever happens.
    public static func with<T>(_ body: (FakeRuntimeSandbox) async throws -> T) async throws -> T {
        let sandbox = try FakeRuntimeSandbox()
        do {
            let value = try await body(sandbox)
            sandbox.tearDown()
            return value
        } catch {
            sandbox.tearDown()
            throw error
        }
    }

    /// Polls `condition` until it holds or `timeout` passes; never a fixed sleep.
    public static func eventually(
        timeout: Duration = .seconds(10), every interval: Duration = .milliseconds(20),
        _ condition: () async throws -> Bool
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: interval)
        }
        return try await condition()
    }
}

public enum SandboxError: Error, CustomStringConvertible {
    case missingFixtureProgram(String)
    case commandFailed(String, String)

    public var description: String {
        switch self {
        case .missingFixtureProgram(let path):
            "fixture program \(path) is missing: scripts/build-native.d/20-fixture-programs.sh builds it"
        case .commandFailed(let command, let stderr): "\(command) failed: \(stderr)"
        }
    }
}
