import Foundation
import Glibc
import SystemKit
import Testing

@Suite struct ProcessWatchTests {
    let environment = ["PATH": "/usr/bin:/bin"]

    @Test func waitForExitSeesAProcessEndAndTimesOutWhileItRuns() throws {
        let child = try Subprocess.spawn(Command("sleep", ["30"], environment: environment))
        #expect(ProcessWatch.isRunning(child.pid))
        #expect(ProcessWatch.startTime(of: child.pid) != nil)
        #expect(!ProcessWatch.waitForExit(child.pid, timeout: .milliseconds(50)))
        try child.signal(SIGKILL)
        // Not reaped yet: a zombie no longer counts as running.
        #expect(ProcessWatch.waitForExit(child.pid, timeout: .seconds(10)))
        #expect(!ProcessWatch.isRunning(child.pid))
        _ = try child.wait()
    }

    @Test func readAllReturnsEverythingUntilEndOfFile() throws {
        let (readEnd, writeEnd) = try Descriptors.pipe()
        defer { Descriptors.close(readEnd) }
        #expect(Descriptors.writeAll(writeEnd, Array("report line".utf8)))
        Descriptors.close(writeEnd)
        #expect(try Descriptors.readAll(readEnd, timeout: .seconds(5)) == Array("report line".utf8))
    }

    @Test func readAllGivesNilWhenTheWriterStaysOpenPastTheTimeout() throws {
        let (readEnd, writeEnd) = try Descriptors.pipe()
        defer {
            Descriptors.close(readEnd)
            Descriptors.close(writeEnd)
        }
        #expect(Descriptors.writeAll(writeEnd, Array("partial".utf8)))
        #expect(try Descriptors.readAll(readEnd, timeout: .milliseconds(50)) == nil)
    }

    @Test(
        .enabled(
            if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
                && FileManager.default.isExecutableFile(atPath: "/usr/bin/mount"),
            "mount namespaces need root, unshare(1) and mount(8)"))
    func processInItsOwnMountNamespaceSeesItsBindMountAndTheHostDoesNot() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("source")
        let target = directory.appendingPathComponent("target")
        try "bound\n".write(to: source, atomically: true, encoding: .utf8)
        try "original\n".write(to: target, atomically: true, encoding: .utf8)
        // unshare(1) stands in for a process that entered a private namespace and bound the file there.
        let script = "mount --bind \(source.path) \(target.path) && cat \(target.path) && sleep 30"
        let child = try Subprocess.spawn(
            Command("unshare", ["--mount", "--propagation", "private", "sh", "-c", script], environment: environment),
            options: SpawnOptions(stdout: .pipe, newProcessGroup: true))
        defer { _ = try? child.terminate(grace: .seconds(1)) }
        var byte: UInt8 = 0
        #expect(read(child.stdout!, &byte, 1) == 1)
        #expect(MountNamespace.isSeparate(pid: child.pid))
        #expect(try String(contentsOf: target, encoding: .utf8) == "original\n")
        #expect(try String(contentsOfFile: "/proc/\(child.pid)/root\(target.path)", encoding: .utf8) == "bound\n")
    }
}
