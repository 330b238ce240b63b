import Foundation

/// The `docker` and `podman` command lines.
struct DockerCLI {
    let invocation: Invocation
    var face: Face { invocation.face }
    var tool: String { face.rawValue }

    func run(_ arguments: [String]) throws(FakeError) -> Int32 {
        var arguments = arguments
        // Global options the launcher might pass before the subcommand; accepted and without effect here.
        while let first = arguments.first, first.hasPrefix("-") {
            if first == "--version" || first == "-v" {
                Output.line(versionLine)
                return 0
            }
            let withValue = [
                "--log-level", "-l", "--context", "-c", "-H", "--host", "--config", "--root", "--runroot",
                "--cgroup-manager", "--storage-driver", "--events-backend",
            ]
            arguments.removeFirst()
            if withValue.contains(first), !arguments.isEmpty { arguments.removeFirst() }
        }
        guard let subcommand = arguments.first else {
            Output.line("Usage:  \(tool) [OPTIONS] COMMAND")
            return 0
        }
        var rest = Array(arguments.dropFirst())
        var name = subcommand
        if subcommand == "container" || subcommand == "image", let next = rest.first {
            rest.removeFirst()
            name = subcommand == "image" ? "image " + next : next
        }
        switch name {
        case "version": return try version(rest)
        case "run": return try DockerRun(invocation: invocation).run(rest)
        case "create": return try DockerRun(invocation: invocation).run(rest, createOnly: true)
        case "ps", "ls", "list": return try DockerContainerCommands(invocation: invocation).ps(rest)
        case "inspect": return try DockerContainerCommands(invocation: invocation).inspect(rest, command: "inspect")
        case "exec": return try DockerContainerCommands(invocation: invocation).exec(rest)
        case "logs": return try DockerContainerCommands(invocation: invocation).logs(rest)
        case "stop": return try DockerContainerCommands(invocation: invocation).stop(rest)
        case "kill": return try DockerContainerCommands(invocation: invocation).kill(rest)
        case "rm": return try DockerContainerCommands(invocation: invocation).rm(rest)
        case "start": return try DockerContainerCommands(invocation: invocation).start(rest)
        case "wait": return try DockerContainerCommands(invocation: invocation).wait(rest)
        case "build", "image build": return try DockerImageCommands(invocation: invocation).build(rest)
        case "images", "image ls", "image list": return try DockerImageCommands(invocation: invocation).images(rest)
        case "image inspect": return try DockerImageCommands(invocation: invocation).inspect(rest)
        case "pull", "image pull": return try DockerImageCommands(invocation: invocation).pull(rest)
        case "load", "image load": return try DockerImageCommands(invocation: invocation).load(rest)
        case "save", "image save": return try DockerImageCommands(invocation: invocation).save(rest)
        case "tag", "image tag": return try DockerImageCommands(invocation: invocation).tag(rest)
        case "rmi", "image rm": return try DockerImageCommands(invocation: invocation).rmi(rest)
        default: throw .unknownCommand(subcommand)
        }
    }

    var versionNumber: String { face == .docker ? "24.0.7" : "4.3.1" }
    var versionLine: String {
        face == .docker ? "Docker version \(versionNumber), build afdd53b" : "podman version \(versionNumber)"
    }

    private func version(_ arguments: [String]) throws(FakeError) -> Int32 {
        let flags = try FlagParser.parse(
            arguments, specs: [.value("-f", "--format")], command: "version", stopAtPositional: false)
        let info: [String: Any] = [
            "Client": ["Version": versionNumber, "ApiVersion": "1.43", "Os": "linux", "Arch": "amd64"],
            "Server": ["Version": versionNumber, "ApiVersion": "1.43", "Os": "linux", "Arch": "amd64"],
        ]
        if let format = flags.last("--format") {
            Output.line(try GoTemplate.render(format, info))
            return 0
        }
        let name = face == .docker ? "Docker Engine - Community (FakeRuntime)" : "podman (FakeRuntime)"
        Output.line(
            "Client: \(name)\n Version:           \(versionNumber)\n API version:       1.43\n"
                + " OS/Arch:           linux/amd64\n"
        )
        Output.line(
            "Server: \(name)\n Engine:\n  Version:          \(versionNumber)\n  API version:      1.43\n"
                + "  OS/Arch:          linux/amd64"
        )
        return 0
    }
}
