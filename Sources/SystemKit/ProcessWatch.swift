import Glibc

/// Watches processes that are not children of this one (so cannot be waited for), such as a detached container.
public enum ProcessWatch {
    /// True while `pid` exists (a zombie counts as existing).
    public static func exists(_ pid: pid_t) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// Waits until `pid` is gone or `timeout` passes; returns true if it is gone.
    public static func waitForExit(_ pid: pid_t, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        let pidfd = LinuxCalls.pidfdOpen(pid)
        defer { if pidfd >= 0 { close(pidfd) } }
        if pidfd < 0 && errno == ESRCH { return true }
        while isRunning(pid) {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { return false }
            if pidfd >= 0 {
                var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
                if Glibc.poll(&entry, 1, Int32(clamping: min(remaining.milliseconds + 1, 50))) > 0 {
                    // The pidfd fires when the process ends; a zombie still answers kill(0) until reaped.
                    return true
                }
            } else {
                usleep(UInt32(min(5000, max(500, remaining.milliseconds * 1000))))
            }
        }
        return true
    }

    /// The kernel's start time of `pid` (clock ticks since boot), to tell a process from a later one with its pid.
    public static func startTime(of pid: pid_t) -> UInt64? {
        guard let text = try? readSmallFile("/proc/\(pid)/stat") else { return nil }
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // Fields after the command: state is field 3 overall, starttime is field 22.
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// True if `pid` is running (not a zombie).
    public static func isRunning(_ pid: pid_t) -> Bool {
        guard let text = try? readSmallFile("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else {
            return false
        }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.first.map { $0 != "Z" && $0 != "X" } ?? false
    }

    static func readSmallFile(_ path: String) throws(SystemError) -> String {
        let fd = try retryingEINTR("open", subject: path) { open(path, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = try retryingEINTR("read", subject: path) { read(fd, &buffer, buffer.count) }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
