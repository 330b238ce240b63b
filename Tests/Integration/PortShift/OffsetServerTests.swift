import Foundation
import Glibc
import PortShift
import SystemKit
import Testing

extension PortShiftTests {
    @Suite struct OffsetServerTests {
        @Test func groupsGetStableDisjointOffsetsAndReleasedOnesAreReused() throws {
            let running = try RunningOffsetServer()
            defer { running.server.stop() }
            let client = running.client()
            #expect(try client.offset(for: "a") == 100)
            #expect(try client.offset(for: "b") == 200)
            #expect(try client.offset(for: "a") == 100)
            try client.release("a")
            #expect(try client.offset(for: "c") == 100)
            #expect(try client.list() == ["b": 200, "c": 100])
            #expect(running.sink.records.filter { $0.message == "offset assigned" }.count == 3)
        }

        @Test func fullTableAnswersAnErrorWithItsReason() throws {
            let running = try RunningOffsetServer(layout: OffsetLayout(maxGroups: 2))
            defer { running.server.stop() }
            let client = running.client()
            _ = try client.offset(for: "a")
            _ = try client.offset(for: "b")
            #expect {
                try client.offset(for: "c")
            } throws: { error in
                guard case .serverRefused(let reason) = error as? OffsetClientError else { return false }
                return reason.contains("full")
            }
            #expect(try client.offset(for: "b") == 200)
        }

        @Test func sixtyFourClientsConnectedAtOnceAreAllAnswered() throws {
            let running = try RunningOffsetServer()
            defer { running.server.stop() }
            let connections = try (0..<64).map { _ in try RawConnection(port: running.server.address.port) }
            for (index, connection) in connections.enumerated() { try connection.send("g\(index % 16)\n") }
            var answers: [String: Set<String>] = [:]
            for (index, connection) in connections.enumerated() {
                answers["g\(index % 16)", default: []].insert(try connection.readLine())
            }
            #expect(answers.count == 16)
            #expect(answers.values.allSatisfy { $0.count == 1 }, "a group got two offsets: \(answers)")
            #expect(Set(answers.values.compactMap(\.first)).count == 16, "two groups share an offset")
        }

        @Test func sixtyFourConcurrentClientThreadsGetConsistentOffsets() throws {
            let running = try RunningOffsetServer()
            defer { running.server.stop() }
            let results = ConcurrentResults()
            let group = DispatchGroup()
            for index in 0..<64 {
                group.enter()
                let thread = Thread {
                    let outcome = Result { try running.client(timeout: 10).offset(for: "t\(index % 8)") }
                    results.record(index % 8, outcome)
                    group.leave()
                }
                thread.start()
            }
            #expect(group.wait(timeout: .now() + 30) == .success)
            let byGroup = results.snapshot()
            #expect(byGroup.values.flatMap { $0 }.count == 64)
            #expect(byGroup.values.allSatisfy { Set($0).count == 1 })
            #expect(Set(byGroup.values.compactMap(\.first)).count == 8)
        }

        @Test func garbageAndOverLongLinesGetErrorsWithoutHurtingOthers() throws {
            let running = try RunningOffsetServer()
            defer { running.server.stop() }
            let garbage = try RawConnection(port: running.server.address.port)
            try garbage.send("\u{1}\u{2}\u{ff} not a group\n")
            #expect(try garbage.readLine().hasPrefix("ERR invalid group name"))
            try garbage.send("ok-after-garbage\n")
            #expect(try garbage.readLine() == "100")
            let flood = try RawConnection(port: running.server.address.port)
            try flood.send(String(repeating: "x", count: 10_000))
            #expect(try flood.readLine() == "ERR line longer than 256 bytes")
            #expect(try flood.readToEnd() == "", "the connection is closed after an over-long line")
            #expect(try running.client().offset(for: "other") == 200)
        }

        @Test func silentClientStallsNobodyAndIsClosedAfterTheReadTimeout() throws {
            let running = try RunningOffsetServer(readTimeoutMillis: 300)
            defer { running.server.stop() }
            let silent = try RawConnection(port: running.server.address.port)
            let half = try RawConnection(port: running.server.address.port)
            try half.send("partial-line-without-newline")
            #expect(try running.client(timeout: 1).offset(for: "busy") == 100)
            #expect(try silent.readToEnd(timeout: 5) == "")
            #expect(try half.readToEnd(timeout: 5) == "")
        }

