import SystemKit

/// What the `port_offset_server` command line asks for.
public enum OffsetServerCommand: Equatable, Sendable {
    case run(OffsetServerConfiguration)
    case check(OffsetServerConfiguration)
    case help
}

/// Parses `port_offset_server`'s arguments (without the program name).
public enum OffsetServerArguments {
    public static let usage = """
        usage: port_offset_server [options]
          --listen ADDRESS      address to listen on, IPv4 or IPv6, optionally with :PORT (default 0.0.0.0)
          --port N              port to listen on (default 25000; 0 picks a free one)
          --max-groups N        groups served at once (default 100)
          --first-offset N      offset of the first group (default 100)
          --window N            ports per group; offsets are multiples of it (default 100)
          --state-file PATH     keep the table in PATH so a restart hands out the same offsets
          --read-timeout SECS   close a connection silent for this long (default 5)
          --max-connections N   connections served at once (default 1024)
          --threads N           serving threads (default 2)
          --exit-when-idle SECS exit once no group has held an offset for SECS seconds
          --check               validate the configuration and the state file, then exit
          -v, --verbose         log every request (debug level)
          -h, --help            show this help
        """

    public static func parse(_ arguments: [String]) throws(ConfigurationError) -> OffsetServerCommand {
        var configuration = OffsetServerConfiguration()
        var listenText: String?
        var port: UInt16?
        var check = false
        var index = 0
        func value(_ option: String) throws(ConfigurationError) -> String {
            index += 1
            guard index < arguments.count else { throw ConfigurationError(option: option, problem: "needs a value") }
            return arguments[index]
        }
        func integer(_ option: String) throws(ConfigurationError) -> Int {
            let text = try value(option)
            guard let number = Int(text) else {
                throw ConfigurationError(option: option, problem: "expected a whole number, got '\(text)'")
            }
            return number
        }
        while index < arguments.count {
            let option = arguments[index]
            switch option {
            case "--listen": listenText = try value(option)
            case "--port":
                let text = try value(option)
                guard let number = UInt16(text) else {
                    throw ConfigurationError(option: option, problem: "expected a port from 0 to 65535, got '\(text)'")
                }
                port = number
            case "--max-groups": configuration.layout.maxGroups = try integer(option)
            case "--first-offset": configuration.layout.firstOffset = try integer(option)
            case "--window": configuration.layout.window = try integer(option)
            case "--state-file": configuration.stateFile = try value(option)
            case "--read-timeout":
                let text = try value(option)
                guard let seconds = Double(text), seconds > 0, seconds < 86400 else {
                    throw ConfigurationError(
                        option: option, problem: "expected seconds (such as 5 or 0.5), got '\(text)'")
                }
                configuration.readTimeoutMillis = max(1, Int(seconds * 1000))
            case "--max-connections": configuration.maxConnections = try integer(option)
            case "--threads": configuration.threads = try integer(option)
            case "--exit-when-idle":
                let text = try value(option)
                guard let seconds = Double(text), seconds > 0, seconds < 86400 else {
                    throw ConfigurationError(option: option, problem: "expected seconds (such as 10), got '\(text)'")
                }
                configuration.exitWhenIdleSeconds = seconds
            case "--check": check = true
            case "-v", "--verbose": configuration.logLevel = .debug
            case "-h", "--help": return .help
            default: throw ConfigurationError(option: option, problem: "unknown option; see --help")
            }
            index += 1
        }
        do {
            let parsed = try SocketAddress(parsing: listenText ?? "0.0.0.0", defaultPort: defaultOffsetServerPort)
            configuration.listen = try SocketAddress(host: parsed.host, port: port ?? parsed.port)
        } catch {
            throw ConfigurationError(option: "--listen", problem: error.description)
        }
        try configuration.validate()
        return check ? .check(configuration) : .run(configuration)
    }
}

/// The PortShift protocol's default server port.
public let defaultOffsetServerPort: UInt16 = 25000
