import Foundation
import MiniCompose
import SystemKit
import TestSupport
import Testing

/// Start order, parallelism and dependency conditions, with real FakeRuntime containers in every face.
@Suite struct StartOrderTests {
    static let compose = """
        name: order
        services:
          slow:
            image: fixtures/tcp-service:1
            environment:
              SERVICE_PORT: "0"
              FAKE_RUNTIME_START_DELAY: "0.6"
            healthcheck:
              test: ["CMD-SHELL", 'test -e "$$READY_FILE"']
              interval: 100ms
              timeout: 2s
              start_period: 60s
              start_interval: 100ms
          quick:
            image: fixtures/tcp-service:1
            environment:
              SERVICE_PORT: "0"
          after-slow:
            image: fixtures/tcp-service:1
            environment:
              SERVICE_PORT: "0"
            depends_on:
              slow:
                condition: service_healthy
          after-quick:
            image: fixtures/tcp-service:1
            environment:
              SERVICE_PORT: "0"
            depends_on: [quick]
        """

    @Test(arguments: RuntimeKind.allCases)
    func independentServicesStartTogetherAndDependentsWaitForTheirCondition(_ runtime: RuntimeKind) async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let ready = sandbox.workDirectory.appendingPathComponent("slow-ready").path
            let project = try LauncherProject(
                sandbox: sandbox, compose: Self.compose, images: ["fixtures/tcp-service:1": "tcp-service"])
            let instance = try project.instance(runtime: runtime) { $0.settings["READY_FILE"] = ready }
            try await instance.start()
            // `slow` cannot turn healthy before the ready file exists: everything else must not wait for it.
            #expect(try await eventually(instance) { $0.record("after-quick")?.state == .running })
            var snapshot = await instance.snapshot()
            #expect(snapshot.record("slow")?.state == .starting)
            #expect(snapshot.record("after-slow")?.state == .created)
            _ = FileManager.default.createFile(atPath: ready, contents: nil)
            #expect(try await eventually(instance) { $0.record("after-slow")?.state == .running })
            snapshot = await instance.snapshot()
            // Both level-0 services were launched before either was up: they started together.
            let slowStarting = try #require(snapshot.time("slow", "STARTING"))
            let quickStarting = try #require(snapshot.time("quick", "STARTING"))
            let quickRunning = try #require(snapshot.time("quick", "RUNNING"))
            #expect(slowStarting <= quickRunning && quickStarting <= quickRunning)
            let slowHealthy = try #require(snapshot.time("slow", "HEALTHY"))
            let afterSlowStarting = try #require(snapshot.time("after-slow", "STARTING"))
            #expect(
                afterSlowStarting >= slowHealthy, "a service_healthy dependent starts after the dependency is healthy")
            await instance.stop()
            #expect(await instance.snapshot().services.allSatisfy { $0.state == .stopped })
        }
    }

    @Test(arguments: RuntimeKind.allCases)
    func completedSuccessfullyWaitsForExitZeroAndAFailedJobFailsItsDependent(runtime: RuntimeKind) async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox,
                compose: """
                    name: jobs
                    services:
                      migrate:
                        image: fixtures/oneshot:1
                      broken:
                        image: fixtures/crasher:1
                        environment:
                          CRASH_CODE: "4"
                          CRASH_AFTER_MS: "100"
                      app:
                        image: fixtures/tcp-service:1
                        environment: {SERVICE_PORT: "0"}
                        depends_on:
                          migrate: {condition: service_completed_successfully}
                      needs-broken:
                        image: fixtures/tcp-service:1
                        environment: {SERVICE_PORT: "0"}
                        depends_on:
                          broken: {condition: service_completed_successfully}
                      optional:
                        image: fixtures/tcp-service:1
                        environment: {SERVICE_PORT: "0"}
                        depends_on:
                          broken: {condition: service_completed_successfully, required: false}
                    """,
                images: [
                    "fixtures/oneshot:1": "oneshot", "fixtures/crasher:1": "crasher",
                    "fixtures/tcp-service:1": "tcp-service",
                ])
            let instance = try project.instance(runtime: runtime)
            try await instance.start()
            #expect(
                try await eventually(instance) { snapshot in
                    snapshot.record("app")?.state == .running && snapshot.record("optional")?.state == .running
                        && { if case .failed = snapshot.record("needs-broken")?.state { true } else { false } }()
                })
            let snapshot = await instance.snapshot()
            #expect(snapshot.record("migrate")?.state == .exited(0))
            #expect(try #require(snapshot.time("app", "STARTING")) >= snapshot.time("migrate", "EXITED") ?? .infinity)
            guard case .failed(let reason) = snapshot.record("needs-broken")?.state else { return }
            #expect(reason.contains("\"broken\"") && reason.contains("exited with code 4"))
            // The job's output is still there after it ended, under every runtime.
            #expect(try await instance.logs(service: "migrate", tail: nil).contains("job done"))
            await instance.stop()
        }
    }

    @Test(arguments: [RuntimeKind.docker, .apptainer])
    func aJobsExitIsNoticedWithoutWaitingForTheMonitorIntervalWhileADependentWaitsForIt(runtime: RuntimeKind)
        async throws
    {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox,
                compose: """
                    name: jobwait
                    services:
                      migrate:
                        image: fixtures/oneshot:1
                      app:
                        image: fixtures/tcp-service:1
                        environment: {SERVICE_PORT: "0"}
                        depends_on:
                          migrate: {condition: service_completed_successfully}
                    """,
                images: ["fixtures/oneshot:1": "oneshot", "fixtures/tcp-service:1": "tcp-service"])
            // Containers are otherwise checked once an hour: the dependent must not wait for that.
            let instance = try Instance(
                configuration: try project.configuration(runtime: runtime),
                logger: Logger(component: "orchestrator", sink: project.logs), monitorInterval: .seconds(3600))
            try await instance.start()
            #expect(try await eventually(instance) { $0.record("app")?.state == .running })
            #expect(await instance.snapshot().record("migrate")?.state == .exited(0))
            await instance.stop()
        }
    }

    @Test func healthyConditionOnAServiceWithoutHealthcheckFailsItsDependentsNamingTheOriginOnce() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox,
                compose: """
                    name: nocheck
                    services:
                      db:
                        image: fixtures/tcp-service:1
                        environment: {SERVICE_PORT: "0"}
                      web:
                        image: fixtures/tcp-service:1
                        environment: {SERVICE_PORT: "0"}
                        depends_on:
                          db: {condition: service_healthy}
                      proxy:
                        image: fixtures/tcp-service:1
                        environment: {SERVICE_PORT: "0"}
                        depends_on: [web]
                      edge:
                        image: fixtures/tcp-service:1
                        environment: {SERVICE_PORT: "0"}
                        depends_on: [proxy]
                    """,
                images: ["fixtures/tcp-service:1": "tcp-service"])
            let instance = try project.instance(runtime: .apptainer)
            try await instance.start()
            await instance.waitUntilSettled()
            let snapshot = await instance.snapshot()
            #expect(snapshot.record("db")?.state == .running)
            let origin = "\"db\" has no health check, so it can never be healthy"
            #expect(snapshot.record("web")?.state == .failed("service \"web\" cannot start: its dependency \(origin)"))
            // Further down the chain each service names where it began, once.
            let edge =
                "service \"edge\" cannot start: its dependency \"proxy\" could not start either, because \(origin)"
            #expect(snapshot.record("edge")?.state == .failed(edge))
            #expect(snapshot.record("proxy")?.failureOrigin?.service == "db")
            await instance.stop()
        }
    }
}
