/// Refuses requests whose `Host` names another server, which is what a DNS-rebinding page sends: a browser
/// tricked into resolving `evil.example` to 127.0.0.1 still says `Host: evil.example`. A request without
/// `Host` (HTTP/1.0; libmicrohttpd already refuses HTTP/1.1 without one) comes from no browser and passes.
public struct HostCheck: Middleware {
    public let allowed: AllowedHosts

    public init(allowed: AllowedHosts = AllowedHosts()) { self.allowed = allowed }

    public func respond(to request: Request, next: Responder) async throws -> Response {
        // Two Host fields make "which host" ambiguous, and a proxy and this check might each pick another.
        if request.headers.values("Host").count > 1 {
            throw HTTPError.badRequest("more than one Host header")
        }
        if let host = request.headers["Host"], !allowed.allows(host, serverAddress: request.serverAddress) {
            throw HTTPError(
                .misdirectedRequest, "host not allowed",
                detail: [
                    "host": .string(String(host.prefix(100))), "expected": .string(request.serverAddress.description),
                ])
        }
        return try await next(request)
    }
}
