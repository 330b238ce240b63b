import Foundation
import MiniCompose
import TestSupport
import Testing

/// Health transitions, hung checks, crash detection and restart policies on real FakeRuntime containers.
@Suite struct HealthAndRestartTests {
    @Test(arguments: [RuntimeKind.docker, .apptainer])
    func healthGoesHealthyUnhealthyAndHealthyAgainAsTheCheckFlips(_ runtime: RuntimeKind) async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let flag = sandbox.workDirectory.appendingPathComponent("healthy-flag").path
            let project = try LauncherProject(
                sandbox: sandbox,
                compose: """
                    name: flip
                    services:
                      web:
                        image: fixtures/tcp-service:1
                        environment: {SERVICE_PORT: "0", FLAG: "\(flag)"}
                        healthcheck:
                          test: ["CMD-SHELL", 'test -e "$$FLAG"']
                          interval: 100ms
                          retries: 2
                    """,
                images: ["fixtures/tcp-service:1": "tcp-service"])
            let instance = try project.instance(runtime: runtime)
            _ = FileManager.default.createFile(atPath: flag, contents: nil)
            try await instance.start()
            #expect(try await eventually(instance) { $0.record("web")?.state == .healthy })
            try FileManager.default.removeItem(atPath: flag)
            #expect(try await eventually(instance) { $0.record("web")?.state == .unhealthy })
            _ = FileManager.default.createFile(atPath: flag, contents: nil)
            #expect(try await eventually(instance) { $0.record("web")?.state == .healthy })
            let record = try #require(await instance.snapshot().record("web"))
            #expect(record.health.count >= 4, "one pass, two failures, one pass at least")
            #expect(record.health.last?.exitCode == 0)
            #expect(record.transitions.map(\.state).contains("UNHEALTHY"))
            await instance.stop()
        }
    }

    @Test func hungCheckIsKilledAtItsTimeoutAndCountsAsAFailure() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox,
                compose: """
                    name: hang
                    services:
                      web:
                        image: fixtures/tcp-service:1
                        environment: {SERVICE_PORT: "0", FAKE_RUNTIME_EXEC_HANG: "1"}
                        healthcheck:
                          test: ["CMD", "true"]
                          interval: 100ms
                          timeout: 300ms
                          retries: 1
                    """,
                images: ["fixtures/tcp-service:1": "tcp-service"])
            let instance = try project.instance(runtime: .docker)
            try await instance.start()
            #expect(try await eventually(instance) { $0.record("web")?.state == .unhealthy })
            let probe = try #require(await instance.snapshot().record("web")?.health.last)
            #expect(probe.timedOut)
            #expect(probe.output.contains("timed out"))
            #expect(probe.duration < 5, "the hung check was killed, not waited for")
            await instance.stop()
        }
    }

    @Test(arguments: [RuntimeKind.podman, .singularity])
    func onFailurePolicyRestartsUpToItsLimitThenLeavesTheServiceExited(_ runtime: RuntimeKind) async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox,
                compose: """
                    name: crash
                    services:
                      flaky:
                        image: fixtures/crasher:1
                        environment: {CRASH_CODE: "3", CRASH_AFTER_MS: "100"}
                        restart: on-failure:2
                      steady:
                        image: fixtures/tcp-service:1
                        environment: {SERVICE_PORT: "0"}
                    """,
                images: ["fixtures/crasher:1": "crasher", "fixtures/tcp-service:1": "tcp-service"])
            let instance = try project.instance(runtime: runtime)
            try await instance.start()
            #expect(
                try await eventually(instance) { snapshot in
                    snapshot.record("flaky")?.restarts == 2 && snapshot.record("flaky")?.state.isFinal == true
                })
            let snapshot = await instance.snapshot()
            let exits = snapshot.record("flaky")?.transitions.filter { $0.state.hasPrefix("EXITED") } ?? []
            #expect(exits.count == 3, "the first run and two restarts")
            if runtime.family == .docker { #expect(snapshot.record("flaky")?.state == .exited(3)) }
            #expect(snapshot.record("steady")?.state == .running, "an unrelated service carries on")
            await instance.stop()
        }
    }

    @Test func crashIsNoticedAndNoPolicyMeansNoRestart() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox,
                compose: """
                    name: once
                    services:
                      app:
                        image: fixtures/tcp-service:1
                        environment: {SERVICE_PORT: "0", FAKE_RUNTIME_EXIT_AFTER: "0.3:7"}
                    """,
                images: ["fixtures/tcp-service:1": "tcp-service"])
            let instance = try project.instance(runtime: .docker)
            try await instance.start()
            #expect(try await eventually(instance) { $0.record("app")?.state == .exited(7) })
            let snapshot = await instance.snapshot()
            #expect(snapshot.record("app")?.restarts == 0)
            #expect(
                snapshot.record("app")?.transitions.map(\.state) == ["CREATED", "STARTING", "RUNNING", "EXITED(7)"])
            await instance.stop()
        }
    }
}
