import Foundation
import Glibc
import Synchronization

/// A process started by `Subprocess.spawn`: its pid, the parent's ends of its pipes, and its exit status once reaped.
///
/// The process is reaped exactly once, by whichever wait sees it end first; later waits return the same status.
/// Signals are never sent to a reaped pid, so a recycled pid is never hit. A handle dropped without a wait leaves
/// a zombie until this process exits.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    /// The child's own process group (its pid) when it was started in a new group or session.
    public let processGroup: pid_t?
    public let command: Command
    /// Parent's end of the child's stdin pipe, when it was `.pipe`; close it (`closeStdin`) to send end-of-file.
    public let stdin: Int32?
    /// Parent's end of the child's stdout pipe, when it was `.pipe`.
    public let stdout: Int32?
    /// Parent's end of the child's stderr pipe, when it was `.pipe`.
    public let stderr: Int32?

    private struct State {
        var status: ExitStatus?
        var stdinOpen: Bool
        var pidfd: Int32 = -2  // -2 not tried yet, -1 unavailable.
    }
    private let state: Mutex<State>

    init(pid: pid_t, processGroup: pid_t?, command: Command, stdin: Int32?, stdout: Int32?, stderr: Int32?) {
        self.pid = pid
        self.processGroup = processGroup
        self.command = command
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.state = Mutex(State(status: nil, stdinOpen: stdin != nil))
    }

    deinit {
        let pidfd = state.withLock { state -> Int32 in
            if state.stdinOpen, let stdin { close(stdin) }
            return state.pidfd
        }
        if pidfd >= 0 { close(pidfd) }
        if let stdout { close(stdout) }
        if let stderr { close(stderr) }
    }

    /// The exit status if the process has been reaped.
    public var exitStatus: ExitStatus? { state.withLock { $0.status } }

    /// Closes the parent's end of the stdin pipe so the child reads end-of-file.
    public func closeStdin() {
        state.withLock { state in
            if state.stdinOpen, let stdin { close(stdin) }
            state.stdinOpen = false
        }
    }

    /// Reaps the process if it has ended, without blocking.
    @discardableResult
    public func poll() throws(SystemError) -> ExitStatus? {
        try state.withLock { state throws(SystemError) -> ExitStatus? in
            if let status = state.status { return status }
            var raw: Int32 = 0
            let result = try retryingEINTR("waitpid", subject: "\(pid)") { waitpid(pid, &raw, WNOHANG) }
            guard result == pid else { return nil }
            state.status = ExitStatus(waitStatus: raw)
            return state.status
        }
    }

    /// Blocks the calling thread until the process ends, then reaps it.
    public func wait() throws(SystemError) -> ExitStatus {
        if let status = exitStatus { return status }
        var info = siginfo_t()
        // WNOWAIT leaves the zombie for `poll` to reap under the lock, so concurrent waiters agree.
        let result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT)
        if result == -1 && errno != EINTR && errno != ECHILD {
            throw SystemError(call: "waitid", subject: "\(pid)", errno: errno)
        }
        if result == -1 && errno == EINTR { return try wait() }
        if let status = try poll() { return status }
        if let status = exitStatus { return status }
        return try wait()
    }

    /// Waits at most `timeout` for the process to end; nil if it is still running then.
    public func wait(timeout: Duration) throws(SystemError) -> ExitStatus? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = try poll() { return status }
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { return nil }
            let fd = exitDescriptor()
            if fd >= 0 {
                var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                _ = Glibc.poll(&entry, 1, Int32(clamping: remaining.milliseconds + 1))
            } else {
                usleep(UInt32(min(10_000, max(1000, remaining.milliseconds * 1000))))
            }
        }
    }

    /// Waits for the process to end without holding a thread of the cooperative pool.
    public func wait() async throws -> ExitStatus {
        if let status = exitStatus { return status }
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { () throws(SystemError) in try self.wait() })
            }
        }
    }

    /// Sends `signal` to the process, unless it has already been reaped. Returns false if it was gone.
    @discardableResult
    public func signal(_ signal: Int32) throws(SystemError) -> Bool {
        try state.withLock { state throws(SystemError) -> Bool in
            guard state.status == nil else { return false }
            if kill(pid, signal) == 0 { return true }
            if errno == ESRCH { return false }
            throw SystemError(call: "kill", subject: "\(pid), \(ExitStatus.signalName(signal))", errno: errno)
        }
    }

    /// Sends `signal` to the child's whole process group (or to the child alone if it has no group of its own).
    @discardableResult
    public func signalGroup(_ signal: Int32) throws(SystemError) -> Bool {
        guard let processGroup else { return try self.signal(signal) }
        if kill(-processGroup, signal) == 0 { return true }
        if errno == ESRCH { return false }
        throw SystemError(call: "kill", subject: "-\(processGroup), \(ExitStatus.signalName(signal))", errno: errno)
    }

    /// SIGTERM (to the group when there is one), up to `grace` to end, then SIGKILL; returns the reaped status.
    @discardableResult
    public func terminate(grace: Duration) throws(SystemError) -> ExitStatus {
        if let status = try poll() { return status }
        try signalGroup(SIGTERM)
        if let status = try wait(timeout: grace) { return status }
        try signalGroup(SIGKILL)
        return try wait()
    }

    /// A descriptor that becomes readable when the process ends (a pidfd), or -1 where the kernel has none.
    func exitDescriptor() -> Int32 {
        state.withLock { state in
            if state.pidfd == -2 {
                state.pidfd = state.status == nil ? LinuxCalls.pidfdOpen(pid) : -1
                if state.pidfd < 0 { state.pidfd = -1 }
            }
            return state.pidfd
        }
    }
}
