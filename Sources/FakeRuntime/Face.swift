/// Which real command line this invocation stands in for, chosen by the name it was called with.
enum Face: String, Codable, Sendable {
    case docker, podman, apptainer, singularity

    var isDockerLike: Bool { self == .docker || self == .podman }

    /// The prefix of the runtime's own environment variables, e.g. `APPTAINERENV_` is `APPTAINER`.
    var environmentPrefix: String { self == .singularity ? "SINGULARITY" : "APPTAINER" }

    /// Picks the face from `argv[0]`'s file name, else from the first argument (`FakeRuntime docker ps`).
    static func detect(arguments: [String]) -> (Face, [String])? {
        let name = arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? ""
        if let face = Face(rawValue: name) { return (face, Array(arguments.dropFirst())) }
        if arguments.count > 1, let face = Face(rawValue: arguments[1]) { return (face, Array(arguments.dropFirst(2))) }
        return nil
    }
}
