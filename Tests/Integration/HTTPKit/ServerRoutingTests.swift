import HTTPKit
import Testing

/// Routing, negotiation and error rendering, over real sockets.
extension HTTPKitTests {
    @Suite struct ServerRoutingTests {
        struct Boom: Error {}

        static func router() -> Router {
            var router = Router()
            router.get("/") { _ in .html("<p>panel</p>") }
            router.get("/start/{id:name}", changesState: true) { request in
                let id = try request.parameter("id")
                return .negotiated(["started": .string(id)], text: "started \(id)")
            }
            router.get("/stop/all") { _ in .negotiated(["stopped": "all"], text: "stopped all") }
            router.get("/stop/{id:name}") { request in .text("stopped \(try request.parameter("id"))") }
            router.get("/echo/{raw}") { request in .text(try request.parameter("raw")) }
            router.get("/logs") { request in
                let tail = try request.query.int("tail", in: 0...1000) ?? 10
                return .json(["tail": .int(Int64(tail)), "q": .string(request.query["q"] ?? "")])
            }
            router.post("/settings") { request in .json(try request.jsonBody()) }
            router.get("/boom") { _ in throw Boom() }
            return router
        }

        @Test func routeWithAndWithoutTrailingSlashAnswersTheSame() async throws {
            let test = try TestServer.start(Self.router())
            let plain = try await test.fetch("GET", "/start/a")
            let slashed = try await test.fetch("GET", "/start/a/")
            #expect(plain.status == 200)
            #expect(slashed.status == 200)
            #expect(plain.text == "started a\n")
            #expect(slashed.text == plain.text)
            await test.server.shutdown()
        }

        @Test func jsonIsSentOnlyWhenTheClientAcceptsIt() async throws {
            let test = try TestServer.start(Self.router())
            let json = try await test.fetch("GET", "/start/web-1/", headers: [("Accept", "application/json")])
            let text = try await test.fetch("GET", "/start/web-1/", headers: [("Accept", "*/*")])
            #expect(json.header("Content-Type") == "application/json")
            #expect(json.json == ["started": "web-1"])
            #expect(text.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(text.text == "started web-1\n")
            #expect(json.header("X-Request-Id") != nil)
            #expect(json.header("Cache-Control") == "no-store")
            #expect(json.header("X-Content-Type-Options") == "nosniff")
            #expect(json.header("X-Request-Id") != text.header("X-Request-Id"))
            await test.server.shutdown()
        }

        @Test func unknownPathIs404InTheErrorShapeEvenForTextClients() async throws {
            let test = try TestServer.start(Self.router())
            let response = try await test.fetch("GET", "/nowhere/")
            #expect(response.status == 404)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.json == ["error": "not found", "detail": ["path": "/nowhere/"]])
            await test.server.shutdown()
        }

        @Test func wrongMethodIs405WithAllow() async throws {
            let test = try TestServer.start(Self.router())
            let response = try await test.fetch("DELETE", "/start/a/")
            #expect(response.status == 405)
            #expect(response.header("Allow") == "GET, HEAD")
            #expect(response.json?["error"] == "method not allowed")
            let options = try await test.fetch("OPTIONS", "/settings")
            #expect(options.status == 204)
            #expect(options.header("Allow") == "POST, OPTIONS")
            await test.server.shutdown()
        }

        @Test func invalidNameParameterIs400WithTheReason() async throws {
            let test = try TestServer.start(Self.router())
            for bad in ["a%20b", "..", "x%2Fy", String(repeating: "a", count: 65), "caf%C3%A9"] {
                let response = try await test.fetch("GET", "/start/\(bad)/")
                #expect(response.status == 400, "for \(bad)")
                #expect(response.json?["error"] == "invalid parameter")
                #expect(response.json?["detail"]?["parameter"] == "id")
                #expect(
                    response.json?["detail"]?["reason"]?.stringValue?.contains("[A-Za-z0-9_.-]{1,64}") == true
                        || response.json?["detail"]?["reason"] == "must not be '.' or '..'")
            }
            let longest = try await test.fetch("GET", "/start/\(String(repeating: "a", count: 64))")
            #expect(longest.status == 200)
            await test.server.shutdown()
        }

