/// The authorities (`host:port`) this server answers to: its own address, `localhost`, `127.0.0.1` and
/// `[::1]` with the bound port, plus any the operator adds (such as the node's name when listening widely).
public struct AllowedHosts: Sendable {
    /// Extra `host:port` or `host` (any port) entries, compared case-insensitively.
    public var extra: [String]

    public init(extra: [String] = []) { self.extra = extra.map { $0.lowercased() } }

    public func allows(_ authority: String, serverAddress: ListenAddress) -> Bool {
        let (host, port) = Self.split(authority)
        let lowered = host.lowercased()
        if let port, port == serverAddress.port {
            if Self.loopbackNames.contains(lowered) { return true }
            if lowered == serverAddress.host || lowered == "[\(serverAddress.host)]" { return true }
        }
        guard !extra.isEmpty else { return false }
        let whole = authority.lowercased()
        return extra.contains { $0 == whole || $0 == lowered }
    }

    private static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "[::1]"]

    /// The host (brackets kept for IPv6) and the port, if one is given and numeric.
    static func split(_ authority: String) -> (host: Substring, port: UInt16?) {
        let hostEnd: String.Index
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            hostEnd = authority.index(after: close)
        } else {
            hostEnd = authority.firstIndex(of: ":") ?? authority.endIndex
        }
        let rest = authority[hostEnd...]
        guard rest.hasPrefix(":") else { return (authority[..<hostEnd], nil) }
        let digits = rest.dropFirst()
        let port = digits.allSatisfy { $0.isASCII && $0.isNumber } ? UInt16(digits) : nil
        return (authority[..<hostEnd], port)
    }
}
