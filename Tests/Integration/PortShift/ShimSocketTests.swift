import Foundation
import Glibc
import PortShift
import TestSupport
import Testing

extension PortShiftTests {
    /// The shim on real sockets: the C test programs run with and without it, two groups side by side.
    @Suite struct ShimSocketTests {
        @Test func twoCopiesOfOneServerBindShiftedPortsAndEachClientReachesItsOwn() throws {
            let offsets = try RunningOffsetServer()
            defer { offsets.server.stop() }
            // The groups' order is fixed here: both copies start at once and either could ask first.
            #expect(try offsets.client().offset(for: "a") == 100)
            #expect(try offsets.client().offset(for: "b") == 200)
            let port = PortShiftPorts.freeBase()
            let serverA = try Shim.start(
                "ps_tcp_server", ["127.0.0.1", "\(port)", "copy-a", "1"], group: "a", server: offsets.address)
            let serverB = try Shim.start(
                "ps_tcp_server", ["-4", "127.0.0.1", "\(port)", "copy-b", "1"], group: "b", server: offsets.address)
            let listeningA = serverA.readLine()
            let listeningB = serverB.readLine()
            #expect(portShiftField(listeningA, "real") == port + 100)
            #expect(portShiftField(listeningB, "real") == port + 200)
            #expect(portShiftField(listeningA, "seen") == port, "getsockname shows the port asked for")
            #expect(portShiftField(listeningB, "seen") == port)

            let clientA = try Shim.run("ps_tcp_client", ["127.0.0.1", "\(port)"], group: "a", server: offsets.address)
            let clientB = try Shim.run("ps_tcp_client", ["127.0.0.1", "\(port)"], group: "b", server: offsets.address)
            #expect(clientA.stdout == "connected seen=\(port) real=\(port + 100)\nreply=copy-a\n")
            #expect(clientB.stdout == "connected seen=\(port) real=\(port + 200)\nreply=copy-b\n")
            #expect(serverA.readLine() == "accepted seen=\(port) real=\(port + 100)", "accept()")
            #expect(serverB.readLine() == "accepted seen=\(port) real=\(port + 200)", "accept4()")
            #expect(serverA.wait() == 0)
            #expect(serverB.wait() == 0)
        }

        @Test func environmentFromPortShiftEnvironmentPutsAProgramInItsGroup() throws {
            let offsets = try RunningOffsetServer()
            defer { offsets.server.stop() }
            let port = PortShiftPorts.freeBase()
            var environment = PortShiftEnvironment(
                libraryPath: Shim.library, group: "launched", serverAddress: offsets.address)
            environment.exceptPorts = [port + 1]
            let child = try PortShiftChildProcess(
                BuildProducts.path("ps_bind_probe"), ["tcp", "127.0.0.1", "\(port)"],
                environment: environment.variables())
            #expect(child.wait() == 0)
            #expect(child.remainingOutput(.stdout) == "bound asked=\(port) seen=\(port) real=\(port + 100)\n")
            #expect(offsets.server.service.assignments == ["launched": 100])
        }

        @Test func withoutTheShimTheSameProgramsCollide() throws {
            // Another test may take a port between the check that it is free and the bind: try a few windows.
            var listening: (port: Int, server: PortShiftChildProcess)?
            for _ in 0..<5 where listening == nil {
                let port = PortShiftPorts.freeBase()
                let server = try Shim.start(
                    "ps_tcp_server", ["127.0.0.1", "\(port)", "one", "1"], group: "a", server: "127.0.0.1:1",
                    preload: false)
                if portShiftField(server.readLine(), "real") == port { listening = (port, server) }
            }
            let (port, first) = try #require(listening, "the first server never listened on a free port")
            let second = try withExtendedLifetime(first) {
                try Shim.run(
                    "ps_bind_probe", ["tcp", "127.0.0.1", "\(port)"], group: "b", server: "127.0.0.1:1", preload: false)
            }
            #expect(second.stdout.hasPrefix("error bind errno=\(EADDRINUSE)"))
        }

