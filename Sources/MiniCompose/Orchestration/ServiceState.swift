/// Where a service is in its life. The API and the panel show these upper-case (HEALTHY, UNHEALTHY ...).
public enum ServiceState: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Waiting for its dependencies or its image.
    case created
    /// Its container is being started, or it runs and its health check has not passed yet.
    case starting
    /// Running, with no health check.
    case running
    case healthy
    case unhealthy
    /// The container ended by itself.
    case exited(Int32?)
    /// Stopped on request.
    case stopped
    /// Could not be started, or gave up; the reason says why.
    case failed(String)

    public var label: String {
        switch self {
        case .created: "CREATED"
        case .starting: "STARTING"
        case .running: "RUNNING"
        case .healthy: "HEALTHY"
        case .unhealthy: "UNHEALTHY"
        case .exited(let code): "EXITED(\(code.map(String.init) ?? "?"))"
        case .stopped: "STOPPED"
        case .failed: "FAILED"
        }
    }

    public var description: String {
        if case .failed(let reason) = self { return "FAILED: \(reason)" }
        return label
    }

    /// True while a container of the service is meant to be up.
    public var isUp: Bool {
        switch self {
        case .starting, .running, .healthy, .unhealthy: true
        default: false
        }
    }

    /// True once nothing more will happen without a restart or a new start.
    public var isFinal: Bool {
        switch self {
        case .exited, .stopped, .failed: true
        default: false
        }
    }
}

/// What a dependent needs of a dependency, evaluated against the dependency's state.
enum ConditionCheck: Equatable {
    case satisfied
    case waiting
    case failed(String)

    static func evaluate(_ condition: ServiceDependency.Condition, state: ServiceState, everStarted: Bool) -> Self {
        switch (condition, state) {
        case (.started, .starting), (.started, .running), (.started, .healthy), (.started, .unhealthy):
            return everStarted ? .satisfied : .waiting
        case (.started, .exited):
            return everStarted ? .satisfied : .failed("exited before it started")
        case (.healthy, .healthy):
            return .satisfied
        case (.healthy, .unhealthy):
            return .failed("is unhealthy")
        case (.healthy, .running):
            return .failed("has no health check, so it can never be healthy")
        case (.healthy, .exited(let code)):
            return .failed("exited with code \(code.map(String.init) ?? "unknown") instead of becoming healthy")
        case (.completedSuccessfully, .exited(let code)):
            return code == 0 ? .satisfied : .failed("exited with code \(code.map(String.init) ?? "unknown")")
        case (_, .failed(let reason)):
            return .failed("failed: \(reason)")
        case (_, .stopped):
            return .failed("was stopped")
        default:
            return .waiting
        }
    }
}
