import Glibc
import SystemKit

/// The server's poll loop and its connections; owned by the serving thread alone.
struct ServerLoop {
    let listenFD: Int32
    let wakeFD: Int32
    let service: OffsetService
    let logger: Logger
    let configuration: OffsetServerConfiguration
    private var connections: [Int32: Connection] = [:]
    private var receiveBuffer = [UInt8](repeating: 0, count: 4096)
    static let acceptBatch = 8

    private struct Connection {
        var lines: LineBuffer
        var output: [UInt8] = []
        var deadline: Int64
        var closeWhenFlushed = false
    }

    init(
        listenFD: Int32, wakeFD: Int32, service: OffsetService, logger: Logger,
        configuration: OffsetServerConfiguration
    ) {
        self.listenFD = listenFD
        self.wakeFD = wakeFD
        self.service = service
        self.logger = logger
        self.configuration = configuration
    }

    mutating func run() {
        var pollfds: [pollfd] = []
        while true {
            pollfds.removeAll(keepingCapacity: true)
            pollfds.append(pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0))
            let accepting = connections.count < configuration.maxConnections
            pollfds.append(pollfd(fd: accepting ? listenFD : -1, events: Int16(POLLIN), revents: 0))
            var nearest = Int64.max
            for (fd, connection) in connections {
                let events = connection.output.isEmpty ? POLLIN : POLLOUT
                pollfds.append(pollfd(fd: fd, events: Int16(events), revents: 0))
                nearest = min(nearest, connection.deadline)
            }
            let now = Socket.monotonicMillis()
            let timeout = nearest == .max ? -1 : Int32(clamping: max(0, nearest - now))
            let ready = poll(&pollfds, nfds_t(pollfds.count), timeout)
            if ready < 0 && errno != EINTR {
                logger.error("poll failed", ["reason": String(cString: strerror(errno))])
                break
            }
            if pollfds[0].revents != 0 { break }
            if pollfds[1].revents != 0 { acceptAll() }
            for entry in pollfds.dropFirst(2) where entry.revents != 0 {
                if entry.revents & Int16(POLLOUT) != 0 { flush(entry.fd) } else { receive(entry.fd) }
            }
            expireSilent()
        }
        for fd in connections.keys { close(fd) }
        connections.removeAll()
    }

    /// Accepts a bounded batch, so connections already accepted are not starved while new ones keep arriving.
    private mutating func acceptAll() {
        var batch = 0
        while connections.count < configuration.maxConnections && batch < ServerLoop.acceptBatch {
            batch += 1
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN && errno != ECONNABORTED {
                    logger.warning("accept failed", ["reason": String(cString: strerror(errno))])
                }
                return
            }
            connections[fd] = Connection(
                lines: LineBuffer(limit: configuration.maxLineLength),
                deadline: Socket.monotonicMillis() + Int64(configuration.readTimeoutMillis))
            // Most clients send their request with the handshake: answer it now rather than after another poll.
            receive(fd)
        }
    }

    private mutating func receive(_ fd: Int32) {
        guard connections[fd] != nil else { return }
        let count = receiveBuffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if count < 0 {
            if errno == EAGAIN || errno == EINTR { return }
            drop(fd)
            return
        }
        if count == 0 {
            // A last request without its newline (`printf group | nc ...`) is still answered.
            if !connections[fd]!.closeWhenFlushed, let last = connections[fd]!.lines.finish() {
                connections[fd]!.output.append(contentsOf: service.respond(to: last).utf8)
            }
            connections[fd]!.closeWhenFlushed = true
            flush(fd)
            return
        }
        receiveBuffer.withUnsafeBytes { connections[fd]!.lines.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        connections[fd]!.deadline = Socket.monotonicMillis() + Int64(configuration.readTimeoutMillis)
        answerPendingLines(fd)
        flush(fd)
    }

    private mutating func answerPendingLines(_ fd: Int32) {
        while connections[fd]!.closeWhenFlushed == false {
            switch connections[fd]!.lines.next() {
            case .needMore:
                return
            case .line(let line):
                connections[fd]!.output.append(contentsOf: service.respond(to: line).utf8)
            case .tooLong:
                let reason = OffsetProtocolError.lineTooLong(limit: configuration.maxLineLength).reason
                logger.debug("connection closed", ["reason": reason])
                connections[fd]!.output.append(contentsOf: "ERR \(reason)\n".utf8)
                connections[fd]!.closeWhenFlushed = true
            }
        }
    }

    private mutating func flush(_ fd: Int32) {
        guard var connection = connections[fd] else { return }
        while !connection.output.isEmpty {
            let sent = connection.output.withUnsafeBytes {
                send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN { break }
                drop(fd)
                return
            }
            connection.output.removeFirst(sent)
        }
        if connection.output.isEmpty && connection.closeWhenFlushed {
            drop(fd)
            return
        }
        connections[fd] = connection
    }

    private mutating func expireSilent() {
        let now = Socket.monotonicMillis()
        for (fd, connection) in connections where connection.deadline <= now {
            logger.debug("connection timed out", ["timeout_ms": String(configuration.readTimeoutMillis)])
            drop(fd)
        }
    }

    private mutating func drop(_ fd: Int32) {
        connections.removeValue(forKey: fd)
        close(fd)
    }
}