        @Test func serverListensOnIPv6Loopback() throws {
            let running = try RunningOffsetServer(host: "::1")
            defer { running.server.stop() }
            let client = try OffsetClient(address: "[::1]:\(running.server.address.port)")
            #expect(try client.offset(for: "v6") == 100)
            #expect(client.isReachable())
        }

        @Test func serverOnTheIPv6WildcardAlsoAnswersIPv4Clients() throws {
            let running = try RunningOffsetServer(host: "::")
            defer { running.server.stop() }
            let port = running.server.address.port
            #expect(try OffsetClient(address: "127.0.0.1:\(port)").offset(for: "dual") == 100)
            #expect(try OffsetClient(address: "[::1]:\(port)").offset(for: "dual") == 100)
        }

        @Test func clientGivesUpOnAHungServerWithinItsTimeout() throws {
            let hung = SilentListener()
            let client = try OffsetClient(address: "127.0.0.1:\(hung.port)", timeout: 0.3)
            let started = Date()
            #expect(throws: OffsetClientError.timedOut("127.0.0.1:\(hung.port)")) { try client.offset(for: "a") }
            #expect(Date().timeIntervalSince(started) < 2)
            #expect(!client.isReachable())
        }

        @Test func clientReportsAStoppedServerAsUnreachable() throws {
            let client = try OffsetClient(address: "127.0.0.1:\(portShiftClosedPort())")
            #expect {
                try client.offset(for: "a")
            } throws: { error in
                guard case .unreachable(let cause) = error as? OffsetClientError else { return false }
                return cause.errno == ECONNREFUSED && "\(error)".contains("Connection refused")
            }
        }

        @Test func clientRefusesABadGroupNameBeforeConnecting() throws {
            let client = try OffsetClient(address: "127.0.0.1:\(portShiftClosedPort())")
            #expect(throws: OffsetClientError.invalidGroupName("a b")) { try client.offset(for: "a b") }
            #expect(throws: OffsetClientError.self) { try OffsetClient(address: "nowhere.example:1") }
        }

        @Test func stoppedServerFreesItsPort() throws {
            let running = try RunningOffsetServer()
            let port = running.server.address.port
            running.server.stop()
            #expect(!running.client(timeout: 0.5).isReachable())
            #expect(running.sink.records.contains { $0.message == "stopped" && $0.field("port") == "\(port)" })
        }
    }
}

/// Offsets collected from many threads.
private final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var byGroup: [Int: [Int]] = [:]

    func record(_ group: Int, _ outcome: Result<Int, any Error>) {
        lock.withLock { byGroup[group, default: []].append((try? outcome.get()) ?? -1) }
    }

    func snapshot() -> [Int: [Int]] { lock.withLock { byGroup } }
}

/// A plain TCP connection to a loopback port, to send what no well-behaved client would.
final class RawConnection {
    let fd: Int32
    private var pending: [UInt8] = []

    init(port: UInt16, host: String = "127.0.0.1") throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if result != 0 { throw SocketError(call: "connect", target: "\(host):\(port)", errno: errno) }
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if sent != bytes.count { throw SocketError(call: "send", target: "test connection", errno: errno) }
    }

    /// The next line, without its newline; fails after `timeout` seconds.
    func readLine(timeout: Double = 5) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            guard try receive(until: deadline) else {
                throw SocketError(call: "recv", target: "test connection", errno: ECONNRESET)
            }
        }
    }

    /// Everything until the peer closes; fails if it stays open past `timeout` seconds.
    func readToEnd(timeout: Double = 5) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while try receive(until: deadline) {}
        defer { pending = [] }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Reads once; false at end of stream.
    private func receive(until deadline: Date) throws -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let millis = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
        guard poll(&entry, 1, millis) > 0 else {
            throw SocketError(call: "recv", target: "test connection", errno: ETIMEDOUT)
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        if count < 0 {
            if errno == ECONNRESET { return false }
            throw SocketError(call: "recv", target: "test connection", errno: errno)
        }
        pending += buffer[0..<count]
        return count > 0
    }
}
