import Foundation
import Glibc
import SystemKit
import Testing

@Suite struct ProcessRunnerTests {
    let runner = ProcessRunner()
    let environment = ["PATH": "/usr/bin:/bin"]

    @Test func successfulCommandReportsExitZeroAndItsOutput() async throws {
        let result = try await runner.run(Command("echo", ["hello", "world"], environment: environment))
        #expect(result.status == .exited(0))
        #expect(result.stdoutText == "hello world\n")
        #expect(!result.timedOut)
    }

    @Test func failingCommandReportsItsCodeAndStderrApartFromStdout() async throws {
        let script = "echo out; echo err >&2; exit 3"
        let result = try await runner.run(Command("sh", ["-c", script], environment: environment))
        #expect(result.status == .exited(3))
        #expect(result.stdoutText == "out\n")
        #expect(result.stderrText == "err\n")
    }

    @Test func inputIsFedToStdinAndThenClosed() async throws {
        let result = try await runner.run(
            Command("cat", environment: environment), options: RunOptions(input: Array("line one\nline two".utf8)))
        #expect(result.stdoutText == "line one\nline two")
    }

    @Test func inputTheChildNeverReadsEndsInEpipeNotInASignal() async throws {
        let input = [UInt8](repeating: 65, count: 4 << 20)
        let result = try await runner.run(Command("true", environment: environment), options: RunOptions(input: input))
        #expect(result.status == .exited(0))
    }

    @Test func environmentIsExactlyTheOneGiven() async throws {
        let result = try await runner.run(Command("/usr/bin/env", environment: ["ONLY": "a,b=c $d"]))
        #expect(result.stdoutText == "ONLY=a,b=c $d\n")
    }

    @Test func workingDirectoryIsApplied() async throws {
        let result = try await runner.run(Command("pwd", environment: environment, workingDirectory: "/usr"))
        #expect(result.stdoutText == "/usr\n")
    }

    @Test func missingWorkingDirectoryIsATypedError() async {
        await #expect(throws: ProcessError.system(SystemError(call: "chdir", subject: "/no/such/dir", errno: ENOENT))) {
            try await runner.run(Command("pwd", environment: environment, workingDirectory: "/no/such/dir"))
        }
    }

    @Test func missingExecutableIsATypedErrorNamingIt() async {
        await #expect(throws: ProcessError.executableNotFound(name: "no-such-tool-xyz", searchPath: "/usr/bin:/bin")) {
            try await runner.run(Command("no-such-tool-xyz", environment: environment))
        }
    }

    @Test func timeoutSendsSigtermToTheGroupAndReportsTimedOut() async throws {
        let result = try await runner.run(
            Command("sleep", ["30"], environment: environment), options: RunOptions(timeout: .milliseconds(200)))
        #expect(result.timedOut)
        #expect(result.status == .signaled(SIGTERM))
        #expect(result.duration < .seconds(10))
    }

    @Test func timeoutEscalatesToSigkillWhenSigtermIsIgnored() async throws {
        // The shell ignores SIGTERM and its sleep inherits that; only SIGKILL ends them.
        let command = Command("sh", ["-c", "trap '' TERM; sleep 30"], environment: environment)
        let result = try await runner.run(
            command, options: RunOptions(timeout: .milliseconds(200), killGrace: .milliseconds(300)))
        #expect(result.timedOut)
        #expect(result.status == .signaled(SIGKILL))
        #expect(result.duration < .seconds(10))
    }

    @Test func outputOverTheLimitKeepsTheTailAndIsMarkedTruncated() async throws {
        let script = "i=0; while [ $i -lt 2000 ]; do echo line$i; i=$((i+1)); done"
        let result = try await runner.run(
            Command("sh", ["-c", script], environment: environment), options: RunOptions(outputLimit: 100))
        #expect(result.stdout.count == 100)
        #expect(result.stdoutTruncated)
        #expect(result.stdoutText.hasSuffix("line1999\n"))
    }

    @Test func backgroundGrandchildHoldingThePipeDoesNotHangTheRun() async throws {
        let script = "sleep 30 & echo started"
        let result = try await runner.run(
            Command("sh", ["-c", script], environment: environment), options: RunOptions(timeout: .seconds(20)))
        #expect(result.status == .exited(0))
        #expect(result.stdoutText == "started\n")
        #expect(result.duration < .seconds(5))
    }

    @Test func manyConcurrentRunsEachGetTheirOwnOutput() async throws {
        let results = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<40 {
                group.addTask {
                    let result = try await runner.run(Command("echo", ["run-\(index)"], environment: environment))
                    return (index, result.stdoutText)
                }
            }
            var collected: [Int: String] = [:]
            for try await (index, text) in group { collected[index] = text }
            return collected
        }
        #expect(results.count == 40)
        for (index, text) in results { #expect(text == "run-\(index)\n") }
    }

    @Test func cancellingTheTaskEndsTheChildAndThrows() async throws {
        let task = Task { try await runner.run(Command("sleep", ["30"], environment: environment)) }
        task.cancel()
        let started = ContinuousClock.now
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(started.duration(to: .now) < .seconds(10))
    }
}
