/// One service of a compose project, typed and validated, with every default filled in.
public struct Service: Sendable {
    public var name: String
    /// Where the service's key is written.
    public var location: SourceLocation
    public var image: String?
    public var build: BuildSpec?
    public var command: [String]?
    public var entrypoint: [String]?
    /// The merged environment: `env_file` entries first, then `environment:` over them. `nil` means
    /// the variable was named without a value and is not set in the environment either.
    public var environment: [EnvironmentVariable]
    public var envFiles: [EnvFileReference]
    public var ports: [PortMapping]
    public var volumes: [VolumeMount]
    public var workingDir: String?
    public var user: String?
    public var hostname: String?
    public var containerName: String?
    public var restart: RestartPolicy
    public var profiles: [String]
    public var labels: [(String, String)]
    public var gpu: GPURequest?
    public var dependsOn: [ServiceDependency]
    public var healthcheck: Healthcheck?
    public var stopGracePeriod: ComposeDuration
    public var networkMode: String?
    /// `x-*` keys of the service, for features that read them (such as `x-portshift`).
    public var extensions: [String: YAMLNode]

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
        environment = []
        envFiles = []
        ports = []
        volumes = []
        restart = .no
        profiles = []
        labels = []
        dependsOn = []
        stopGracePeriod = .seconds(10)
        extensions = [:]
    }

    /// The image to run: `image:`, else Compose's `<project>-<service>` for a service that is built.
    public func imageName(project: String) -> String {
        image ?? "\(project)-\(name)"
    }
}

public struct EnvironmentVariable: Sendable, Hashable {
    public var name: String
    public var value: String?

    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}

public struct EnvFileReference: Sendable, Hashable {
    public var path: String
    public var required: Bool
}

public struct BuildSpec: Sendable, Hashable {
    /// Absolute path of the build context.
    public var context: String
    public var dockerfile: String
    public var args: [EnvironmentVariable]
    public var target: String?
}

public enum RestartPolicy: Sendable, Hashable, CustomStringConvertible {
    case no
    case always
    case onFailure(maxRetries: Int?)
    case unlessStopped

    public var description: String {
        switch self {
        case .no: "no"
        case .always: "always"
        case .onFailure(nil): "on-failure"
        case .onFailure(let retries?): "on-failure:\(retries)"
        case .unlessStopped: "unless-stopped"
        }
    }
}

/// `deploy.resources.reservations.devices` entries asking for GPUs.
public struct GPURequest: Sendable, Hashable {
    /// `nil` means every GPU (`count: all`).
    public var count: Int?
    public var deviceIDs: [String]
    public var driver: String?
    public var capabilities: [String]
}

public struct ServiceDependency: Sendable, Hashable {
    public enum Condition: String, Sendable, CaseIterable {
        case started = "service_started"
        case healthy = "service_healthy"
        case completedSuccessfully = "service_completed_successfully"
    }

    public var service: String
    public var condition: Condition
    public var required: Bool
    public var restart: Bool
    public var location: SourceLocation
}

public struct Healthcheck: Sendable, Hashable {
    public enum Test: Sendable, Hashable {
        /// `["CMD", program, args...]`: run directly.
        case command([String])
        /// `["CMD-SHELL", "..."]` or a plain string: run with `/bin/sh -c`.
        case shell(String)
    }

    /// `nil` when the check is disabled (`disable: true` or `["NONE"]`).
    public var test: Test?
    public var interval: ComposeDuration
    public var timeout: ComposeDuration
    public var retries: Int
    public var startPeriod: ComposeDuration
    public var startInterval: ComposeDuration

    public var isDisabled: Bool { test == nil }

    /// Docker's defaults.
    public static let defaultInterval = ComposeDuration.seconds(30)
    public static let defaultTimeout = ComposeDuration.seconds(30)
    public static let defaultRetries = 3
    public static let defaultStartInterval = ComposeDuration.seconds(5)

    /// The argv a runtime executes inside the container for this check.
    public var argv: [String]? {
        switch test {
        case .command(let argv): argv
        case .shell(let script): ["/bin/sh", "-c", script]
        case nil: nil
        }
    }
}
