import Foundation
import Glibc
import SystemKit

/// `ps`, `inspect`, `exec`, `logs`, `stop`, `kill`, `rm`, `start` and `wait` of the docker/podman face.
struct DockerContainerCommands {
    let invocation: Invocation
    var store: ContainerStore { invocation.containers }
    var face: Face { invocation.face }

    func ps(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments,
            specs: [
                .bool("-a", "--all"), .bool("-q", "--quiet"), .bool("--no-trunc"), .value("--format"),
                .value("-f", "--filter"), .bool("-s", "--size"), .value("-n", "--last"), .bool("-l", "--latest"),
            ],
            command: "ps", stopAtPositional: false)
        var records = store.all().filter { flags.has("--all") || $0.status == .running }
        for filter in flags.all("--filter") {
            let parts = filter.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw .invalidArgument("bad format of filter (expected name=value)", command: "ps")
            }
            records = records.filter { try! Self.matches($0, key: parts[0], value: parts[1]) }
        }
        let rows = records.map { ContainerView.psRow($0, noTrunc: flags.has("--no-trunc")) }
        if flags.has("--quiet") {
            for row in rows { Output.line(row["ID"] as! String) }
        } else if let format = flags.last("--format"), format != "table" {
            if format == "json" {
                for row in rows { Output.line(GoTemplate.json(row)) }
            } else {
                let template = format.hasPrefix("table ") ? String(format.dropFirst(6)) : format
                for row in rows { Output.line(try GoTemplate.render(template, row)) }
            }
        } else {
            let columns = ["ID", "Image", "Command", "RunningFor", "Status", "Ports", "Names"]
            let headers = ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
            Output.out(Table.render(headers: headers, rows: rows.map { row in columns.map { "\(row[$0]!)" } }))
        }
        return 0
    }

    static func matches(_ record: ContainerRecord, key: String, value: String) throws -> Bool {
        switch key {
        case "name":
            let pattern = value
            if pattern.hasPrefix("^") || pattern.hasSuffix("$") {
                return record.name.range(of: pattern, options: .regularExpression) != nil
            }
            return record.name.contains(pattern)
        case "id": return record.id.hasPrefix(value)
        case "status": return record.status.rawValue == value
        case "label":
            let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
            guard let actual = record.labels[parts[0]] else { return false }
            return parts.count == 1 || actual == parts[1]
        case "ancestor": return record.image == value || record.imageID.hasPrefix(value)
        default: return true
        }
    }

    func inspect(_ arguments: [String], command: String) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments, specs: [.value("-f", "--format"), .value("--type"), .bool("-s", "--size")], command: command,
            stopAtPositional: false)
        guard !flags.positionals.isEmpty else {
            throw .wrongArgumentCount(command: command, expected: "at least 1 argument")
        }
        var objects: [Any] = []
        var missing: [String] = []
        for name in flags.positionals {
            let type = flags.last("--type")
            if type != "image", let record = store.find(name) {
                objects.append(ContainerView.inspect(record))
            } else if type != "container", let image = invocation.images.find(name) {
                objects.append(DockerImageCommands.inspectObject(image))
            } else {
                missing.append(name)
            }
        }
        if let format = flags.last("--format") {
            for object in objects { Output.line(try GoTemplate.render(format, object)) }
        } else {
            Output.line(Self.prettyJSON(objects))
        }
        if let first = missing.first {
            for name in missing.dropFirst() { Output.errLine(FakeError.noSuchObject(name).rendered(for: face).text) }
            throw .noSuchObject(first)
        }
        return 0
    }

    static func prettyJSON(_ value: Any) -> String {
        if let list = value as? [Any], list.isEmpty { return "[]" }
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    func exec(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments,
            specs: [
                .value("-e", "--env"), .value("--env-file"), .value("-w", "--workdir"), .value("-u", "--user"),
                .bool("-i", "--interactive"), .bool("-t", "--tty"), .bool("-d", "--detach"), .bool("--privileged"),
            ],
            command: "exec", stopAtPositional: true)
        guard flags.positionals.count >= 2 else {
            throw .wrongArgumentCount(command: "exec", expected: "at least 2 arguments")
        }
        guard let record = store.find(flags.positionals[0]) else { throw .noSuchContainer(flags.positionals[0]) }
        guard record.status == .running else {
            throw .notRunning(name: record.name, id: record.id, action: "exec")
        }
        var environment = record.environmentMap
        for file in flags.all("--env-file") {
            for (key, value) in try EnvironmentParsing.dockerFile(
                invocation.absolute(file), host: invocation.environment)
            {
                environment[key] = value
            }
        }
        for entry in flags.all("--env") {
            if let (key, value) = try EnvironmentParsing.dockerEntry(entry, host: invocation.environment) {
                environment[key] = value
            }
        }
        let faults = (try? Faults(labels: record.labels, environment: environment)) ?? record.faults
        if faults.execHang || record.faults.execHang { ContainerEntry.hang() }
        let workdir =
            flags.last("--workdir").map {
                ProgramResolver.hostDirectory(for: $0, imageRoot: record.imageRoot)
            } ?? record.hostWorkingDirectory
        let argv = Array(flags.positionals.dropFirst())
        if flags.has("--detach") {
            let command = Command(
                ContainerLauncher.selfExecutable, ["__exec-detached"] + argv, environment: environment,
                workingDirectory: workdir)
            _ = try? Subprocess.spawn(command, options: SpawnOptions(newSession: true))
            return 0
        }
        let failure = ContainerEntry.enter(
            record, imageRoot: record.imageRoot, argv: argv, environment: environment, workingDirectory: workdir)
        throw execError(failure)
    }

    private func execError(_ failure: ContainerEntry.Failure) -> FakeError {
        let prefix =
            face == .docker
            ? "OCI runtime exec failed: exec failed: unable to start container process: exec: " : "Error: crun: "
        switch failure {
        case .notFound(let program):
            let text =
                face == .docker
                ? "\(prefix)\"\(program)\": executable file not found in $PATH: unknown"
                : "\(prefix)executable file `\(program)` not found in $PATH: No such file or directory: OCI runtime attempted to invoke a command that was not found"
            return .exact(text: text, code: 127)
        case .notExecutable(let path):
            return .exact(text: "\(prefix)\"\(path)\": permission denied: unknown", code: 126)
        case .failed(let message):
            return .exact(text: "\(prefix)\(message): unknown", code: 126)
        }
    }

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
        LogPrinter(stdoutPath: record.stdoutLog, stderrPath: record.stderrLog).print(tail: tail)
        if flags.has("--follow") {
            LogPrinter(stdoutPath: record.stdoutLog, stderrPath: record.stderrLog).follow {
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
                if !force { failures.append(.noSuchContainer(name)) }
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
