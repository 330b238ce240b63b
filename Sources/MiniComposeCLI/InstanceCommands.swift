import Foundation
import MiniCompose
import PortShift
import SystemKit

/// Finds the instance state `down`, `ps` and `logs` work on.
enum InstanceLookup {
    /// The working directory: the flag, else `working_dir` beside the compose file (which must then load).
    static func workingDirectory(_ global: GlobalOptions, _ launch: LaunchOptions) -> String? {
        if let directory = launch.workingDirectory { return URL(fileURLWithPath: directory).standardizedFileURL.path }
        guard case .loaded(let project) = ProjectLoading.load(global, quiet: true) else { return nil }
        return launch.workingDirectory(for: project)
    }

    static func context(for state: InstanceState) -> LaunchContext {
        LaunchContext(
            runner: ProcessRunner(), executable: state.runtimeExecutable,
            environment: ProcessInfo.processInfo.environment, workingDirectory: state.workingDirectory,
            stateDirectory: state.workingDirectory + "/.mini-compose/" + state.id,
            logger: Logger(component: "runtime").with("instance", state.id))
    }

    /// True when the process that runs the instance is still alive (and is not this one).
    static func ownerAlive(_ state: InstanceState) -> Bool {
        state.ownerPID != getpid() && state.ownerPID > 0 && kill(state.ownerPID, 0) == 0
    }
}

/// `mini-compose down`: stop an instance's containers and forget it.
struct DownCommand {
    static let summary = "stop an instance's services, dependents first, and remove its containers"
    static let help = """
        Usage: mini-compose down [--id ID] [-t SECONDS] [--working-dir DIR]

        Stops the instance's containers in reverse dependency order (SIGTERM, then SIGKILL after the
        service's stop_grace_period or -t SECONDS) and removes its state. An instance run by a live
        mini-compose process (up in the foreground, or serve) is stopped there instead.
        """

    static func run(_ arguments: inout Arguments, global: GlobalOptions) throws(UsageError) -> Int32 {
        var launch = LaunchOptions()
        try launch.take(from: &arguments, includeStartOptions: false)
        let grace = try arguments.value("-t", "--timeout").map { text throws(UsageError) -> Duration in
            guard let seconds = Int(text), seconds >= 0 else {
                throw UsageError(message: "-t takes a whole number of seconds, not \(text)")
            }
            return .seconds(seconds)
        }
        _ = try arguments.positionals()
        guard let directory = InstanceLookup.workingDirectory(global, launch) else { return 1 }
        let state: InstanceState
        do {
            guard let loaded = try InstanceState.load(workingDirectory: directory, id: launch.id) else {
                Terminal.err("mini-compose: no instance \"\(launch.id)\" under \(directory)\n")
                return 1
            }
            state = loaded
        } catch {
            Terminal.err("mini-compose: error: \(error.description)\n")
            return 1
        }
        if InstanceLookup.ownerAlive(state) {
            Terminal.err(
                "mini-compose: instance \"\(state.id)\" is run by mini-compose process \(state.ownerPID); stop it "
                    + "there (Ctrl-C, or GET /stop/\(state.id)/ on its server)\n")
            return 1
        }
        return AsyncMain.run { await Self.down(state, grace: grace) }
    }

    private static func down(_ state: InstanceState, grace: Duration?) async -> Int32 {
        let runtime = state.runtime.makeRuntime()
        let context = InstanceLookup.context(for: state)
        var status: Int32 = 0
        for service in state.stopOrder {
            guard let record = state.services.first(where: { $0.service == service }) else { continue }
            let serviceGrace = grace ?? .milliseconds(Int64((state.stopGrace[service] ?? 10) * 1000))
            do {
                try await runtime.stop(container: record.container, grace: serviceGrace, context: context)
                Terminal.out("stopped \(service) (\(record.container))\n")
            } catch {
                Terminal.err("mini-compose: error: stopping \(service): \(error.description)\n")
                status = 1
            }
        }
        if let portShift = state.portShift, let client = try? OffsetClient(address: portShift.server) {
            do {
                try client.release(portShift.group)
            } catch {
                Terminal.err("mini-compose: warning: cannot release PortShift group \(portShift.group): \(error)\n")
            }
        }
        if status == 0 {
            try? FileManager.default.removeItem(atPath: state.workingDirectory + "/.mini-compose/" + state.id)
        }
        return status
    }
}

/// `mini-compose ps`: the instances and their services.
struct PsCommand {
    static let summary = "list instances and the state of their services"
    static let help = """
        Usage: mini-compose ps [--id ID] [--format table|json] [--working-dir DIR]

        Shows each service's container, its state as last recorded, whether the runtime still runs the
        container, and its ports. Without --id, every instance under the working directory.
        """

    static func run(_ arguments: inout Arguments, global: GlobalOptions) throws(UsageError) -> Int32 {
        let explicitID = arguments.remaining.contains("--id") || arguments.remaining.contains { $0.hasPrefix("--id=") }
        var launch = LaunchOptions()
        try launch.take(from: &arguments, includeStartOptions: false)
        let format = try arguments.value("--format") ?? "table"
        guard format == "table" || format == "json" else {
            throw UsageError(message: "--format must be table or json, not \(format)")
        }
        _ = try arguments.positionals()
        guard let directory = InstanceLookup.workingDirectory(global, launch) else { return 1 }
        let states = InstanceState.all(workingDirectory: directory).filter { !explicitID || $0.id == launch.id }
        if explicitID && states.isEmpty {
            Terminal.err("mini-compose: no instance \"\(launch.id)\" under \(directory)\n")
            return 1
        }
        return AsyncMain.run { await Self.show(states, json: format == "json") }
    }

