import PortShift

/// How an instance runs under PortShift: where the offset server is, which shim to preload, and which ports
/// and files the shim leaves alone or rewrites. Flags win over `x-portshift` in the compose file.
public struct PortShiftSettings: Sendable, Equatable {
    /// Ports that reach shared services (ssh, DNS, HTTP, HTTPS) and are never shifted unless asked.
    public static let defaultExceptPorts = [22, 53, 80, 443]

    /// `host:port` of the offset server.
    public var serverAddress: String
    /// Start an offset server when none answers at `serverAddress`: in this process, or as `serverExecutable`.
    public var startServerIfMissing: Bool
    /// A `port_offset_server` to start on its own, outliving this process, instead of one inside it: for launchers
    /// that come and go (`up`), so that copies started by other launchers keep their server when this one exits.
    public var serverExecutable: String?
    /// The shim on the host; it is bound into every container at the same path.
    public var libraryPath: String
    public var exceptPorts: [Int]
    public var extensions: [String]

    public init(
        serverAddress: String = "127.0.0.1:\(defaultOffsetServerPort)", startServerIfMissing: Bool = false,
        libraryPath: String, exceptPorts: [Int] = defaultExceptPorts, extensions: [String] = []
    ) {
        self.serverAddress = serverAddress
        self.startServerIfMissing = startServerIfMissing
        self.libraryPath = libraryPath
        self.exceptPorts = exceptPorts
        self.extensions = extensions
    }

    /// The group of an instance: `<project>-<id>`.
    public static func group(project: String, id: String) -> String { "\(project)-\(id)" }

    /// The variables a service (and each of its health checks) gets in the group.
    func variables(group: String, service: Service) -> [String: String] {
        var environment = PortShiftEnvironment(libraryPath: libraryPath, group: group, serverAddress: serverAddress)
        environment.exceptPorts = (exceptPorts + Self.serviceList(service, "except_ports").compactMap { Int($0) })
            .reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        environment.extensions = extensions + Self.serviceList(service, "extensions")
        return environment.variables()
    }

    /// Whether a service takes part: `x-portshift: {enabled: false}` on a service leaves it out.
    static func includes(_ service: Service) -> Bool {
        service.extensions["x-portshift"]?["enabled"]?.scalar?.value != "false"
    }

    /// The settings an `x-portshift` mapping at the project level asks for, or nil when it does not enable PortShift.
    public static func fromProject(_ project: ComposeProject, libraryPath: String) -> PortShiftSettings? {
        guard let node = project.extensions["x-portshift"], node["enabled"]?.scalar?.value == "true" else { return nil }
        var settings = PortShiftSettings(libraryPath: libraryPath)
        settings.exceptPorts += (node["except_ports"]?.sequence ?? []).compactMap {
            $0.scalar.flatMap { Int($0.value) }
        }
        settings.extensions = (node["extensions"]?.sequence ?? []).compactMap { $0.scalar?.value }
        return settings
    }

    private static func serviceList(_ service: Service, _ key: String) -> [String] {
        (service.extensions["x-portshift"]?[key]?.sequence ?? []).compactMap { $0.scalar?.value }
    }

    /// The port a service really listens on for `port`: shifted by the offset unless it is excepted.
    public func shifted(_ port: Int, offset: Int) -> Int {
        exceptPorts.contains(port) ? port : port + offset
    }
}
