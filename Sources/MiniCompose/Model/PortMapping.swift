/// One entry of `ports:`, in the long form `docker compose config` prints.
public struct PortMapping: Sendable, Hashable, Codable {
    public var target: Int
    /// A host port or range (`"8080"`, `"8000-8010"`); `nil` lets the runtime choose.
    public var published: String?
    public var hostIP: String?
    public var `protocol`: String
    public var mode: String
    public var name: String?

    enum CodingKeys: String, CodingKey {
        case target, published
        case hostIP = "host_ip"
        case `protocol`, mode, name
    }

    public init(
        target: Int, published: String? = nil, hostIP: String? = nil, protocol: String = "tcp",
        mode: String = "ingress", name: String? = nil
    ) {
        self.target = target
        self.published = published
        self.hostIP = hostIP
        self.protocol = `protocol`
        self.mode = mode
        self.name = name
    }
}

/// One entry of `volumes:`, in long form.
public struct VolumeMount: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case bind, volume, tmpfs
    }

    public var type: Kind
    /// Absolute host path for a bind, a volume name, or `nil` for an anonymous volume or tmpfs.
    public var source: String?
    public var target: String
    public var readOnly: Bool
    /// For binds: create the host path when it is missing (the short syntax's behaviour).
    public var createHostPath: Bool
}
