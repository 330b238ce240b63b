import Foundation
import SystemKit

/// The Docker command line, also spoken by Podman.
public struct DockerRuntime: ContainerRuntime {
    public let kind: RuntimeKind

    public init(kind: RuntimeKind) {
        precondition(kind.family == .docker, "DockerRuntime drives docker or podman")
        self.kind = kind
    }

    public func prepareImage(
        for service: Service, project: ComposeProject, context: LaunchContext
    ) async throws(LaunchError) -> String {
        let image = service.imageName(project: project.name)
        guard let build = service.build else { return image }
        let present = try await context.run(["image", "inspect", image], allowFailure: true)
        if present.status == .exited(0) { return image }
        context.logger.info("building image", ["service": service.name, "image": image])
        do {
            try await context.run(Self.buildArguments(image: image, build: build), timeout: context.buildTimeout)
        } catch {
            throw .imageUnavailable(service: service.name, reason: "the build failed: \(error)")
        }
        return image
    }

    static func buildArguments(image: String, build: BuildSpec) -> [String] {
        let dockerfile = build.dockerfile.hasPrefix("/") ? build.dockerfile : build.context + "/" + build.dockerfile
        var arguments = ["build", "-t", image, "-f", dockerfile]
        for arg in build.args {
            arguments += ["--build-arg", arg.value.map { "\(arg.name)=\($0)" } ?? arg.name]
        }
        if let target = build.target { arguments += ["--target", target] }
        return arguments + [build.context]
    }

    public func start(_ spec: ContainerSpec, context: LaunchContext) async throws(LaunchError) {
        try await context.run(Self.runArguments(spec))
    }

    /// `run -d --name ...`: environment as `-e` words (so any value survives), binds, the hosts file over
    /// `/etc/hosts`, ports, then the image and its arguments.
    public static func runArguments(_ spec: ContainerSpec) -> [String] {
        var arguments = ["run", "-d", "--name", spec.name]
        for (key, value) in spec.labels { arguments += ["--label", "\(key)=\(value)"] }
        for (key, value) in spec.environment { arguments += ["-e", "\(key)=\(value)"] }
        for bind in spec.binds { arguments += ["-v", "\(bind.source):\(bind.target)\(bind.readOnly ? ":ro" : "")"] }
        if let hosts = spec.hostsFile { arguments += ["-v", "\(hosts):/etc/hosts:ro"] }
        for port in spec.ports { arguments += ["-p", publishArgument(port)] }
        if let directory = spec.workingDir { arguments += ["-w", directory] }
        if let user = spec.user { arguments += ["--user", user] }
        if let hostname = spec.hostname { arguments += ["--hostname", hostname] }
        if spec.hostNetwork { arguments += ["--network", "host"] }
        if let gpu = spec.gpu { arguments += ["--gpus", gpusArgument(gpu)] }
        var trailing = spec.command ?? []
        if let entrypoint = spec.entrypoint {
            arguments += ["--entrypoint", entrypoint.first ?? ""]
            trailing = Array(entrypoint.dropFirst()) + trailing
        }
        return arguments + [spec.image] + trailing
    }

    static func publishArgument(_ port: PortMapping) -> String {
        var text = ""
        if let ip = port.hostIP { text += (ip.contains(":") ? "[\(ip)]" : ip) + ":" }
        if let published = port.published {
            text += published + ":"
        } else if port.hostIP != nil {
            text += ":"
        }
        return text + "\(port.target)/\(port.protocol)"
    }

    static func gpusArgument(_ gpu: GPURequest) -> String {
        if !gpu.deviceIDs.isEmpty { return "\"device=\(gpu.deviceIDs.joined(separator: ","))\"" }
        return gpu.count.map(String.init) ?? "all"
    }

    public func exec(
        container: String, argv: [String], environment: [(String, String)], timeout: Duration, context: LaunchContext
    ) async throws(LaunchError) -> RunResult {
        var arguments = ["exec"]
        for (key, value) in environment { arguments += ["-e", "\(key)=\(value)"] }
        return try await context.run(arguments + [container] + argv, timeout: timeout, allowFailure: true)
    }

    public func status(
        of containers: [String], context: LaunchContext
    ) async throws(LaunchError) -> [String: ContainerStatus] {
        guard !containers.isEmpty else { return [:] }
        let format = "{{.Name}}\t{{.State.Status}}\t{{.State.ExitCode}}\t{{.State.Pid}}"
        // A missing name makes inspect exit 1 but still print the others.
        let result = try await context.run(["inspect", "--format", format] + containers, allowFailure: true)
        var statuses = Dictionary(uniqueKeysWithValues: containers.map { ($0, ContainerStatus.missing) })
        for line in result.stdoutText.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4 else { continue }
            let name = fields[0].hasPrefix("/") ? String(fields[0].dropFirst()) : fields[0]
            switch fields[1] {
            case "running", "restarting", "paused":
                statuses[name] = .running(pid: Int32(fields[3]))
            case "created":
                statuses[name] = .running(pid: nil)
            default:
                statuses[name] = .exited(code: Int32(fields[2]))
            }
        }
        if result.status != .exited(0), result.stdoutText.isEmpty, !result.stderrText.lowercased().contains("no such") {
            throw .runtimeFailed(
                command: "\(kind.rawValue) inspect", status: "\(result.status)", stderr: result.stderrText)
        }
        return statuses
    }

    public func stop(container: String, grace: Duration, context: LaunchContext) async throws(LaunchError) {
        // The runtime takes whole seconds; round up so a grace period is never cut short.
        let seconds = max(0, Int(grace.seconds.rounded(.up)))
        let stopped = try await context.run(
            ["stop", "-t", String(seconds), container], timeout: grace + .seconds(60), allowFailure: true)
        let removed = try await context.run(["rm", "-f", container], allowFailure: true)
        for result in [stopped, removed] where result.status != .exited(0) {
            let message = result.stderrText.lowercased()
            if message.contains("no such container") || message.contains("no container with") { continue }
            throw .runtimeFailed(
                command: "\(kind.rawValue) stop", status: "\(result.status)", stderr: result.stderrText)
        }
    }

    public func logs(container: String, tail: Int?, context: LaunchContext) async throws(LaunchError) -> String {
        var arguments = ["logs"]
        if let tail { arguments += ["--tail", String(tail)] }
        let result = try await context.run(arguments + [container])
        return result.stdoutText + result.stderrText
    }

    public func saveImage(_ image: String, to path: String, context: LaunchContext) async throws(LaunchError) {
        try await context.run(["save", "-o", path, image], timeout: context.buildTimeout)
    }
}
