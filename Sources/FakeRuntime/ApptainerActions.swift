import Foundation

/// `apptainer exec` and `run` (in the foreground: this process becomes the command) and `inspect`.
struct ApptainerActions {
    let invocation: Invocation

    func run(_ command: String, _ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments, specs: ApptainerOptions.specs, command: command, stopAtPositional: true)
        let minimum = command == "exec" ? 2 : 1
        guard flags.positionals.count >= minimum else {
            throw .wrongArgumentCount(command: command, expected: "at least \(minimum) arg(s)")
        }
        let options = ApptainerOptions(flags: flags, invocation: invocation)
        let target = flags.positionals[0]
        let given = Array(flags.positionals.dropFirst())
        var instance: ContainerRecord?
        let image: ApptainerImageSource.Resolved
        if target.hasPrefix("instance://") {
            let name = String(target.dropFirst("instance://".count))
            guard let record = invocation.instances.load(name), record.status == .running else {
                throw .noInstance(name)
            }
            instance = record
            let (imageRecord, root) = try instanceImage(record)
            image = ApptainerImageSource.Resolved(
                record: imageRecord, root: root, displayPath: record.imagePath ?? record.image)
        } else {
            image = try ApptainerImageSource(invocation: invocation).resolve(target)
        }
        let environment = Dictionary(
            try options.environment(image: image.record, imagePath: image.displayPath),
            uniquingKeysWith: { _, last in last })
        if let instance {
            let faults = (try? Faults(labels: instance.labels, environment: environment)) ?? Faults()
            if faults.execHang || instance.faults.execHang { ContainerEntry.hang() }
        } else {
            // A one-off container gets its own private mount namespace for its binds.
            _ = BindApplier.apply(try options.binds())
        }
        let argv =
            command == "exec"
            ? given : (image.record.entrypoint ?? []) + (given.isEmpty ? image.record.cmd ?? [] : given)
        guard !argv.isEmpty else { throw .other("no runscript found in \(image.displayPath)") }
        let failure = ContainerEntry.enter(
            instance, imageRoot: image.root, argv: argv, environment: environment,
            workingDirectory: options.workingDirectory)
        switch failure {
        case .notFound(let program): throw .commandNotFound(program)
        case .notExecutable(let path): throw .commandNotExecutable(path)
        case .failed(let message): throw .other(message)
        }
    }

    private func instanceImage(_ record: ContainerRecord) throws(FakeError) -> (ImageRecord, String) {
        if let image = invocation.images.find(record.imageID) {
            return (image, record.imageRoot)
        }
        let path = record.imagePath ?? record.image
        if path.hasPrefix("/") { return try SifImage(state: invocation.state).open(path) }
        throw .noSuchImage(path)
    }

    func inspect(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments,
            specs: [
                .bool("-j", "--json"), .bool("-l", "--labels"), .bool("-r", "--runscript"),
                .bool("-e", "--environment"), .bool("-d", "--deffile"), .value("--app"), .bool("-H", "--helpfile"),
            ],
            command: "inspect", stopAtPositional: false)
        guard flags.positionals.count == 1 else {
            throw .wrongArgumentCount(command: "inspect", expected: "exactly 1 arg(s)")
        }
        let image = try ApptainerImageSource(invocation: invocation).resolve(flags.positionals[0]).record
        let runscript = Self.runscript(image)
        if flags.has("--json") {
            var attributes: [String: Any] = ["labels": image.labels]
            if flags.has("--runscript") { attributes["runscript"] = runscript }
            if flags.has("--environment") {
                attributes["environment"] = ["90-environment.sh": environmentScript(image)]
            }
            Output.line(DockerContainerCommands.prettyJSON(["data": ["attributes": attributes], "type": "container"]))
        } else if flags.has("--runscript") {
            Output.out(runscript)
        } else if flags.has("--environment") {
            Output.out(environmentScript(image))
        } else {
            for key in image.labels.keys.sorted() { Output.line("\(key): \(image.labels[key]!)") }
        }
        return 0
    }

    static func runscript(_ image: ImageRecord) -> String {
        func words(_ list: [String]?) -> String { (list ?? []).map { "'\($0)'" }.joined(separator: " ") }
        return "#!/bin/sh\nOCI_ENTRYPOINT=\"\(words(image.entrypoint))\"\nOCI_CMD=\"\(words(image.cmd))\"\n"
    }

    private func environmentScript(_ image: ImageRecord) -> String {
        "#!/bin/sh\n" + image.environment.map { "export \($0)\n" }.joined()
    }
}
