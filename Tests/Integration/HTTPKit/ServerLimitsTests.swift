import HTTPKit
import TestSupport
import Testing

extension HTTPKitTests {
    /// Body size, idle timeout and connection limit, enforced before any handler runs.
    @Suite struct ServerLimitsTests {
        static func router() -> Router {
            var router = Router()
            router.post("/echo") { request in .text("\(request.body.count) bytes") }
            router.get("/ping") { _ in .text("pong") }
            return router
        }

        @Test func bodyOverLimitIs413InTheErrorShape() async throws {
            let test = try TestServer.start(Self.router()) { $0.maxBodySize = 1024 }
            let response = try await test.fetch("POST", "/echo", body: [UInt8](repeating: 65, count: 1025))
            #expect(response.status == 413)
            #expect(response.json == ["error": "request body too large", "detail": ["limit_bytes": 1024]])
            let fits = try await test.fetch("POST", "/echo", body: [UInt8](repeating: 65, count: 1024))
            #expect(fits.status == 200)
            #expect(fits.text == "1024 bytes")
            await test.server.shutdown()
        }

        @Test func defaultLimitIsOneMebibyte() async throws {
            let test = try TestServer.start(Self.router())
            let fits = try await test.fetch("POST", "/echo", body: [UInt8](repeating: 65, count: 1 << 20))
            #expect(fits.text == "\(1 << 20) bytes")
            let response = try await test.fetch("POST", "/echo", headers: [("Content-Length", "1048577")])
            #expect(response.status == 413)
            await test.server.shutdown()
        }

        @Test func chunkedBodyOverLimitIs413() async throws {
            let test = try TestServer.start(Self.router()) { $0.maxBodySize = 100 }
            let port = test.port
            let response = try await HTTPTestClient.offPool {
                let connection = try HTTPTestConnection(port: port)
                let chunk = String(repeating: "x", count: 80)
                try connection.send(
                    "POST /echo HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "50\r\n\(chunk)\r\n50\r\n\(chunk)\r\n0\r\n\r\n")
                return try connection.readResponse()
            }
            #expect(response.status == 413)
            #expect(response.json?["error"] == "request body too large")
            await test.server.shutdown()
        }

        @Test func silentClientIsDisconnectedAfterTheTimeout() async throws {
            let test = try TestServer.start(Self.router()) { $0.connectionTimeout = .seconds(1) }
            let port = test.port
            let started = ContinuousClock.now
            let closed = try await HTTPTestClient.offPool {
                let connection = try HTTPTestConnection(port: port, timeout: .seconds(10))
                return connection.waitForClose()
            }
            let waited = ContinuousClock.now - started
            #expect(closed)
            #expect(waited >= .milliseconds(900))
            #expect(waited < .seconds(8))
            await test.server.shutdown()
        }

        @Test func halfSentRequestIsDisconnectedAfterTheTimeout() async throws {
            let test = try TestServer.start(Self.router()) { $0.connectionTimeout = .seconds(1) }
            let port = test.port
            let closed = try await HTTPTestClient.offPool {
                let connection = try HTTPTestConnection(port: port, timeout: .seconds(10))
                try connection.send("GET /ping HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n")
                return connection.waitForClose()
            }
            #expect(closed)
            await test.server.shutdown()
        }

        @Test func connectionBeyondTheLimitWaitsUntilASlotFrees() async throws {
            let test = try TestServer.start(Self.router()) { $0.connectionLimit = 2 }
            let port = test.port
            let server = test.server
            let outcome = try await HTTPTestClient.offPool { () -> (Int, Bool, Int) in
                var first: HTTPTestConnection? = try HTTPTestConnection(port: port)
                try first?.sendRequest("GET", "/ping", host: "127.0.0.1:\(port)")
                _ = try first?.readResponse()
                let second = try HTTPTestConnection(port: port)
                try second.sendRequest("GET", "/ping", host: "127.0.0.1:\(port)")
                _ = try second.readResponse()
                // Both stay open (keep-alive), so the server does not take a third one on.
                let open = server.connectionCount
                let third = try HTTPTestConnection(port: port, timeout: .milliseconds(500))
                try third.sendRequest("GET", "/ping", host: "127.0.0.1:\(port)")
                let answeredWhileFull = (try? third.readResponse()) != nil
                first = nil
                third.setTimeout(.seconds(5))
                return (open, answeredWhileFull, try third.readResponse().status)
            }
            #expect(outcome.0 == 2)
            #expect(!outcome.1)
            #expect(outcome.2 == 200)
            await test.server.shutdown()
        }
    }
}
