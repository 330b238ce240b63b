import Foundation
import Glibc
import PortShift
import TestSupport
import Testing

extension PortShiftTests {
    /// `port_offset_server` as a real process: restarts, signals, its command line, and a hand-typed session.
    @Suite struct OffsetServerProcessTests {
        /// Starts the executable and waits for its `listening` line; returns it with the port it bound.
        static func launch(_ arguments: [String]) throws -> (PortShiftChildProcess, UInt16) {
            let child = try PortShiftChildProcess(BuildProducts.path("port_offset_server"), arguments)
            let line = child.waitForLine(containing: "listening", on: .stderr)
            let port = try #require(portShiftField(line, "port").flatMap { UInt16(exactly: $0) })
            return (child, port)
        }

        @Test func restartedServerHandsOutTheSameOffsetsAfterSigtermAndKill9() throws {
            let state = portShiftTemporaryDirectory() + "/offsets.json"
            let base = ["--listen", "127.0.0.1", "--state-file", state]
            var (server, port) = try Self.launch(base + ["--port", "0"])
            let client = try OffsetClient(address: "127.0.0.1:\(port)")
            #expect(try client.offset(for: "a") == 100)
            #expect(try client.offset(for: "b") == 200)
            #expect(try client.offset(for: "c") == 300)
            try client.release("b")

            server.signal(SIGTERM)
            #expect(server.wait() == 0)
            (server, _) = try Self.launch(base + ["--port", "\(port)"])
            #expect(try client.list() == ["a": 100, "c": 300])

            #expect(try client.offset(for: "d") == 200)
            server.signal(SIGKILL)
            #expect(server.wait() == 128 + SIGKILL)
            (server, _) = try Self.launch(base + ["--port", "\(port)"])
            #expect(try client.offset(for: "c") == 300)
            #expect(try client.offset(for: "d") == 200)
            #expect(try client.offset(for: "a") == 100)
            #expect(try client.offset(for: "e") == 400)
        }

        @Test func sigintStopsTheServerCleanlyWithALogLine() throws {
            let (server, _) = try Self.launch(["--listen", "127.0.0.1", "--port", "0"])
            server.signal(SIGINT)
            #expect(server.wait() == 0)
            let log = server.remainingOutput(.stderr)
            #expect(log.contains("INFO port-offset-server stopping signal=SIGINT"))
        }

        @Test func assignmentsAreLoggedWithTheirGroup() throws {
            let (server, port) = try Self.launch(["--listen", "127.0.0.1", "--port", "0"])
            _ = try OffsetClient(address: "127.0.0.1:\(port)").offset(for: "logged")
            let line = server.waitForLine(containing: "offset assigned", on: .stderr)
            #expect(line?.hasSuffix("INFO port-offset-server offset assigned group=logged offset=100") == true)
        }

        @Test func checkValidatesConfigurationAndStateFile() throws {
            let directory = portShiftTemporaryDirectory()
            let good = try PortShiftChildProcess(BuildProducts.path("port_offset_server"), ["--check"])
            #expect(good.wait() == 0)
            #expect(good.remainingOutput(.stdout).contains("configuration ok: listen 0.0.0.0:25000, 100 groups"))

            let broken = directory + "/broken.json"
            try "{".write(toFile: broken, atomically: true, encoding: .utf8)
            let bad = try PortShiftChildProcess(
                BuildProducts.path("port_offset_server"), ["--check", "--state-file", broken])
            #expect(bad.wait() == 1)
            #expect(bad.remainingOutput(.stderr).contains("state file \(broken): is not a PortShift state file"))
        }

        @Test func stateFileInAMissingDirectoryIsRefusedByCheckAndAtStart() throws {
            let path = portShiftTemporaryDirectory() + "/missing/offsets.json"
            for extra in [["--check"], ["--listen", "127.0.0.1", "--port", "0"]] {
                let child = try PortShiftChildProcess(
                    BuildProducts.path("port_offset_server"), extra + ["--state-file", path])
                #expect(child.wait() == 1, "\(extra)")
                #expect(child.remainingOutput(.stderr).contains("port_offset_server: error: state file \(path)"))
            }
        }

        @Test func badOptionExitsWithUsageStatusNamingTheOption() throws {
            let child = try PortShiftChildProcess(
                BuildProducts.path("port_offset_server"), ["--max-groups", "1000"])
            #expect(child.wait() == 2)
            #expect(
                child.remainingOutput(.stderr).hasPrefix(
                    "port_offset_server: error: --max-groups: the last group's offset 100000"))
        }

        @Test func portAlreadyInUseIsAClearStartupError() throws {
            let (first, port) = try Self.launch(["--listen", "127.0.0.1", "--port", "0"])
            defer { withExtendedLifetime(first) {} }
            let second = try PortShiftChildProcess(
                BuildProducts.path("port_offset_server"), ["--listen", "127.0.0.1", "--port", "\(port)"])
            #expect(second.wait() == 1)
            #expect(second.remainingOutput(.stderr).contains("bind 127.0.0.1:\(port): Address already in use"))
        }

        @Test func socatSessionByHandGetsAnswers() throws {
            let (server, port) = try Self.launch(["--listen", "127.0.0.1", "--port", "0"])
            defer { withExtendedLifetime(server) {} }
            let input = portShiftTemporaryDirectory() + "/typed"
            try "alpha\nbeta\nalpha\nLIST\ngamma".write(toFile: input, atomically: true, encoding: .utf8)
            let socat = try PortShiftChildProcess(
                "/usr/bin/socat", ["-t", "2", "-", "TCP:127.0.0.1:\(port)"], stdinPath: input)
            #expect(socat.wait() == 0)
            #expect(socat.remainingOutput(.stdout) == "100\n200\n100\nalpha 100\nbeta 200\n.\n300\n")
        }
    }
}
