import Foundation
import Glibc
import MiniCompose
import TestSupport
import Testing

/// The control panel in a real browser (headless Chromium) against the real server and a FakeRuntime project,
/// used as a person would: type an id, click Start, watch the table.
@Suite(.serialized) struct ControlPanelBrowserTests {
    static let compose = """
        name: panel
        services:
          db:
            image: fixtures/tcp-service:1
            environment: {SERVICE_PORT: "0"}
            healthcheck: {test: ["CMD", "true"], interval: 200ms}
          cache:
            image: fixtures/tcp-service:1
            environment: {SERVICE_PORT: "0"}
            healthcheck: {test: ["CMD", "true"], interval: 200ms}
          web:
            image: fixtures/tcp-service:1
            environment: {SERVICE_PORT: "0"}
            healthcheck: {test: ["CMD", "true"], interval: 200ms}
            depends_on:
              db: {condition: service_healthy}
              cache: {condition: service_started}
        """
    static let services = ["cache", "db", "web"]
    /// The panel's colour for HEALTHY, as the browser computes it.
    static let healthyGreen = "rgb(212, 244, 212)"

    private func withServer(
        arguments: (FakeRuntimeSandbox) throws -> [String] = { _ in [] },
        _ body: (ServerHarness) async throws -> Void
    ) async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox, compose: Self.compose, images: ["fixtures/tcp-service:1": "tcp-service"])
            let composeFile = project.directory.appendingPathComponent("compose.yaml").path
            let serverArguments = try arguments(sandbox)
            let server = try await Self.offThePool {
                try ServerHarness(
                    composeFile: composeFile, arguments: serverArguments, environment: sandbox.environment)
            }
            try await body(server)
            _ = try? server.terminate()
        }
    }

    @Test(.enabled(if: PanelBrowser.shouldRun, PanelBrowser.skipNote))
    func startButtonTurnsEveryServiceHealthyInTheTable() async throws {
        try PanelBrowser.requireTools()
        try await withServer { server in
            let report = try await PanelBrowser.check(
                url: "http://127.0.0.1:\(server.port)/", screenshot: "control-panel", instance: "1",
                expect: Self.services)
            #expect(report.error == nil, "\(report)\nserver log:\n\(server.log)")
            #expect(report.title == "Mini Compose")
            #expect(report.messageAfterStart == "starting 1: \(Self.services.joined(separator: ", "))")
            #expect(report.messageClass == "", "the answer to Start is not shown as an error")
            #expect(report.states == Dictionary(uniqueKeysWithValues: Self.services.map { ($0, "HEALTHY") }))
            #expect(report.rows?.allSatisfy { $0.colour == Self.healthyGreen } == true, "\(report.rows ?? [])")
            #expect(report.connection?.state == "ok")
            #expect(report.browserLog == [], "no script error or failed request in the browser's console")
            // What the page shows is what the server says.
            let status = ServerHarness.object(try await server.get("/status/1/"))
            let served = (status?["services"] as? [[String: Any]])?.compactMap { $0["state"] as? String }
            #expect(served == ["HEALTHY", "HEALTHY", "HEALTHY"])
            expectScreenshot(at: report.screenshot)
        }
    }

    @Test(.enabled(if: PanelBrowser.shouldRun, PanelBrowser.skipNote))
    func enteringTheTokenInThePageMakesTheTableLoad() async throws {
        try PanelBrowser.requireTools()
        let token = "panel-token-\(UUID().uuidString.prefix(8))"
        try await withServer(arguments: { sandbox in
            let file = sandbox.workDirectory.appendingPathComponent("token").path
            try "\(token)\n".write(toFile: file, atomically: true, encoding: .utf8)
            chmod(file, 0o600)
            return ["--token-file", file]
        }) { server in
            let report = try await PanelBrowser.check(
                url: "http://127.0.0.1:\(server.port)/", screenshot: "control-panel-token", instance: "t",
                expect: Self.services, token: token)
            #expect(report.error == nil, "\(report)\nserver log:\n\(server.log)")
            let before = try #require(report.beforeToken, "\(report)")
            #expect(before.connection.state == "error")
            #expect(before.connection.text.contains("missing bearer token"), "\(before.connection.text)")
            #expect(before.rows.isEmpty, "nothing is shown without the token")
            let after = try #require(report.afterToken, "\(report)")
            #expect(after.connection.state == "ok", "\(after.connection.text)")
            #expect(after.table.contains("no instances"), "\(after.table)")
            #expect(after.stored, "the token is kept in the page's session")
            #expect(report.states == Dictionary(uniqueKeysWithValues: Self.services.map { ($0, "HEALTHY") }))
            #expect(!server.log.contains(token), "the token never reaches the log")
            expectScreenshot(at: report.screenshot)
        }
    }

    /// Runs `body` on a thread of its own: the harness polls with blocking sleeps while the server starts, which
    /// on a two-core machine would hold one of the two threads every other test needs.
    private static func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    private func expectScreenshot(at path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
        let isPNG = bytes.starts(with: [0x89, 0x50, 0x4E, 0x47])
        #expect(isPNG && bytes.count > 10_000, "a screenshot of the page at \(path)", sourceLocation: sourceLocation)
    }
}
