import Foundation

extension Instance {
    /// Notices containers that ended (within one monitor interval) and applies the restart policy.
    func monitorContainers() async {
        let clock = ContinuousClock()
        while !Task.isCancelled, phase == .running {
            do {
                try await clock.sleep(for: exitAwaited ? min(monitorInterval, Self.exitPollInterval) : monitorInterval)
            } catch {
                return
            }
            let watched = records.values.filter { $0.everStarted && $0.state.isUp }.map(\.container)
            guard !watched.isEmpty else { continue }
            let statuses: [String: ContainerStatus]
            do {
                statuses = try await runtime.status(of: watched, context: context)
            } catch {
                logger.warning("cannot read container states", ["error": "\(error)"])
                continue
            }
            guard phase == .running else { return }
            probeListeningPorts()
            for (name, record) in records where record.state.isUp && record.everStarted {
                switch statuses[record.container] {
                case .exited(let code)?: await containerEnded(name, code: code)
                case .missing?: await containerEnded(name, code: nil)
                default: break
                }
            }
        }
    }

    /// How often containers are checked while a dependent waits for one of them to complete.
    static let exitPollInterval = Duration.milliseconds(100)

    /// True while a service waits to start on a dependency that must complete and has not ended yet: its exit is
    /// then looked for more often than the monitor interval, so the dependent starts soon after.
    var exitAwaited: Bool {
        records.values.contains { record in
            record.state == .created
                && configuration.project.services[record.service]!.dependsOn.contains { dependency in
                    dependency.condition == .completedSuccessfully
                        && records[dependency.service].map { !$0.state.isFinal } == true
                }
        }
    }

    /// Notes which declared TCP ports accept connections on loopback now, at their real (shifted) number.
    func probeListeningPorts() {
        for (name, record) in records where record.state.isUp && !record.ports.isEmpty {
            probeListeningPorts(of: name)
        }
    }

    /// The same for one service: also done the moment it turns healthy or running, so a status read then already
    /// shows the ports its check has just reached, not those of the last monitor tick.
    func probeListeningPorts(of name: String) {
        guard let record = records[name], !record.ports.isEmpty else { return }
        let status = portShiftStatus
        let ports = record.ports.filter { $0.protocol == "tcp" }.map { status?.shifted($0.target) ?? $0.target }
        let listening = ports.filter { LoopbackProbe.accepts(port: $0, timeoutMilliseconds: 20) }
        if listening != record.listening { records[name]?.listening = listening }
    }

    /// Records the exit, then restarts by policy with Docker's doubling delay (100 ms up to 10 s).
    func containerEnded(_ name: String, code: Int32?) async {
        guard phase == .running, let record = records[name], record.state.isUp else { return }
        healthTasks[name]?.cancel()
        healthTasks[name] = nil
        if let output = try? await runtime.logs(container: record.container, tail: 5, context: context) {
            records[name]?.lastOutput = Self.cut(output)
        }
        guard phase == .running, records[name]?.state.isUp == true else { return }
        setState(name, .exited(code))
        let service = configuration.project.services[name]!
        guard Self.shouldRestart(service.restart, code: code, restarts: record.restarts) else { return }
        let delay = Duration.milliseconds(min(10_000, 100 << min(record.restarts, 7)))
        logger.info(
            "restarting service",
            ["service": name, "policy": service.restart.description, "attempt": String(record.restarts + 1)])
        // Docker keeps an ended container under its name; remove it so the name can be used again.
        try? await runtime.stop(container: record.container, grace: .zero, context: context)
        try? await ContinuousClock().sleep(for: delay)
        guard phase == .running, case .exited = records[name]?.state else { return }
        records[name]?.restarts += 1
        do {
            try await launch(name)
        } catch {
            setState(name, .failed(error.description))
        }
    }

    static func shouldRestart(_ policy: RestartPolicy, code: Int32?, restarts: Int) -> Bool {
        switch policy {
        case .no: return false
        case .always, .unlessStopped: return true
        case .onFailure(let limit):
            // An Apptainer instance that ended leaves no exit code (nil), which counts as a failure here.
            guard code != 0 else { return false }
            return limit.map { restarts < $0 } ?? true
        }
    }
}