        @Test func ipv6AndV4MappedAddressesAreShifted() throws {
            let offsets = try RunningOffsetServer()
            defer { offsets.server.stop() }
            let port = PortShiftPorts.freeBase()
            let v6 = try Shim.start(
                "ps_tcp_server", ["::1", "\(port)", "six", "1"], group: "a", server: offsets.address)
            #expect(v6.readLine() == "listening asked=\(port) seen=\(port) real=\(port + 100)")
            let v6Client = try Shim.run("ps_tcp_client", ["::1", "\(port)"], group: "a", server: offsets.address)
            #expect(v6Client.stdout.hasSuffix("reply=six\n"))

            let v4 = try Shim.start(
                "ps_tcp_server", ["127.0.0.1", "\(port)", "four", "2"], group: "a", server: offsets.address)
            #expect(portShiftField(v4.readLine(), "real") == port + 100)
            let mapped = try Shim.run(
                "ps_tcp_client", ["::ffff:127.0.0.1", "\(port)"], group: "a", server: offsets.address)
            #expect(mapped.stdout == "connected seen=\(port) real=\(port + 100)\nreply=four\n")
            let fastOpen = try Shim.run(
                "ps_tcp_client", ["-f", "::ffff:127.0.0.1", "\(port)"], group: "a", server: offsets.address)
            #expect(
                fastOpen.stdout == "connected seen=\(port) real=\(port + 100)\nreply=four\n", "sendto with MSG_FASTOPEN"
            )
        }

        @Test func exceptPortsPortZeroAndUnixSocketsAreUntouched() throws {
            let offsets = try RunningOffsetServer()
            defer { offsets.server.stop() }
            let port = PortShiftPorts.freeBase()
            let excepted = try Shim.run(
                "ps_bind_probe", ["tcp", "127.0.0.1", "\(port)"], group: "a", server: offsets.address,
                ["EXCEPT_PORTS": "22, \(port - 5)-\(port + 5),443"])
            #expect(excepted.stdout == "bound asked=\(port) seen=\(port) real=\(port)\n")

            let down = "127.0.0.1:\(portShiftClosedPort())"
            let zero = try Shim.run("ps_bind_probe", ["tcp", "127.0.0.1", "0"], group: "a", server: down)
            let ephemeral = try #require(portShiftField(zero.stdout, "real"))
            #expect(zero.stdout == "bound asked=0 seen=\(ephemeral) real=\(ephemeral)\n")
            #expect(zero.stderr == "", "port 0 never asks the offset server")

            let path = portShiftTemporaryDirectory() + "/s.sock"
            let unix = try Shim.run("ps_bind_probe", ["unix", path, "0"], group: "a", server: down)
            #expect(unix.stdout == "bound path=\(path)\n")
            #expect(unix.stderr == "")
        }

