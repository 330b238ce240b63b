import Foundation
import SystemKit
import TestSupport
import Testing

@Suite struct DockerFaceFaultTests {
    @Test func startFailureFaultFailsTheRunWith125() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("oneshot", tag: "job")
            let result = try await sandbox.run(
                "docker", ["run", "-d", "-e", "FAKE_RUNTIME_START_FAIL=no space left", "job"])
            #expect(result.status == .exited(125))
            #expect(result.stderrText.contains("no space left"))
        }
    }

    @Test func exitAfterFaultEndsTheContainerWithTheGivenCode() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc")
            _ = try await sandbox.output(
                "docker",
                ["run", "-d", "--name", "s", "-e", "SERVICE_PORT=0", "-e", "FAKE_RUNTIME_EXIT_AFTER=0.5:5", "svc"])
            #expect(
                try await FakeRuntimeSandbox.eventually {
                    try await sandbox.inspect("s", "{{.State.Status}}") == "exited"
                })
            #expect(try await sandbox.inspect("s", "{{.State.ExitCode}}") == "5")
            // It ran for the time the fault gave it, measured by the runtime's own timestamps.
            let times = try await sandbox.inspect("s", "{{.State.StartedAt}} {{.State.FinishedAt}}").split(
                separator: " ")
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let started = try #require(formatter.date(from: String(times[0])))
            let finished = try #require(formatter.date(from: String(times[1])))
            #expect(finished.timeIntervalSince(started) >= 0.5)
        }
    }

    @Test func startDelayFaultMakesTheServiceListenOnlyLater() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc")
            let started = ContinuousClock.now
            _ = try await sandbox.output(
                "docker",
                ["run", "-d", "--name", "s", "-e", "SERVICE_PORT=0", "-e", "FAKE_RUNTIME_START_DELAY=8", "svc"])
            // The run answers before the program starts, like the real one: nothing is listening yet.
            let early = try await sandbox.run("docker", ["logs", "s"])
            #expect(!early.stdoutText.contains("listening"))
            #expect(try await sandbox.inspect("s", "{{.State.Status}}") == "running")
            let port = try await sandbox.servicePort("s")
            #expect(port != nil)
            #expect(started.duration(to: .now) >= .seconds(8))
        }
    }

    @Test func execHangFaultHangsUntilTheCallerGivesUp() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc")
            _ = try await sandbox.output(
                "docker", ["run", "-d", "--name", "s", "-e", "SERVICE_PORT=0", "-e", "FAKE_RUNTIME_EXEC_HANG=1", "svc"])
            let result = try await sandbox.run("docker", ["exec", "s", "true"], timeout: .milliseconds(300))
            #expect(result.timedOut)
            #expect(result.status == .signaled(SIGTERM))
        }
    }

    @Test func slowCommandFaultDelaysOnlyTheNamedSubcommand() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let slow = try await sandbox.run("docker", ["ps"], environment: ["FAKE_RUNTIME_SLOW": "ps=0.5"])
            #expect(slow.status == .exited(0))
            #expect(slow.duration >= .milliseconds(500))
            let fast = try await sandbox.run("docker", ["images"], environment: ["FAKE_RUNTIME_SLOW": "ps=5"])
            #expect(fast.duration < .seconds(5))
        }
    }
}
