import Foundation
import Glibc

/// Looks at a container's process from outside, the way a test checks what the container really got.
public enum FakeRuntimeProbe {
    /// Whether FakeRuntime can make bind mounts for real here (it needs root); otherwise it only records them.
    public static var canMount: Bool { geteuid() == 0 }

    /// The process's environment, from /proc.
    public static func environment(of pid: Int32) -> [String: String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        var result: [String: String] = [:]
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            result[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return result
    }

    /// The process's working directory.
    public static func workingDirectory(of pid: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")
    }

    /// A file as the process sees it (through its own mount namespace).
    public static func file(_ path: String, seenBy pid: Int32) -> String? {
        (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/root\(path)"))).map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    /// The pid a container's program wrote to `path` (`echo $$ > FILE`), once it has; nil after `timeout`.
    public static func pid(writtenTo path: String, timeout: Duration = .seconds(20)) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return pid
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// True while the process exists and is not a zombie.
    public static func isRunning(_ pid: Int32) -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return false }
        let state = text[text.index(close, offsetBy: 2)...].first
        return state != "Z" && state != "X"
    }

    /// Sends one line to 127.0.0.1:`port` and returns the answer line, or nil if nothing answered.
    public static func ask(port: Int, _ line: String, timeoutMilliseconds: Int32 = 2000) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        let bytes = Array((line + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { return nil }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while !answer.contains(UInt8(ascii: "\n")) {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, timeoutMilliseconds) > 0 else { return nil }
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            answer += buffer[0..<count]
        }
        guard let end = answer.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        return String(decoding: answer[..<end], as: UTF8.self)
    }
}
