import Foundation
import HTTPKit
import Synchronization
import TestSupport
import Testing

extension HTTPKitTests {
    /// Shutdown stops accepting, lets running handlers finish within the grace period, then closes everything.
    @Suite struct ServerShutdownTests {
        /// Polls until connecting fails, for at most five seconds; true if it did.
        static func waitUntilRefused(_ port: UInt16) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < deadline {
                let refused = try await HTTPTestClient.offPool { (try? HTTPTestConnection(port: port)) == nil }
                if refused { return true }
                try await Task.sleep(for: .milliseconds(5))
            }
            return false
        }

        @Test func runningHandlerFinishesWhileNewConnectionsAreRefused() async throws {
            let gate = Gate()
            let test = try TestServer.start(ServerConcurrencyTests.router(gate: gate))
            let port = test.port
            async let slow = test.fetch("GET", "/slow", timeout: .seconds(60))
            try await ServerConcurrencyTests.waitForInFlight(test.server, 1)
            let server = test.server
            let stopping = Task { await server.shutdown() }
            #expect(try await Self.waitUntilRefused(port))
            await gate.release()
            let response = try await slow
            #expect(response.status == 200)
            #expect(response.text == "slow done")
            await stopping.value
            #expect(test.logs.records.contains { $0.message == "stopped" })
        }

        @Test func handlerStillRunningAfterTheGracePeriodGets503() async throws {
            let gate = Gate()
            let test = try TestServer.start(ServerConcurrencyTests.router(gate: gate)) {
                $0.shutdownGracePeriod = .milliseconds(200)
            }
            async let slow = test.fetch(
                "GET", "/slow", headers: [("Accept", "application/json")], timeout: .seconds(60))
            try await ServerConcurrencyTests.waitForInFlight(test.server, 1)
            await test.server.shutdown()
            let response = try await slow
            #expect(response.status == 503)
            #expect(response.json == ["error": "server is shutting down", "detail": nil])
            #expect(test.server.requestsInFlight == 0)
            await gate.release()
        }

        @Test(arguments: ["/echo/x", "/fast/x"])
        func shutdownUnderLoadAnswersEveryRequestOrClosesCleanly(_ target: String) async throws {
            let test = try TestServer.start(ServerConcurrencyTests.router(gate: Gate()))
            let port = test.port
            let served = Counter()
            let clients = (0..<8).map { _ in
                Task {
                    try await HTTPTestClient.offPool { () -> [Int] in
                        var statuses: [Int] = []
                        // Each client keeps asking until the server is gone; bounded in case it never goes.
                        for _ in 0..<5000 {
                            guard let connection = try? HTTPTestConnection(port: port, timeout: .seconds(5)) else {
                                break
                            }
                            for _ in 0..<5 {
                                guard (try? connection.sendRequest("GET", target, host: "127.0.0.1:\(port)")) != nil,
                                    let response = try? connection.readResponse()
                                else { break }
                                statuses.append(response.status)
                                served.increment()
                            }
                        }
                        return statuses
                    }
                }
            }
            // Shut down only once real load is under way; a loaded machine may take a while to get there.
            let deadline = ContinuousClock.now + .seconds(60)
            while served.value < 300 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(2))
            }
            await test.server.shutdown()
            var statuses: [Int] = []
            for client in clients { statuses += try await client.value }
            #expect(statuses.count >= 300)
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 503 })
            #expect(test.server.requestsInFlight == 0)
        }

        @Test func idleKeepAliveConnectionIsClosedAndPortReleased() async throws {
            let test = try TestServer.start(ServerConcurrencyTests.router(gate: Gate()))
            let port = test.port
            let connection = try await HTTPTestClient.offPool { () -> HTTPTestConnection in
                let connection = try HTTPTestConnection(port: port)
                try connection.sendRequest("GET", "/echo/1", host: "127.0.0.1:\(port)")
                _ = try connection.readResponse()
                return connection
            }
            await test.server.shutdown()
            let closed = try await HTTPTestClient.offPool { connection.waitForClose() }
            #expect(closed)
            #expect(try await Self.waitUntilRefused(port))
            let again = try TestServer.start(Router(), address: "127.0.0.1:\(port)")
            #expect(again.port == port)
            await again.server.shutdown()
            await test.server.shutdown()
        }
    }
}

/// A count shared between client threads.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)

    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