    private static func show(_ states: [InstanceState], json: Bool) async -> Int32 {
        var rows: [[String]] = []
        var documents: [OutputValue] = []
        for state in states {
            let runtime = state.runtime.makeRuntime()
            let statuses =
                (try? await runtime.status(
                    of: state.services.map(\.container), context: InstanceLookup.context(for: state))) ?? [:]
            var services: [OutputValue] = []
            for record in state.services {
                let live: String
                switch statuses[record.container] {
                case .running?: live = "running"
                case .exited(let code)?: live = "exited(\(code.map(String.init) ?? "?"))"
                case .missing?: live = "gone"
                case nil: live = "unknown"
                }
                let ports = record.ports.map { port -> String in
                    if let portShift = state.portShift {
                        let actual = portShift.shifted(port.target)
                        // Marked when the last look found nothing listening there.
                        let closed = port.protocol == "tcp" && !record.listening.contains(actual) ? " (closed)" : ""
                        return "\(port.target)->\(actual)/\(port.protocol)" + closed
                    }
                    return "\(port.published.map { "\($0)->" } ?? "")\(port.target)/\(port.protocol)"
                }
                let group = state.portShift.map { "\($0.group) +\($0.offset)" } ?? ""
                rows.append([
                    state.id, record.service, record.container, record.state.description, live, group,
                    ports.joined(separator: ","),
                ])
                services.append(
                    .map([
                        ("service", .string(record.service)), ("container", .string(record.container)),
                        ("state", .string(record.state.label)), ("runtime_state", .string(live)),
                        ("restarts", .int(record.restarts)), ("ports", .list(ports.map { .string($0) })),
                    ]))
            }
            documents.append(
                .map([
                    ("id", .string(state.id)), ("project", .string(state.project)),
                    ("runtime", .string(state.runtime.rawValue)),
                    (
                        "portshift",
                        state.portShift.map {
                            .map([
                                ("group", .string($0.group)), ("offset", .int($0.offset)),
                                ("server", .string($0.server)),
                            ])
                        } ?? .null
                    ),
                    ("phase", .string(state.phase.rawValue)), ("services", .list(services)),
                ]))
        }
        if json {
            Terminal.out(JSONEmitter.emit(.list(documents)) + "\n")
        } else {
            Terminal.out(
                Table.render(
                    header: ["ID", "SERVICE", "CONTAINER", "STATE", "RUNTIME", "PORTSHIFT", "PORTS"], rows: rows))
        }
        return 0
    }
}

/// `mini-compose logs`: a service's output.
struct LogsCommand {
    static let summary = "print a service's output"
    static let help = """
        Usage: mini-compose logs [--id ID] [--tail N] [-f] SERVICE

          --tail N   only the last N lines
          -f         keep printing new output until Ctrl-C
        """

    static func run(_ arguments: inout Arguments, global: GlobalOptions) throws(UsageError) -> Int32 {
        var launch = LaunchOptions()
        try launch.take(from: &arguments, includeStartOptions: false)
        let follow = arguments.flag("-f", "--follow")
        let tail = try arguments.value("--tail", "-n").map { text throws(UsageError) -> Int in
            guard let lines = Int(text), lines >= 0 else {
                throw UsageError(message: "--tail takes a number, not \(text)")
            }
            return lines
        }
        let names = try arguments.positionals()
        guard names.count == 1, let service = names.first else {
            throw UsageError(message: "logs takes exactly one SERVICE")
        }
        guard let directory = InstanceLookup.workingDirectory(global, launch) else { return 1 }
        guard let state = try? InstanceState.load(workingDirectory: directory, id: launch.id) else {
            Terminal.err("mini-compose: no instance \"\(launch.id)\" under \(directory)\n")
            return 1
        }
        guard let record = state.services.first(where: { $0.service == service }) else {
            Terminal.err("mini-compose: instance \"\(state.id)\" has no service \"\(service)\"\n")
            return 1
        }
        return AsyncMain.run { await Self.logs(state, container: record.container, tail: tail, follow: follow) }
    }

    private static func logs(_ state: InstanceState, container: String, tail: Int?, follow: Bool) async -> Int32 {
        let runtime = state.runtime.makeRuntime()
        let context = InstanceLookup.context(for: state)
        let interrupted = InterruptFlag()
        let watcher = follow ? SignalWatcher { _ in interrupted.set() } : nil
        defer { watcher?.cancel() }
        var printed = 0
        repeat {
            do {
                let text = try await runtime.logs(
                    container: container, tail: printed == 0 ? tail : nil, context: context)
                let bytes = Array(text.utf8)
                if printed == 0 || bytes.count < printed {
                    Terminal.out(text)
                } else {
                    Terminal.out(String(decoding: bytes[printed...], as: UTF8.self))
                }
                printed =
                    printed == 0 && tail != nil
                    ? (try? await runtime.logs(container: container, tail: nil, context: context).utf8.count)
                        ?? bytes.count : bytes.count
            } catch {
                Terminal.err("mini-compose: error: \(error.description)\n")
                return 1
            }
            if follow { try? await Task.sleep(for: .milliseconds(500)) }
        } while follow && !interrupted.isSet
        return 0
    }
}

/// Plain aligned columns for terminal tables.
enum Table {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
