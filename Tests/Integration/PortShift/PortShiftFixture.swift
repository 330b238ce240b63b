import Foundation
import Glibc
import PortShift
import SystemKit
import TestSupport
import Testing

/// An in-process offset server on a free loopback port, logging to memory.
struct RunningOffsetServer {
    let server: PortOffsetServer
    let sink: MemorySink

    init(
        host: String = "127.0.0.1", layout: OffsetLayout = OffsetLayout(), stateFile: String? = nil,
        readTimeoutMillis: Int = 5000
    ) throws {
        let configuration = OffsetServerConfiguration(
            listen: try SocketAddress(host: host, port: 0), layout: layout, stateFile: stateFile,
            readTimeoutMillis: readTimeoutMillis)
        sink = MemorySink()
        server = try PortOffsetServer(configuration: configuration, logger: Logger(component: "test", sink: sink))
        server.start()
    }

    var address: String { server.address.description }

    func client(timeout: Double = 2) -> OffsetClient { OffsetClient(address: server.address, timeout: timeout) }
}

/// A fresh directory under the system temporary directory.
func portShiftTemporaryDirectory() -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("portshift-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

/// The integer after `key=` in a line such as `listening asked=8080 seen=8080 real=8180`.
func portShiftField(_ line: String?, _ key: String) -> Int? {
    guard let line else { return nil }
    for part in line.split(whereSeparator: { $0 == " " || $0.isNewline }) where part.hasPrefix("\(key)=") {
        return Int(part.dropFirst(key.count + 1))
    }
    return nil
}

/// A loopback port with nothing listening on it (bound, read back, then closed).
func portShiftClosedPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length)
            return getsockname(fd, pointer, &length)
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A loopback listener that completes handshakes but never accepts nor answers: a hung server.
final class SilentListener {
    let fd: Int32
    let port: Int

    init() {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length)
                listen(fd, 16)
                return getsockname(fd, pointer, &length)
            }
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}

/// Runs the shim's test programs with the shim preloaded.
enum Shim {
    static var library: String { BuildProducts.path("libpreload_port_offset.so") }

    static func environment(
        group: String?, server: String, _ extra: [String: String] = [:], preload: Bool = true
    ) -> [String: String] {
        var environment = ["OFFSET_SERVER_ADDR": server, "PORTSHIFT_TIMEOUT_MS": "2000"]
        if preload { environment["LD_PRELOAD"] = library }
        if let group { environment["APP_GRP"] = group }
        return environment.merging(extra) { $1 }
    }

    /// Starts a test program (by name, from the build directory) or any executable path.
    static func start(
        _ program: String, _ arguments: [String], group: String?, server: String, _ extra: [String: String] = [:],
        preload: Bool = true, stdinPath: String = "/dev/null"
    ) throws -> PortShiftChildProcess {
        let path = program.hasPrefix("/") ? program : BuildProducts.path(program)
        return try PortShiftChildProcess(
            path, arguments, environment: environment(group: group, server: server, extra, preload: preload),
            stdinPath: stdinPath)
    }

    /// Runs a program to its end: exit status, standard output and standard error.
    static func run(
        _ program: String, _ arguments: [String], group: String?, server: String, _ extra: [String: String] = [:],
        preload: Bool = true, stdinPath: String = "/dev/null"
    ) throws -> (status: Int32?, stdout: String, stderr: String) {
        let child = try start(
            program, arguments, group: group, server: server, extra, preload: preload, stdinPath: stdinPath)
        let status = child.wait(timeout: 20)
        return (status, child.remainingOutput(.stdout), child.remainingOutput(.stderr))
    }
}
