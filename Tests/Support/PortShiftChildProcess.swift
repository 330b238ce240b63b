import Foundation
import Glibc
import SystemKit

/// A program started for a PortShift test, with its output read line by line under deadlines.
///
/// Spawned with `posix_spawn`, an empty signal mask and default dispositions, so SIGTERM reaches it even when
/// the test runs on a thread that blocks signals. Killed (SIGKILL) and reaped when released.
public final class PortShiftChildProcess: @unchecked Sendable {
    public enum Stream { case stdout, stderr }

    public let pid: pid_t
    public let command: String
    private var pipes: [Stream: Int32]
    private var buffered: [Stream: [UInt8]] = [.stdout: [], .stderr: []]
    private var closed: Set<Stream> = []
    private var status: Int32?
    private let lock = NSLock()

    /// Starts `path` with `arguments`; `environment` is added to this process's environment without LD_PRELOAD
    /// and the PortShift variables. Standard input is `stdinPath` (default /dev/null).
    public init(
        _ path: String, _ arguments: [String], environment: [String: String] = [:], stdinPath: String = "/dev/null"
    ) throws {
        command = ([path] + arguments).joined(separator: " ")
        var merged = ProcessInfo.processInfo.environment
        for key in ["LD_PRELOAD", "APP_GRP", "EXCEPT_PORTS", "EXTENSIONS", "SHIFT_ADDRS", "OFFSET_SERVER_ADDR"] {
            merged.removeValue(forKey: key)
        }
        merged.merge(environment) { $1 }
        // Close-on-exec, so a program another test spawns meanwhile does not inherit a write end and hold it open.
        let outPipe: [Int32]
        let errPipe: [Int32]
        do {
            let (outRead, outWrite) = try Descriptors.pipe()
            let (errRead, errWrite) = try Descriptors.pipe()
            (outPipe, errPipe) = ([outRead, outWrite], [errRead, errWrite])
        } catch {
            throw SpawnError(command: command, errno: error.errno)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGPIPE, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, path, &actions, &attributes, argv, envp)
        close(outPipe[1])
        close(errPipe[1])
        guard result == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw SpawnError(command: command, errno: result)
        }
        pid = child
        pipes = [.stdout: outPipe[0], .stderr: errPipe[0]]
        for fd in pipes.values { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    /// The next line of `stream` (without its newline), or nil if none arrives before the timeout or at its end.
    public func readLine(_ stream: Stream = .stdout, timeout: Double = 10) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let line = takeLine(stream) { return line }
            if closed.contains(stream) || Date() >= deadline { return nil }
            fill(stream, until: deadline)
        }
    }

    /// Reads lines until one contains `text`; returns it, or nil at the timeout or end of stream.
    public func waitForLine(containing text: String, on stream: Stream = .stdout, timeout: Double = 10) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while let line = readLine(stream, timeout: max(0, deadline.timeIntervalSinceNow)) {
            if line.contains(text) { return line }
        }
        return nil
    }

    /// Waits for the process to exit; its exit status (128 + signal if killed), or nil at the timeout.
    @discardableResult
    public func wait(timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let status = reap() { return status }
            if Date() >= deadline { return nil }
            for stream in [Stream.stdout, .stderr] where !closed.contains(stream) {
                fill(stream, until: Date().addingTimeInterval(0.005))
            }
            usleep(2000)
        }
    }

    /// Everything left on `stream` once the process has exited (waits for it at most `timeout`).
    public func remainingOutput(_ stream: Stream, timeout: Double = 10) -> String {
        wait(timeout: timeout)
        let deadline = Date().addingTimeInterval(1)
        while !closed.contains(stream) && Date() < deadline { fill(stream, until: deadline) }
        let bytes = buffered[stream] ?? []
        buffered[stream] = []
        return String(decoding: bytes, as: UTF8.self)
    }

    public func signal(_ signal: Int32) { kill(pid, signal) }

    deinit {
        if reap() == nil {
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
        }
        for fd in pipes.values { close(fd) }
    }

    private func reap() -> Int32? {
        if let status { return status }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
        let signalled = raw & 0x7F
        status = signalled == 0 ? (raw >> 8) & 0xFF : 128 + signalled
        return status
    }

    private func takeLine(_ stream: Stream) -> String? {
        guard let bytes = buffered[stream], let newline = bytes.firstIndex(of: 0x0A) else {
            if closed.contains(stream), let bytes = buffered[stream], !bytes.isEmpty {
                buffered[stream] = []
                return String(decoding: bytes, as: UTF8.self)
            }
            return nil
        }
        buffered[stream] = Array(bytes[(newline + 1)...])
        return String(decoding: bytes[..<newline], as: UTF8.self)
    }

    private func fill(_ stream: Stream, until deadline: Date) {
        guard let fd = pipes[stream] else { return }
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let millis = Int32(max(0, min(deadline.timeIntervalSinceNow * 1000, 1000)))
        guard poll(&entry, 1, millis) > 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = read(fd, &chunk, chunk.count)
        if count > 0 {
            buffered[stream, default: []] += chunk[0..<count]
        } else if count == 0 {
            closed.insert(stream)
        }
    }
}

/// A test program could not be started.
public struct SpawnError: Error, CustomStringConvertible {
    public let command: String
    public let errno: Int32
    public var description: String { "cannot start \(command): \(String(cString: strerror(errno)))" }
}
