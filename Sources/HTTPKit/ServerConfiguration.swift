/// How the server listens and what it tolerates from clients.
public struct ServerConfiguration: Sendable {
    public var address: ListenAddress
    /// Open connections at most, idle and suspended ones included; further clients are refused at accept.
    public var connectionLimit: Int = 256
    /// A connection with no traffic for this long is closed (whole seconds, at least one).
    public var connectionTimeout: Duration = .seconds(30)
    /// Largest request body accepted; larger ones get 413 without reaching a handler.
    public var maxBodySize: Int = 1 << 20
    /// Polling threads sharing the listening socket (the connection limit is split between them). Two
    /// measured clearly faster than one on a two-core machine under wrk; more rarely help.
    public var threads: Int = 2
    /// A handler still running after this long is answered with 503 and cancelled; nil lets handlers run as
    /// long as they like (the default, as stopping a stack may legitimately take minutes).
    public var handlerTimeout: Duration?
    /// How long `shutdown` lets running handlers finish before answering their requests with 503.
    public var shutdownGracePeriod: Duration = .seconds(5)

    public init(address: ListenAddress) { self.address = address }

    var timeoutSeconds: Int {
        let components = connectionTimeout.components
        return max(1, Int(components.seconds) + (components.attoseconds > 0 ? 1 : 0))
    }
}

/// Why the server could not start.
public enum HTTPServerError: Error, Sendable, CustomStringConvertible {
    case socket(SocketError)
    case daemonStartFailed(address: String)

    public var description: String {
        switch self {
        case .socket(let error): "cannot listen: \(error)"
        case .daemonStartFailed(let address): "cannot start the HTTP daemon on \(address)"
        }
    }
}
