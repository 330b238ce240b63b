import Foundation
import Glibc
import SystemKit
import Testing

@Suite struct SubprocessTests {
    let environment = ["PATH": "/usr/bin:/bin"]

    /// The masks of a running process, from /proc: blocked and ignored signals as hex bit sets.
    func signalMasks(of pid: pid_t) throws -> (blocked: String, ignored: String) {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func field(_ name: String) -> String {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) } ?? "?"
        }
        return (field("SigBlk"), field("SigIgn"))
    }

    @Test func childStartedFromAsyncCodeWithSigtermBlockedAndIgnoredStillDiesOfSigterm() async throws {
        let child = try await Task.detached { () throws -> ChildProcess in
            // Make this thread as hostile as Dispatch threads can be: SIGTERM blocked and ignored.
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGTERM)
            var previous = sigset_t()
            pthread_sigmask(SIG_BLOCK, &set, &previous)
            let oldHandler = signal(SIGUSR2, SIG_IGN)
            defer {
                pthread_sigmask(SIG_SETMASK, &previous, nil)
                signal(SIGUSR2, oldHandler)
            }
            return try Subprocess.spawn(Command("sleep", ["30"], environment: environment))
        }.value
        let masks = try signalMasks(of: child.pid)
        // Standard signals 1-31 only: glibc reserves 32 and 33 for itself and posix_spawn cannot reset them.
        let standard: UInt64 = 0x7fff_ffff
        #expect(UInt64(masks.blocked, radix: 16).map { $0 & standard } == 0)
        #expect(UInt64(masks.ignored, radix: 16).map { $0 & standard } == 0)
        try child.signal(SIGTERM)
        let status = try await child.wait()
        #expect(status == .signaled(SIGTERM))
    }

    @Test func terminateEscalatesToSigkillAfterTheGrace() throws {
        let child = try Subprocess.spawn(
            Command("sh", ["-c", "trap '' TERM; echo ready; sleep 30"], environment: environment),
            options: SpawnOptions(stdout: .pipe, newProcessGroup: true))
        // Wait for the trap to be in place before signalling.
        var byte: UInt8 = 0
        _ = read(child.stdout!, &byte, 1)
        let started = ContinuousClock.now
        let status = try child.terminate(grace: .milliseconds(300))
        #expect(status == .signaled(SIGKILL))
        #expect(started.duration(to: .now) >= .milliseconds(300))
        #expect(try child.signal(SIGTERM) == false)
    }

    @Test func newSessionMakesTheChildLeaderOfItsOwnSessionAndGroup() throws {
        let child = try Subprocess.spawn(
            Command("sleep", ["30"], environment: environment), options: SpawnOptions(newSession: true))
        defer { _ = try? child.terminate(grace: .seconds(1)) }
        #expect(getsid(child.pid) == child.pid)
        #expect(getpgid(child.pid) == child.pid)
        #expect(child.processGroup == child.pid)
    }

    @Test func fileOutputAppendsAndTruncatesAsAsked() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID().uuidString)").path
        defer { unlink(path) }
        for (word, append) in [("one", false), ("two", true)] {
            let child = try Subprocess.spawn(
                Command("echo", [word], environment: environment),
                options: SpawnOptions(stdout: .file(path: path, append: append)))
            #expect(try child.wait() == .exited(0))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\ntwo\n")
        let child = try Subprocess.spawn(
            Command("echo", ["three"], environment: environment),
            options: SpawnOptions(stdout: .file(path: path, append: false)))
        _ = try child.wait()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "three\n")
    }

    @Test func extraDescriptorReachesTheChildAsDescriptorThreeAndNothingElseLeaks() throws {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let child = try Subprocess.spawn(
            Command(
                "sh", ["-c", "echo via-three >&3; ls /proc/self/fd | sort -n | tr '\\n' ' '"],
                environment: environment),
            options: SpawnOptions(stdout: .pipe, extraDescriptors: [ends[1]]))
        close(ends[1])
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(ends[0], &buffer, 64)
        #expect(String(decoding: buffer[0..<max(0, count)], as: UTF8.self) == "via-three\n")
        var listing = [UInt8](repeating: 0, count: 256)
        let listed = read(child.stdout!, &listing, 256)
        _ = try child.wait()
        // 0-2, 3, and the descriptor ls itself opens to read the directory.
        #expect(String(decoding: listing[0..<max(0, listed)], as: UTF8.self) == "0 1 2 3 4 ")
    }

    @Test func waitWithTimeoutReturnsNilWhileRunningAndTheStatusOnceEnded() throws {
        let child = try Subprocess.spawn(Command("sleep", ["30"], environment: environment))
        #expect(try child.wait(timeout: .milliseconds(50)) == nil)
        try child.signal(SIGKILL)
        #expect(try child.wait(timeout: .seconds(10)) == .signaled(SIGKILL))
        #expect(try child.wait() == .signaled(SIGKILL))
    }
}
