import Foundation
import SystemKit

/// What the server controls: the compose model (reloadable), the chosen runtime, the posted settings,
/// and the running instances. One per server; every request goes through it.
public actor Controller {
    public struct Options: Sendable {
        public var load: ComposeLoadOptions
        public var runtime: RuntimeKind
        public var runtimePath: String?
        public var hostIP: String
        /// Overrides `working_dir` beside the compose file.
        public var workingDirectory: String?
        public var saveImages = false
        public var processEnvironment: [String: String]
        /// PortShift settings for instances that run under it; `portShiftByDefault` says whether they all do.
        public var portShift: PortShiftSettings?
        public var portShiftByDefault = false

        public init(
            load: ComposeLoadOptions, runtime: RuntimeKind, hostIP: String, processEnvironment: [String: String]
        ) {
            self.load = load
            self.runtime = runtime
            self.hostIP = hostIP
            self.processEnvironment = processEnvironment
        }
    }

    /// What `/reload/` changed.
    public struct ReloadSummary: Sendable, Equatable {
        public var added: [String]
        public var removed: [String]
        public var changed: [String]
        public var warnings: [String]
    }

    public private(set) var project: ComposeProject
    public private(set) var runtime: RuntimeKind
    public private(set) var settings: [String: String] = [:]
    private var options: Options
    private var instances: [String: Instance] = [:] {
        didSet { statusBoard.replace(instances.mapValues(\.status)) }
    }
    /// Every instance's latest status, readable without waiting on this actor or the instance.
    public nonisolated let statusBoard = StatusBoard()
    private let runner: any CommandRunning
    private let logger: Logger
    private let offsets: OffsetServerSupervisor

    /// Loads the project; a bad file is an error here (there is no last good model yet).
    public init(
        options: Options, runner: any CommandRunning = ProcessRunner(), logger: Logger = Logger(component: "controller")
    ) throws(ComposeError) {
        self.options = options
        self.runner = runner
        self.logger = logger
        runtime = options.runtime
        offsets = OffsetServerSupervisor(logger: logger.child(component: "portshift"))
        project = try ComposeLoader(options: options.load, logger: logger.child(component: "loader")).load()
    }

    public var workingDirectory: String {
        let path = options.workingDirectory ?? project.directory + "/working_dir"
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    // MARK: Model

    /// Re-reads the compose files. On failure the last good model stays and the error is returned.
    public func reload() -> Result<ReloadSummary, ComposeError> {
        let loader = ComposeLoader(options: options.load, logger: logger.child(component: "loader"))
        let fresh: ComposeProject
        do {
            fresh = try loader.load()
        } catch {
            logger.warning("reload failed; keeping the last good configuration", ["errors": String(error.errors.count)])
            return .failure(error)
        }
        let before = Set(project.serviceNames)
        let after = Set(fresh.serviceNames)
        let changed = before.intersection(after).filter {
            ProjectRenderer.service(project.services[$0]!) != ProjectRenderer.service(fresh.services[$0]!)
        }
        let summary = ReloadSummary(
            added: after.subtracting(before).sorted(), removed: before.subtracting(after).sorted(),
            changed: changed.sorted(), warnings: fresh.warnings.map(\.summary))
        project = fresh
        logger.info(
            "configuration reloaded",
            [
                "added": String(summary.added.count), "removed": String(summary.removed.count),
                "changed": String(summary.changed.count),
            ])
        return .success(summary)
    }

    public func setRuntime(_ kind: RuntimeKind) {
        runtime = kind
        logger.info("runtime selected", ["runtime": kind.rawValue])
    }

    /// Replaces the settings given to instances started afterwards. Names must be valid variable names and
    /// values free of NUL bytes.
    public func setSettings(_ new: [String: String]) throws(LaunchError) {
        for (name, value) in new {
            guard Self.isSettingName(name) else {
                throw .invalidName(name, rule: "setting names are a letter or _ then letters, digits or _")
            }
            guard !value.contains("\0") else { throw .invalidName(name, rule: "a setting's value may not hold NUL") }
        }
        settings = new
        logger.info("settings replaced", ["count": String(new.count)])
    }

    static func isSettingName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
        }
    }

    // MARK: Instances

    /// Starts an instance of the current model under `id`; returns the services it starts. `portShift` overrides
    /// whether it runs as a PortShift group (nil: the server's default).
    public func start(id: String, services: [String]? = nil, portShift: Bool? = nil) async throws(LaunchError)
        -> [String]
    {
        if let existing = instances[id], await existing.currentPhase == .running { throw .instanceRunning(id) }
        var configuration = InstanceConfiguration(
            id: id, project: project, runtime: runtime, runtimeExecutable: options.runtimePath,
            hostIP: options.hostIP, workingDirectory: workingDirectory, processEnvironment: options.processEnvironment)
        configuration.settings = settings
        configuration.saveImages = options.saveImages
        configuration.selectedServices = services
        if portShift ?? options.portShiftByDefault {
            guard let settings = options.portShift else {
                throw .unsupported("PortShift is not available: the server has no libpreload_port_offset.so (--shim)")
            }
            configuration.portShift = settings
            configuration.offsetSupervisor = offsets
        }
        let instance = try Instance(
            configuration: configuration, runner: runner, logger: logger.child(component: "orchestrator"))
        instances[id] = instance
        try await instance.start()
        return instance.members
    }

    public func stop(id: String) async throws(LaunchError) {
        guard let instance = instances[id] else { throw .unknownInstance(id) }
        await instance.stop()
        instances[id] = nil
    }

    /// Stops every instance, each in reverse dependency order, all at once.
    public func stopAll() async -> [String] {
        let running = instances
        instances = [:]
        await withTaskGroup(of: Void.self) { group in
            for instance in running.values { group.addTask { await instance.stop() } }
        }
        return running.keys.sorted()
    }

    public func snapshot(id: String) async throws(LaunchError) -> InstanceSnapshot {
        guard let instance = instances[id] else { throw .unknownInstance(id) }
        return await instance.snapshot()
    }

    public func snapshots() async -> [InstanceSnapshot] {
        var result: [InstanceSnapshot] = []
        for id in instances.keys.sorted() { result.append(await instances[id]!.snapshot()) }
        return result
    }

    public func instance(_ id: String) -> Instance? { instances[id] }

    /// The last lines of one service's output.
    public func logs(id: String, service: String, tail: Int?) async throws(LaunchError) -> String {
        guard let instance = instances[id] else { throw .unknownInstance(id) }
        return try await instance.logs(service: service, tail: tail)
    }

    /// Adopts instances of this project that a previous mini-compose process left running.
    public func adoptLeftovers() async -> [String] {
        var adopted: [String] = []
        for state in InstanceState.all(workingDirectory: workingDirectory)
        where state.project == project.name && state.phase == .running && instances[state.id] == nil
            && !(state.ownerPID != getpid() && kill(state.ownerPID, 0) == 0)
        {
            var configuration = InstanceConfiguration(
                id: state.id, project: project, runtime: state.runtime, runtimeExecutable: state.runtimeExecutable,
                hostIP: state.hostIP, workingDirectory: state.workingDirectory,
                processEnvironment: options.processEnvironment)
            configuration.selectedServices = state.services.map(\.service).filter { project.services[$0] != nil }
            if state.portShift != nil, var settings = options.portShift {
                settings.serverAddress = state.portShift?.server ?? settings.serverAddress
                configuration.portShift = settings
                configuration.offsetSupervisor = offsets
            }
            do {
                let instance = try Instance(
                    configuration: configuration, runner: runner, logger: logger.child(component: "orchestrator"))
                try await instance.adopt(state)
                instances[state.id] = instance
                adopted.append(state.id)
            } catch {
                logger.warning("cannot adopt instance", ["instance": state.id, "error": error.description])
            }
        }
        return adopted
    }
}
