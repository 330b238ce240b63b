import Foundation
import SystemKit

/// The Apptainer command line, also spoken by Singularity. Services run as `instance run`, so the
/// image's runscript (ENTRYPOINT and CMD for images converted from Docker) is what runs.
public struct ApptainerRuntime: ContainerRuntime {
    public let kind: RuntimeKind
    private let conversions: ImageConversions

    public init(kind: RuntimeKind) {
        precondition(kind.family == .apptainer, "ApptainerRuntime drives apptainer or singularity")
        self.kind = kind
        conversions = ImageConversions.shared
    }

    /// `working_dir/<image>.sif`; else a saved `working_dir/<image>.tar`, converted to that SIF once;
    /// else `docker://<image>` for an image a registry serves.
    public func prepareImage(
        for service: Service, project: ComposeProject, context: LaunchContext
    ) async throws(LaunchError) -> String {
        let image = service.imageName(project: project.name)
        let sif = ImageFiles.sif(image, in: context.workingDirectory)
        let archive = ImageFiles.archive(image, in: context.workingDirectory)
        if FileManager.default.fileExists(atPath: sif) { return sif }
        if FileManager.default.fileExists(atPath: archive) {
            try await conversions.convertOnce(sif: sif) { () async throws(LaunchError) in
                context.logger.info("building SIF from saved image", ["service": service.name, "image": image])
                // Built under another name and renamed, so another process never starts from a half-written SIF.
                let partial = sif + ".partial-\(getpid())"
                defer { unlink(partial) }
                try await context.run(
                    ["build", "-F", partial, "docker-archive://" + archive], timeout: context.buildTimeout)
                guard rename(partial, sif) == 0 else {
                    throw .fileSystem(path: sif, reason: String(cString: strerror(errno)))
                }
            }
            return sif
        }
        if service.build != nil {
            throw .imageUnavailable(
                service: service.name,
                reason: "it is built from a Dockerfile, which \(kind.rawValue) cannot do here, and neither \(sif) nor "
                    + "\(archive) exists; run it once with --runtime docker --save-images to write the archive")
        }
        return "docker://" + image
    }

    public func start(_ spec: ContainerSpec, context: LaunchContext) async throws(LaunchError) {
        let envFile = try writeEnvironmentFile(for: spec.service, spec.environment, context: context)
        let noEval = await supportsNoEval(context: context)
        if spec.runsToCompletion {
            let arguments = Self.runArguments(spec, envFile: envFile, noEval: noEval)
            context.logger.debug("runtime command", ["command": "\(kind.rawValue) run", "service": spec.service])
            try await ForegroundJobs.shared.start(
                spec.name,
                command: Command(
                    context.executable, arguments, environment: context.environment,
                    workingDirectory: context.workingDirectory),
                stateDirectory: context.stateDirectory, runner: context.runner)
            return
        }
        try await context.run(Self.instanceRunArguments(spec, envFile: envFile, noEval: noEval))
        // The runtime forgets an instance's log files once it ends; remember them for `logs` after that. The
        // listing is not waited for: the service has started, and its dependents need not wait on a list.
        Task { [conversions] in
            if let info = try? await self.instances(context: context)[spec.name] {
                await conversions.rememberLogs(spec.name, [info.logOutPath, info.logErrPath].compactMap { $0 })
            }
        }
    }

    /// `instance run --cleanenv --env-file F [--no-eval] --bind ... [--nv] [--pwd DIR] IMAGE NAME [ARGS...]`.
    public static func instanceRunArguments(_ spec: ContainerSpec, envFile: String, noEval: Bool) -> [String] {
        ["instance", "run"] + options(spec, envFile: envFile, noEval: noEval) + [spec.image, spec.name]
            + (spec.command ?? [])
    }

    /// `run` with the same options, in the foreground: for a service a dependent waits on to complete.
    public static func runArguments(_ spec: ContainerSpec, envFile: String, noEval: Bool) -> [String] {
        ["run"] + options(spec, envFile: envFile, noEval: noEval) + [spec.image] + (spec.command ?? [])
    }

