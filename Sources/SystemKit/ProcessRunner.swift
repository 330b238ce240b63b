import Foundation
import Glibc
import Synchronization

/// Runs a command to completion: feeds its input, captures its output, enforces a timeout on its whole
/// process group. Each run uses its own thread, so many can run at once without blocking the cooperative pool.
public struct ProcessRunner: CommandRunning {
    public init() {}

    /// Runs `command` on a dedicated thread. Cancelling the task ends the child as a timeout would, then throws
    /// `CancellationError`.
    public func run(_ command: Command, options: RunOptions = RunOptions()) async throws -> RunResult {
        let cancellation = CancellationFlag()
        let result = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<RunResult, Error>) in
                Thread.detachNewThread {
                    continuation.resume(
                        with: Result { () throws(ProcessError) in
                            try Self.execute(command, options: options, cancellation: cancellation)
                        })
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
        if cancellation.isCancelled { throw CancellationError() }
        return result
    }

    /// Runs `command` on the calling thread.
    public func runBlocking(_ command: Command, options: RunOptions = RunOptions()) throws(ProcessError) -> RunResult {
        try Self.execute(command, options: options, cancellation: CancellationFlag())
    }

    final class CancellationFlag: Sendable {
        private let flag = Atomic<Bool>(false)
        func cancel() { flag.store(true, ordering: .relaxed) }
        var isCancelled: Bool { flag.load(ordering: .relaxed) }
    }

    static func execute(_ command: Command, options: RunOptions, cancellation: CancellationFlag) throws(ProcessError)
        -> RunResult
    {
        let started = ContinuousClock.now
        let child = try Subprocess.spawn(
            command,
            options: SpawnOptions(
                stdin: options.input == nil ? .null : .pipe, stdout: .pipe, stderr: .pipe, newProcessGroup: true))
        do {
            return try SIGPIPEBlocked.run { () throws(SystemError) -> RunResult in
                var session = RunSession(child: child, options: options, started: started)
                return try session.loop(cancellation: cancellation)
            }
        } catch {
            _ = try? child.terminate(grace: options.killGrace)
            throw .system(error)
        }
    }
}

/// The state of one run while its loop polls the child's pipes and exit.
private struct RunSession {
    let child: ChildProcess
    let options: RunOptions
    let started: ContinuousClock.Instant
    var stdout: TailBuffer
    var stderr: TailBuffer
    var openOutputs: [Int32]
    var pendingInput: ArraySlice<UInt8>
    var stdinOpen: Bool
    var status: ExitStatus?
    var exitedAt: ContinuousClock.Instant?
    var timedOut = false
    var killAt: ContinuousClock.Instant?

