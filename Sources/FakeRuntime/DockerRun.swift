import Foundation
import SystemKit

/// `docker run` / `podman run` (and `create`): a container from an image, started as a detached host process.
struct DockerRun {
    let invocation: Invocation

    static let specs: [FlagSpec] = [
        .value("-e", "--env"), .value("--env-file"), .value("-v", "--volume"), .value("-p", "--publish"),
        .value("--add-host"), .value("-w", "--workdir"), .value("--entrypoint"), .value("-u", "--user"),
        .value("--gpus"), .value("--network", "--net"), .value("--name"), .value("-l", "--label"),
        .value("-h", "--hostname"), .value("--restart"), .value("--stop-timeout"), .value("--stop-signal"),
        .value("-m", "--memory"), .value("--cpus"), .value("--ulimit"), .value("--cap-add"), .value("--cap-drop"),
        .value("--security-opt"), .value("--pull"), .value("--platform"), .value("--log-driver"), .value("--ipc"),
        .value("--pid"), .value("--device"), .value("--shm-size"), .value("--tmpfs"), .value("--userns"),
        .value("--label-file"), .value("--health-cmd"), .value("--health-interval"), .value("--mount"),
        .bool("-d", "--detach"), .bool("--rm"), .bool("-i", "--interactive"), .bool("-t", "--tty"),
        .bool("--privileged"), .bool("--init"), .bool("--read-only"), .bool("--replace"), .bool("-q", "--quiet"),
    ]

