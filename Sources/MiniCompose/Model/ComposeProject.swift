/// A parsed, interpolated and validated compose project.
public struct ComposeProject: Sendable {
    public var name: String
    /// The project directory: relative paths in the files are resolved against it.
    public var directory: String
    public var composeFiles: [String]
    /// Enabled services by name (services of inactive profiles are left out).
    public var services: [String: Service]
    /// Named volumes declared at the top level.
    public var volumes: [String]
    /// `x-*` keys at the top level.
    public var extensions: [String: YAMLNode]
    /// Warnings found while loading (unknown keys, unset variables ...).
    public var warnings: [Diagnostic]

    public var serviceNames: [String] { services.keys.sorted() }

    public init(name: String, directory: String, composeFiles: [String]) {
        self.name = name
        self.directory = directory
        self.composeFiles = composeFiles
        services = [:]
        volumes = []
        extensions = [:]
        warnings = []
    }
}
