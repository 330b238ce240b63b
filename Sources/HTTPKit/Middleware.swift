/// Runs around every request, before the route's handler. Throw an `HTTPResponseError` to refuse a request.
public protocol Middleware: Sendable {
    func respond(to request: Request, next: Responder) async throws -> Response
}

/// The rest of the chain, as seen by one middleware.
public struct Responder: Sendable {
    let run: @Sendable (Request) async throws -> Response

    public func callAsFunction(_ request: Request) async throws -> Response { try await run(request) }
}