    func run(_ arguments: [String], createOnly: Bool = false) throws(FakeError) -> Int32 {
        let command = createOnly ? "create" : "run"
        let flags = try FlagParser.parse(arguments, specs: Self.specs, command: command, stopAtPositional: true)
        guard let imageName = flags.positionals.first else {
            throw .wrongArgumentCount(command: command, expected: "at least 1 argument")
        }
        let name = flags.last("--name") ?? ContainerFactory.randomName()
        guard Self.isValidName(name) else {
            throw .startFailed("Invalid container name (\(name)), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
        }
        let image: ImageRecord
        do {
            image = try invocation.images.findOrPull(
                imageName, environment: invocation.environment, announce: invocation.face == .docker)
        } catch FakeError.pullDenied(let ref) {
            if invocation.face == .podman { throw Self.podmanPullFailure(imageName) }
            throw .startFailed(
                "pull access denied for \(ImageReference(ref).repository), repository does not exist or may require "
                    + "'docker login': denied: requested access to the resource is denied")
        }
        let store = invocation.containers
        if flags.has("--replace"), let existing = store.find(name) {
            try DockerContainerCommands(invocation: invocation).remove(existing, force: true)
        }

        var entrypoint = image.entrypoint ?? []
        var cmd = image.cmd ?? []
        if let override = flags.last("--entrypoint") {
            entrypoint = override.isEmpty ? [] : [override]
            cmd = []
        }
        if flags.positionals.count > 1 { cmd = Array(flags.positionals.dropFirst()) }
        let argv = entrypoint + cmd
        guard !argv.isEmpty else { throw .startFailed("no command specified") }

        var environment: [(String, String)] = [("PATH", ProgramResolver.defaultPath)]
        environment += image.environment.map { entry in
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
        let id = StateStore.randomHex(64)
        environment.append(("HOSTNAME", flags.last("--hostname") ?? String(id.prefix(12))))
        for file in flags.all("--env-file") {
            environment += try EnvironmentParsing.dockerFile(invocation.absolute(file), host: invocation.environment)
        }
        for entry in flags.all("--env") {
            if let pair = try EnvironmentParsing.dockerEntry(entry, host: invocation.environment) {
                environment.append(pair)
            }
        }
        if !environment.contains(where: { $0.0 == "HOME" }) { environment.append(("HOME", "/root")) }

        var labels: [String: String] = [:]
        for entry in flags.all("--label") {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            labels[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        let binds = try flags.all("--volume").map { spec throws(FakeError) in try volume(spec) }
        let workdir = flags.last("--workdir") ?? (image.workingDirectory.isEmpty ? "/" : image.workingDirectory)
        var recorded: [String] = []
        for flag in ["--privileged", "--init", "--read-only", "--interactive", "--tty"] where flags.has(flag) {
            recorded.append(flag)
        }
        for flag in ["--restart", "--memory", "--cpus", "--security-opt", "--ulimit", "--device", "--mount"] {
            for value in flags.all(flag) { recorded.append("\(flag)=\(value)") }
        }
        let factory = ContainerFactory(invocation: invocation, store: store)
        let spec = ContainerFactory.Spec(
            id: id, name: name, kind: "container", image: imageName, imageRecord: image,
            imageRoot: invocation.images.rootfs(image.id).path, imagePath: nil, argv: argv, environment: environment,
            workingDirectory: workdir, user: flags.last("--user") ?? image.user, hostname: flags.last("--hostname"),
            binds: binds, ports: flags.all("--publish"), extraHosts: flags.all("--add-host"), labels: labels,
            network: flags.last("--network"), gpus: flags.last("--gpus"), recordedFlags: recorded,
            autoRemove: flags.has("--rm") && flags.has("--detach"))
        let record = try factory.create(spec)
        if createOnly {
            Output.line(record.id)
            return 0
        }
        let started: ContainerRecord
        do {
            started = try factory.start(record)
        } catch {
            if flags.has("--rm") { try? store.remove(record.name) }
            throw error
        }
        if flags.has("--detach") {
            Output.line(started.id)
            return 0
        }
        return foreground(started, store: store, remove: flags.has("--rm"))
    }

    /// Without `-d` the command streams the container's output until it ends and exits with its code (and
    /// removes it for `--rm`: the supervisor removes only detached ones, so the output is still there).
    private func foreground(_ record: ContainerRecord, store: ContainerStore, remove: Bool) -> Int32 {
        LogPrinter(stdoutPath: record.stdoutLog, stderrPath: record.stderrLog).follow(interval: 20_000) {
            ContainerStore.alive(pid: record.monitorPid, startTime: record.monitorStartTime)
        }
        let code = store.load(record.name)?.exitCode ?? 0
        if remove { try? store.remove(record.name) }
        return code
    }

    /// `SRC:DST[:OPTIONS]`: an absolute (or `./`) source is a bind mount, created as a directory when missing as
    /// Docker does; a bare name is a named volume kept under the store.
    private func volume(_ spec: String) throws(FakeError) -> BindMount {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, parts.count <= 3, parts[1].hasPrefix("/") else {
            throw .startFailed("invalid volume specification: '\(spec)'")
        }
        let options = parts.count == 3 ? parts[2].split(separator: ",").map(String.init) : []
        var source = parts[0]
        if source.hasPrefix("/") || source.hasPrefix(".") {
            source = invocation.absolute(source)
            if !FileManager.default.fileExists(atPath: source) {
                try? FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
            }
        } else {
            let volume = invocation.state.volumesDirectory.appendingPathComponent(source)
            try? FileManager.default.createDirectory(at: volume, withIntermediateDirectories: true)
            source = volume.path
        }
        return BindMount(source: source, destination: parts[1], readOnly: options.contains("ro"))
    }

    /// Podman pulls nothing for a short name when no unqualified-search registry is configured (Debian's default),
    /// and announces a pull of a qualified one before failing.
    static func podmanPullFailure(_ name: String) -> FakeError {
        let domain = name.split(separator: "/").first.map(String.init) ?? ""
        let qualified = name.contains("/") && (domain.contains(".") || domain.contains(":") || domain == "localhost")
        guard qualified else {
            return .exact(
                text: "Error: short-name \"\(name)\" did not resolve to an alias and no unqualified-search registries "
                    + "are defined in \"/etc/containers/registries.conf\"", code: 125)
        }
        Output.errLine("Trying to pull \(name)...")
        return .pullDenied(name)
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first.isNumber else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    }
}
