import Foundation

/// What an instance knows of one of its services, as the API, the panel and `ps` show it.
public struct ServiceRecord: Sendable, Codable, Equatable {
    public struct Transition: Sendable, Codable, Equatable {
        public var state: String
        /// Seconds since 1970.
        public var at: Double
    }

    public var service: String
    public var container: String
    public var state: ServiceState
    public var transitions: [Transition]
    /// The last five health probes, newest last.
    public var health: [ProbeResult]
    public var restarts: Int
    /// When the current container started (seconds since 1970).
    public var startedAt: Double?
    /// True once a container of this service has been started.
    public var everStarted: Bool
    public var ports: [PortMapping]
    /// The host ports (shifted under PortShift) where the monitor last found something accepting TCP connections.
    public var listening: [Int] = []
    /// The last lines the container printed before it ended (cut to 4 KiB), so a status says why it stopped.
    public var lastOutput: String?
    /// Where a chain of dependency failures that stopped this service began: that service and what happened to
    /// it, so each service further down names the origin once instead of repeating every reason on the way.
    public var failureOrigin: FailureOrigin?

    public struct FailureOrigin: Sendable, Codable, Equatable {
        public var service: String
        public var reason: String
    }

    init(service: String, container: String, ports: [PortMapping]) {
        self.service = service
        self.container = container
        state = .created
        transitions = [Transition(state: ServiceState.created.description, at: Date().timeIntervalSince1970)]
        health = []
        restarts = 0
        everStarted = false
        self.ports = ports
    }

    mutating func move(to state: ServiceState) {
        self.state = state
        transitions.append(Transition(state: state.description, at: Date().timeIntervalSince1970))
        if transitions.count > 50 { transitions.removeFirst(transitions.count - 50) }
    }

    mutating func append(_ probe: ProbeResult) {
        health.append(probe)
        if health.count > 5 { health.removeFirst(health.count - 5) }
    }
}

/// One instance at a moment: its services' records and how it was started.
public struct InstanceSnapshot: Sendable, Codable, Equatable {
    public init(id: String, project: String, runtime: String, hostIP: String, phase: String, services: [ServiceRecord])
    {
        self.id = id
        self.project = project
        self.runtime = runtime
        self.hostIP = hostIP
        self.phase = phase
        self.services = services
    }

    public var id: String
    public var project: String
    public var runtime: String
    public var hostIP: String
    public var phase: String
    public var services: [ServiceRecord]
    /// The PortShift group and offset, when the instance runs under PortShift.
    public var portShift: PortShiftStatus?

    public struct PortShiftStatus: Sendable, Codable, Equatable {
        public var group: String
        public var offset: Int
        public var server: String
        public var exceptPorts: [Int]

        /// The port a service really listens on for `port`.
        public func shifted(_ port: Int) -> Int { exceptPorts.contains(port) ? port : port + offset }
    }
}
