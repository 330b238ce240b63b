import Foundation
import MiniCompose
import SystemKit
import TestSupport
import Testing

/// The real `mini-compose serve` driven over HTTP, as a user of the original tool would with curl.
@Suite struct ServerAPITests {
    static let compose = """
        name: api
        services:
          db:
            image: fixtures/tcp-service:1
            environment: {SERVICE_PORT: "0"}
            healthcheck:
              test: ["CMD", "true"]
              interval: 100ms
          web:
            image: fixtures/tcp-service:1
            environment: {SERVICE_PORT: "0"}
            depends_on:
              db: {condition: service_healthy}
        """

    private func withServer(
        _ arguments: [String] = [], compose: String = Self.compose,
        _ body: (ServerHarness, LauncherProject) async throws -> Void
    ) async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox, compose: compose, images: ["fixtures/tcp-service:1": "tcp-service"])
            let server = try ServerHarness(
                composeFile: project.directory.appendingPathComponent("compose.yaml").path, arguments: arguments,
                environment: sandbox.environment)
            try await body(server, project)
            _ = try? server.terminate()
        }
    }

    @Test func originalCurlUsageReadsWellAsTextAndShutsDownCleanly() async throws {
        try await withServer { server, _ async throws in
            let start = try await server.get("/start/1/", accept: nil)
            #expect(start.status == 200)
            #expect(start.text == "starting instance 1: db, web\n")
            #expect(try await server.waitForStates("1", ["HEALTHY", "RUNNING"]))
            let status = try await server.get("/status/1", accept: nil)
            #expect(status.text == "instance 1 (apptainer, running): db HEALTHY, web RUNNING\n")
            #expect(try await server.get("/stop/1/", accept: nil).text == "stopped instance 1\n")
            #expect(try await server.get("/status/1/").status == 404)
            let shutdown = try await server.get("/stopServer", accept: nil)
            #expect(shutdown.text == "stopping every instance and shutting down\n")
            #expect(try server.process.wait(timeout: .seconds(30)) == .exited(0))
        }
    }

    @Test func severalIdsStartAtOnceAndARunningIdIsAConflict() async throws {
        try await withServer { server, project async throws in
            async let a = server.get("/start/a/")
            async let b = server.get("/start/b/")
            async let c = server.get("/start/c/")
            let responses = try await [a, b, c]
            #expect(responses.map(\.status) == [200, 200, 200])
            for id in ["a", "b", "c"] { #expect(try await server.waitForStates(id, ["HEALTHY", "RUNNING"])) }
            let again = try await server.get("/start/b/")
            #expect(again.status == 409)
            #expect(ServerHarness.object(again)?["error"] as? String == "instance \"b\" is already running")
            let all = ServerHarness.object(try await server.get("/status/"))?["instances"] as? [[String: Any]]
            #expect(all?.compactMap { $0["id"] as? String } == ["a", "b", "c"])
            let stopped = ServerHarness.object(try await server.get("/stop/all/"))?["stopped"] as? [String]
            #expect(stopped == ["a", "b", "c"])
            let list = try await project.sandbox.run("apptainer", ["instance", "list", "--json"])
            #expect(!list.stdoutText.contains("api-"), "no container is left running")
        }
    }

    @Test func failedReloadKeepsTheLastGoodModelAndSaysWhereTheErrorIs() async throws {
        try await withServer { server, project async throws in
            let file = project.directory.appendingPathComponent("compose.yaml")
            try "services:\n  db:\n    image: x\n    depends_on: [nowhere]\n".write(
                to: file, atomically: true, encoding: .utf8)
            let failed = try await server.get("/reload/")
            #expect(failed.status == 422)
            let error = ServerHarness.object(failed)?["error"] as? String ?? ""
            #expect(error.contains("compose.yaml:4:18"))
            #expect(error.contains("nowhere"))
            #expect(try await server.get("/start/old/").status == 200)
            #expect(try await server.waitForStates("old", ["HEALTHY", "RUNNING"]), "the old model still runs")
            try (Self.compose + "\n  extra:\n    image: fixtures/tcp-service:1\n").write(
                to: file, atomically: true, encoding: .utf8)
            let reloaded = ServerHarness.object(try await server.get("/reload/"))
            #expect(reloaded?["added"] as? [String] == ["extra"])
            #expect(reloaded?["removed"] as? [String] == [])
        }
    }

    @Test func postedSettingsReachContainersStartedAfterwardsAndSecretsAreMaskedOnRead() async throws {
        try await withServer { server, project async throws in
            let awkward = "a,b=c $HOME `x` 'q' \\\"d\\\""
            let posted = try await server.request(
                "POST", "/container_settings/", body: "{\"MODE\": \"\(awkward)\", \"API_TOKEN\": \"s3cret\"}")
            #expect(posted.status == 200)
            let read = ServerHarness.object(try await server.get("/container_settings/"))
            #expect(read?["API_TOKEN"] as? String == "********")
            #expect(read?["MODE"] as? String == "a,b=c $HOME `x` 'q' \"d\"")
            #expect(try await server.get("/start/s/").status == 200)
            #expect(try await server.waitForStates("s", ["HEALTHY", "RUNNING"]))
            let pid = try #require(try await project.pid(of: "api-s-web", runtime: .apptainer))
            let environment = FakeRuntimeProbe.environment(of: pid)
            #expect(environment?["MODE"] == "a,b=c $HOME `x` 'q' \"d\"")
            #expect(environment?["API_TOKEN"] == "s3cret")
        }
    }

    @Test(arguments: [
        ("[1, 2]", 400), ("{\"A\": 1}", 400), ("{\"1BAD\": \"x\"}", 400), ("not json", 400), ("", 400),
        ("{\"A\": \"x\\u0000y\"}", 400),
    ])
    func badSettingsAreRefusedWithTheReason(_ body: String, _ status: Int) async throws {
        try await withServer { server, _ async throws in
            let response = try await server.request("POST", "/container_settings/", body: body)
            #expect(response.status == status)
            #expect(ServerHarness.object(response)?["error"] is String)
        }
    }

    @Test func oversizedBodyIsRefused() async throws {
        try await withServer { server, _ async throws in
            let big = "{\"A\": \"" + String(repeating: "x", count: 2 << 20) + "\"}"
            #expect(try await server.request("POST", "/container_settings/", body: big).status == 413)
        }
    }

    @Test func runtimeSwitchAppliesToInstancesStartedAfterwards() async throws {
        try await withServer { server, _ async throws in
            #expect(try await server.get("/set_docker/").status == 200)
            #expect(try await server.get("/start/d/").status == 200)
            let status = ServerHarness.object(try await server.get("/status/d/"))
            #expect(status?["runtime"] as? String == "docker")
            #expect(try await server.get("/set_runtime/bogus/").status == 400)
            #expect(try await server.get("/set_runtime/singularity/").status == 200)
            #expect(ServerHarness.object(try await server.get("/runtime"))?["runtime"] as? String == "singularity")
        }
    }

    @Test func unknownAndInvalidIdsAreClientErrors() async throws {
        try await withServer { server, _ async throws in
            #expect(try await server.get("/status/nope/").status == 404)
            #expect(try await server.get("/stop/nope/").status == 404)
            #expect(try await server.get("/start/bad%2Fid/").status == 400)
            #expect(try await server.get("/start/" + String(repeating: "x", count: 65) + "/").status == 400)
            #expect(try await server.get("/logs/nope/db/").status == 404)
            #expect(try await server.get("/no/such/path").status == 404)
            #expect(try await server.request("DELETE", "/start/a/").status == 405)
        }
    }

    @Test func logsEndpointReturnsTheServicesOutput() async throws {
        try await withServer { server, _ async throws in
            #expect(try await server.get("/start/l/").status == 200)
            #expect(try await server.waitForStates("l", ["HEALTHY", "RUNNING"]))
            let logs = try await server.get("/logs/l/db/?tail=5", accept: nil)
            #expect(logs.status == 200)
            #expect(logs.text.contains("listening on"))
            #expect(try await server.get("/logs/l/db/?tail=x").status == 400)
        }
    }

    @Test func sigtermStopsEveryInstanceDependentsFirstThenExitsZero() async throws {
        try await withServer { server, project async throws in
            #expect(try await server.get("/start/t/").status == 200)
            #expect(try await server.waitForStates("t", ["HEALTHY", "RUNNING"]))
            #expect(try server.terminate() == .exited(0))
            let list = try await project.sandbox.run("apptainer", ["instance", "list", "--json"])
            #expect(!list.stdoutText.contains("api-t-"))
            let log = server.log
            let web = try #require(log.range(of: "service stopped instance=t service=web"))
            let db = try #require(log.range(of: "service stopped instance=t service=db"))
            #expect(web.lowerBound < db.lowerBound)
        }
    }

    @Test func keepLeavesInstancesRunningAndTheNextServerAdoptsThem() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox, compose: Self.compose, images: ["fixtures/tcp-service:1": "tcp-service"])
            let file = project.directory.appendingPathComponent("compose.yaml").path
            let first = try ServerHarness(composeFile: file, environment: sandbox.environment)
            #expect(try await first.get("/start/k/").status == 200)
            #expect(try await first.waitForStates("k", ["HEALTHY", "RUNNING"]))
            let pid = try await project.pid(of: "api-k-db", runtime: .apptainer)
            #expect(try await first.get("/stopServer?keep=1").status == 200)
            #expect(try first.process.wait(timeout: .seconds(30)) == .exited(0))
            let second = try ServerHarness(composeFile: file, environment: sandbox.environment)
            #expect(try await second.waitForStates("k", ["HEALTHY", "RUNNING"]))
            #expect(try await project.pid(of: "api-k-db", runtime: .apptainer) == pid, "adopted, not restarted")
            #expect(try await second.get("/stop/k/").status == 200)
            _ = try second.terminate()
        }
    }
}
