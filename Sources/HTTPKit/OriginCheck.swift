/// Refuses state-changing requests that a browser sent on behalf of another site. It looks at `Origin`
/// (sent with cross-site POSTs and fetches) and `Sec-Fetch-Site` (sent by current browsers even for a
/// plain `<img src=".../stop/1/">`). Clients such as curl send neither and pass; so do safe requests.
public struct OriginCheck: Middleware {
    public let allowed: AllowedHosts

    public init(allowed: AllowedHosts = AllowedHosts()) { self.allowed = allowed }

    public func respond(to request: Request, next: Responder) async throws -> Response {
        let changesState = request.route?.changesState ?? !request.method.isSafe
        if changesState, let reason = refusal(request) {
            throw HTTPError.forbidden("cross-site request refused", detail: .string(reason))
        }
        return try await next(request)
    }

    private func refusal(_ request: Request) -> String? {
        if let origin = request.headers["Origin"] {
            let prefix = "http://"
            guard origin.lowercased().hasPrefix(prefix),
                allowed.allows(String(origin.dropFirst(prefix.count)), serverAddress: request.serverAddress)
            else { return "origin \(origin.prefix(100)) is not this server" }
        }
        if let site = request.headers["Sec-Fetch-Site"]?.lowercased(), site != "same-origin" && site != "none" {
            return "request came from a \(site) page"
        }
        return nil
    }
}