    /// The runscript of an image converted from Docker runs ENTRYPOINT with the command's arguments in place of
    /// CMD; an `entrypoint:` override cannot reach it, so the launcher warns about one.
    private static func options(_ spec: ContainerSpec, envFile: String, noEval: Bool) -> [String] {
        var arguments = ["--cleanenv", "--env-file", envFile]
        if noEval { arguments.append("--no-eval") }
        for bind in spec.binds {
            arguments += ["--bind", "\(bind.source):\(bind.target)\(bind.readOnly ? ":ro" : "")"]
        }
        if let hosts = spec.hostsFile { arguments += ["--bind", "\(hosts):/etc/hosts:ro"] }
        if spec.gpu != nil { arguments.append("--nv") }
        if let directory = spec.workingDir { arguments += ["--pwd", directory] }
        return arguments
    }

    /// Writes `KEY='value'` lines (single-quoted as the runtime's shell-like reader expects), mode 0600.
    func writeEnvironmentFile(
        for service: String, _ environment: [(String, String)], context: LaunchContext
    ) throws(LaunchError) -> String {
        let path = context.stateDirectory + "/\(service).env"
        let text = environment.map { "\($0.0)=\(Self.shellQuoted($0.1))\n" }.joined()
        // Every health check passes the same environment again: an unchanged file is not rewritten and synced
        // on each probe, which would hold up a thread of the small shared pool many times a second.
        if FileManager.default.contents(atPath: path) == Data(text.utf8) { return path }
        try StateFiles.writeAtomically(text, to: path, mode: 0o600)
        return path
    }

    static func shellQuoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private func supportsNoEval(context: LaunchContext) async -> Bool {
        await conversions.noEvalSupport(context.executable) { () async -> Bool in
            let help = try? await context.run(["instance", "run", "--help"], timeout: .seconds(30), allowFailure: true)
            return help.map { ($0.stdoutText + $0.stderrText).contains("--no-eval") } ?? false
        }
    }

    public func exec(
        container: String, argv: [String], environment: [(String, String)], timeout: Duration, context: LaunchContext
    ) async throws(LaunchError) -> RunResult {
        // `exec instance://` does not inherit the instance's environment, so the file is given again.
        let service = container
        let envFile = try writeEnvironmentFile(for: "exec-\(service)", environment, context: context)
        let arguments = ["exec", "--cleanenv", "--env-file", envFile, "instance://\(container)"] + argv
        return try await context.run(arguments, timeout: timeout, allowFailure: true)
    }

    public func status(
        of containers: [String], context: LaunchContext
    ) async throws(LaunchError) -> [String: ContainerStatus] {
        var statuses: [String: ContainerStatus] = [:]
        var instanceNames: [String] = []
        for name in containers {
            if let job = await ForegroundJobs.shared.status(name, stateDirectory: context.stateDirectory) {
                statuses[name] = job
            } else {
                instanceNames.append(name)
            }
        }
        guard !instanceNames.isEmpty else { return statuses }
        // An instance that ended is no longer listed and its exit code is lost, so it reads as missing; services
        // whose exit code matters run as foreground jobs instead.
        let running = try await instances(context: context)
        for name in instanceNames {
            statuses[name] = running[name].map { .running(pid: $0.pid) } ?? .missing
        }
        return statuses
    }

    struct InstanceInfo: Decodable {
        var instance: String
        var pid: Int32?
        var logOutPath: String?
        var logErrPath: String?
    }

    private struct InstanceList: Decodable {
        var instances: [InstanceInfo]?
    }

    /// Listings of the same runtime, with the same environment, shared by the instances of this process.
    static let listings = SharedListing<RunResult>()

