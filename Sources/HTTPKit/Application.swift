import SystemKit

/// Everything between a parsed request and the response to send: routing, middleware, error rendering
/// and the access log. The server feeds it requests; tests may call it directly, without sockets.
public struct Application: Sendable {
    public let router: Router
    public let middleware: [any Middleware]
    private let chain: Responder

    public init(router: Router, middleware: [any Middleware] = []) {
        self.router = router
        self.middleware = middleware
        var next = Responder { request in try await Self.dispatch(request) }
        for layer in middleware.reversed() {
            let inner = next
            next = Responder { request in try await layer.respond(to: request, next: inner) }
        }
        chain = next
    }

    /// Looks the route up, once, and says how its handler wants to run.
    func prepare(_ request: Request) -> (Request, HandlerExecution) {
        guard request.match == nil else { return (request, request.execution) }
        var request = request
        let match = router.match(request.method, request.segments)
        request.match = match
        if case .found(let route) = match { request.route = route.info }
        return (request, request.execution)
    }

    /// Answers a request; never throws: errors become their JSON error response, others a plain 500.
    public func respond(to request: Request) async -> RenderedResponse {
        let started = ContinuousClock.now
        let (request, _) = prepare(request)
        let response: Response
        do {
            response = try await chain(request)
        } catch {
            response = Self.errorResponse(error, logger: request.logger)
        }
        return finish(response, for: request, started: started)
    }

    /// Answers without running any handler, for requests the server refuses before they are complete.
    func reject(_ request: Request, with error: HTTPError) -> RenderedResponse {
        finish(.error(error), for: request, started: ContinuousClock.now)
    }

    private func finish(_ response: Response, for request: Request, started: ContinuousClock.Instant)
        -> RenderedResponse
    {
        var rendered = response.rendered(prefersJSON: request.prefersJSON)
        rendered.headers.set("X-Request-Id", request.id)
        if request.logger.isEnabled(.debug) {
            let elapsed = ContinuousClock.now - started
            let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
            request.logger.debug(
                "request",
                [
                    "method": request.method.rawValue, "path": request.path,
                    "status": String(rendered.status.rawValue), "duration_us": String(micros),
                ])
        }
        return rendered
    }

    private static func dispatch(_ request: Request) async throws -> Response {
        switch request.match {
        case .found(let route):
            var request = request
            request.parameters = try route.pattern.parameters(of: request.segments)
            return try await route.handler(request)
        case .wrongMethod(let allowed) where request.method == .options:
            return Response(
                status: .noContent, headers: ["Allow": (allowed + [.options]).map(\.rawValue).joined(separator: ", ")])
        case .wrongMethod(let allowed):
            throw HTTPError.methodNotAllowed(request.method, allowed: allowed)
        case .notFound, nil:
            throw HTTPError.notFound(path: request.path)
        }
    }

    /// The one place an error becomes a response: typed errors show their facts, anything else a bare 500.
    static func errorResponse(_ error: any Error, logger: Logger) -> Response {
        if let known = error as? any HTTPResponseError {
            return .error(known)
        }
        if error is CancellationError {
            return .error(HTTPError.unavailable("server is shutting down"))
        }
        logger.error(
            "handler failed", ["error_type": String(reflecting: type(of: error)), "error": String(describing: error)])
        return .error(HTTPError.internalError)
    }
}
