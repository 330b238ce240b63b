import Glibc

/// An IPv4 or IPv6 address with a port, parsed from `host`, `host:port`, `[v6]:port` or a bare IPv6 literal.
public struct SocketAddress: Sendable, Equatable, CustomStringConvertible {
    public enum Family: Sendable { case ipv4, ipv6 }

    /// The numeric host as written back by `inet_ntop` (no brackets).
    public let host: String
    public let port: UInt16
    public let family: Family

    public init(host: String, port: UInt16) throws(SocketAddressError) {
        let literal = host == "localhost" ? "127.0.0.1" : host
        if SocketAddress.parses(literal, as: AF_INET) {
            family = .ipv4
        } else if SocketAddress.parses(literal, as: AF_INET6) {
            family = .ipv6
        } else {
            throw .notAnIPAddress(host)
        }
        self.host = literal
        self.port = port
    }

    /// Parses `host`, `host:port`, `[v6]` or `[v6]:port`; a missing port becomes `defaultPort`.
    public init(parsing text: String, defaultPort: UInt16) throws(SocketAddressError) {
        var host = text
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .malformed(text) }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw .malformed(text) }
                portText = rest.dropFirst()
            }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
        }
        var port = defaultPort
        if let portText {
            guard let value = UInt16(portText) else { throw .badPort(text) }
            port = value
        }
        guard !host.isEmpty else { throw .malformed(text) }
        try self.init(host: host, port: port)
    }

    public var description: String { family == .ipv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Calls `body` with this address as a `sockaddr` of the right length.
    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> T) rethrows -> T {
        var storage = sockaddr_storage()
        let length: socklen_t
        switch family {
        case .ipv4:
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let sin = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                sin.pointee.sin_family = sa_family_t(AF_INET)
                sin.pointee.sin_port = port.bigEndian
                _ = inet_pton(AF_INET, host, &sin.pointee.sin_addr)
            }
        case .ipv6:
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let sin6 = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                sin6.pointee.sin6_family = sa_family_t(AF_INET6)
                sin6.pointee.sin6_port = port.bigEndian
                _ = inet_pton(AF_INET6, host, &sin6.pointee.sin6_addr)
            }
        }
        return try withUnsafePointer(to: &storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, length) }
        }
    }

    /// Reads back an IPv4 or IPv6 socket address; nil for other families.
    init?(storage: sockaddr_storage) {
        var copy = storage
        let decoded: (String, UInt16, Family)? = withUnsafeBytes(of: &copy) { raw in
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            switch Int32(storage.ss_family) {
            case AF_INET:
                var sin = raw.load(as: sockaddr_in.self)
                inet_ntop(AF_INET, &sin.sin_addr, &buffer, socklen_t(buffer.count))
                return (SocketAddress.text(buffer), UInt16(bigEndian: sin.sin_port), .ipv4)
            case AF_INET6:
                var sin6 = raw.load(as: sockaddr_in6.self)
                inet_ntop(AF_INET6, &sin6.sin6_addr, &buffer, socklen_t(buffer.count))
                return (SocketAddress.text(buffer), UInt16(bigEndian: sin6.sin6_port), .ipv6)
            default:
                return nil
            }
        }
        guard let decoded else { return nil }
        host = decoded.0
        port = decoded.1
        family = decoded.2
    }

    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    var domain: Int32 { family == .ipv4 ? AF_INET : AF_INET6 }

    private static func parses(_ text: String, as domain: Int32) -> Bool {
        var buffer = in6_addr()
        return inet_pton(domain, text, &buffer) == 1
    }
}

/// Why an address could not be parsed.
public enum SocketAddressError: Error, Equatable, CustomStringConvertible {
    case notAnIPAddress(String)
    case malformed(String)
    case badPort(String)

    public var description: String {
        switch self {
        case .notAnIPAddress(let host): "'\(host)' is not an IPv4 or IPv6 address (or localhost)"
        case .malformed(let text): "'\(text)' is not of the form host, host:port or [ipv6]:port"
        case .badPort(let text): "'\(text)' has a port that is not a number from 0 to 65535"
        }
    }
}
