import Glibc

/// Asks a port-offset server for a group's offset, releases it, or lists the table. Each call opens one
/// connection, sends one request and waits at most `timeout` seconds in all.
public struct OffsetClient: Sendable {
    public let address: SocketAddress
    public let timeoutMillis: Int32

    /// `address` is `host`, `host:port` or `[v6]:port` (default port 25000); `timeout` in seconds.
    public init(address: String = "127.0.0.1:25000", timeout: Double = 2) throws(OffsetClientError) {
        do {
            self.address = try SocketAddress(parsing: address, defaultPort: defaultOffsetServerPort)
        } catch {
            throw .invalidAddress(address, error)
        }
        timeoutMillis = Int32(max(1, min(timeout * 1000, Double(Int32.max))))
    }

    public init(address: SocketAddress, timeout: Double = 2) {
        self.address = address
        timeoutMillis = Int32(max(1, min(timeout * 1000, Double(Int32.max))))
    }

    /// The group's offset, assigned by the server if the group had none.
    public func offset(for group: String) throws(OffsetClientError) -> Int {
        try checkGroup(group)
        let reply = try exchange("\(group)\n", endsWith: { _ in true })
        guard reply.count == 1, let offset = Int(reply[0]), offset >= 0 else {
            throw .malformedReply(reply.joined(separator: "\\n"))
        }
        return offset
    }

    /// Frees the group's offset for reuse; releasing a group without one is not an error.
    public func release(_ group: String) throws(OffsetClientError) {
        try checkGroup(group)
        let reply = try exchange("RELEASE \(group)\n", endsWith: { _ in true })
        guard reply == ["OK"] else { throw .malformedReply(reply.joined(separator: "\\n")) }
    }

    /// Every group the server has assigned, with its offset.
    public func list() throws(OffsetClientError) -> [String: Int] {
        let reply = try exchange("LIST\n", endsWith: { $0 == "." })
        var table: [String: Int] = [:]
        for line in reply.dropLast() {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let offset = Int(parts[1]) else {
                throw .malformedReply(String(line))
            }
            table[String(parts[0])] = offset
        }
        return table
    }

    /// Whether a server answers at the address within the timeout.
    public func isReachable() -> Bool {
        (try? list()) != nil
    }

    private func checkGroup(_ group: String) throws(OffsetClientError) {
        guard GroupName.isValid(group) else { throw .invalidGroupName(group) }
    }

    /// Sends `request` and collects reply lines until `endsWith` accepts one; `ERR` replies become errors.
    private func exchange(_ request: String, endsWith: (Substring) -> Bool) throws(OffsetClientError) -> [Substring] {
        let deadline = Socket.monotonicMillis() + Int64(timeoutMillis)
        let fd: Int32
        do {
            fd = try Socket.connect(to: address, timeoutMillis: timeoutMillis)
        } catch {
            throw error.errno == ETIMEDOUT ? .timedOut(address.description) : .unreachable(error)
        }
        defer { close(fd) }
        var received: [UInt8] = []
        do {
            try Socket.writeAll(fd, Array(request.utf8), timeoutMillis: timeoutMillis, target: address.description)
            while true {
                let chunk = try Socket.readSome(fd, deadline: deadline, target: address.description)
                if chunk.isEmpty { throw OffsetClientError.connectionClosed(address.description) }
                received += chunk
                guard received.last == 0x0A else { continue }
                let lines = String(decoding: received.dropLast(), as: UTF8.self).split(
                    separator: "\n", omittingEmptySubsequences: false)
                if let first = lines.first, first.hasPrefix("ERR ") {
                    throw OffsetClientError.serverRefused(String(first.dropFirst(4)))
                }
                if let last = lines.last, endsWith(last) { return lines }
            }
        } catch let error as OffsetClientError {
            throw error
        } catch let error as SocketError {
            throw error.errno == ETIMEDOUT ? .timedOut(address.description) : .unreachable(error)
        } catch {
            throw .connectionClosed(address.description)
        }
    }
}
