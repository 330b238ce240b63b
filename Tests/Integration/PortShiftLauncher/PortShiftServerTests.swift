import Foundation
import Glibc
import MiniCompose
import PortShift
import SystemKit
import TestSupport
import Testing

/// PortShift copies driven the way users of the original drive them: a `port_offset_server` process and the
/// HTTP API.
@Suite struct PortShiftServerTests {
    /// A real `port_offset_server` on a free port with a state file; restartable on the same port.
    final class OffsetServerProcess: @unchecked Sendable {
        let stateFile: String
        let logFile: String
        private(set) var process: ChildProcess
        private(set) var port: UInt16

        init(directory: URL, port: UInt16 = 0) throws {
            stateFile = directory.appendingPathComponent("offsets.state").path
            logFile = directory.appendingPathComponent("offset-server-\(UUID().uuidString.prefix(6)).log").path
            (process, self.port) = try Self.start(stateFile: stateFile, logFile: logFile, port: port)
        }

        static func start(stateFile: String, logFile: String, port: UInt16) throws -> (ChildProcess, UInt16) {
            let child = try Subprocess.spawn(
                Command(
                    BuildProducts.path("port_offset_server"),
                    ["--listen", "127.0.0.1", "--port", String(port), "--state-file", stateFile]),
                options: SpawnOptions(stderr: .file(path: logFile, append: false)))
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
                if let line = log.split(separator: "\n").first(where: { $0.contains(" listening ") }),
                    let range = line.range(of: "port="),
                    let bound = UInt16(line[range.upperBound...].prefix(while: \.isNumber))
                {
                    return (child, bound)
                }
                if try child.poll() != nil { break }
                usleep(10_000)
            }
            _ = try? child.terminate(grace: .seconds(1))
            throw HarnessError(description: "port_offset_server did not start: \(logFile)")
        }

        func killAndRestart() throws {
            _ = try process.signal(SIGKILL)
            _ = try process.wait()
            (process, port) = try Self.start(stateFile: stateFile, logFile: logFile, port: port)
        }

        deinit { _ = try? process.terminate(grace: .seconds(2)) }

        var address: String { "127.0.0.1:\(port)" }
    }

    @Test func offsetServerRestartedUnderThreeCopiesBreaksNothingAndNewCopiesGetNewWindows() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let port = try MultiCopyTests.freePort()
            let project = try LauncherProject(
                sandbox: sandbox, compose: try MultiCopyTests.compose(port: port),
                images: ["mini-compose/tcp-service:demo": "tcp-service", "mini-compose/tcp-client:demo": "tcp-client"])
            let offsets = try OffsetServerProcess(directory: sandbox.workDirectory)
            let settings = PortShiftSettings(
                serverAddress: offsets.address, libraryPath: BuildProducts.path("libpreload_port_offset.so"))
            let supervisor = OffsetServerSupervisor()
            func instance(_ id: String) throws -> Instance {
                try project.instance(id: id, runtime: .apptainer) {
                    $0.portShift = settings
                    $0.offsetSupervisor = supervisor
                }
            }
            let running = try ["a", "b", "c"].map(instance)
            for copy in running { try await copy.start() }
            for copy in running {
                #expect(try await eventually(copy) { $0.record("api")?.state == .healthy })
            }
            let before = await running.asyncMap { await $0.snapshot().portShift?.offset }
            try offsets.killAndRestart()
            let fresh = try instance("d")
            try await fresh.start()
            #expect(try await eventually(fresh) { $0.record("api")?.state == .healthy })
            let newOffset = try #require(await fresh.snapshot().portShift?.offset)
            #expect(!before.contains(newOffset), "a new copy gets a window of its own")
            // The old copies keep their windows and stay healthy through checks that query the new server.
            for (copy, offset) in zip(running, before) {
                #expect(await copy.snapshot().portShift?.offset == offset)
                #expect(FakeRuntimeProbe.ask(port: port + (offset ?? 0), "WHO") == copy.id)
                let records = await copy.snapshot().services
                #expect(records.allSatisfy { $0.state == .healthy || $0.state == .running })
            }
            for copy in running + [fresh] { await copy.stop() }
        }
    }

    @Test func copiesStartedThroughTheAPIShowTheirGroupOffsetAndListeningPorts() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let port = try MultiCopyTests.freePort()
            let project = try LauncherProject(
                sandbox: sandbox, compose: try MultiCopyTests.compose(port: port),
                images: ["mini-compose/tcp-service:demo": "tcp-service", "mini-compose/tcp-client:demo": "tcp-client"])
            let offsets = try OffsetServerProcess(directory: sandbox.workDirectory)
            let server = try ServerHarness(
                composeFile: project.directory.appendingPathComponent("compose.yaml").path,
                arguments: [
                    "--portshift", "--offset-server", offsets.address, "--shim",
                    BuildProducts.path("libpreload_port_offset.so"),
                ],
                environment: sandbox.environment)
            #expect(try await server.get("/start/a/", accept: nil).status == 200)
            #expect(try await server.get("/start/b/", accept: nil).status == 200)
            for id in ["a", "b"] { #expect(try await server.waitForStates(id, ["HEALTHY", "RUNNING"])) }
            var seen: Set<Int> = []
            for id in ["a", "b"] {
                let status = try #require(ServerHarness.object(try await server.get("/status/\(id)/")))
                let portShift = try #require(status["portshift"] as? [String: Any])
                #expect(portShift["group"] as? String == "demo-\(id)")
                let offset = try #require(portShift["offset"] as? Int)
                seen.insert(offset)
                let services = try #require(status["services"] as? [[String: Any]])
                let echoPorts = try #require(
                    services.first { $0["service"] as? String == "echo" }?["ports"] as? [[String: Any]])
                #expect(echoPorts.first?["actual"] as? Int == port + offset)
                #expect(
                    try await FakeRuntimeSandbox.eventually {
                        let fresh = ServerHarness.object(try await server.get("/status/\(id)/"))
                        let echo = (fresh?["services"] as? [[String: Any]])?.first {
                            $0["service"] as? String == "echo"
                        }
                        return ((echo?["ports"] as? [[String: Any]])?.first?["listening"] as? Bool) == true
                    })
                let text = try await server.get("/status/\(id)/", accept: nil).text
                #expect(text.contains("group demo-\(id) offset \(offset)"))
                #expect(text.contains("[\(port) -> \(port + offset)]"))
            }
            #expect(seen.count == 2)
            _ = try server.terminate()
            #expect(try OffsetClient(address: offsets.address).list().isEmpty, "stopping released both groups")
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async -> T) async -> [T] {
        var result: [T] = []
        for element in self { result.append(await transform(element)) }
        return result
    }
}
