import HTTPKit
import TestSupport
import Testing

extension HTTPKitTests {
    /// Host, Origin and bearer-token checks as a client on the wire sees them.
    @Suite struct ServerSecurityTests {
        static let secret = "s3cret-Token-0123456789"

        static func router() -> Router {
            var router = Router()
            router.get("/") { _ in .html("<p>panel</p>") }
            router.get("/status/{id:name}") { request in .text("status \(try request.parameter("id"))") }
            router.get("/stop/{id:name}", changesState: true) { request in
                .text("stopped \(try request.parameter("id"))")
            }
            router.post("/container_settings") { _ in .text("saved") }
            return router
        }

        static func secured() throws -> TestServer {
            let allowed = AllowedHosts()
            return try TestServer.start(
                router(),
                middleware: [
                    HostCheck(allowed: allowed), BearerAuthentication(token: try BearerToken(secret)),
                    OriginCheck(allowed: allowed),
                ])
        }

        static func bearer(_ token: String = secret) -> (String, String) { ("Authorization", "Bearer \(token)") }

        @Test func foreignHostIsRefusedWith421() async throws {
            let test = try Self.secured()
            let response = try await test.fetch(
                "GET", "/status/a", host: "evil.example:\(test.port)", headers: [Self.bearer()])
            #expect(response.status == 421)
            #expect(response.json?["error"] == "host not allowed")
            let wrongPort = try await test.fetch("GET", "/status/a", host: "localhost:1", headers: [Self.bearer()])
            #expect(wrongPort.status == 421)
            await test.server.shutdown()
        }

        @Test func secondHostHeaderIsRefused() async throws {
            let test = try Self.secured()
            let response = try await test.fetch(
                "GET", "/status/a", headers: [("Host", "evil.example:\(test.port)"), Self.bearer()])
            #expect(response.status == 400)
            #expect(response.json?["error"] == "more than one Host header")
            await test.server.shutdown()
        }

        @Test func loopbackNamesWithThePortAreAccepted() async throws {
            let test = try Self.secured()
            for host in [
                "127.0.0.1:\(test.port)", "localhost:\(test.port)", "LOCALHOST:\(test.port)", "[::1]:\(test.port)",
            ] {
                let response = try await test.fetch("GET", "/status/a", host: host, headers: [Self.bearer()])
                #expect(response.status == 200, "Host: \(host)")
            }
            await test.server.shutdown()
        }

        @Test func extraAllowedHostIsAccepted() async throws {
            let allowed = AllowedHosts(extra: ["node17.cluster"])
            let test = try TestServer.start(Self.router(), middleware: [HostCheck(allowed: allowed)])
            let response = try await test.fetch("GET", "/status/a", host: "node17.cluster:8080")
            #expect(response.status == 200)
            await test.server.shutdown()
        }

        @Test func missingTokenIs401WithChallenge() async throws {
            let test = try Self.secured()
            let response = try await test.fetch("GET", "/status/a")
            #expect(response.status == 401)
            #expect(response.header("WWW-Authenticate") == "Bearer")
            #expect(response.json == ["error": "unauthorized", "detail": "missing bearer token"])
            await test.server.shutdown()
        }

        @Test func wrongTokenIs401AndRightTokenPasses() async throws {
            let test = try Self.secured()
            let wrong = try await test.fetch("GET", "/status/a", headers: [Self.bearer("s3cret-Token-012345678X")])
            #expect(wrong.status == 401)
            #expect(wrong.json?["detail"] == "invalid bearer token")
            let prefix = try await test.fetch("GET", "/status/a", headers: [Self.bearer("s3cret")])
            #expect(prefix.status == 401)
            let basic = try await test.fetch("GET", "/status/a", headers: [("Authorization", "Basic \(Self.secret)")])
            #expect(basic.status == 401)
            let right = try await test.fetch("GET", "/status/a", headers: [Self.bearer()])
            #expect(right.status == 200)
            #expect(right.text == "status a")
            await test.server.shutdown()
        }

        @Test func panelNeedsNoTokenButEverythingElseDoes() async throws {
            let test = try Self.secured()
            #expect(try await test.fetch("GET", "/").status == 200)
            #expect(try await test.fetch("POST", "/").status == 401)
            #expect(try await test.fetch("GET", "/nowhere").status == 401)
            await test.server.shutdown()
        }

        @Test func tokenNeverAppearsInTheLog() async throws {
            let test = try Self.secured()
            _ = try await test.fetch("GET", "/status/a", headers: [Self.bearer()])
            _ = try await test.fetch("GET", "/status/a", headers: [Self.bearer(Self.secret + "x")])
            _ = try await test.fetch("GET", "/status/\(Self.secret)", headers: [Self.bearer()])
            let log = test.logLines.joined(separator: "\n")
            #expect(test.logs.records.count(where: { $0.message == "request" }) == 3)
            #expect(!log.contains("Bearer"))
            #expect(log.components(separatedBy: Self.secret).count == 2, "only the path that spells it out")
            await test.server.shutdown()
        }

        @Test func crossSiteOriginOnStateChangingRequestIs403() async throws {
            let test = try Self.secured()
            let crossPost = try await test.fetch(
                "POST", "/container_settings", headers: [Self.bearer(), ("Origin", "http://evil.example")],
                body: [123, 125])
            #expect(crossPost.status == 403)
            #expect(crossPost.json?["error"] == "cross-site request refused")
            let nullOrigin = try await test.fetch(
                "POST", "/container_settings", headers: [Self.bearer(), ("Origin", "null")])
            #expect(nullOrigin.status == 403)
            let sameOrigin = try await test.fetch(
                "POST", "/container_settings", headers: [Self.bearer(), ("Origin", "http://127.0.0.1:\(test.port)")])
            #expect(sameOrigin.status == 200)
            let curl = try await test.fetch("POST", "/container_settings", headers: [Self.bearer()])
            #expect(curl.status == 200)
            await test.server.shutdown()
        }

        @Test func crossSiteFetchOfStateChangingGetIs403ButSafeGetPasses() async throws {
            let test = try Self.secured()
            let imageTag = try await test.fetch(
                "GET", "/stop/a/", headers: [Self.bearer(), ("Sec-Fetch-Site", "cross-site")])
            #expect(imageTag.status == 403)
            let read = try await test.fetch(
                "GET", "/status/a/",
                headers: [Self.bearer(), ("Sec-Fetch-Site", "cross-site"), ("Origin", "http://evil.example")])
            #expect(read.status == 200)
            let panelButton = try await test.fetch(
                "GET", "/stop/a/", headers: [Self.bearer(), ("Sec-Fetch-Site", "same-origin")])
            #expect(panelButton.status == 200)
            await test.server.shutdown()
        }

        @Test func http10RequestWithoutHostPasses() async throws {
            let test = try TestServer.start(Self.router(), middleware: [HostCheck()])
            let port = test.port
            let response = try await HTTPTestClient.offPool {
                let connection = try HTTPTestConnection(port: port)
                try connection.send("GET /status/a HTTP/1.0\r\n\r\n")
                return try connection.readResponse()
            }
            #expect(response.status == 200)
            await test.server.shutdown()
        }
    }
}
