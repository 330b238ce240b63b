import Glibc

/// Descriptor-level helpers for the pipes and files processes are wired with.
public enum Descriptors {
    /// A pipe with both ends close-on-exec (hand an end to a child through `SpawnOptions.extraDescriptors`).
    public static func pipe() throws(SystemError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        try retryingEINTR("pipe2") { LinuxCalls.pipeCloseOnExec(&ends) }
        return (ends[0], ends[1])
    }

    /// Marks `fd` close-on-exec, for a descriptor a process inherited and must not pass on.
    public static func setCloseOnExec(_ fd: Int32) {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }

    /// Reads until end-of-file or `timeout`; nil on timeout (what was read by then is dropped). EINTR is retried.
    public static func readAll(_ fd: Int32, timeout: Duration?) throws(SystemError) -> [UInt8]? {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let deadline {
                let remaining = ContinuousClock.now.duration(to: deadline)
                if remaining <= .zero { return nil }
                var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&entry, 1, Int32(clamping: remaining.milliseconds + 1))
                if ready == -1 && errno != EINTR { throw SystemError(call: "poll", errno: errno) }
                if ready <= 0 { continue }
            }
            let count = read(fd, &buffer, buffer.count)
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemError(call: "read", errno: errno)
            }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }

    /// Writes all of `bytes`, retrying short writes and EINTR; errors (such as EPIPE) are returned, not raised.
    @discardableResult
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    public static func close(_ fd: Int32) { _ = Glibc.close(fd) }
}
