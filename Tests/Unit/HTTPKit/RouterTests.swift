import Testing

@testable import HTTPKit

extension HTTPKitTests {
    @Suite struct RouterTests {
        static func router() -> Router {
            var router = Router()
            router.get("/") { _ in .text("root") }
            router.get("/status") { _ in .text("all") }
            router.get("/status/{id:name}") { _ in .text("one") }
            router.get("/logs/{id:name}/{service:name}") { _ in .text("logs") }
            router.post("/container_settings") { _ in .text("set") }
            router.get("/container_settings") { _ in .text("get") }
            return router
        }

        func pattern(_ method: HTTPMethod, _ path: String) throws -> String? {
            let segments = try RequestTarget(rawPath: path).segments
            if case .found(let route) = Self.router().match(method, segments) { return route.info.pattern }
            return nil
        }

        @Test func trailingSlashIsOptional() throws {
            #expect(try pattern(.get, "/status") == "/status")
            #expect(try pattern(.get, "/status/") == "/status")
            #expect(try pattern(.get, "/status/a") == "/status/{id:name}")
            #expect(try pattern(.get, "/status/a/") == "/status/{id:name}")
            #expect(try pattern(.get, "/") == "/")
        }

        @Test func emptySegmentsDoNotMatchParameters() throws {
            #expect(try pattern(.get, "/status//") == nil)
            #expect(try pattern(.get, "/logs/a//") == nil)
        }

        @Test func methodsShareAPath() throws {
            #expect(try pattern(.get, "/container_settings/") == "/container_settings")
            #expect(try pattern(.post, "/container_settings/") == "/container_settings")
            #expect(try pattern(.head, "/container_settings/") == "/container_settings")
            let segments = try RequestTarget(rawPath: "/status/a").segments
            guard case .wrongMethod(let allowed) = Self.router().match(.delete, segments) else {
                Issue.record("expected a method mismatch")
                return
            }
            #expect(allowed == [.get, .head])
        }

        @Test func nameConstraintNamesTheRule() {
            #expect(PathConstraint.name.violation("web_1.a-b") == nil)
            #expect(PathConstraint.name.violation("") == "must match [A-Za-z0-9_.-]{1,64}")
            #expect(PathConstraint.name.violation("a/b") == "must match [A-Za-z0-9_.-]{1,64}")
            #expect(PathConstraint.name.violation("..") == "must not be '.' or '..'")
            #expect(PathConstraint.name.violation(".") == "must not be '.' or '..'")
            #expect(PathConstraint.name.violation("...") == nil)
            #expect(PathConstraint.name.violation(String(repeating: "x", count: 65)) != nil)
        }

        @Test func parametersComeOutByName() throws {
            let pattern = RoutePattern("/logs/{id:name}/{service}")
            #expect(try pattern.parameters(of: ["logs", "7", "web db"]) == ["id": "7", "service": "web db"])
            #expect(throws: HTTPError.invalidParameter("id", value: "a b", reason: "must match [A-Za-z0-9_.-]{1,64}")) {
                try pattern.parameters(of: ["logs", "a b", "web"])
            }
        }

        @Test func pathSegmentsAreDecodedOneByOne() throws {
            #expect(try RequestTarget(rawPath: "/a%2Fb/c%20d/").segments == ["a/b", "c d"])
            #expect(throws: HTTPError.self) { try RequestTarget(rawPath: "/bad%zz") }
            #expect(throws: HTTPError.self) { try RequestTarget(rawPath: "no-slash") }
        }
    }
}
