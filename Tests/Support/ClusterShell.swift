import Foundation
import Glibc
import SystemKit

/// Runs bash scripts as a cluster user would: a fresh login shell (`env -i ... bash -l`, so the module system
/// is set up by /etc/profile as on a login node) with only the variables given, optionally in a private network
/// namespace where fixed ports such as the offset server's 25000 cannot clash with anything else.
public enum ClusterShell {
    /// PATH of a fresh shell: no Swift toolchain on it.
    public static let systemPath = "/usr/local/bin:/usr/bin:/bin"

    /// Runs `script` with `bash -l -c` (`bash -c` without `login`) in `directory`; `variables` are the only ones
    /// set besides HOME, PATH and TERM. A login shell's /etc/profile sets PATH anew, so scripts that need more on
    /// it prepend it themselves; without `login`, PATH is as given. With `privateNetwork`, in a new network
    /// namespace whose loopback is brought up first.
    public static func run(
        _ script: String, in directory: String, variables: [String: String] = [:], login: Bool = true,
        privateNetwork: Bool = false, timeout: Duration = .seconds(120)
    ) throws -> RunResult {
        var environment = ["HOME": directory, "PATH": systemPath, "TERM": "dumb"]
        environment.merge(variables) { _, new in new }
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let shell = ["env", "-i"] + assignments + ["bash"] + (login ? ["-l"] : []) + ["-c", script]
        let command: Command
        if privateNetwork {
            // `ip` brings up the namespace's loopback; then the login shell replaces the wrapper.
            command = Command(
                "unshare", ["-n", "bash", "-c", "ip link set lo up && exec \"$@\"", "wrapper"] + shell,
                environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"], workingDirectory: directory)
        } else {
            command = Command(
                shell[0], Array(shell.dropFirst()), environment: ["PATH": "/usr/bin:/bin"], workingDirectory: directory)
        }
        return try ProcessRunner().runBlocking(command, options: RunOptions(timeout: timeout))
    }

    /// Whether this machine lets us make a network namespace (root, or user namespaces allowed) with `ip`.
    public static let privateNetworkAvailable: Bool = {
        let command = Command(
            "unshare", ["-n", "ip", "link", "set", "lo", "up"], environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        let result = try? ProcessRunner().runBlocking(command, options: RunOptions(timeout: .seconds(10)))
        return result?.status == .exited(0)
    }()

    /// A TCP port on 127.0.0.1 that was free a moment ago: bound with port 0 and read back.
    public static func freePort() -> Int {
        let (fd, port) = boundSocket()
        close(fd)
        return port
    }

    /// A socket listening on 127.0.0.1 (port 0, read back), to hold a port taken; the caller closes `fd`.
    public static func listeningSocket() -> (fd: Int32, port: Int) {
        let (fd, port) = boundSocket()
        precondition(listen(fd, 1) == 0, "cannot listen on 127.0.0.1:\(port)")
        return (fd, port)
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    public static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return connected == 0
    }

    private static func boundSocket() -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        precondition(bound == 0, "cannot bind 127.0.0.1:0")
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
