import Foundation
import Glibc
import TestSupport
import Testing

extension PortShiftTests {
    /// What the shim does when no offset can be had, and when the server comes back.
    @Suite struct ShimFailureTests {
        @Test func unreachableServerFailsTheCallWithAClearLine() throws {
            let down = "127.0.0.1:\(portShiftClosedPort())"
            let port = PortShiftPorts.freeBase()
            let started = Date()
            let probe = try Shim.run(
                "ps_bind_probe", ["tcp", "127.0.0.1", "\(port)"], group: "a", server: down,
                ["PORTSHIFT_TIMEOUT_MS": "400"])
            #expect(Date().timeIntervalSince(started) < 3)
            #expect(probe.status == 1)
            #expect(probe.stdout.hasPrefix("error bind errno=\(EADDRNOTAVAIL)"))
            #expect(probe.stderr.contains("ERROR preload bind refused: no port offset"))
            #expect(probe.stderr.contains("group=a port=\(port) server=\(down)"))
            #expect(probe.stderr.contains("Connection refused"))
            #expect(probe.stderr.contains("PORTSHIFT_ALLOW_ZERO_OFFSET=1"))
        }

        @Test func hungServerFailsTheCallWithinTheTimeout() throws {
            let hung = SilentListener()
            let port = PortShiftPorts.freeBase()
            let started = Date()
            let probe = try Shim.run(
                "ps_bind_probe", ["tcp", "127.0.0.1", "\(port)"], group: "a", server: "127.0.0.1:\(hung.port)",
                ["PORTSHIFT_TIMEOUT_MS": "300"])
            let elapsed = Date().timeIntervalSince(started)
            #expect(elapsed >= 0.3 && elapsed < 3)
            #expect(probe.status == 1)
            #expect(probe.stderr.contains("no answer"))
        }

        @Test func childForkedDuringAnotherThreadsQueryDoesNotDeadlock() throws {
            let hung = SilentListener()
            let port = PortShiftPorts.freeBase()
            let started = Date()
            let forked = try Shim.run(
                "ps_fork", ["-q", "\(port)"], group: "a", server: "127.0.0.1:\(hung.port)",
                ["PORTSHIFT_TIMEOUT_MS": "600"])
            #expect(Date().timeIntervalSince(started) < 5)
            #expect(forked.status == 0)
            #expect(forked.stdout.contains("child bind=-\(EADDRNOTAVAIL)"))
            #expect(forked.stdout.contains("thread bind=-\(EADDRNOTAVAIL)"))
        }

        @Test func optInRunsUnshiftedWithAWarning() throws {
            let down = "127.0.0.1:\(portShiftClosedPort())"
            let port = PortShiftPorts.freeBase()
            let probe = try Shim.run(
                "ps_bind_probe", ["tcp", "127.0.0.1", "\(port)"], group: "a", server: down,
                ["PORTSHIFT_TIMEOUT_MS": "200", "PORTSHIFT_ALLOW_ZERO_OFFSET": "1"])
            #expect(probe.stdout == "bound asked=\(port) seen=\(port) real=\(port)\n")
            #expect(probe.stderr.contains("running unshifted (offset 0)"))
        }

        @Test func invalidGroupNameFailsWithTheReason() throws {
            let offsets = try RunningOffsetServer()
            defer { offsets.server.stop() }
            let probe = try Shim.run(
                "ps_bind_probe", ["tcp", "127.0.0.1", "\(PortShiftPorts.freeBase())"], group: "no spaces",
                server: offsets.address)
            #expect(probe.status == 1)
            #expect(probe.stderr.contains("bad APP_GRP"))
            #expect(offsets.server.service.assignments.isEmpty)
        }

        @Test func noGroupMeansNoQueryAndNoShift() throws {
            let port = PortShiftPorts.freeBase()
            let probe = try Shim.run(
                "ps_bind_probe", ["tcp", "127.0.0.1", "\(port)"], group: nil,
                server: "127.0.0.1:\(portShiftClosedPort())")
            #expect(probe.stdout == "bound asked=\(port) seen=\(port) real=\(port)\n")
            #expect(probe.stderr == "")
        }

        @Test func afterAnOffsetServerRestartRunningAndNewProcessesKeepTheirOffsets() throws {
            let state = portShiftTemporaryDirectory() + "/offsets.json"
            var (offsets, serverPort) = try OffsetServerProcessTests.launch(
                ["--listen", "127.0.0.1", "--port", "0", "--state-file", state])
            let address = "127.0.0.1:\(serverPort)"
            _ = try Shim.run("ps_bind_probe", ["tcp", "127.0.0.1", "0"], group: nil, server: address)
            let port = PortShiftPorts.freeBase()
            // b takes offset 100 first, so a's offset (200) comes from the table, not from a fresh start.
            let bProbe = try Shim.run("ps_bind_probe", ["udp", "127.0.0.1", "\(port)"], group: "b", server: address)
            #expect(portShiftField(bProbe.stdout, "real") == port + 100)
            let serverA = try Shim.start(
                "ps_tcp_server", ["127.0.0.1", "\(port)", "a", "2"], group: "a", server: address)
            #expect(portShiftField(serverA.readLine(), "real") == port + 200)

            offsets.signal(SIGKILL)
            offsets.wait()
            let whileDown = try Shim.run(
                "ps_tcp_client", ["127.0.0.1", "\(port)"], group: "a", server: address, ["PORTSHIFT_TIMEOUT_MS": "200"])
            #expect(whileDown.status == 1, "a new process cannot learn its offset while the server is down")
            #expect(whileDown.stderr.contains("connect refused: no port offset"))

            (offsets, _) = try OffsetServerProcessTests.launch(
                ["--listen", "127.0.0.1", "--port", "\(serverPort)", "--state-file", state])
            let client = try Shim.run("ps_tcp_client", ["127.0.0.1", "\(port)"], group: "a", server: address)
            #expect(client.stdout == "connected seen=\(port) real=\(port + 200)\nreply=a\n")
            #expect(serverA.readLine() == "accepted seen=\(port) real=\(port + 200)")
            withExtendedLifetime(offsets) {}
        }
    }
}
