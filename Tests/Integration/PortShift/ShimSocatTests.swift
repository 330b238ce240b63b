import Foundation
import Glibc
import TestSupport
import Testing

extension PortShiftTests {
    /// The same scenarios through socat, an unmodified third-party program.
    @Suite struct ShimSocatTests {
        static let socat = "/usr/bin/socat"

        /// Starts a socat listener and waits until it says it listens.
        private func listener(_ arguments: [String], group: String, server: String) throws -> PortShiftChildProcess {
            let child = try Shim.start(Self.socat, ["-d", "-d"] + arguments, group: group, server: server)
            #expect(child.waitForLine(containing: "listening on", on: .stderr) != nil, "socat did not start")
            return child
        }

        @Test func twoSocatServersOnOnePortAndTheirClientsStayApart() throws {
            let offsets = try RunningOffsetServer()
            defer { offsets.server.stop() }
            #expect(try offsets.client().offset(for: "a") == 100)
            #expect(try offsets.client().offset(for: "b") == 200)
            let port = PortShiftPorts.freeBase()
            let serverA = try listener(
                ["TCP4-LISTEN:\(port),reuseaddr", "EXEC:echo socat-a"], group: "a", server: offsets.address)
            let serverB = try listener(
                ["TCP6-LISTEN:\(port),reuseaddr", "EXEC:echo socat-b"], group: "b", server: offsets.address)
            #expect(PortShiftPorts.isFree(port), "nobody holds the port asked for")
            #expect(!PortShiftPorts.isFree(port + 100))
            #expect(!PortShiftPorts.isFree(port + 200))
            let clientA = try Shim.run(
                Self.socat, ["-u", "TCP4:127.0.0.1:\(port)", "STDOUT"], group: "a", server: offsets.address)
            let clientB = try Shim.run(
                Self.socat, ["-u", "TCP6:[::1]:\(port)", "STDOUT"], group: "b", server: offsets.address)
            #expect(clientA.stdout == "socat-a\n")
            #expect(clientB.stdout == "socat-b\n")
            #expect(serverA.wait() == 0)
            #expect(serverB.wait() == 0)
        }

        /// The answering program reads the datagram first: socat fails the exchange when it exits unread.
        @Test func socatUdpServerAnswersAShiftedClient() throws {
            let offsets = try RunningOffsetServer()
            defer { offsets.server.stop() }
            let port = PortShiftPorts.freeBase()
            let server = try Shim.start(
                Self.socat, ["-d", "-d", "-T", "5", "UDP4-RECVFROM:\(port)", "EXEC:sed -u s/.*/socat-udp/"], group: "a",
                server: offsets.address)
            #expect(server.waitForLine(containing: "receiving on", on: .stderr) != nil)
            #expect(!PortShiftPorts.isFree(port + 100))
            let input = portShiftTemporaryDirectory() + "/ping"
            try "ping\n".write(toFile: input, atomically: true, encoding: .utf8)
            let client = try Shim.run(
                Self.socat, ["-t", "2", "-", "UDP4:127.0.0.1:\(port)"], group: "a", server: offsets.address,
                stdinPath: input)
            #expect(client.stdout == "socat-udp\n")
        }

        @Test func socatWritesAndReadsTheGroupsFile() throws {
            let directory = portShiftTemporaryDirectory()
            let input = directory + "/input"
            try "from socat\n".write(toFile: input, atomically: true, encoding: .utf8)
            let environment = ["EXTENSIONS": "log"]
            let write = try Shim.run(
                Self.socat, ["-u", "OPEN:\(input)", "OPEN:\(directory)/out.log,creat"], group: "a",
                server: "127.0.0.1:1", environment)
            #expect(write.status == 0)
            #expect(try String(contentsOfFile: "\(directory)/out.a.log", encoding: .utf8) == "from socat\n")
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/out.log"))
            let read = try Shim.run(
                Self.socat, ["-u", "OPEN:\(directory)/out.log", "STDOUT"], group: "a", server: "127.0.0.1:1",
                environment)
            #expect(read.stdout == "from socat\n")
        }

        @Test func socatWithTheServerDownFailsWithTheShimsReason() throws {
            let port = PortShiftPorts.freeBase()
            let started = Date()
            let client = try Shim.run(
                Self.socat, ["-u", "TCP4:127.0.0.1:\(port)", "STDOUT"], group: "a",
                server: "127.0.0.1:\(portShiftClosedPort())", ["PORTSHIFT_TIMEOUT_MS": "300"])
            #expect(Date().timeIntervalSince(started) < 3)
            #expect(client.status != 0)
            #expect(client.stderr.contains("ERROR preload connect refused: no port offset"))
            #expect(client.stderr.contains("Cannot assign requested address"))
        }
    }
}
