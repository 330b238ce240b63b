import Foundation
import SystemKit
import TestSupport
import Testing

/// The fixture images behave as the launcher's tests will rely on.
@Suite struct FixtureImageTests {
    @Test func clientReachesEachCopyOfTheServiceAndReportsWhichAnswered() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc")
            try await sandbox.buildImage("tcp-client", tag: "client")
            var ports: [String: Int] = [:]
            for copy in ["copy-a", "copy-b"] {
                _ = try await sandbox.output(
                    "docker",
                    ["run", "-d", "--name", copy, "-e", "SERVICE_PORT=0", "-e", "SERVICE_IDENTITY=\(copy)", "svc"])
                let port = try #require(try await sandbox.servicePort(copy))
                ports[copy] = port
            }
            for (copy, port) in ports {
                let result = try await sandbox.run(
                    "docker",
                    [
                        "run", "--rm", "-e", "TARGET_PORT=\(port)", "-e", "TARGET_COUNT=2", "-e",
                        "TARGET_INTERVAL_MS=20", "client",
                    ])
                #expect(result.status == .exited(0))
                #expect(
                    result.stdoutText == String(repeating: "reached 127.0.0.1:\(port) identity=\(copy)\n", count: 2))
            }
        }
    }

    @Test func clientReportsFailureAndExitsOneWhenNothingListens() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-client", tag: "client")
            // Port 1 on loopback: privileged, and nothing here listens on it.
            let result = try await sandbox.run("docker", ["run", "--rm", "client", "127.0.0.1", "1", "1"])
            #expect(result.status == .exited(1))
            #expect(result.stdoutText == "failed 127.0.0.1:1 error=Connection refused\n")
        }
    }

    @Test func serviceAnswersItsLineProtocol() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc")
            _ = try await sandbox.output(
                "docker",
                ["run", "-d", "--name", "s", "-e", "SERVICE_PORT=0", "-e", "INSTANCE_ID=i-7", "-e", "X=y z", "svc"])
            let port = try #require(try await sandbox.servicePort("s"))
            #expect(FakeRuntimeProbe.ask(port: port, "PING") == "PONG i-7")
            #expect(FakeRuntimeProbe.ask(port: port, "ENV X") == "y z")
            #expect(FakeRuntimeProbe.ask(port: port, "PORT") == "0")
            #expect(FakeRuntimeProbe.ask(port: port, "NOPE") == "ERR unknown command")
        }
    }

    @Test func crasherDiesOfTheSignalItIsGiven() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("crasher", tag: "crash")
            _ = try await sandbox.output("docker", ["run", "-d", "--name", "c", "-e", "CRASH_SIGNAL=11", "crash"])
            #expect(try await sandbox.output("docker", ["wait", "c"]) == "139")
        }
    }
}