        @Test func encodedSlashStaysInsideItsSegment() async throws {
            let test = try TestServer.start(Self.router())
            let response = try await test.fetch("GET", "/echo/a%2Fb%20c")
            #expect(response.status == 200)
            #expect(response.text == "a/b c")
            let malformed = try await test.fetch("GET", "/echo/%zz")
            #expect(malformed.status == 400)
            #expect(malformed.json?["error"] == "malformed percent-encoding in path")
            await test.server.shutdown()
        }

        @Test func literalRouteWinsOverParameterRoute() async throws {
            let test = try TestServer.start(Self.router())
            #expect(try await test.fetch("GET", "/stop/all/").text == "stopped all\n")
            #expect(try await test.fetch("GET", "/stop/web/").text == "stopped web")
            await test.server.shutdown()
        }

        @Test func queryParametersAreDecodedAndValidated() async throws {
            let test = try TestServer.start(Self.router())
            let good = try await test.fetch("GET", "/logs?tail=25&q=a+b%21")
            #expect(good.json == ["tail": 25, "q": "a b!"])
            let malformed = try await test.fetch("GET", "/logs?tail=%zz")
            #expect(malformed.status == 400)
            #expect(malformed.json?["error"] == "malformed percent-encoding in query")
            let malformedName = try await test.fetch("GET", "/logs?%C3=1")
            #expect(malformedName.status == 400)
            let bad = try await test.fetch("GET", "/logs?tail=lots")
            #expect(bad.status == 400)
            #expect(bad.json?["detail"]?["parameter"] == "tail")
            await test.server.shutdown()
        }

        @Test func headIsAnsweredByGetWithoutBody() async throws {
            let test = try TestServer.start(Self.router())
            let response = try await test.fetch("HEAD", "/start/a")
            #expect(response.status == 200)
            #expect(response.body.isEmpty)
            await test.server.shutdown()
        }

        @Test func jsonBodyIsParsedAndMalformedJSONIs400() async throws {
            let test = try TestServer.start(Self.router())
            let good = try await test.fetch("POST", "/settings", body: Array(#"{"A":"1","B":"x=y,$z"}"#.utf8))
            #expect(good.status == 200)
            #expect(good.json == ["A": "1", "B": "x=y,$z"])
            let bad = try await test.fetch("POST", "/settings", body: Array("{nope".utf8))
            #expect(bad.status == 400)
            #expect(bad.json?["error"] == "request body is not valid JSON")
            let empty = try await test.fetch("POST", "/settings")
            #expect(empty.status == 400)
            await test.server.shutdown()
        }

        @Test func unexpectedErrorIsPlain500AndOneLogLine() async throws {
            let test = try TestServer.start(Self.router())
            let response = try await test.fetch("GET", "/boom")
            #expect(response.status == 500)
            #expect(response.json == ["error": "internal server error", "detail": nil])
            #expect(!response.text.contains("Boom"))
            let failures = test.logs.records.filter { $0.message == "handler failed" }
            #expect(failures.count == 1)
            #expect(failures.first?.field("error_type")?.contains("Boom") == true)
            #expect(failures.first?.field("request_id") == response.header("X-Request-Id"))
            await test.server.shutdown()
        }

        @Test func accessLogHasOneDebugLinePerRequestWithItsId() async throws {
            let test = try TestServer.start(Self.router())
            let response = try await test.fetch("GET", "/start/a/?x=1")
            let lines = test.logs.records.filter { $0.message == "request" }
            #expect(lines.count == 1)
            let line = try #require(lines.first)
            #expect(line.level == .debug)
            #expect(line.field("method") == "GET")
            #expect(line.field("path") == "/start/a/")
            #expect(line.field("status") == "200")
            #expect(line.field("duration_us").flatMap(Int.init) != nil)
            #expect(line.field("request_id") == response.header("X-Request-Id"))
            await test.server.shutdown()
        }

        @Test func ipv6LoopbackServesWithBracketedHost() async throws {
            let test = try TestServer.start(Self.router(), address: "[::1]:0")
            #expect(test.server.address.description == "[::1]:\(test.port)")
            let response = try await test.fetch("GET", "/start/v6/")
            #expect(response.status == 200)
            #expect(response.text == "started v6\n")
            await test.server.shutdown()
        }
    }
}
