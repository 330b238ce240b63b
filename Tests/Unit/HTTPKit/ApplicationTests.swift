import HTTPKit
import SystemKit
import Testing

extension HTTPKitTests {
    /// The request pipeline in memory: the same outcomes the socket tests see, without a server.
    @Suite struct ApplicationTests {
        struct Conflict: HTTPResponseError {
            let id: String
            var status: HTTPStatus { .conflict }
            var message: String { "instance already running" }
            var detail: JSONValue { ["id": .string(id)] }
        }

        static func application(_ middleware: [any Middleware] = []) -> Application {
            var router = Router()
            router.get("/start/{id:name}", changesState: true) { request in
                let id = try request.parameter("id")
                if id == "busy" { throw Conflict(id: id) }
                return .negotiated(["started": .string(id)], text: "started \(id)")
            }
            router.get("/items/{any}") { request in .text(try request.parameter("any")) }
            router.post("/items") { _ in Response(status: .created) }
            return Application(router: router, middleware: middleware)
        }

        @Test func typedErrorKeepsItsStatusAndDetail() async throws {
            let response = await Self.application().respond(to: try HTTPKitTests.request("/start/busy/"))
            #expect(response.status == .conflict)
            #expect(
                try JSONValue.parse(response.body) == ["error": "instance already running", "detail": ["id": "busy"]])
        }

        @Test func negotiatedBodyFollowsAccept() async throws {
            let app = Self.application()
            let text = await app.respond(to: try HTTPKitTests.request("/start/a"))
            let json = await app.respond(
                to: try HTTPKitTests.request("/start/a", headers: ["Accept": "text/html, application/json;q=0.9"]))
            #expect(text.bodyText == "started a\n")
            #expect(text.headers["Vary"] == "Accept")
            #expect(json.headers["Content-Type"] == "application/json")
            #expect(json.bodyText == #"{"started":"a"}"# + "\n")
        }

        @Test func refusedJSONQualityFallsBackToText() async throws {
            let response = await Self.application().respond(
                to: try HTTPKitTests.request("/start/a", headers: ["Accept": "application/json;q=0"]))
            #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
        }

        @Test func everyResponseCarriesTheRequestId() async throws {
            let response = await Self.application().respond(to: try HTTPKitTests.request("/nowhere"))
            #expect(response.status == .notFound)
            #expect(response.headers["X-Request-Id"] == "test-1")
        }

        @Test func wrongMethodListsTheAllowedOnes() async throws {
            let response = await Self.application().respond(to: try HTTPKitTests.request("/items/", method: .put))
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers["Allow"] == "POST")
        }

        @Test func middlewareRunsInOrderAndCanRefuse() async throws {
            struct Tag: Middleware {
                let name: String
                func respond(to request: Request, next: Responder) async throws -> Response {
                    if request.headers["X-Refuse"] == name { throw HTTPError.forbidden("refused by \(name)") }
                    var response = try await next(request)
                    response.headers.add("X-Trail", name)
                    return response
                }
            }
            let app = Self.application([Tag(name: "outer"), Tag(name: "inner")])
            let passed = await app.respond(to: try HTTPKitTests.request("/items/x"))
            #expect(passed.headers.values("X-Trail") == ["inner", "outer"])
            let refused = await app.respond(to: try HTTPKitTests.request("/items/x", headers: ["X-Refuse": "inner"]))
            #expect(refused.status == .forbidden)
            #expect(refused.headers.values("X-Trail").isEmpty)
        }

        @Test func securityChainRefusesBeforeTheHandlerRuns() async throws {
            let allowed = AllowedHosts()
            let app = Self.application([
                HostCheck(allowed: allowed), BearerAuthentication(token: try BearerToken("abc")),
                OriginCheck(allowed: allowed),
            ])
            let rebinding = await app.respond(
                to: try HTTPKitTests.request(
                    "/start/a", headers: ["Host": "attacker.example:5000", "Authorization": "Bearer abc"]))
            #expect(rebinding.status == .misdirectedRequest)
            let noToken = await app.respond(to: try HTTPKitTests.request("/start/a"))
            #expect(noToken.status == .unauthorized)
            let lowerScheme = await app.respond(
                to: try HTTPKitTests.request("/start/a", headers: ["Authorization": "bearer abc"]))
            #expect(lowerScheme.status == .ok)
            let crossSite = await app.respond(
                to: try HTTPKitTests.request(
                    "/start/a",
                    headers: ["Authorization": "Bearer abc", "Origin": "http://127.0.0.1:5000.evil.example"]))
            #expect(crossSite.status == .forbidden)
        }
    }
}
