import SystemKit

/// Everything `port_offset_server` can be told, with the defaults of the original tool.
public struct OffsetServerConfiguration: Equatable, Sendable {
    public var listen: SocketAddress
    public var layout: OffsetLayout
    /// Where the table is kept across restarts; nil keeps it in memory only.
    public var stateFile: String?
    /// How long a connection may stay silent before the server closes it.
    public var readTimeoutMillis: Int
    /// Connections served at once; further clients wait in the listen backlog.
    public var maxConnections: Int
    /// The longest request line accepted, newline included.
    public var maxLineLength: Int
    public var logLevel: LogLevel
    /// Serving threads, each polling the listening socket and its own connections.
    public var threads: Int
    /// Exit once no group has held an offset for this many seconds (nil: serve until a signal).
    public var exitWhenIdleSeconds: Double?

    public init(
        listen: SocketAddress = try! SocketAddress(host: "0.0.0.0", port: defaultOffsetServerPort),
        layout: OffsetLayout = OffsetLayout(), stateFile: String? = nil, readTimeoutMillis: Int = 5000,
        maxConnections: Int = 1024, maxLineLength: Int = 256, logLevel: LogLevel = .info,
        threads: Int = 2
    ) {
        self.listen = listen
        self.layout = layout
        self.stateFile = stateFile
        self.readTimeoutMillis = readTimeoutMillis
        self.maxConnections = maxConnections
        self.maxLineLength = maxLineLength
        self.logLevel = logLevel
        self.threads = threads
    }

    /// Checks the values together; the first problem found is thrown, naming its option.
    public func validate() throws(ConfigurationError) {
        if layout.maxGroups < 1 || layout.maxGroups > 65535 {
            throw ConfigurationError(option: "--max-groups", problem: "must be between 1 and 65535")
        }
        if layout.window < 1 || layout.window > 65535 {
            throw ConfigurationError(option: "--window", problem: "must be between 1 and 65535")
        }
        if layout.firstOffset < layout.window {
            throw ConfigurationError(
                option: "--first-offset",
                problem: "must be at least the window (\(layout.window)) so no group overlaps unshifted programs")
        }
        if layout.largestOffset + layout.window - 1 > 65535 {
            throw ConfigurationError(
                option: "--max-groups",
                problem: "the last group's offset \(layout.largestOffset) plus its window of \(layout.window)"
                    + " would push ports past 65535")
        }
        if readTimeoutMillis < 1 {
            throw ConfigurationError(option: "--read-timeout", problem: "must be positive")
        }
        if threads < 1 || threads > 64 {
            throw ConfigurationError(option: "--threads", problem: "must be between 1 and 64")
        }
        if maxConnections < 1 {
            throw ConfigurationError(option: "--max-connections", problem: "must be positive")
        }
    }
}

/// A bad command-line option or configuration value.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    public let option: String
    public let problem: String

    public init(option: String, problem: String) {
        self.option = option
        self.problem = problem
    }

    public var description: String { "\(option): \(problem)" }
}
