import Glibc

/// A failed socket call, with the call, the address and the errno text.
public struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    public let call: String
    public let address: String
    public let code: Int32

    public var description: String { "\(call) \(address): \(String(cString: strerror(code)))" }
}

/// Creates the listening socket, so bind errors carry their errno and the bound port can be read back.
enum ListenSocket {
    /// A non-blocking, close-on-exec socket bound to `address` and listening; returns it with the real port.
    static func open(_ address: ListenAddress, backlog: Int32) throws(SocketError) -> (fd: Int32, port: UInt16) {
        let domain = address.family == .ipv6 ? AF_INET6 : AF_INET
        let fd = socket(
            domain, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(call: "socket", address: address.description, code: errno) }
        do throws(SocketError) {
            var one: Int32 = 1
            guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
                throw SocketError(call: "setsockopt(SO_REUSEADDR)", address: address.description, code: errno)
            }
            try bind(fd, address)
            guard listen(fd, backlog) == 0 else {
                throw SocketError(call: "listen", address: address.description, code: errno)
            }
            return (fd, try boundPort(fd, address))
        } catch {
            close(fd)
            throw error
        }
    }

    private static func bind(_ fd: Int32, _ address: ListenAddress) throws(SocketError) {
        let result: Int32
        switch address.family {
        case .ipv4:
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = address.port.bigEndian
            inet_pton(AF_INET, address.host, &sin.sin_addr)
            result = withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .ipv6:
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = address.port.bigEndian
            inet_pton(AF_INET6, address.host, &sin6.sin6_addr)
            result = withUnsafePointer(to: &sin6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        guard result == 0 else { throw SocketError(call: "bind", address: address.description, code: errno) }
    }

    private static func boundPort(_ fd: Int32, _ address: ListenAddress) throws(SocketError) -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { throw SocketError(call: "getsockname", address: address.description, code: errno) }
        return withUnsafePointer(to: &storage) { pointer in
            switch address.family {
            case .ipv4:
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            case .ipv6:
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    UInt16(bigEndian: $0.pointee.sin6_port)
                }
            }
        }
    }
}
