import Foundation
import Glibc
import MiniCompose
import PortShift
import SystemKit
import TestSupport
import Testing

/// Several copies of one stack on one host network: PortShift in the launcher, end to end, on FakeRuntime's
/// apptainer face with the real shim on real sockets.
@Suite struct MultiCopyTests {
    /// The demo stack with its fixed port replaced by one that is free now, so parallel tests cannot collide.
    static func compose(port: Int) throws -> String {
        let text = try String(contentsOf: BuildProducts.fixture("compose/demo/compose.yaml"), encoding: .utf8)
        return text.replacingOccurrences(of: "8080", with: String(port))
            .replacingOccurrences(of: "8081", with: String(port + 1))
    }

    /// A base port below the kernel's ephemeral range (so other tests' outgoing connections cannot take it) whose
    /// own, next and shifted ports (three windows of 100 above) are all free now.
    static func freePort() throws -> Int {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let base = Int.random(in: 12_000..<24_000, using: &generator) / 10 * 10
            let ports = (0...3).flatMap { window in [base + window * 100, base + window * 100 + 1] }
            if ports.allSatisfy(canBind) { return base }
        }
        throw HarnessError(description: "no free port found")
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    struct Stack {
        let project: LauncherProject
        let settings: PortShiftSettings
        let supervisor: OffsetServerSupervisor
        let server: PortOffsetServer
        let port: Int

        func instance(_ id: String, portShift: Bool = true) throws -> Instance {
            try project.instance(id: id, runtime: .apptainer) { configuration in
                if portShift {
                    configuration.portShift = settings
                    configuration.offsetSupervisor = supervisor
                }
            }
        }
    }

    private func withStack(_ body: (Stack) async throws -> Void) async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let port = try Self.freePort()
            let project = try LauncherProject(
                sandbox: sandbox, compose: try Self.compose(port: port),
                images: ["mini-compose/tcp-service:demo": "tcp-service", "mini-compose/tcp-client:demo": "tcp-client"])
            let server = try PortOffsetServer(
                configuration: OffsetServerConfiguration(listen: try SocketAddress(host: "127.0.0.1", port: 0)),
                logger: Logger(component: "offset-server", sink: project.logs))
            server.start()
            defer { server.stop() }
            let settings = PortShiftSettings(
                serverAddress: server.address.description, libraryPath: BuildProducts.path("libpreload_port_offset.so"))
            let stack = Stack(
                project: project, settings: settings, supervisor: OffsetServerSupervisor(), server: server, port: port)
            try await body(stack)
        }
    }

    private static func allUp(_ snapshot: InstanceSnapshot) -> Bool {
        snapshot.record("echo")?.state == .healthy && snapshot.record("api")?.state == .healthy
            && snapshot.record("client")?.state == .running
    }

    @Test func threeCopiesRunSideBySideAndEachClientReachesOnlyItsOwnCopy() async throws {
        try await withStack { stack in
            let ids = ["a", "b", "c"]
            let instances = try ids.map { try stack.instance($0) }
            for instance in instances { try await instance.start() }
            for instance in instances { #expect(try await eventually(instance, timeout: .seconds(60), Self.allUp)) }
            var offsets: [String: Int] = [:]
            for (id, instance) in zip(ids, instances) {
                let snapshot = await instance.snapshot()
                let status = try #require(snapshot.portShift)
                #expect(status.group == "demo-\(id)")
                offsets[id] = status.offset
                // The shifted port really listens, seen from outside the group, and names its own copy.
                #expect(FakeRuntimeProbe.ask(port: stack.port + status.offset, "WHO") == id)
                #expect(snapshot.record("echo")?.listening == [stack.port + status.offset])
            }
            #expect(Set(offsets.values).count == 3, "disjoint windows")
            #expect(FakeRuntimeProbe.ask(port: stack.port, "WHO") == nil, "nothing listens on the unshifted port")
            for (id, instance) in zip(ids, instances) {
                let logs = try #require(try? await instance.logs(service: "client", tail: nil))
                #expect(logs.contains("identity=\(id)"))
                for other in ids where other != id { #expect(!logs.contains("identity=\(other)")) }
            }
            await instances[1].stop()
            #expect(stack.server.service.assignments["demo-b"] == nil, "b's window is free again")
            for instance in [instances[0], instances[2]] { #expect(Self.allUp(await instance.snapshot())) }
            let d = try stack.instance("d")
            try await d.start()
            #expect(await d.snapshot().portShift?.offset == offsets["b"], "the freed window is reused")
            #expect(try await eventually(d, timeout: .seconds(60), Self.allUp))
            for instance in [instances[0], instances[2], d] { await instance.stop() }
        }
    }

    @Test func withoutPortShiftTheSecondCopyFailsWithAPortInUseError() async throws {
        try await withStack { stack in
            let first = try stack.instance("one", portShift: false)
            try await first.start()
            #expect(try await eventually(first, timeout: .seconds(60), Self.allUp))
            let second = try stack.instance("two", portShift: false)
            try await second.start()
            #expect(
                try await eventually(second, timeout: .seconds(60)) { snapshot in
                    if case .exited = snapshot.record("echo")?.state { return true }
                    return false
                })
            let echo = try #require(await second.snapshot().record("echo"))
            #expect(echo.lastOutput?.contains("Address already in use") == true)
            #expect(await second.snapshot().record("api")?.state.isUp == false, "its dependents never start")
            await second.stop()
            await first.stop()
        }
    }
}
