/// Requires `Authorization: Bearer <token>` on every request except the exempt ones (by default `GET /`,
/// the control panel, which asks the user for the token itself).
public struct BearerAuthentication: Middleware {
    public let token: BearerToken
    /// Method and path pattern of the requests that pass without a token.
    private let exempt: [(HTTPMethod, RoutePattern)]

    public init(token: BearerToken, exempt: [(HTTPMethod, String)] = [(.get, "/"), (.head, "/")]) {
        self.token = token
        self.exempt = exempt.map { ($0.0, RoutePattern($0.1)) }
    }

    public func respond(to request: Request, next: Responder) async throws -> Response {
        if !isExempt(request) {
            guard let header = request.headers["Authorization"] else {
                throw HTTPError.unauthorized("missing bearer token")
            }
            let scheme = "bearer "
            guard header.utf8.count > scheme.utf8.count, header.prefix(scheme.count).lowercased() == scheme else {
                throw HTTPError.unauthorized("authorization scheme must be Bearer")
            }
            let presented = header.utf8.dropFirst(scheme.utf8.count).drop { $0 == UInt8(ascii: " ") }
            guard token.matches(presented) else { throw HTTPError.unauthorized("invalid bearer token") }
        }
        return try await next(request)
    }

    private func isExempt(_ request: Request) -> Bool {
        exempt.contains { method, pattern in method == request.method && pattern.fits(request.segments) }
    }
}
