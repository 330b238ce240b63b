import Foundation
import SystemKit

/// One-shot services run by this process in the foreground, where the runtime would forget their exit code.
///
/// An Apptainer or Singularity instance that ends disappears with its exit code, so a dependent waiting for
/// `service_completed_successfully` could never start. A service that some dependent waits on in that way runs as
/// `apptainer run`, a child of this process: its exit status is the child's. Its output goes to a log file, and a
/// small record (pid and kernel start time) lets another mini-compose process see whether it still runs and stop it.
/// One per process, keyed by the record's path: the same container name may belong to instances of other working
/// directories.
actor ForegroundJobs {
    static let shared = ForegroundJobs()

    private struct Job {
        let child: ChildProcess
        var status: ExitStatus?
    }

    /// What is left on disk while a job may run.
    struct Record: Codable {
        var pid: Int32
        var startTime: UInt64?
    }

    private var jobs: [String: Job] = [:]

    static func logPath(_ container: String, stateDirectory: String) -> String {
        stateDirectory + "/\(container).log"
    }

    static func recordPath(_ container: String, stateDirectory: String) -> String {
        stateDirectory + "/\(container).job"
    }

    /// Starts the job; its output (standard output and error) replaces the log file's.
    func start(
        _ container: String, command: Command, stateDirectory: String, runner: any CommandRunning
    ) throws(LaunchError) {
        let key = Self.recordPath(container, stateDirectory: stateDirectory)
        if let job = jobs[key], job.status == nil {
            throw .runtimeFailed(
                command: "run \(container)", status: "not started", stderr: "a job named \(container) still runs")
        }
        let log = Self.logPath(container, stateDirectory: stateDirectory)
        try StateFiles.writeAtomically("", to: log)
        let child: ChildProcess
        do {
            child = try runner.spawn(
                command,
                options: SpawnOptions(
                    stdin: .null, stdout: .file(path: log, append: true), stderr: .file(path: log, append: true),
                    newProcessGroup: true))
        } catch {
            throw .runtimeFailed(command: "run \(container)", status: "not started", stderr: error.description)
        }
        jobs[key] = Job(child: child, status: nil)
        let record = Record(pid: child.pid, startTime: ProcessWatch.startTime(of: child.pid))
        if let data = try? JSONEncoder().encode(record) {
            try? StateFiles.writeAtomically(String(decoding: data, as: UTF8.self), to: key)
        }
        Task {
            let status = try? await child.wait()
            self.finished(key, child: child, status: status)
        }
    }

    private func finished(_ key: String, child: ChildProcess, status: ExitStatus?) {
        guard jobs[key]?.child === child else { return }
        jobs[key]?.status = status ?? child.exitStatus
    }

    /// The job's state, or nil when `container` is no job (of this process or, by its record, of another).
    func status(_ container: String, stateDirectory: String) -> ContainerStatus? {
        if let job = jobs[Self.recordPath(container, stateDirectory: stateDirectory)] {
            guard let status = job.status else { return .running(pid: job.child.pid) }
            return .exited(code: status.code)
        }
        guard let record = Self.record(container, stateDirectory: stateDirectory) else { return nil }
        // Another process started it: while it runs it is running, and once it ended its exit code is lost.
        return Self.isAlive(record) ? .running(pid: record.pid) : .exited(code: nil)
    }

    /// Stops the job (SIGTERM to its process group, SIGKILL after `grace`) and forgets it; false when `container`
    /// is no job.
    func stop(_ container: String, grace: Duration, stateDirectory: String) async -> Bool {
        let key = Self.recordPath(container, stateDirectory: stateDirectory)
        defer { unlink(key) }
        if let job = jobs[key] {
            if job.status == nil {
                _ = try? job.child.signalGroup(SIGTERM)
                let deadline = ContinuousClock.now + grace
                while jobs[key]?.status == nil, ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                if jobs[key]?.status == nil {
                    _ = try? job.child.signalGroup(SIGKILL)
                    // Stopped means gone: wait (bounded) until the killed process has been reaped.
                    let killed = ContinuousClock.now + .seconds(10)
                    while jobs[key]?.status == nil, ContinuousClock.now < killed {
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                }
            }
            if jobs[key]?.child === job.child { jobs[key] = nil }
            return true
        }
        guard let record = Self.record(container, stateDirectory: stateDirectory) else { return false }
        guard Self.isAlive(record) else { return true }
        kill(-record.pid, SIGTERM)
        if await !Self.ends(record.pid, within: grace) {
            kill(-record.pid, SIGKILL)
            _ = await Self.ends(record.pid, within: .seconds(10))
        }
        return true
    }

    /// Waits for a process that is not a child of this one to end; false if it still runs after `limit`.
    private static func ends(_ pid: Int32, within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ProcessWatch.isRunning(pid) {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    private static func record(_ container: String, stateDirectory: String) -> Record? {
        guard let data = FileManager.default.contents(atPath: recordPath(container, stateDirectory: stateDirectory))
        else { return nil }
        return try? JSONDecoder().decode(Record.self, from: data)
    }

    /// The recorded process still runs, and is the same process (a pid can be reused once it ended).
    private static func isAlive(_ record: Record) -> Bool {
        guard ProcessWatch.isRunning(record.pid) else { return false }
        return record.startTime == nil || ProcessWatch.startTime(of: record.pid) == record.startTime
    }
}
