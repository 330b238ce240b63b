import Foundation
import SystemKit

/// One running copy of a project: starts its services as soon as their dependencies allow, watches their
/// health and their containers, restarts them by policy, and stops them in reverse dependency order.
///
/// Every state change goes through this actor; code that awaits re-checks the state afterwards.
public actor Instance {
    public enum Phase: String, Sendable, Codable {
        case idle, running, stopping, stopped
    }

    public nonisolated let id: String
    public nonisolated let configuration: InstanceConfiguration
    let runtime: any ContainerRuntime
    let context: LaunchContext
    let graph: DependencyGraph
    let logger: Logger
    /// The services this instance runs (all, or the selected ones and what they need).
    nonisolated let members: [String]
    /// Members that another member waits on to complete successfully: their exit code must be known.
    nonisolated let awaitedToComplete: Set<String>

    private(set) var phase: Phase = .idle {
        didSet { status.publish(snapshot()) }
    }
    var records: [String: ServiceRecord] = [:] {
        didSet { status.publish(snapshot()) }
    }
    /// The latest status, published on every change, for readers that must not wait on this actor.
    public nonisolated let status: StatusSlot
    var specs: [String: ContainerSpec] = [:]
    var serviceTasks: [String: Task<Void, Never>] = [:]
    var healthTasks: [String: Task<Void, Never>] = [:]
    var monitorTask: Task<Void, Never>?
    private var changeWaiters: [CheckedContinuation<Void, Never>] = []
    private var savedImages: Set<String> = []
    /// Who reserves this instance's offset: the shared one, else its own, so the server it may start is the one
    /// it stops.
    let offsets: OffsetServerSupervisor
    /// The PortShift offset reserved for this instance's group, while it runs.
    private(set) var portShiftOffset: Int? {
        didSet { status.publish(snapshot()) }
    }
    /// How often containers are checked for having ended.
    let monitorInterval: Duration

    public init(
        configuration: InstanceConfiguration, runner: any CommandRunning = ProcessRunner(),
        logger: Logger = Logger(component: "instance"), monitorInterval: Duration = .milliseconds(500)
    ) throws(LaunchError) {
        guard InstanceConfiguration.isValidID(configuration.id) else {
            throw .invalidName(configuration.id, rule: InstanceConfiguration.idRule)
        }
        guard HostsFile.isIPAddress(configuration.hostIP) else {
            throw .invalidName(configuration.hostIP, rule: "HOST_IP must be an IPv4 or IPv6 address")
        }
        let graph: DependencyGraph
        do {
            graph = try DependencyGraph(project: configuration.project)
        } catch {
            throw .unsupported("dependency cycle: \(error.description)")
        }
        var members = graph.startOrder
        if let selected = configuration.selectedServices, !selected.isEmpty {
            for name in selected where configuration.project.services[name] == nil {
                throw .unknownService(
                    name, suggestion: Suggestions.closest(to: name, in: configuration.project.services.keys))
            }
            let keep = graph.closure(of: selected)
            members = members.filter { keep.contains($0) }
        }
        self.id = configuration.id
        self.configuration = configuration
        self.graph = graph
        self.members = members
        awaitedToComplete = Set(
            members.flatMap { name in
                configuration.project.services[name]!.dependsOn.filter { $0.condition == .completedSuccessfully }
                    .map(\.service)
            })
        self.monitorInterval = monitorInterval
        let instanceLogger = logger.with("instance", configuration.id)
        self.logger = instanceLogger
        offsets =
            configuration.offsetSupervisor
            ?? OffsetServerSupervisor(logger: instanceLogger.child(component: "portshift"))
        runtime = configuration.runtime.makeRuntime()
        var context = LaunchContext(
            runner: runner, executable: configuration.runtimeExecutable,
            environment: configuration.runtimeCommandEnvironment, workingDirectory: configuration.workingDirectory,
            stateDirectory: configuration.stateDirectory, logger: instanceLogger.child(component: "runtime"))
        context.commandTimeout = configuration.runtimeCommandTimeout
        self.context = context
        var records: [String: ServiceRecord] = [:]
        for name in members {
            let service = configuration.project.services[name]!
            records[name] = ServiceRecord(
                service: name, container: configuration.containerName(for: name), ports: service.ports)
        }
        self.records = records
        status = StatusSlot(
            InstanceSnapshot(
                id: configuration.id, project: configuration.project.name, runtime: configuration.runtime.rawValue,
                hostIP: configuration.hostIP, phase: Phase.idle.rawValue, services: members.compactMap { records[$0] }))
    }

    /// Writes the hosts file and starts every service's task; returns at once. Services start as their
    /// dependencies' conditions hold, in parallel.
    public func start() async throws(LaunchError) {
        guard phase == .idle else { throw .instanceRunning(id) }
        if let settings = configuration.portShift {
            portShiftOffset = try await offsets.acquire(
                group: portShiftGroup, settings: settings,
                stateDirectory: configuration.workingDirectory + "/.mini-compose")
            guard phase == .idle else { throw .instanceRunning(id) }
        }
        let hosts = HostsFile.render(
            project: configuration.project, hostIP: configuration.hostIP,
            containerNames: Dictionary(uniqueKeysWithValues: members.map { ($0, configuration.containerName(for: $0)) })
        )
        try StateFiles.writeAtomically(hosts, to: hostsFilePath)
        warnIfBridgedOnLoopback()
        phase = .running
        logger.info(
            "instance starting",
            [
                "project": configuration.project.name, "runtime": configuration.runtime.rawValue,
                "services": String(members.count),
            ])
        for name in members {
            serviceTasks[name] = Task { await self.runService(name) }
        }
        monitorTask = Task { await self.monitorContainers() }
        try saveState()
    }

    var hostsFilePath: String { configuration.stateDirectory + "/hosts" }

    /// Docker and Podman put a container without `network_mode: host` on a bridge network, where a loopback
    /// HOST_IP is the container itself: the hosts file would send every service name, and PortShift's offset
    /// server address, back into the same container. Said once, when the instance starts.
    private func warnIfBridgedOnLoopback() {
        guard configuration.runtime.family == .docker, HostsFile.isLoopback(configuration.hostIP) else { return }
        let bridged = members.filter { configuration.project.services[$0]!.networkMode != "host" }
        guard !bridged.isEmpty, members.count > 1 || configuration.portShift != nil else { return }
        logger.warning(
            "services on a bridge network cannot reach other services or the offset server at a loopback HOST_IP;"
                + " give them network_mode: host, or pass the node's address as HOST_IP",
            ["services": bridged.joined(separator: ","), "host_ip": configuration.hostIP])
    }

    /// Returns once no service is waiting or starting: each is running, healthy, unhealthy or final.
    public func waitUntilSettled() async {
        while phase == .running, records.values.contains(where: { $0.state == .created || $0.state == .starting }) {
            await waitForChange()
        }
    }

    /// Stops every service, dependents before what they depend on, in parallel where the graph allows.
    public func stop(grace: Duration? = nil) async {
        guard phase == .running || phase == .idle else {
            while phase == .stopping { await waitForChange() }
            return
        }
        phase = .stopping
        notifyChange()
        logger.info("instance stopping")
        monitorTask?.cancel()
        for task in healthTasks.values { task.cancel() }
        for task in serviceTasks.values { task.cancel() }
        var stops: [String: Task<Void, Never>] = [:]
        for name in graph.stopOrder where records[name] != nil {
            let waitFor = (graph.dependents[name] ?? []).compactMap { stops[$0] }
            stops[name] = Task {
                for task in waitFor { await task.value }
                await self.stopService(name, grace: grace)
            }
        }
        for task in stops.values { await task.value }
        for task in serviceTasks.values { await task.value }
        if let settings = configuration.portShift, portShiftOffset != nil {
            await offsets.release(
                group: portShiftGroup, settings: settings)
            portShiftOffset = nil
        }
        phase = .stopped
        notifyChange()
        try? saveState()
        logger.info("instance stopped")
    }

    private func stopService(_ name: String, grace: Duration?) async {
        guard let record = records[name] else { return }
        let service = configuration.project.services[name]!
        if record.everStarted && !record.state.isFinal || record.state.isUp {
            do {
                try await runtime.stop(
                    container: record.container, grace: grace ?? service.stopGracePeriod.swiftDuration, context: context
                )
            } catch {
                logger.error("stopping failed", ["service": name, "error": "\(error)"])
            }
        } else if record.everStarted {
            // An ended container may still exist (docker keeps it); remove it quietly.
            try? await runtime.stop(container: record.container, grace: .zero, context: context)
        }
        if case .failed = records[name]?.state {
        } else if case .exited = records[name]?.state {
        } else {
            setState(name, .stopped)
        }
        logger.info("service stopped", ["service": name])
    }

    /// Takes over an instance another mini-compose process started: containers the runtime still runs are
    /// watched again (health and restart policy), the others are recorded as exited.
    public func adopt(_ state: InstanceState) async throws(LaunchError) {
        guard phase == .idle else { throw .instanceRunning(id) }
        let containers = state.services.map(\.container)
        let statuses = try await runtime.status(of: containers, context: context)
        if let settings = configuration.portShift, state.portShift != nil {
            // The server hands a group the offset it already has, so the running services keep their ports.
            portShiftOffset = try await offsets.acquire(
                group: portShiftGroup, settings: settings,
                stateDirectory: configuration.workingDirectory + "/.mini-compose")
        }
        phase = .running
        for saved in state.services where records[saved.service] != nil {
            var record = saved
            switch statuses[saved.container] {
            case .running?:
                record.everStarted = true
                if !record.state.isUp { record.move(to: .running) }
            case .exited(let code)?:
                if record.state.isUp { record.move(to: .exited(code)) }
            default:
                if record.state.isUp { record.move(to: .exited(nil)) }
                if record.state == .created { record.move(to: .stopped) }
            }
            records[saved.service] = record
            let service = configuration.project.services[saved.service]!
            if record.state.isUp, let check = service.healthcheck, check.test != nil {
                let resuming: HealthTracker.Status =
                    record.state == .healthy ? .healthy : record.state == .unhealthy ? .unhealthy : .starting
                healthTasks[saved.service] = Task {
                    await self.watchHealth(saved.service, check: check, resuming: resuming)
                }
            }
        }
        logger.info("instance adopted", ["services": String(records.values.filter(\.state.isUp).count)])
        monitorTask = Task { await self.monitorContainers() }
        notifyChange()
        try saveState()
    }

    public func snapshot() -> InstanceSnapshot {
        var snapshot = InstanceSnapshot(
            id: id, project: configuration.project.name, runtime: configuration.runtime.rawValue,
            hostIP: configuration.hostIP, phase: phase.rawValue, services: members.compactMap { records[$0] })
        snapshot.portShift = portShiftStatus
        return snapshot
    }

    /// The group and offset this instance runs under, while it has one.
    var portShiftStatus: InstanceSnapshot.PortShiftStatus? {
        guard let settings = configuration.portShift, let offset = portShiftOffset else { return nil }
        return InstanceSnapshot.PortShiftStatus(
            group: portShiftGroup, offset: offset, server: settings.serverAddress, exceptPorts: settings.exceptPorts)
    }

    /// `<project>-<id>`.
    public nonisolated var portShiftGroup: String {
        PortShiftSettings.group(project: configuration.project.name, id: id)
    }

    /// A service's environment: the configuration's, plus the PortShift variables while the instance has an offset.
    func serviceEnvironment(_ service: Service) -> [(String, String)] {
        var environment = configuration.environment(for: service)
        if let settings = configuration.portShift, portShiftOffset != nil, PortShiftSettings.includes(service) {
            let extra = settings.variables(group: portShiftGroup, service: service)
            environment.removeAll { extra[$0.0] != nil }
            environment += extra.map { ($0.key, $0.value) }
            environment.sort { $0.0 < $1.0 }
        }
        return environment
    }

    /// The shim, bound at the path it has on the host so LD_PRELOAD names the same file inside and out.
    func portShiftBinds(_ service: Service) -> [ContainerSpec.Bind] {
        guard let settings = configuration.portShift, PortShiftSettings.includes(service) else { return [] }
        return [ContainerSpec.Bind(source: settings.libraryPath, target: settings.libraryPath, readOnly: true)]
    }

    public var currentPhase: Phase { phase }

    /// The last `tail` lines of a service's output, as the runtime keeps it.
    public func logs(service: String, tail: Int?) async throws(LaunchError) -> String {
        guard let record = records[service] else {
            throw .unknownService(service, suggestion: Suggestions.closest(to: service, in: records.keys))
        }
        return try await runtime.logs(container: record.container, tail: tail, context: context)
    }

    // MARK: State changes

    func setState(_ name: String, _ state: ServiceState) {
        guard var record = records[name], record.state != state else { return }
        let before = record.state
        record.move(to: state)
        records[name] = record
        if state == .healthy || state == .running { probeListeningPorts(of: name) }
        if state.label != before.label {
            let level: LogLevel =
                (state == .unhealthy || { if case .failed = state { true } else { false } }()) ? .warning : .info
            logger.log(
                level, "service state changed", ["service": name, "from": before.label, "to": state.description])
            try? saveState()
        }
        notifyChange()
    }

    func notifyChange() {
        let waiters = changeWaiters
        changeWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    func waitForChange() async {
        await withCheckedContinuation { changeWaiters.append($0) }
    }

    // MARK: Starting one service

    private func runService(_ name: String) async {
        let service = configuration.project.services[name]!
        for dependency in service.dependsOn where records[dependency.service] != nil {
            let outcome = await waitForCondition(dependency)
            guard phase == .running, !Task.isCancelled else { return }
            if case .failed(let reason) = outcome {
                if dependency.required {
                    let error: LaunchError
                    if let origin = records[dependency.service]?.failureOrigin {
                        error = .upstreamFailed(
                            service: name, dependency: dependency.service, origin: origin.service,
                            reason: origin.reason)
                        records[name]?.failureOrigin = origin
                    } else {
                        error = .dependencyFailed(service: name, dependency: dependency.service, reason: reason)
                        records[name]?.failureOrigin = ServiceRecord.FailureOrigin(
                            service: dependency.service, reason: reason)
                    }
                    setState(name, .failed(error.description))
                    return
                }
                logger.warning(
                    "optional dependency failed; starting anyway",
                    ["service": name, "dependency": dependency.service, "reason": reason])
            }
        }
        do {
            _ = try await containerSpec(name)
            guard phase == .running, !Task.isCancelled else { return }
            if service.entrypoint != nil, configuration.runtime.family == .apptainer {
                logger.warning(
                    "entrypoint is ignored: apptainer runs the image's own runscript", ["service": name])
            }
            try await launch(name)
        } catch {
            setState(name, .failed(error.description))
        }
    }

    /// Starts the service's container from its spec and begins watching its health.
    func launch(_ name: String) async throws(LaunchError) {
        guard phase == .running else { return }
        let spec = try await containerSpec(name)
        setState(name, .starting)
        try await runtime.start(spec, context: context)
        guard phase == .running else { return }
        records[name]?.everStarted = true
        records[name]?.startedAt = Date().timeIntervalSince1970
        let service = configuration.project.services[name]!
        if let check = service.healthcheck, check.test != nil, spec.runsToCompletion,
            configuration.runtime.family == .apptainer
        {
            logger.warning(
                "health check not run: a service run to completion has no instance to run it in",
                ["service": name, "runtime": configuration.runtime.rawValue])
            setState(name, .running)
        } else if let check = service.healthcheck, check.test != nil {
            notifyChange()
            healthTasks[name]?.cancel()
            healthTasks[name] = Task { await self.watchHealth(name, check: check) }
        } else {
            setState(name, .running)
        }
    }

    /// The service's container spec, preparing its image (and saving it when asked) the first time.
    func containerSpec(_ name: String) async throws(LaunchError) -> ContainerSpec {
        if let spec = specs[name] { return spec }
        let service = configuration.project.services[name]!
        let image = try await runtime.prepareImage(for: service, project: configuration.project, context: context)
        try await saveImageIfAsked(service: service, image: image)
        if let spec = specs[name] { return spec }
        var spec = try ContainerSpecBuilder.spec(
            for: service, image: image, configuration: configuration, hostsFile: hostsFilePath,
            environment: serviceEnvironment(service), extraBinds: portShiftBinds(service))
        spec.runsToCompletion = awaitedToComplete.contains(name)
        specs[name] = spec
        return spec
    }

    private func waitForCondition(_ dependency: ServiceDependency) async -> ConditionCheck {
        while true {
            guard phase == .running, !Task.isCancelled, let record = records[dependency.service] else {
                return .failed("was stopped")
            }
            let check = ConditionCheck.evaluate(
                dependency.condition, state: record.state, everStarted: record.everStarted)
            if check != .waiting { return check }
            await waitForChange()
        }
    }

    private func saveImageIfAsked(service: Service, image: String) async throws(LaunchError) {
        guard configuration.saveImages, configuration.runtime.family == .docker, !savedImages.contains(image) else {
            return
        }
        savedImages.insert(image)
        let path = ImageFiles.archive(image, in: configuration.workingDirectory)
        logger.info("saving image", ["service": service.name, "image": image, "path": path])
        try await runtime.saveImage(image, to: path, context: context)
    }
}
