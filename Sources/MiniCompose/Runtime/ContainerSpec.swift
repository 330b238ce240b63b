/// Everything a runtime needs to start one service's container, independent of the runtime.
public struct ContainerSpec: Sendable, Equatable {
    public struct Bind: Sendable, Equatable {
        public var source: String
        public var target: String
        public var readOnly: Bool

        public init(source: String, target: String, readOnly: Bool) {
            self.source = source
            self.target = target
            self.readOnly = readOnly
        }
    }

    /// The container (or instance) name: `<project>-<id>-<service>` unless `container_name:` is set.
    public var name: String
    public var service: String
    /// The image as the runtime should receive it (a reference, a SIF path, or `docker://...`).
    public var image: String
    public var command: [String]?
    public var entrypoint: [String]?
    /// The full environment of the service process, in a stable order.
    public var environment: [(String, String)]
    public var binds: [Bind]
    public var ports: [PortMapping]
    /// The hosts file to bind at `/etc/hosts`.
    public var hostsFile: String?
    public var workingDir: String?
    public var user: String?
    public var hostname: String?
    public var gpu: GPURequest?
    /// `network_mode: host`: the runtime must not give the container a network of its own.
    public var hostNetwork = false
    public var labels: [(String, String)]
    /// A dependent waits for this service to complete (`service_completed_successfully`), so its exit code must be
    /// known: Apptainer and Singularity then run it in the foreground instead of as an instance.
    public var runsToCompletion = false

    public init(name: String, service: String, image: String) {
        self.name = name
        self.service = service
        self.image = image
        environment = []
        binds = []
        ports = []
        labels = []
    }

    public static func == (lhs: ContainerSpec, rhs: ContainerSpec) -> Bool {
        lhs.name == rhs.name && lhs.service == rhs.service && lhs.image == rhs.image && lhs.command == rhs.command
            && lhs.entrypoint == rhs.entrypoint && lhs.environment.elementsEqual(rhs.environment, by: ==)
            && lhs.binds == rhs.binds && lhs.ports == rhs.ports && lhs.hostsFile == rhs.hostsFile
            && lhs.workingDir == rhs.workingDir && lhs.user == rhs.user && lhs.hostname == rhs.hostname
            && lhs.gpu == rhs.gpu && lhs.hostNetwork == rhs.hostNetwork && lhs.labels.elementsEqual(rhs.labels, by: ==)
            && lhs.runsToCompletion == rhs.runsToCompletion
    }
}

/// What the runtime says of a container.
public enum ContainerStatus: Sendable, Equatable {
    case running(pid: Int32?)
    /// Ended; Apptainer cannot tell the exit code of an instance, so it may be unknown.
    case exited(code: Int32?)
    /// The runtime knows no container of that name.
    case missing
}

/// The result of one health probe.
public struct ProbeResult: Sendable, Equatable, Codable {
    public var exitCode: Int32?
    /// Combined output, cut to 4 KiB.
    public var output: String
    public var timedOut: Bool
    public var startedAt: Double
    public var duration: Double

    public var passed: Bool { exitCode == 0 && !timedOut }

    public init(exitCode: Int32?, output: String, timedOut: Bool, startedAt: Double, duration: Double) {
        self.exitCode = exitCode
        self.output = output
        self.timedOut = timedOut
        self.startedAt = startedAt
        self.duration = duration
    }
}