        @Test func debugLevelLogsEachShiftAndBadSettingsAreReported() throws {
            let offsets = try RunningOffsetServer()
            defer { offsets.server.stop() }
            let port = PortShiftPorts.freeBase()
            let probe = try Shim.run(
                "ps_bind_probe", ["tcp", "127.0.0.1", "\(port)"], group: "a", server: offsets.address,
                ["PORTSHIFT_DEBUG": "1", "EXCEPT_PORTS": "80,http,9-1"])
            #expect(probe.stdout == "bound asked=\(port) seen=\(port) real=\(port + 100)\n")
            let lines = probe.stderr.split(separator: "\n")
            #expect(
                lines.contains {
                    $0.hasSuffix("DEBUG preload bind shifted group=a port=\(port) real_port=\(port + 100)")
                })
            #expect(lines.contains { $0.hasSuffix("DEBUG preload offset received group=a offset=100") })
            #expect(lines.contains { $0.hasSuffix("ERROR preload ignoring bad port in EXCEPT_PORTS item=\"http\"") })
            #expect(lines.contains { $0.hasSuffix("ERROR preload ignoring bad port in EXCEPT_PORTS item=\"9-1\"") })
            let quiet = try Shim.run(
                "ps_bind_probe", ["tcp", "127.0.0.1", "\(port)"], group: "a", server: offsets.address)
            #expect(quiet.stderr == "", "nothing is logged at the default level when all goes well")
        }

        @Test func remoteDestinationKeepsItsPortUnlessListedInShiftAddrs() throws {
            let offsets = try RunningOffsetServer()
            defer { offsets.server.stop() }
            // A connected UDP socket sends nothing: this checks the decision without any traffic leaving the host.
            let unshimmed = try Shim.run(
                "ps_udp_client", ["-n", "198.51.100.7", "5353"], group: "a", server: offsets.address, preload: false)
            try #require(
                unshimmed.stdout == "connected seen=5353 real=5353\n",
                "this host needs a default route for a UDP connect() to a documentation address: \(unshimmed.stdout)")
            let remote = try Shim.run(
                "ps_udp_client", ["-n", "198.51.100.7", "5353"], group: "a", server: offsets.address)
            #expect(remote.stdout == "connected seen=5353 real=5353\n")
            let listed = try Shim.run(
                "ps_udp_client", ["-n", "198.51.100.7", "5353"], group: "a", server: offsets.address,
                ["SHIFT_ADDRS": "192.0.2.99,198.51.100.7"])
            #expect(listed.stdout == "connected seen=5353 real=5453\n")
        }

        @Test(arguments: [[], ["-m"]])
        func udpServerAndClientsTalkOnTheShiftedPort(serverMode: [String]) throws {
            let offsets = try RunningOffsetServer()
            defer { offsets.server.stop() }
            let port = PortShiftPorts.freeBase()
            let server = try Shim.start(
                "ps_udp_server", serverMode + ["127.0.0.1", "\(port)", "udp-a", "3"], group: "a",
                server: offsets.address)
            #expect(server.readLine() == "listening asked=\(port) seen=\(port) real=\(port + 100)")
            for mode in [[], ["-m"], ["-c"]] {
                let client = try Shim.run(
                    "ps_udp_client", mode + ["127.0.0.1", "\(port)"], group: "a", server: offsets.address)
                #expect(client.stdout.hasSuffix("reply=udp-a from=\(port)\n"), "client \(mode): \(client.stdout)")
                let from = try #require(portShiftField(server.readLine(), "from"))
                #expect(from != port && from != port + 100, "the client's own port is not shifted")
            }
            #expect(server.wait() == 0)
        }

        @Test func portShiftedBeyond65535FailsTheCall() throws {
            let offsets = try RunningOffsetServer()
            defer { offsets.server.stop() }
            let probe = try Shim.run(
                "ps_bind_probe", ["udp", "127.0.0.1", "65500"], group: "a", server: offsets.address)
            #expect(probe.stdout.hasPrefix("error bind errno=\(EADDRNOTAVAIL)"))
            #expect(probe.stderr.contains("bind refused: shifted port beyond 65535 group=a port=65500 offset=100"))
        }

        @Test func offsetServerPortItselfIsNeverShifted() throws {
            let offsets = try RunningOffsetServer()
            defer { offsets.server.stop() }
            let port = Int(offsets.server.address.port)
            let client = try Shim.run("ps_tcp_client", ["127.0.0.1", "\(port)"], group: "a", server: offsets.address)
            #expect(client.stdout == "connected seen=\(port) real=\(port)\nreply=100\n")
        }

        @Test func sixteenThreadsDialingDuringStartupAllGetTheOffset() throws {
            let offsets = try RunningOffsetServer()
            defer { offsets.server.stop() }
            let port = PortShiftPorts.freeBase()
            let server = try Shim.start(
                "ps_tcp_server", ["127.0.0.1", "\(port)", "t", "16"], group: "a", server: offsets.address)
            #expect(portShiftField(server.readLine(), "real") == port + 100)
            let threads = try Shim.run("ps_threads", ["16", "\(port)"], group: "a", server: offsets.address)
            #expect(threads.stdout == "connected=16 failed=0\nreal=\(port + 100)\n")
            #expect(offsets.sink.records.filter { $0.message == "offset assigned" }.count == 1)
        }

        @Test(arguments: [false, true])
        func forkedChildDialsTheShiftedPort(parentAskedFirst: Bool) throws {
            let offsets = try RunningOffsetServer()
            defer { offsets.server.stop() }
            let port = PortShiftPorts.freeBase()
            let server = try Shim.start(
                "ps_tcp_server", ["127.0.0.1", "\(port)", "f", "3"], group: "a", server: offsets.address)
            #expect(portShiftField(server.readLine(), "real") == port + 100)
            let arguments = parentAskedFirst ? ["-a", "\(port)"] : ["\(port)"]
            let forked = try Shim.run("ps_fork", arguments, group: "a", server: offsets.address)
            let expected =
                (parentAskedFirst ? "before real=\(port + 100)\n" : "")
                + "child real=\(port + 100)\nparent real=\(port + 100)\n"
            #expect(forked.stdout == expected)
            #expect(forked.status == 0)
        }
    }
}
