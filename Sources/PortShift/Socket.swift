import Glibc

/// The socket system calls PortShift makes, in one place: EINTR retried, failures typed with the call and errno.
enum Socket {
    /// A listening TCP socket on `address` (SO_REUSEADDR; IPv6 sockets also accept IPv4 when bound to `::`).
    static func listen(on address: SocketAddress, backlog: Int32 = 1024) throws(SocketError) -> Int32 {
        let fd = try open(address)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if address.family == .ipv6 {
            var zero: Int32 = 0
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, socklen_t(MemoryLayout<Int32>.size))
        }
        let bound = address.withSockaddr { Glibc.bind(fd, $0, $1) }
        if bound != 0 {
            let code = errno
            close(fd)
            throw SocketError(call: "bind", target: address.description, errno: code)
        }
        if Glibc.listen(fd, backlog) != 0 {
            let code = errno
            close(fd)
            throw SocketError(call: "listen", target: address.description, errno: code)
        }
        return fd
    }

    /// A TCP connection to `address`, established within `timeoutMillis`.
    static func connect(to address: SocketAddress, timeoutMillis: Int32) throws(SocketError) -> Int32 {
        let fd = try open(address)
        setNonBlocking(fd, true)
        var result = address.withSockaddr { Glibc.connect(fd, $0, $1) }
        if result != 0 && errno == EINPROGRESS {
            var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = pollRetrying(&pollfd, timeoutMillis: timeoutMillis)
            if ready == 0 {
                close(fd)
                throw SocketError(call: "connect", target: address.description, errno: ETIMEDOUT)
            }
            var pending: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &length)
            if pending != 0 { errno = pending } else { result = 0 }
        }
        if result != 0 {
            let code = errno
            close(fd)
            throw SocketError(call: "connect", target: address.description, errno: code)
        }
        setNonBlocking(fd, false)
        return fd
    }

    /// The address a socket is bound to.
    static func localAddress(of fd: Int32) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return result == 0 ? SocketAddress(storage: storage) : nil
    }

    static func setNonBlocking(_ fd: Int32, _ on: Bool) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK)
    }

    /// Writes all of `bytes` to a blocking socket, waiting at most `timeoutMillis` for it to drain.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], timeoutMillis: Int32, target: String) throws(SocketError) {
        var offset = 0
        while offset < bytes.count {
            var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            if pollRetrying(&pollfd, timeoutMillis: timeoutMillis) == 0 {
                throw SocketError(call: "send", target: target, errno: ETIMEDOUT)
            }
            let written = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw SocketError(call: "send", target: target, errno: errno)
            }
            offset += written
        }
    }

    /// Reads what is available, waiting until `deadline` (CLOCK_MONOTONIC milliseconds); empty at end of stream.
    static func readSome(_ fd: Int32, deadline: Int64, target: String) throws(SocketError) -> [UInt8] {
        while true {
            let remaining = deadline - monotonicMillis()
            if remaining <= 0 { throw SocketError(call: "recv", target: target, errno: ETIMEDOUT) }
            var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if pollRetrying(&pollfd, timeoutMillis: Int32(min(remaining, Int64(Int32.max)))) == 0 { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw SocketError(call: "recv", target: target, errno: errno)
            }
            return Array(buffer[0..<count])
        }
    }

    static func pollRetrying(_ pollfd: inout pollfd, timeoutMillis: Int32) -> Int32 {
        while true {
            let result = poll(&pollfd, 1, timeoutMillis)
            if result >= 0 || errno != EINTR { return result }
        }
    }

    static func monotonicMillis() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    private static func open(_ address: SocketAddress) throws(SocketError) -> Int32 {
        let fd = socket(address.domain, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(call: "socket", target: address.description, errno: errno) }
        return fd
    }
}
