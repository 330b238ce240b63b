import Foundation

/// The `apptainer` and `singularity` command lines.
struct ApptainerCLI {
    let invocation: Invocation
    var face: Face { invocation.face }

    var versionNumber: String { face == .apptainer ? "1.3.4" : "3.11.5" }

    func run(_ arguments: [String]) throws(FakeError) -> Int32 {
        var arguments = arguments
        // Global options before the subcommand: accepted and without effect here.
        while let first = arguments.first, first.hasPrefix("-") {
            if first == "--version" {
                Output.line("\(face.rawValue) version \(versionNumber)")
                return 0
            }
            arguments.removeFirst()
            if ["-c", "--config"].contains(first), !arguments.isEmpty { arguments.removeFirst() }
        }
        guard let subcommand = arguments.first else {
            Output.line("Usage:\n  \(face.rawValue) [global options...] <command>")
            return 0
        }
        let rest = Array(arguments.dropFirst())
        switch subcommand {
        case "version":
            Output.line(versionNumber)
            return 0
        case "build": return try ApptainerBuild(invocation: invocation).run(rest)
        case "instance": return try ApptainerInstances(invocation: invocation).run(rest)
        case "exec", "run": return try ApptainerActions(invocation: invocation).run(subcommand, rest)
        case "inspect": return try ApptainerActions(invocation: invocation).inspect(rest)
        default: throw .unknownCommand(subcommand)
        }
    }
}
