import Foundation
import Glibc
import MiniCompose
import PortShift
import SystemKit
import TestSupport
import Testing

/// PortShift copies started from the command line, `mini-compose up -d --portshift`, as a batch script would.
@Suite struct CommandLineCopiesTests {
    @Test func twoCopiesUpDetachedWithAnAutoOffsetServerEachAnswerOnTheirOwnWindow() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let port = try MultiCopyTests.freePort()
            let project = try LauncherProject(
                sandbox: sandbox, compose: try MultiCopyTests.compose(port: port),
                images: ["mini-compose/tcp-service:demo": "tcp-service", "mini-compose/tcp-client:demo": "tcp-client"])
            let file = project.directory.appendingPathComponent("compose.yaml").path
            // `auto` starts the offset server at OFFSET_SERVER_ADDR when none answers there.
            let offsetPort = try MultiCopyTests.freePort()
            let environment = ["OFFSET_SERVER_ADDR": "127.0.0.1:\(offsetPort)"]
            var serverPID: Int32?
            defer { if let serverPID { kill(serverPID, SIGTERM) } }
            for id in ["a", "b"] {
                let up = try await sandbox.run(
                    BuildProducts.path("mini-compose"),
                    [
                        "-f", file, "up", "-d", "--id", id, "--working-dir", project.workingDirectory,
                        "--portshift", "--offset-server", "auto", "--shim",
                        BuildProducts.path("libpreload_port_offset.so"),
                    ], environment: environment)
                #expect(up.status == .exited(0), "\(up.stdoutText)\(up.stderrText)")
                if let range = up.stderrText.range(of: "offset server started "),
                    let pid = up.stderrText[range.upperBound...].split(separator: " ").first(where: {
                        $0.hasPrefix("pid=")
                    })
                {
                    serverPID = Int32(pid.dropFirst(4))
                }
            }
            let started = try #require(serverPID, "the first up started the offset server")
            var offsets: Set<Int> = []
            for id in ["a", "b"] {
                let state = try #require(try InstanceState.load(workingDirectory: project.workingDirectory, id: id))
                let portShift = try #require(state.portShift, "instance \(id) runs under PortShift")
                #expect(portShift.group == "demo-\(id)")
                offsets.insert(portShift.offset)
                #expect(FakeRuntimeProbe.ask(port: port + portShift.offset, "WHO") == id)
            }
            #expect(offsets.count == 2, "each copy has a window of its own")
            let ps = try await sandbox.run(
                BuildProducts.path("mini-compose"),
                ["-f", file, "ps", "--id", "a", "--working-dir", project.workingDirectory])
            let a = try #require(try InstanceState.load(workingDirectory: project.workingDirectory, id: "a"))
            let offset = try #require(a.portShift?.offset)
            let echo = ps.stdoutText.split(separator: "\n").first { $0.contains(" echo ") }.map(String.init) ?? ""
            #expect(echo.contains("demo-a +\(offset)"), "ps shows the group and offset: \(ps.stdoutText)")
            #expect(echo.contains("\(port)->\(port + offset)/tcp") && !echo.contains("closed"), "\(ps.stdoutText)")

            #expect(ProcessWatch.isRunning(started), "the offset server outlives the up commands")
            let client = try OffsetClient(address: "127.0.0.1:\(offsetPort)")
            for id in ["a", "b"] {
                let down = try await sandbox.run(
                    BuildProducts.path("mini-compose"),
                    ["-f", file, "down", "--id", id, "--working-dir", project.workingDirectory, "-t", "1"],
                    environment: environment)
                #expect(down.status == .exited(0), "\(down.stdoutText)\(down.stderrText)")
                #expect(!down.stderrText.contains("cannot release"), "\(down.stderrText)")
            }
            // The server outlived every launcher that used it; both groups are released, and it then leaves.
            #expect(try client.list().isEmpty)
            let deadline = ContinuousClock.now + .seconds(40)
            while ProcessWatch.isRunning(started), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(!ProcessWatch.isRunning(started), "the offset server exits once no group is left")
        }
    }
}
