/// How to run one instance of a project.
public struct InstanceConfiguration: Sendable {
    /// The `<id>` of `/start/<id>/`; part of every container name.
    public var id: String
    public var project: ComposeProject
    public var runtime: RuntimeKind
    /// The runtime executable: a path, or a name looked up on PATH.
    public var runtimeExecutable: String
    /// The address every service name resolves to in the hosts file.
    public var hostIP: String
    /// The project's `working_dir` (images, SIF files, and `.mini-compose/` state).
    public var workingDirectory: String
    /// Environment settings posted to the server (or given on the command line); they win over the file.
    public var settings: [String: String]
    /// Variables every container and every health check gets on top of its own (PortShift's).
    public var injectedEnvironment: [String: String]
    /// Extra binds every container gets (the PortShift shim).
    public var injectedBinds: [ContainerSpec.Bind]
    /// Write each service's image to `working_dir/<image>.tar` (Docker and Podman).
    public var saveImages: Bool
    /// Only these services and what they need; nil for all.
    public var selectedServices: [String]?
    /// The environment mini-compose itself runs in, for runtime commands.
    public var processEnvironment: [String: String]
    /// Run the instance as a PortShift group; nil runs it without.
    public var portShift: PortShiftSettings?
    /// Who reserves offsets (shared by the instances of one process).
    public var offsetSupervisor: OffsetServerSupervisor?
    /// How long a runtime command (other than a build or a health check) may take before it is killed.
    public var runtimeCommandTimeout: Duration = .seconds(300)

    public init(
        id: String, project: ComposeProject, runtime: RuntimeKind, runtimeExecutable: String? = nil,
        hostIP: String = "127.0.0.1", workingDirectory: String, processEnvironment: [String: String]
    ) {
        self.id = id
        self.project = project
        self.runtime = runtime
        self.runtimeExecutable = runtimeExecutable ?? processEnvironment[runtime.pathVariable] ?? runtime.executableName
        self.hostIP = hostIP
        self.workingDirectory = workingDirectory
        self.processEnvironment = processEnvironment
        settings = [:]
        injectedEnvironment = [:]
        injectedBinds = []
        saveImages = false
    }

    /// `[A-Za-z0-9_.-]{1,64}`, starting with a letter or digit so it is valid in every runtime's names.
    public static let idRule = "1 to 64 letters, digits, _, . or -, starting with a letter or digit"

    public static func isValidID(_ id: String) -> Bool {
        guard (1...64).contains(id.unicodeScalars.count), let first = id.unicodeScalars.first,
            first.properties.isASCIIHexDigit || ("a"..."z").contains(first) || ("A"..."Z").contains(first)
        else { return false }
        return id.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || "_.-".unicodeScalars.contains($0)
        }
    }

    /// `<project>-<id>-<service>`, or the service's `container_name`.
    public func containerName(for service: String) -> String {
        project.services[service]?.containerName ?? "\(project.name)-\(id)-\(service)"
    }

    /// This instance's directory: `working_dir/.mini-compose/<id>`.
    public var stateDirectory: String { workingDirectory + "/.mini-compose/" + id }

    /// The environment of runtime commands: mini-compose's own plus settings that configure the runtime.
    public var runtimeCommandEnvironment: [String: String] {
        var environment = processEnvironment
        for (name, value) in settings where name.hasPrefix("APPTAINER_") || name.hasPrefix("SINGULARITY_") {
            environment[name] = value
        }
        return environment
    }

    /// A service's container environment: `MINI_COMPOSE_PROJECT`, `MINI_COMPOSE_INSTANCE` and
    /// `MINI_COMPOSE_SERVICE`, then the file's values, then posted settings, then injected variables.
    public func environment(for service: Service) -> [(String, String)] {
        var merged: [String: String] = [
            "MINI_COMPOSE_PROJECT": project.name, "MINI_COMPOSE_INSTANCE": id, "MINI_COMPOSE_SERVICE": service.name,
        ]
        for variable in service.environment { if let value = variable.value { merged[variable.name] = value } }
        for (name, value) in settings { merged[name] = value }
        for (name, value) in injectedEnvironment { merged[name] = value }
        return merged.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
