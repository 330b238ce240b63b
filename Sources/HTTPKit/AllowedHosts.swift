import Glibc

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

    /// This machine's host name and interface addresses (IPv6 in brackets), for a server listening on
    /// 0.0.0.0 or :: that users reach by the node's name or address: `AllowedHosts(extra: .thisMachine())`.
    public static func thisMachine() -> [String] {
        var names: [String] = []
        var buffer = [CChar](repeating: 0, count: 256)
        if gethostname(&buffer, buffer.count - 1) == 0 {
            let length = buffer.firstIndex(of: 0) ?? buffer.count
            names.append(String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return names }
        defer { freeifaddrs(list) }
        var cursor = list
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr else { continue }
            let family = Int32(address.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6 else { continue }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            let converted: UnsafePointer<CChar>?
            if family == AF_INET {
                converted = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                    var raw = v4.pointee.sin_addr
                    return inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
                }
            } else {
                converted = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                    var raw = v6.pointee.sin6_addr
                    return inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                }
            }
            guard converted != nil else { continue }
            let length = text.firstIndex(of: 0) ?? text.count
            let host = String(decoding: text[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let entryName = family == AF_INET6 ? "[\(host)]" : host
            if !names.contains(entryName) { names.append(entryName) }
        }
        return names
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
