import Foundation
import Glibc

/// `apptainer instance run|start|list|stop`.
struct ApptainerInstances {
    let invocation: Invocation
    var store: ContainerStore { invocation.instances }

    func run(_ arguments: [String]) throws(FakeError) -> Int32 {
        guard let subcommand = arguments.first else {
            throw .wrongArgumentCount(command: "instance", expected: "a subcommand")
        }
        let rest = Array(arguments.dropFirst())
        switch subcommand {
        case "run", "start": return try start(rest, runscript: subcommand == "run")
        case "list": return try list(rest)
        case "stop": return try stop(rest)
        default: throw .unknownCommand("instance \(subcommand)")
        }
    }

    private func start(_ arguments: [String], runscript: Bool) throws(FakeError) -> Int32 {
        let command = "instance \(runscript ? "run" : "start")"
        let flags = try FlagParser.parse(
            arguments, specs: ApptainerOptions.specs, command: command, stopAtPositional: true)
        guard flags.positionals.count >= 2 else {
            throw .wrongArgumentCount(command: command, expected: "at least 2 arg(s)")
        }
        let name = flags.positionals[1]
        guard Self.isValidName(name) else {
            throw .other("instance name \(name) must be composed of alphanumeric characters, '-', '_' and '.'")
        }
        let options = ApptainerOptions(flags: flags, invocation: invocation)
        let image = try ApptainerImageSource(invocation: invocation).resolve(flags.positionals[0])
        var argv: [String] = []
        if runscript {
            let arguments = Array(flags.positionals.dropFirst(2))
            argv = (image.record.entrypoint ?? []) + (arguments.isEmpty ? image.record.cmd ?? [] : arguments)
            guard !argv.isEmpty else { throw .startFailed("no runscript found in \(image.displayPath)") }
        }
        // A finished instance leaves nothing behind in the real tool, so its name is free again.
        if let existing = store.load(name), existing.status == .exited { try? store.remove(name) }
        let factory = ContainerFactory(invocation: invocation, store: store)
        let spec = ContainerFactory.Spec(
            name: name, kind: "instance", image: flags.positionals[0], imageRecord: image.record, imageRoot: image.root,
            imagePath: image.displayPath, argv: argv.isEmpty ? [""] : argv,
            environment: try options.environment(image: image.record, imagePath: image.displayPath),
            workingDirectory: options.workingDirectory, user: "", hostname: flags.last("--hostname"),
            binds: try options.binds(), ports: [], extraHosts: [], labels: [:], network: flags.last("--network"),
            gpus: flags.has("--nv") ? "nvidia" : nil, recordedFlags: options.recordedFlags, autoRemove: false)
        let record = try factory.create(spec)
        do {
            _ = try factory.start(record)
        } catch {
            try? store.remove(name)
            throw error
        }
        Output.info("instance started successfully")
        return 0
    }

    /// Running instances only; finished ones are forgotten, as the real tool deletes their files. One still being
    /// created belongs to a concurrent `instance run` and is neither listed nor touched.
    private func running(matching pattern: String) -> [ContainerRecord] {
        var result: [ContainerRecord] = []
        for record in store.all() {
            if record.status == .exited {
                try? store.remove(record.name)
                continue
            }
            if record.status != .running { continue }
            if fnmatch(pattern, record.name, 0) == 0 { result.append(record) }
        }
        return result.sorted { $0.name < $1.name }
    }

    private func list(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments,
            specs: [.bool("-j", "--json"), .bool("-l", "--logs"), .value("-u", "--user"), .bool("-a", "--all")],
            command: "instance list", stopAtPositional: false)
        if flags.has("--json") && flags.has("--logs") { throw .other("more than one flags have been set") }
        let records = running(matching: flags.positionals.first ?? "*")
        if flags.has("--json") {
            Output.out(Self.json(records))
        } else if flags.has("--logs") {
            let rows = records.flatMap { [[$0.name, "\($0.pid)", $0.stderrLog], ["", "", $0.stdoutLog]] }
            Output.out(Table.render(headers: ["INSTANCE NAME", "PID", "LOGS"], rows: rows, gap: 4))
        } else {
            Output.out(
                Table.render(
                    headers: ["INSTANCE NAME", "PID", "IP", "IMAGE"],
                    rows: records.map { [$0.name, "\($0.pid)", "", $0.imagePath ?? $0.image] }, gap: 4))
        }
        return 0
    }

    /// The real tool's JSON: `{"instances": [...]}`, tab-indented, fields in its order.
    static func json(_ records: [ContainerRecord]) -> String {
        func quoted(_ text: String) -> String { GoTemplate.json(text) }
        if records.isEmpty { return "{\n\t\"instances\": []\n}\n" }
        let entries = records.map { record in
            [
                "\t\t{", "\t\t\t\"instance\": \(quoted(record.name)),", "\t\t\t\"pid\": \(record.pid),",
                "\t\t\t\"img\": \(quoted(record.imagePath ?? record.image)),", "\t\t\t\"ip\": \"\",",
                "\t\t\t\"logErrPath\": \(quoted(record.stderrLog)),",
                "\t\t\t\"logOutPath\": \(quoted(record.stdoutLog))",
                "\t\t}",
            ].joined(separator: "\n")
        }
        return "{\n\t\"instances\": [\n" + entries.joined(separator: ",\n") + "\n\t]\n}\n"
    }

    private func stop(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments,
            specs: [
                .value("-t", "--timeout"), .bool("-F", "--force"), .value("-s", "--signal"), .bool("-a", "--all"),
                .value("-u", "--user"),
            ],
            command: "instance stop", stopAtPositional: false)
        let pattern: String
        if flags.has("--all") {
            pattern = "*"
        } else {
            guard flags.positionals.count == 1 else {
                throw .wrongArgumentCount(command: "instance stop", expected: "exactly 1 arg(s)")
            }
            pattern = flags.positionals[0]
        }
        let timeout = flags.last("--timeout").flatMap(Double.init) ?? 10
        var signal = try flags.last("--signal").map { text throws(FakeError) in try Signals.parse(text) } ?? SIGTERM
        if flags.has("--force") { signal = SIGKILL }
        let records = running(matching: pattern)
        guard !records.isEmpty else { throw .exact(text: "FATAL:   no instance found", code: 255) }
        for record in records {
            Output.info("Stopping \(record.name) instance of \(record.imagePath ?? record.image) (PID=\(record.pid))")
            try ContainerStopper(store: store).stop(record, timeout: timeout, signal: signal)
            try? store.remove(record.name)
        }
        return 0
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
}
