import Foundation
import HTTPKit
import MiniCompose
import TestSupport
import Testing

@Suite struct ControlServerSecurityTests {
    @Test func tokenIsRequiredOnEveryRequestButThePanel() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(sandbox: sandbox, compose: "name: sec\nservices:\n  a:\n    image: x\n")
            let tokenFile = sandbox.workDirectory.appendingPathComponent("token").path
            try "correct-horse-battery\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            chmod(tokenFile, 0o600)
            let server = try ServerHarness(
                composeFile: project.directory.appendingPathComponent("compose.yaml").path,
                arguments: ["--token-file", tokenFile], environment: sandbox.environment)
            #expect(try await server.get("/", accept: nil).status == 200)
            #expect(try await server.get("/status/").status == 401)
            let wrong = try await server.request("GET", "/status/", headers: [("Authorization", "Bearer nope")])
            #expect(wrong.status == 401)
            let right = try await server.request(
                "GET", "/status/", headers: [("Authorization", "Bearer correct-horse-battery")])
            #expect(right.status == 200)
            #expect(!server.log.contains("correct-horse-battery"), "the token never reaches the log")
            _ = try server.terminate()
        }
    }

    @Test func tokenFileReadableByOthersIsRefusedAtStart() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(sandbox: sandbox, compose: "name: sec\nservices:\n  a:\n    image: x\n")
            let tokenFile = sandbox.workDirectory.appendingPathComponent("token").path
            try "open-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            chmod(tokenFile, 0o644)
            #expect(throws: HarnessError.self) {
                _ = try ServerHarness(
                    composeFile: project.directory.appendingPathComponent("compose.yaml").path,
                    arguments: ["--token-file", tokenFile], environment: sandbox.environment)
            }
        }
    }

    @Test func foreignHostAndCrossSiteOriginAreRefused() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(sandbox: sandbox, compose: "name: sec\nservices:\n  a:\n    image: x\n")
            let server = try ServerHarness(
                composeFile: project.directory.appendingPathComponent("compose.yaml").path,
                environment: sandbox.environment)
            let rebinding = try await server.request("GET", "/status/", host: "attacker.example:\(server.port)")
            #expect(rebinding.status >= 400 && rebinding.status < 500)
            let crossSite = try await server.request(
                "GET", "/start/x/", headers: [("Origin", "http://attacker.example")])
            #expect(crossSite.status == 403)
            #expect(try await server.get("/status/x/").status == 404, "the cross-site start did not happen")
            let sameOrigin = try await server.request(
                "GET", "/status/", headers: [("Origin", "http://127.0.0.1:\(server.port)")])
            #expect(sameOrigin.status == 200)
            _ = try server.terminate()
        }
    }
}

/// `/openapi.json` describes the API that is really served: every documented operation answers with a status
/// the document lists, and every route the server has is documented.
@Suite struct OpenAPIContractTests {
    @Test func everyDocumentedOperationAnswersWithADocumentedStatusAndNoServerError() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox,
                compose:
                    "name: oas\nservices:\n  a:\n    image: fixtures/tcp-service:1\n"
                    + "    environment: {SERVICE_PORT: \"0\"}\n",
                images: ["fixtures/tcp-service:1": "tcp-service"])
            let server = try ServerHarness(
                composeFile: project.directory.appendingPathComponent("compose.yaml").path,
                environment: sandbox.environment)
            let document = try #require(ServerHarness.object(try await server.get("/openapi.json")))
            #expect(document["openapi"] as? String == "3.0.3")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            for route in [
                "/", "/healthz", "/reload/", "/start/{id}/", "/stop/{id}/", "/status/", "/status/{id}/",
                "/container_settings/", "/set_apptainer/", "/set_runtime/{name}/", "/logs/{id}/{service}/",
                "/stopServer",
            ] {
                #expect(paths[route] != nil, "\(route) is documented")
            }
            let order = paths.keys.sorted { ($0 == "/stopServer" ? 1 : 0, $0) < ($1 == "/stopServer" ? 1 : 0, $1) }
            for path in order {
                for (method, operation) in paths[path] ?? [:] where method == "get" || method == "post" {
                    let concrete = path.replacingOccurrences(of: "{id}", with: "c1")
                        .replacingOccurrences(of: "{service}", with: "a").replacingOccurrences(
                            of: "{name}", with: "docker")
                    let body = method == "post" ? "{\"X\": \"1\"}" : nil
                    let response = try await server.request(method.uppercased(), concrete, body: body)
                    let documented =
                        ((operation as? [String: Any])?["responses"] as? [String: Any])?.keys.compactMap {
                            Int($0)
                        } ?? []
                    #expect(response.status < 500, "\(method) \(concrete) answered \(response.status)")
                    #expect(
                        documented.contains(response.status), "\(method) \(concrete): \(response.status) is documented")
                }
            }
        }
    }
}
