import Foundation
import Glibc

/// A response as read off the wire by `HTTPTestConnection`.
public struct HTTPTestResponse: Sendable {
    public let status: Int
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Why the test client failed; tests treat any of these as a failure.
public struct HTTPTestClientError: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) { self.description = description }
}

/// A blocking HTTP/1.1 client over one real TCP socket, with a deadline on every read and write. It writes
/// requests byte for byte as the test says (any Host, no Host, odd headers) and reads one response at a time.
/// Used by one thread at a time; it is handed between threads only whole, hence `@unchecked Sendable`.
public final class HTTPTestConnection: @unchecked Sendable {
    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to `host` (numeric IPv4 or IPv6) and `port`; every read or write gives up after `timeout`.
    public init(host: String = "127.0.0.1", port: UInt16, timeout: Duration = .seconds(5)) throws {
        // The descriptor is stored only once connected: a throwing init of a fully initialised object
        // still runs deinit, which would close the descriptor a second time (and maybe someone else's).
        fd = try Self.connected(host: host, port: port)
        setTimeout(timeout)
    }

    private static func connected(host: String, port: UInt16) throws -> Int32 {
        let isV6 = host.contains(":")
        let fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HTTPTestClientError(description: "socket: errno \(errno)") }
        let result: Int32
        if isV6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            inet_pton(AF_INET6, host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            inet_pton(AF_INET, host, &address.sin_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw HTTPTestClientError(description: "connect \(host):\(port): \(String(cString: strerror(code)))")
        }
        return fd
    }

    deinit { close(fd) }

    /// Changes the deadline of each later read and write.
    public func setTimeout(_ timeout: Duration) {
        let seconds = timeout.components.seconds
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw HTTPTestClientError(description: "send: \(String(cString: strerror(errno)))") }
            offset += count
        }
    }

    /// Writes a request with `Content-Length` when there is a body; `host: nil` leaves the Host header out.
    public func sendRequest(
        _ method: String, _ target: String, host: String?, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws {
        var head = "\(method) \(target) HTTP/1.1\r\n"
        if let host { head += "Host: \(host)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try send(Array(head.utf8) + body)
    }

    /// Reads one response; `bodyless` for answers to HEAD.
    public func readResponse(bodyless: Bool = false) throws -> HTTPTestResponse {
        let headEnd = try fill { buffer in Self.find([13, 10, 13, 10], in: buffer) }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusParts = lines.removeFirst().split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw HTTPTestClientError(description: "bad status line in \(head)")
        }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = bodyless ? 0 : Int(headers.first { $0.name.lowercased() == "content-length" }?.value ?? "0") ?? 0
        _ = try fill { buffer in buffer.count >= length ? length : nil }
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return HTTPTestResponse(status: status, headers: headers, body: body)
    }

    /// True when the server closes the connection before the read deadline (after any pending data).
    public func waitForClose() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count == 0 { return true }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return errno == ECONNRESET }
        }
    }

    private func fill(until found: ([UInt8]) -> Int?) throws -> Int {
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            if let position = found(buffer) { return position }
            let count = recv(fd, &chunk, chunk.count, 0)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                throw HTTPTestClientError(
                    description: count == 0 ? "connection closed early" : "recv: \(String(cString: strerror(errno)))")
            }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }
}

/// One-shot requests: a fresh connection per call.
public enum HTTPTestClient {
    /// Sends one request and reads its response. `host` defaults to the address the server listens on.
    public static func request(
        _ method: String = "GET", _ target: String, port: UInt16, address: String = "127.0.0.1",
        host: String? = nil, headers: [(String, String)] = [], body: [UInt8] = [], timeout: Duration = .seconds(5)
    ) throws -> HTTPTestResponse {
        let connection = try HTTPTestConnection(host: address, port: port, timeout: timeout)
        let defaultHost = address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
        try connection.sendRequest(method, target, host: host ?? defaultHost, headers: headers, body: body)
        return try connection.readResponse(bodyless: method == "HEAD")
    }
}

extension HTTPTestClient {
    /// Runs blocking socket work on its own thread, so it never occupies one of the few threads the
    /// Swift concurrency pool has (the server's handlers need them to answer).
    public static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.start()
        }
    }

    /// `request` run off the concurrency pool.
    public static func fetch(
        _ method: String = "GET", _ target: String, port: UInt16, address: String = "127.0.0.1",
        host: String? = nil, headers: [(String, String)] = [], body: [UInt8] = [], timeout: Duration = .seconds(5)
    ) async throws -> HTTPTestResponse {
        try await offPool {
            try request(
                method, target, port: port, address: address, host: host, headers: headers, body: body,
                timeout: timeout)
        }
    }
}
