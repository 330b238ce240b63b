import Foundation
import MiniCompose
import SystemKit
import TestSupport
import Testing

/// `up -d` returns, and a watcher it leaves keeps restart policies and health going until `down`.
@Suite struct DetachedWatcherTests {
    static let compose = """
        name: detached
        services:
          db:
            image: fixtures/tcp-service:1
            environment: {SERVICE_PORT: "0"}
          flaky:
            image: fixtures/crasher:1
            environment: {CRASH_CODE: "3", CRASH_AFTER_MS: "300"}
            restart: always
            depends_on: [db]
        """

    @Test(arguments: [RuntimeKind.docker, .apptainer])
    func afterUpDetachedReturnsItsWatcherRestartsACrashedServiceAndDownStopsEverything(_ runtime: RuntimeKind)
        async throws
    {
        try await FakeRuntimeSandbox.with { sandbox in
            let (project, file) = try Self.project(in: sandbox)
            let common = ["-f", file, "--working-dir", project.workingDirectory, "--id", "w"]
            let up = try await sandbox.run(
                BuildProducts.path("mini-compose"), ["up", "-d", "--runtime", runtime.rawValue] + common)
            #expect(up.status == .exited(0), "\(up.stdoutText)\(up.stderrText)")

            // Nothing of `up -d` runs any more, yet the crashing service is restarted again and again.
            let restarted = try await Self.waitForState(project, timeout: .seconds(30)) { state in
                (state.services.first { $0.service == "flaky" }?.restarts ?? 0) >= 2
            }
            let watcher = try #require(restarted, "the watcher restarted the crashed service")
            #expect(watcher.watcher == true)
            #expect(ProcessWatch.isRunning(watcher.ownerPID), "the watcher runs")
            #expect(up.stdoutText.contains("process \(watcher.ownerPID) keeps watching"))

            let down = try await sandbox.run(BuildProducts.path("mini-compose"), ["down", "-t", "1"] + common)
            #expect(down.status == .exited(0), "\(down.stdoutText)\(down.stderrText)")
            #expect(!ProcessWatch.isRunning(watcher.ownerPID), "the watcher handed over and exited")
            #expect(try InstanceState.load(workingDirectory: project.workingDirectory, id: "w") == nil)
            for service in ["db", "flaky"] {
                let pid = try await project.pid(of: "detached-w-\(service)", runtime: runtime)
                #expect(pid == nil || !FakeRuntimeProbe.isRunning(pid!), "\(service) is stopped")
            }
        }
    }

    @Test func aServerTakesOverWhatTheWatcherWatchedWithoutRestartingIt() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let (project, file) = try Self.project(in: sandbox)
            let place = ["--working-dir", project.workingDirectory, "--runtime", "apptainer"]
            let up = try await sandbox.run(
                BuildProducts.path("mini-compose"), ["-f", file, "up", "-d", "--id", "w", "db"] + place)
            #expect(up.status == .exited(0), "\(up.stdoutText)\(up.stderrText)")
            let watched = try #require(
                try await Self.waitForState(project, timeout: .seconds(30)) { $0.watcher == true })
            let pid = try await project.pid(of: "detached-w-db", runtime: .apptainer)

            let server = try ServerHarness(composeFile: file, arguments: place, environment: sandbox.environment)
            #expect(try await server.waitForStates("w", ["RUNNING"]))
            #expect(!ProcessWatch.isRunning(watched.ownerPID), "the watcher handed the instance over and exited")
            #expect(try await project.pid(of: "detached-w-db", runtime: .apptainer) == pid, "adopted, not restarted")
            #expect(try await server.get("/stop/w/").status == 200)
            _ = try server.terminate()
        }
    }

    @Test func sigtermToTheWatcherStopsTheInstanceAsABatchJobsEndWould() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let (project, file) = try Self.project(in: sandbox)
            let common = ["-f", file, "--working-dir", project.workingDirectory, "--id", "w"]
            let up = try await sandbox.run(
                BuildProducts.path("mini-compose"), ["up", "-d", "--runtime", "apptainer", "db"] + common)
            #expect(up.status == .exited(0), "\(up.stdoutText)\(up.stderrText)")
            let watched = try #require(
                try await Self.waitForState(project, timeout: .seconds(30)) { $0.watcher == true })
            let pid = try #require(try await project.pid(of: "detached-w-db", runtime: .apptainer))
            kill(watched.ownerPID, SIGTERM)
            let stopped = try await Self.waitForState(project, timeout: .seconds(30)) { $0.phase == .stopped }
            #expect(stopped?.services.first { $0.service == "db" }?.state == .stopped)
            #expect(!FakeRuntimeProbe.isRunning(pid), "db's process is gone")
        }
    }

    @Test func upDetachedWithNoWatchLeavesNoProcessBehind() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let (project, file) = try Self.project(in: sandbox)
            let common = ["-f", file, "--working-dir", project.workingDirectory, "--id", "n"]
            let up = try await sandbox.run(
                BuildProducts.path("mini-compose"), ["up", "-d", "--no-watch", "--runtime", "docker"] + common)
            #expect(up.status == .exited(0), "\(up.stdoutText)\(up.stderrText)")
            #expect(!up.stdoutText.contains("keeps watching"))
            let state = try #require(try InstanceState.load(workingDirectory: project.workingDirectory, id: "n"))
            #expect(state.watcher == nil && !ProcessWatch.isRunning(state.ownerPID))
            let down = try await sandbox.run(BuildProducts.path("mini-compose"), ["down", "-t", "1"] + common)
            #expect(down.status == .exited(0), "\(down.stdoutText)\(down.stderrText)")
        }
    }

    static func project(in sandbox: FakeRuntimeSandbox) throws -> (LauncherProject, file: String) {
        let project = try LauncherProject(
            sandbox: sandbox, compose: Self.compose,
            images: ["fixtures/tcp-service:1": "tcp-service", "fixtures/crasher:1": "crasher"])
        return (project, project.directory.appendingPathComponent("compose.yaml").path)
    }

    static func waitForState(
        _ project: LauncherProject, timeout: Duration, _ condition: (InstanceState) -> Bool
    ) async throws -> InstanceState? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let state = try? InstanceState.load(workingDirectory: project.workingDirectory, id: "w"),
                condition(state)
            {
                return state
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }
}