    init(child: ChildProcess, options: RunOptions, started: ContinuousClock.Instant) {
        self.child = child
        self.options = options
        self.started = started
        stdout = TailBuffer(limit: options.outputLimit)
        stderr = TailBuffer(limit: options.outputLimit)
        openOutputs = [child.stdout, child.stderr].compactMap { $0 }
        pendingInput = ArraySlice(options.input ?? [])
        stdinOpen = child.stdin != nil
        for fd in openOutputs + [child.stdin].compactMap({ $0 }) {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        if stdinOpen && pendingInput.isEmpty { closeInput() }
    }

    mutating func closeInput() {
        child.closeStdin()
        stdinOpen = false
    }

    mutating func loop(cancellation: ProcessRunner.CancellationFlag) throws(SystemError) -> RunResult {
        let deadline = options.timeout.map { started + $0 }
        let exitFD = child.exitDescriptor()
        while true {
            let now = ContinuousClock.now
            if status == nil, !timedOut, (deadline.map { now >= $0 } ?? false) || cancellation.isCancelled {
                timedOut = true
                try child.signalGroup(SIGTERM)
                killAt = now + options.killGrace
            }
            if status == nil, let killAt, now >= killAt {
                try child.signalGroup(SIGKILL)
                self.killAt = nil
            }
            if status == nil, let exited = try child.poll() {
                status = exited
                exitedAt = now
                if stdinOpen { closeInput() }
            }
            if let exitedAt, openOutputs.isEmpty || now >= exitedAt + options.drainAfterExit { break }

            var entries = openOutputs.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if stdinOpen, let stdin = child.stdin {
                entries.append(pollfd(fd: stdin, events: Int16(POLLOUT), revents: 0))
            }
            if status == nil && exitFD >= 0 { entries.append(pollfd(fd: exitFD, events: Int16(POLLIN), revents: 0)) }
            let wait = pollTimeout(now: now, deadline: deadline, exitWatched: exitFD >= 0)
            let ready = Glibc.poll(&entries, nfds_t(entries.count), wait)
            if ready == -1 && errno != EINTR { throw SystemError(call: "poll", errno: errno) }
            if ready <= 0 { continue }
            for entry in entries where entry.revents != 0 {
                if entry.fd == child.stdin {
                    try writeInput(entry.fd)
                } else if entry.fd != exitFD {
                    try readOutput(entry.fd)
                }
            }
        }
        for fd in openOutputs { try readOutput(fd, draining: true) }
        return RunResult(
            pid: child.pid, status: status!, stdout: stdout.bytes, stderr: stderr.bytes,
            stdoutTruncated: stdout.truncated, stderrTruncated: stderr.truncated, timedOut: timedOut,
            duration: started.duration(to: .now))
    }

    /// Milliseconds until the next thing this loop must do by the clock.
    func pollTimeout(now: ContinuousClock.Instant, deadline: ContinuousClock.Instant?, exitWatched: Bool) -> Int32 {
        var next: [ContinuousClock.Instant] = []
        if status == nil, !timedOut, let deadline { next.append(deadline) }
        if status == nil, let killAt { next.append(killAt) }
        if let exitedAt { next.append(exitedAt + options.drainAfterExit) }
        // Without a pidfd the exit is noticed by polling; cancellation is always checked this often.
        var limit: Int64 = exitWatched ? 50 : 10
        if status != nil { limit = 50 }
        let nearest = next.map { now.duration(to: $0).milliseconds + 1 }.min() ?? limit
        return Int32(clamping: max(0, min(nearest, limit)))
    }

    mutating func readOutput(_ fd: Int32, draining: Bool = false) throws(SystemError) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count > 0 {
                buffer.withUnsafeBufferPointer { whole in
                    let chunk = UnsafeBufferPointer(rebasing: whole[0..<count])
                    if fd == child.stdout { stdout.append(chunk) } else { stderr.append(chunk) }
                }
                if !draining && count < buffer.count { return }
                continue
            }
            if count == 0 {
                openOutputs.removeAll { $0 == fd }
                return
            }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return }
            throw SystemError(call: "read", subject: "output of \(child.pid)", errno: errno)
        }
    }

    mutating func writeInput(_ fd: Int32) throws(SystemError) {
        while !pendingInput.isEmpty {
            let written = pendingInput.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count) }
            if written > 0 {
                pendingInput = pendingInput.dropFirst(written)
                continue
            }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return }
            if errno == EPIPE {
                pendingInput = []
                break
            }
            throw SystemError(call: "write", subject: "input of \(child.pid)", errno: errno)
        }
        closeInput()
    }
}

/// Runs a body with SIGPIPE blocked on this thread, so writing to a child that closed its stdin gives EPIPE
/// instead of killing this process; a SIGPIPE left pending is consumed before the mask is restored.
enum SIGPIPEBlocked {
    static func run<T>(_ body: () throws(SystemError) -> T) throws(SystemError) -> T {
        var block = sigset_t()
        sigemptyset(&block)
        sigaddset(&block, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &block, &previous)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 && sigismember(&previous, SIGPIPE) == 0 {
                var zero = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&block, nil, &zero)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        return try body()
    }
}
