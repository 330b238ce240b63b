import Foundation
import HTTPKit
import TestSupport
import Testing

extension HTTPKitTests {
    /// Handlers run concurrently: many clients at once, and a slow handler never holds up a fast one.
    @Suite struct ServerConcurrencyTests {
        static func router(gate: Gate) -> Router {
            var router = Router()
            router.get("/echo/{n}") { request in .text(try request.parameter("n")) }
            router.get("/fast/{n}", execution: .immediate) { request in .text(try request.parameter("n")) }
            router.get("/slow") { _ in
                await gate.wait()
                return .text("slow done")
            }
            router.get("/slow-immediate", execution: .immediate) { _ in
                await gate.wait()
                return .text("slow done")
            }
            return router
        }

        /// Polls until the server runs `count` handlers, for at most five seconds.
        static func waitForInFlight(_ server: HTTPServer, _ count: Int) async throws {
            let deadline = ContinuousClock.now + .seconds(5)
            while server.requestsInFlight != count {
                guard ContinuousClock.now < deadline else {
                    throw HTTPTestClientError(description: "no handler started")
                }
                try await Task.sleep(for: .milliseconds(2))
            }
        }

        @Test(arguments: ["/echo", "/fast"], [1, 2])
        func manyConcurrentClientsEachGetTheirOwnAnswer(_ prefix: String, threads: Int) async throws {
            let test = try TestServer.start(Self.router(gate: Gate())) { $0.threads = threads }
            let port = test.port
            let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
                for client in 0..<20 {
                    group.addTask {
                        try await HTTPTestClient.offPool {
                            let connection = try HTTPTestConnection(port: port)
                            var wrong = 0
                            for request in 0..<20 {
                                let n = "\(client)-\(request)"
                                try connection.sendRequest("GET", "\(prefix)/\(n)", host: "127.0.0.1:\(port)")
                                let response = try connection.readResponse()
                                if response.status != 200 || response.text != n { wrong += 1 }
                            }
                            return wrong
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(mismatches == 0)
            #expect(test.logs.records.count(where: { $0.message == "request" }) == 400)
            await test.server.shutdown()
        }

        @Test func handlerOverrunningTheTimeoutGets503WhileOthersAreServed() async throws {
            let gate = Gate()
            // Long enough that the quick request is not itself timed out on a machine busy with other tests.
            let test = try TestServer.start(Self.router(gate: gate)) { $0.handlerTimeout = .seconds(2) }
            let started = ContinuousClock.now
            async let slow = test.fetch("GET", "/slow", timeout: .seconds(60))
            // The slow handler is running, or on a busy machine has already been timed out by the watchdog.
            let deadline = ContinuousClock.now + .seconds(10)
            while test.server.requestsInFlight != 1
                && !test.logs.records.contains(where: { $0.message == "handler timed out" })
            {
                guard ContinuousClock.now < deadline else {
                    throw HTTPTestClientError(description: "no handler started")
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            #expect(try await test.fetch("GET", "/echo/quick").status == 200)
            let response = try await slow
            #expect(ContinuousClock.now - started >= .seconds(2))
            #expect(response.status == 503)
            #expect(response.json == ["error": "request timed out", "detail": nil])
            #expect(test.logs.records.contains { $0.message == "handler timed out" })
            #expect(test.server.requestsInFlight == 0)
            await gate.release()
            await test.server.shutdown()
        }

        @Test(arguments: ["/slow", "/slow-immediate"])
        func slowHandlerDoesNotBlockAFastOne(_ slowPath: String) async throws {
            let gate = Gate()
            let test = try TestServer.start(Self.router(gate: gate))
            async let slow = test.fetch("GET", slowPath, timeout: .seconds(60))
            try await Self.waitForInFlight(test.server, 1)
            let fast = try await test.fetch("GET", "/echo/quick")
            #expect(fast.status == 200)
            #expect(fast.text == "quick")
            #expect(test.server.requestsInFlight == 1, "the slow handler is still waiting")
            await gate.release()
            let slowResponse = try await slow
            #expect(slowResponse.status == 200)
            #expect(slowResponse.text == "slow done")
            await test.server.shutdown()
        }
    }
}
