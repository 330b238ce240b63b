/// The authorities (`host:port`) this server answers to: its own address, `localhost`, `127.0.0.1` and
/// `[::1]` with the bound port, plus any the operator adds (such as the node's name when listening widely).
public struct AllowedHosts: Sendable {
    /// Extra `host:port` or `host` (any port) entries, compared case-insensitively.
    public var extra: [String]

    public init(extra: [String] = []) { self.extra = extra.map { $0.lowercased() } }

    public func allows(_ authority: String, serverAddress: ListenAddress) -> Bool {
        let authority = authority.lowercased()
        let port = String(serverAddress.port)
        for host in ["localhost", "127.0.0.1", "[::1]"] where authority == "\(host):\(port)" { return true }
        if authority == serverAddress.description.lowercased() { return true }
        guard !extra.isEmpty else { return false }
        let hostPart = Self.host(of: authority)
        return extra.contains { $0 == authority || $0 == hostPart }
    }

    /// The host of `host:port` or `[v6]:port`.
    static func host(of authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[...close])
        }
        return String(authority.split(separator: ":", maxSplits: 1).first ?? "")
    }
}
