/// The container runtimes mini-compose drives. Each is found as an executable of that name on PATH
/// (or at an explicit path), so FakeRuntime stands in for any of them through a symlink.
public enum RuntimeKind: String, Sendable, CaseIterable, Codable {
    case docker, podman, apptainer, singularity

    /// The runtime used when none is chosen, as in the original tool.
    public static let `default` = RuntimeKind.apptainer

    /// Docker and Podman share one command line; Apptainer and Singularity share another.
    public var family: Family { self == .docker || self == .podman ? .docker : .apptainer }

    public enum Family: Sendable { case docker, apptainer }

    /// The executable looked up on PATH.
    public var executableName: String { rawValue }

    /// The environment variable that may name the executable's path, e.g. `MINI_COMPOSE_APPTAINER`.
    public var pathVariable: String { "MINI_COMPOSE_\(rawValue.uppercased())" }

    /// Parses a runtime name; error text lists the choices.
    public init(name: String) throws(LaunchError) {
        guard let kind = RuntimeKind(rawValue: name.lowercased()) else {
            throw .invalidRuntime(name)
        }
        self = kind
    }

    /// The backend that speaks this runtime's command line.
    public func makeRuntime() -> any ContainerRuntime {
        family == .docker ? DockerRuntime(kind: self) : ApptainerRuntime(kind: self)
    }
}
