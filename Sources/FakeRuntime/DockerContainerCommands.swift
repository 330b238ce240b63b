import Foundation
import Glibc
import SystemKit

/// `logs`, `stop`, `kill`, `rm`, `start` and `wait` of the docker/podman face (queries and exec in extensions).
struct DockerContainerCommands {
    let invocation: Invocation
    var store: ContainerStore { invocation.containers }
    var face: Face { invocation.face }

    func logs(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments,
            specs: [
                .bool("-f", "--follow"), .value("-n", "--tail"), .bool("-t", "--timestamps"), .value("--since"),
                .value("--until"), .bool("--details"),
            ],
            command: "logs", stopAtPositional: false)
        guard flags.positionals.count == 1 else {
            throw .wrongArgumentCount(command: "logs", expected: "exactly 1 argument")
        }
        guard let record = store.find(flags.positionals[0]) else { throw .noSuchContainer(flags.positionals[0]) }
        let tail = flags.last("--tail").flatMap { $0 == "all" ? nil : Int($0) }
        let read = LogPrinter(stdoutPath: record.stdoutLog, stderrPath: record.stderrLog).print(tail: tail)
        if flags.has("--follow") {
            LogPrinter(stdoutPath: record.stdoutLog, stderrPath: record.stderrLog).follow(from: read) {
                store.load(record.name)?.status == .running
            }
        }
        return 0
    }

    func stop(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments, specs: [.value("-t", "--time", "--timeout"), .value("-s", "--signal"), .bool("-a", "--all")],
            command: "stop", stopAtPositional: false)
        let timeout =
            try flags.last("--time").map { text throws(FakeError) -> Double in
                guard let value = Double(text) else {
                    throw .invalidArgument("invalid argument \"\(text)\" for \"-t, --time\" flag", command: "stop")
                }
                return value
            } ?? 10
        let signal = try flags.last("--signal").map { text throws(FakeError) in try Signals.parse(text) } ?? SIGTERM
        let names = flags.has("--all") ? store.all().filter { $0.status == .running }.map(\.name) : flags.positionals
        guard !names.isEmpty else { throw .wrongArgumentCount(command: "stop", expected: "at least 1 argument") }
        return try forEach(names) { name, record throws(FakeError) in
            try ContainerStopper(store: store).stop(record, timeout: timeout, signal: signal)
            Output.line(name)
        }
    }

    func kill(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments, specs: [.value("-s", "--signal")], command: "kill", stopAtPositional: false)
        let signal = try flags.last("--signal").map { text throws(FakeError) in try Signals.parse(text) } ?? SIGKILL
        guard !flags.positionals.isEmpty else {
            throw .wrongArgumentCount(command: "kill", expected: "at least 1 argument")
        }
        return try forEach(flags.positionals) { name, record throws(FakeError) in
            guard record.status == .running else { throw .notRunning(name: name, id: record.id, action: "kill") }
            ContainerStopper(store: store).signal(record, signal)
            Output.line(name)
        }
    }

    func rm(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments, specs: [.bool("-f", "--force"), .bool("-v", "--volumes"), .bool("-l", "--link")], command: "rm",
            stopAtPositional: false)
        guard !flags.positionals.isEmpty else {
            throw .wrongArgumentCount(command: "rm", expected: "at least 1 argument")
        }
        let force = flags.has("--force")
        var failures: [FakeError] = []
        for name in flags.positionals {
            guard let record = store.find(name) else {
                // Docker 20.10+ still says so with --force, but succeeds; podman says nothing.
                if !force {
                    failures.append(.noSuchContainer(name))
                } else if face == .docker {
                    Output.errLine(FakeError.noSuchContainer(name).rendered(for: face).text)
                }
                continue
            }
            do {
                try remove(record, force: force)
                Output.line(name)
            } catch {
                failures.append(error)
            }
        }
        return try report(failures)
    }

    func remove(_ record: ContainerRecord, force: Bool) throws(FakeError) {
        if record.status == .running {
            guard force else { throw .removeRunning(name: record.name) }
            try ContainerStopper(store: store).stop(record, timeout: 0, signal: SIGKILL)
        }
        try store.remove(record.name)
    }

    func start(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments, specs: [.bool("-a", "--attach"), .bool("-i", "--interactive")], command: "start",
            stopAtPositional: false)
        guard !flags.positionals.isEmpty else {
            throw .wrongArgumentCount(command: "start", expected: "at least 1 argument")
        }
        return try forEach(flags.positionals) { name, record throws(FakeError) in
            if record.status != .running {
                try store.update(record.name) { current in
                    current.status = .created
                    current.pid = 0
                    current.monitorPid = 0
                    current.exitCode = 0
                    current.error = ""
                }
                _ = try ContainerLauncher(store: store).start(record.name)
            }
            Output.line(name)
        }
    }

    func wait(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(arguments, specs: [], command: "wait", stopAtPositional: false)
        guard !flags.positionals.isEmpty else {
            throw .wrongArgumentCount(command: "wait", expected: "at least 1 argument")
        }
        return try forEach(flags.positionals) { name, record throws(FakeError) in
            var current = record
            while current.status == .running {
                _ = ProcessWatch.waitForExit(current.monitorPid, timeout: .seconds(1))
                current = store.load(name) ?? current
            }
            Output.line("\(current.exitCode)")
        }
    }

    /// Applies `body` to each named container; missing ones and failures are reported and make the exit status 1.
    private func forEach(_ names: [String], _ body: (String, ContainerRecord) throws(FakeError) -> Void)
        throws(FakeError) -> Int32
    {
        var failures: [FakeError] = []
        for name in names {
            guard let record = store.find(name) else {
                failures.append(.noSuchContainer(name))
                continue
            }
            do {
                try body(name, record)
            } catch {
                failures.append(error)
            }
        }
        return try report(failures)
    }

    private func report(_ failures: [FakeError]) throws(FakeError) -> Int32 {
        guard let last = failures.last else { return 0 }
        for failure in failures.dropLast() { Output.errLine(failure.rendered(for: face).text) }
        throw last
    }
}
