/// How `ProcessRunner.run` treats one command: input, time limit and output caps.
public struct RunOptions: Sendable, Equatable {
    /// Bytes written to the child's stdin, which is then closed; nil gives it `/dev/null`.
    public var input: [UInt8]?
    /// After this long the child's process group gets SIGTERM, then SIGKILL after `killGrace`.
    public var timeout: Duration?
    public var killGrace: Duration
    /// Each of stdout and stderr keeps at most this many bytes: the last ones, where errors usually are.
    public var outputLimit: Int
    /// How long to keep reading after the child exits, for output still held by processes it left behind.
    public var drainAfterExit: Duration

    public init(
        input: [UInt8]? = nil, timeout: Duration? = nil, killGrace: Duration = .seconds(2),
        outputLimit: Int = 1 << 20, drainAfterExit: Duration = .milliseconds(200)
    ) {
        self.input = input
        self.timeout = timeout
        self.killGrace = killGrace
        self.outputLimit = outputLimit
        self.drainAfterExit = drainAfterExit
    }
}

/// What a finished command did.
public struct RunResult: Sendable, Equatable {
    public var pid: Int32
    public var status: ExitStatus
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    /// True when output beyond `outputLimit` was dropped from the front.
    public var stdoutTruncated: Bool
    public var stderrTruncated: Bool
    /// True when the timeout (or task cancellation) ended the command.
    public var timedOut: Bool
    public var duration: Duration

    public init(
        pid: Int32, status: ExitStatus, stdout: [UInt8], stderr: [UInt8], stdoutTruncated: Bool = false,
        stderrTruncated: Bool = false, timedOut: Bool = false, duration: Duration = .zero
    ) {
        self.pid = pid
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.stdoutTruncated = stdoutTruncated
        self.stderrTruncated = stderrTruncated
        self.timedOut = timedOut
        self.duration = duration
    }

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Runs commands to completion. The launcher depends on this protocol so tests can put a double in its place.
public protocol CommandRunning: Sendable {
    func run(_ command: Command, options: RunOptions) async throws -> RunResult

    /// Starts `command` and returns at once, for a process that outlives the call (a job held in the foreground).
    func spawn(_ command: Command, options: SpawnOptions) throws(ProcessError) -> ChildProcess
}

extension CommandRunning {
    public func spawn(_ command: Command, options: SpawnOptions) throws(ProcessError) -> ChildProcess {
        try Subprocess.spawn(command, options: options)
    }
}
