import Foundation
import MiniCompose
import SystemKit
import TestSupport
import Testing

/// Under Apptainer, a service a dependent waits on to complete runs in the foreground of mini-compose: what
/// happens to it when mini-compose itself goes away.
@Suite struct ForegroundJobTests {
    @Test func aJobLeftRunningByAKilledLauncherIsStoppedByDown() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let job = try LongJobProject(sandbox: sandbox, name: "orphan", ignoringSIGTERM: false)
            defer { job.remove() }
            let project = job.project
            let file = project.directory.appendingPathComponent("compose.yaml").path
            let common = ["-f", file, "--working-dir", project.workingDirectory, "--id", "j"]
            let up = try Subprocess.spawn(
                Command(
                    BuildProducts.path("mini-compose"), ["up", "--runtime", "apptainer"] + common,
                    environment: sandbox.environment),
                options: SpawnOptions(stdin: .null, stdout: .null, stderr: .null))
            let jobPID = try #require(try await FakeRuntimeProbe.pid(writtenTo: job.pidFile), "the job wrote its pid")
            _ = try up.signal(SIGKILL)
            _ = try await up.wait()
            #expect(FakeRuntimeProbe.isRunning(jobPID), "the job outlives the launcher that was killed")

            let down = try await sandbox.run(
                BuildProducts.path("mini-compose"), ["down", "-t", "1"] + common)
            #expect(down.status == .exited(0), "\(down.stderrText)")
            #expect(!FakeRuntimeProbe.isRunning(jobPID), "down stopped the job")
        }
    }
}
