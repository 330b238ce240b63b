import SystemKit

/// What runtime commands of one instance run with: the runner, the runtime executable, the environment
/// given to runtime commands, and where files go.
public struct LaunchContext: Sendable {
    public var runner: any CommandRunning
    /// The runtime executable: a path, or a name looked up on PATH.
    public var executable: String
    /// The environment of runtime commands (not of containers): mini-compose's own, plus settings that
    /// configure the runtime itself (`APPTAINER_*`, `SINGULARITY_*`).
    public var environment: [String: String]
    /// The project's `working_dir`: image archives and SIF files live here.
    public var workingDirectory: String
    /// This instance's own directory under `working_dir/.mini-compose/`.
    public var stateDirectory: String
    public var logger: Logger
    /// Limits for runtime commands that are not health checks.
    public var commandTimeout: Duration = .seconds(300)
    public var buildTimeout: Duration = .seconds(3600)

    public init(
        runner: any CommandRunning, executable: String, environment: [String: String], workingDirectory: String,
        stateDirectory: String, logger: Logger
    ) {
        self.runner = runner
        self.executable = executable
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.stateDirectory = stateDirectory
        self.logger = logger
    }

    /// Runs one runtime subcommand; a non-zero exit is a `runtimeFailed` error carrying the runtime's stderr
    /// unless `allowFailure` is set.
    @discardableResult
    func run(
        _ arguments: [String], timeout: Duration? = nil, input: [UInt8]? = nil, allowFailure: Bool = false
    ) async throws(LaunchError) -> RunResult {
        let command = Command(executable, arguments, environment: environment, workingDirectory: workingDirectory)
        let program = executable.split(separator: "/").last.map(String.init) ?? executable
        let label = "\(program) \(arguments.prefix(2).joined(separator: " "))"
        logger.debug("runtime command", ["command": label])
        let result: RunResult
        do {
            result = try await runner.run(
                command, options: RunOptions(input: input, timeout: timeout ?? commandTimeout))
        } catch let error as ProcessError {
            throw Self.translate(error, label: label)
        } catch {
            throw .runtimeFailed(command: label, status: "not started", stderr: "\(error)")
        }
        // With `allowFailure` the caller reads the result, timeouts included (health checks do).
        if result.timedOut && !allowFailure {
            throw .runtimeTimedOut(command: label, seconds: (timeout ?? commandTimeout).seconds)
        }
        if !allowFailure, result.status != .exited(0) {
            throw .runtimeFailed(command: label, status: "\(result.status)", stderr: result.stderrText)
        }
        return result
    }

    static func translate(_ error: ProcessError, label: String) -> LaunchError {
        .runtimeFailed(command: label, status: "not started", stderr: "\(error)")
    }
}
