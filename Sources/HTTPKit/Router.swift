/// Handles one request. Its connection is suspended while it runs, so it may take as long as it needs.
public typealias Handler = @Sendable (Request) async throws -> Response

/// Where a route's handler starts.
public enum HandlerExecution: Sendable {
    /// On the Swift concurrency pool (the default): the handler may do anything, blocking included.
    case pool
    /// On the server's polling thread until its first suspension, saving two thread hand-overs per
    /// request. Only for handlers that, before their first `await` that suspends, do quick work that
    /// never blocks (such as reading an in-memory snapshot); anything slower stalls every connection.
    case immediate
}

/// Maps method and path to handlers. Build it before starting the server; it is a value, so it is then fixed.
public struct Router: Sendable {
    struct Route: Sendable {
        let method: HTTPMethod
        let pattern: RoutePattern
        let info: RouteInfo
        let execution: HandlerExecution
        let handler: Handler
    }

    private(set) var routes: [Route] = []

    public init() {}

    /// Registers `handler` for `method` on `pattern`. `changesState` marks a GET that changes state
    /// (the original API starts and stops instances with GET), so cross-site checks apply to it.
    public mutating func add(
        _ method: HTTPMethod, _ pattern: String, changesState: Bool = false, execution: HandlerExecution = .pool,
        _ handler: @escaping Handler
    ) {
        let parsed = RoutePattern(pattern)
        precondition(
            !routes.contains { $0.method == method && $0.pattern.segments == parsed.segments },
            "route \(method) \(pattern) is registered twice")
        let info = RouteInfo(pattern: pattern, changesState: changesState || !method.isSafe)
        routes.append(Route(method: method, pattern: parsed, info: info, execution: execution, handler: handler))
    }

    public mutating func get(
        _ pattern: String, changesState: Bool = false, execution: HandlerExecution = .pool,
        _ handler: @escaping Handler
    ) {
        add(.get, pattern, changesState: changesState, execution: execution, handler)
    }

    public mutating func post(_ pattern: String, _ handler: @escaping Handler) { add(.post, pattern, handler) }
    public mutating func put(_ pattern: String, _ handler: @escaping Handler) { add(.put, pattern, handler) }
    public mutating func delete(_ pattern: String, _ handler: @escaping Handler) { add(.delete, pattern, handler) }

    /// The outcome of looking a request up.
    enum Match: Sendable {
        case found(Route)
        /// The path exists with other methods; OPTIONS gets them as an answer, anything else a 405.
        case wrongMethod([HTTPMethod])
        case notFound
    }

    func match(_ method: HTTPMethod, _ segments: [String]) -> Match {
        var best: Route?
        var allowed: [HTTPMethod] = []
        for route in routes where route.pattern.fits(segments) {
            // HEAD is answered by the GET handler; libmicrohttpd leaves the body out.
            let methodFits = route.method == method || (method == .head && route.method == .get)
            if methodFits {
                if best == nil || route.pattern.literalCount > best!.pattern.literalCount { best = route }
            } else if !allowed.contains(route.method) {
                allowed.append(route.method)
                if route.method == .get && !allowed.contains(.head) { allowed.append(.head) }
            }
        }
        if let best { return .found(best) }
        return allowed.isEmpty ? .notFound : .wrongMethod(allowed)
    }
}