    func instances(context: LaunchContext) async throws(LaunchError) -> [String: InstanceInfo] {
        let list = { @Sendable () async throws(LaunchError) -> RunResult in
            try await context.run(["instance", "list", "--json"], timeout: .seconds(60))
        }
        // Only commands run for real are shared: a runner given by a caller (a test's) answers for itself alone.
        let result =
            context.runner is ProcessRunner
            ? try await Self.listings.run(key: Self.listingKey(context), list) : try await list()
        guard let list = try? JSONDecoder().decode(InstanceList.self, from: Data(result.stdout)) else {
            throw .runtimeFailed(
                command: "\(kind.rawValue) instance list", status: "unreadable output",
                stderr: String(result.stdoutText.prefix(200)))
        }
        return Dictionary((list.instances ?? []).map { ($0.instance, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Listings that would run the same command in the same environment give the same answer.
    static func listingKey(_ context: LaunchContext) -> String {
        ([context.executable, context.workingDirectory]
            + context.environment.sorted { $0.key < $1.key }.map {
                "\($0.key)=\($0.value)"
            }).joined(separator: "\n")
    }

    public func stop(container: String, grace: Duration, context: LaunchContext) async throws(LaunchError) {
        if await ForegroundJobs.shared.stop(container, grace: grace, stateDirectory: context.stateDirectory) { return }
        // The runtime takes whole seconds; round up so a grace period is never cut short.
        let seconds = max(1, Int(grace.seconds.rounded(.up)))
        let result = try await context.run(
            ["instance", "stop", "-t", String(seconds), container], timeout: grace + .seconds(60), allowFailure: true)
        guard result.status != .exited(0) else { return }
        let message = result.stderrText.lowercased()
        if message.contains("no instance") || message.contains("not found") { return }
        throw .runtimeFailed(
            command: "\(kind.rawValue) instance stop", status: "\(result.status)", stderr: result.stderrText)
    }

    /// Reads the instance's log files, whose paths `instance list --json` gives while it runs.
    public func logs(container: String, tail: Int?, context: LaunchContext) async throws(LaunchError) -> String {
        let jobLog = ForegroundJobs.logPath(container, stateDirectory: context.stateDirectory)
        if FileManager.default.fileExists(atPath: jobLog) {
            return Self.lastLines(of: [jobLog], tail: tail)
        }
        let info = try await instances(context: context)[container]
        var paths = [info?.logOutPath, info?.logErrPath].compactMap { $0 }
        if paths.isEmpty { paths = await conversions.logs(of: container) }
        if paths.isEmpty {
            paths = logFiles(of: container, context: context).filter { FileManager.default.fileExists(atPath: $0) }
        }
        guard !paths.isEmpty else {
            throw .unsupported("\(kind.rawValue) keeps no logs for \"\(container)\" once the instance has ended")
        }
        return Self.lastLines(of: paths, tail: tail)
    }

    private static func lastLines(of paths: [String], tail: Int?) -> String {
        let text = paths.compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }.joined()
        guard let tail else { return text }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.suffix(tail + (text.hasSuffix("\n") ? 1 : 0)).joined(separator: "\n")
    }

    /// Where the runtime keeps an instance's output, which outlives the instance:
    /// `~/.apptainer/instances/logs/HOST/USER/NAME.out` and `.err` (`~/.singularity/...` for singularity).
    func logFiles(of container: String, context: LaunchContext) -> [String] {
        guard let home = context.environment["HOME"] else { return [] }
        let host = SystemInfo.hostName
        let user = SystemInfo.userName
        let base = "\(home)/.\(kind.rawValue)/instances/logs/\(host)/\(user)/\(container)"
        return [base + ".out", base + ".err"]
    }

    public func saveImage(_ image: String, to path: String, context: LaunchContext) async throws(LaunchError) {
        throw .unsupported("\(kind.rawValue) cannot save images as docker archives; use --runtime docker or podman")
    }
}

/// Serialises conversions of one SIF so concurrent starts of services sharing an image convert it once, asks
/// each runtime executable once whether it has `--no-eval`, and keeps where ended instances' logs are. One per
/// process: the SIF files and the executables are shared by every instance, so copies of a stack started together
/// do not convert or ask again.
actor ImageConversions {
    static let shared = ImageConversions()
    private var running: [String: Task<Void, any Error>] = [:]
    private var noEval: [String: Task<Bool, Never>] = [:]
    private var logPaths: [String: [String]] = [:]

    func rememberLogs(_ container: String, _ paths: [String]) { logPaths[container] = paths }

    func logs(of container: String) -> [String] { logPaths[container] ?? [] }

    func convertOnce(sif: String, _ work: @escaping @Sendable () async throws(LaunchError) -> Void)
        async throws(LaunchError)
    {
        if FileManager.default.fileExists(atPath: sif) { return }
        let task = running[sif] ?? Task { try await work() }
        running[sif] = task
        do {
            try await task.value
        } catch let error as LaunchError {
            running[sif] = nil
            throw error
        } catch {
            running[sif] = nil
            throw .unsupported("converting \(sif) failed: \(error)")
        }
    }

    func noEvalSupport(_ executable: String, probe: @escaping @Sendable () async -> Bool) async -> Bool {
        let task = noEval[executable] ?? Task { await probe() }
        noEval[executable] = task
        return await task.value
    }
}
