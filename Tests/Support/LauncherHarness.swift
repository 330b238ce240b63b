import Foundation
import MiniCompose
import SystemKit

/// A compose project in a FakeRuntime sandbox, for launcher tests: writes the compose file, publishes fixture
/// images to the sandbox's registry (so every face can pull them), and makes instance configurations.
public struct LauncherProject: Sendable {
    public let sandbox: FakeRuntimeSandbox
    public let directory: URL
    public let logs: MemorySink

    /// `images` maps image references (`repo:tag`) to fixture names under Fixtures/images.
    public init(sandbox: FakeRuntimeSandbox, compose: String, images: [String: String] = [:]) throws {
        self.sandbox = sandbox
        directory = sandbox.workDirectory.appendingPathComponent("project-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try compose.write(to: directory.appendingPathComponent("compose.yaml"), atomically: true, encoding: .utf8)
        logs = MemorySink(threshold: .debug)
        for (reference, fixture) in images { try publish(fixture, as: reference) }
    }

    /// Puts a fixture's build context in the registry as `<repository>/<tag>/`.
    public func publish(_ fixture: String, as reference: String) throws {
        let parts = reference.split(separator: ":", maxSplits: 1)
        let tag = parts.count == 2 ? String(parts[1]) : "latest"
        let target = sandbox.registryDirectory.appendingPathComponent(String(parts[0])).appendingPathComponent(tag)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: try sandbox.buildContext(fixture), to: target)
    }

    /// Copies a fixture's build context into the project directory, for services with `build:`.
    public func addBuildContext(_ fixture: String, at relativePath: String) throws {
        let target = directory.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: try sandbox.buildContext(fixture), to: target)
    }

    public var workingDirectory: String { directory.appendingPathComponent("working_dir").path }

    public func load() throws -> ComposeProject {
        try ComposeLoader(options: ComposeLoadOptions(workingDirectory: directory.path, environment: [:])).load()
    }

    public func configuration(id: String = "t", runtime: RuntimeKind) throws -> InstanceConfiguration {
        InstanceConfiguration(
            id: id, project: try load(), runtime: runtime, hostIP: "127.0.0.1", workingDirectory: workingDirectory,
            processEnvironment: sandbox.environment)
    }

    /// An instance whose log lines are kept in `logs`.
    public func instance(
        id: String = "t", runtime: RuntimeKind, adjust: (inout InstanceConfiguration) -> Void = { _ in }
    ) throws -> Instance {
        var configuration = try configuration(id: id, runtime: runtime)
        adjust(&configuration)
        return try Instance(
            configuration: configuration, logger: Logger(component: "orchestrator", sink: logs),
            monitorInterval: .milliseconds(200))
    }

    /// The pid of a container's program, as the runtime reports it.
    public func pid(of container: String, runtime: RuntimeKind) async throws -> Int32? {
        switch runtime.family {
        case .docker:
            let result = try await sandbox.run(runtime.rawValue, ["inspect", "--format", "{{.State.Pid}}", container])
            return Int32(result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))
        case .apptainer:
            let result = try await sandbox.run(runtime.rawValue, ["instance", "list", "--json"])
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any]
            let instances = object?["instances"] as? [[String: Any]] ?? []
            return (instances.first { $0["instance"] as? String == container }?["pid"] as? Int).map(Int32.init)
        }
    }
}

extension InstanceSnapshot {
    public func record(_ service: String) -> ServiceRecord? { services.first { $0.service == service } }

    /// When the service first entered a state whose label starts with `label` (seconds since 1970).
    public func time(_ service: String, _ label: String) -> Double? {
        record(service)?.transitions.first { $0.state.hasPrefix(label) }?.at
    }
}

/// Waits, polling, until the instance's snapshot satisfies `condition`; false if `timeout` passes first.
public func eventually(
    _ instance: Instance, timeout: Duration = .seconds(20), _ condition: (InstanceSnapshot) -> Bool
) async throws -> Bool {
    try await FakeRuntimeSandbox.eventually(timeout: timeout, every: .milliseconds(25)) {
        condition(await instance.snapshot())
    }
}
