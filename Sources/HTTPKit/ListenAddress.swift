import Glibc

/// Where the server listens: `ADDR:PORT` with a numeric IPv4 address, `[IPv6]:PORT`, or `localhost:PORT`.
/// Port 0 asks the kernel for a free port; the server reports the one it got.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Family: Sendable, Hashable { case ipv4, ipv6 }

    /// The numeric address, without brackets.
    public let host: String
    public let port: UInt16
    public let family: Family

    public init(parsing text: String) throws(ListenAddressError) {
        let (host, portText): (String, Substring)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw .malformed(text, "missing ']' after an IPv6 address")
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw .malformed(text, "expected ':PORT' after ']'") }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .malformed(text, "expected ADDR:PORT") }
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
            if host.contains(":") { throw .malformed(text, "write an IPv6 address in brackets, as [::1]:PORT") }
        }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber),
            let port = UInt16(portText)
        else { throw .malformed(text, "port must be a number from 0 to 65535") }
        try self.init(host: host == "localhost" ? "127.0.0.1" : host, port: port, original: text)
    }

    public init(host: String, port: UInt16) throws(ListenAddressError) {
        try self.init(host: host, port: port, original: host)
    }

    private init(host: String, port: UInt16, original: String) throws(ListenAddressError) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            family = .ipv4
        } else if inet_pton(AF_INET6, host, &v6) == 1 {
            family = .ipv6
        } else {
            throw .malformed(original, "'\(host)' is not a numeric IPv4 or IPv6 address")
        }
        self.host = host
        self.port = port
    }

    /// The same address with another port, as after binding port 0.
    func with(port: UInt16) -> ListenAddress {
        // The host already parsed once, so this cannot fail.
        try! ListenAddress(host: host, port: port)
    }

    /// `127.0.0.1:5000` or `[::1]:5000`, the form a Host header uses.
    public var description: String { family == .ipv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// True for 0.0.0.0 and ::, which accept connections on every interface.
    public var isWildcard: Bool { host == "0.0.0.0" || host == "::" }
}

/// A listen address that cannot be used, with the text the user gave.
public enum ListenAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String, String)

    public var description: String {
        switch self {
        case .malformed(let text, let reason): "invalid listen address '\(text)': \(reason)"
        }
    }
}
