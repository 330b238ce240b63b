import Foundation
import Glibc
import SystemKit

/// Starts a stored container as a detached supervisor (`__monitor`) that runs the program and records its exit.
///
/// The supervisor is a new session, so the container outlives the command that started it; the program is in its
/// own process group so stop and kill reach everything it started.
struct ContainerLauncher {
    let store: ContainerStore

    static var selfExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Starts the container whose record was reserved; returns the record once the program runs.
    func start(_ name: String) throws(FakeError) -> ContainerRecord {
        let report: (read: Int32, write: Int32)
        do {
            report = try Descriptors.pipe()
        } catch {
            throw .other("\(error)")
        }
        defer { Descriptors.close(report.read) }
        let directory = store.directory(name)
        let command = Command(
            Self.selfExecutable, ["__monitor", directory.path],
            environment: ["PATH": ProgramResolver.defaultPath, "FAKE_RUNTIME_ROOT": store.state.root.path],
            workingDirectory: "/", argv0: "fake-runtime-monitor")
        let log = directory.appendingPathComponent("monitor.log").path
        if !Self.forkSupervisor(directory: directory.path, log: log, report: report.write) {
            let options = SpawnOptions(
                stdin: .null, stdout: .file(path: log, append: true), stderr: .file(path: log, append: true),
                newSession: true, extraDescriptors: [report.write])
            do {
                _ = try Subprocess.spawn(command, options: options)
            } catch {
                Descriptors.close(report.write)
                throw .startFailed("fake runtime could not start its supervisor: \(error)")
            }
        }
        Descriptors.close(report.write)
        let answer = (try? Descriptors.readAll(report.read, timeout: .seconds(60))) ?? nil
        let text = answer.map { String(decoding: $0, as: UTF8.self) } ?? ""
        let words = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ", maxSplits: 3).map(
            String.init)
        if words.first == "ok", let record = store.load(name) { return record }
        if words.first == "error", words.count >= 3 {
            let message = words.count > 3 ? words[3] : ""
            switch words[2] {
            case "notfound": throw .commandNotFound(message)
            case "notexec": throw .commandNotExecutable(message)
            default: throw .startFailed(message)
            }
        }
        throw .startFailed("fake runtime supervisor gave no start report (see \(log))")
    }
}

extension ContainerLauncher {
    /// Becomes the supervisor in a forked child of this command, which saves starting a new FakeRuntime process
    /// for every container (each start costs a few milliseconds of CPU, and a stack starts many at once). Only a
    /// process with a single thread can go on running Swift code after `fork`; with more, or if `fork` fails,
    /// this returns false and the caller spawns `__monitor` instead.
    static func forkSupervisor(directory: String, log: String, report: Int32) -> Bool {
        guard threadCount() == 1 else { return false }
        fflush(nil)
        let pid = fork()
        guard pid == 0 else { return pid > 0 }
        // The child: a session of its own, its output in the container's monitor log, the report pipe as
        // descriptor 3 and nothing else open, as `__monitor` would have it.
        setsid()
        let null = open("/dev/null", O_RDWR)
        let output = open(log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard null >= 0, output >= 0 else { _exit(125) }
        dup2(null, 0)
        dup2(output, 1)
        dup2(output, 2)
        if report != 3 { dup2(report, 3) }
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in descriptors.compactMap({ Int32($0) }) where fd > 3 { close(fd) }
        exit(ContainerMonitor.main(directory: directory))
    }

    private static func threadCount() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []).count
    }
}

/// The exec-status protocol between `__exec` and its supervisor: nothing (end-of-file) means the program runs.
enum ExecStatus {
    static func report(_ fd: Int32, code: Int32, kind: String, message: String) {
        Descriptors.writeAll(fd, Array("\(code) \(kind) \(message)".utf8))
    }
}
