import Foundation
import Glibc
import SystemKit

/// `FakeRuntime __monitor DIR`: the supervisor of one container. Starts the program, tells the starting command
/// (on descriptor 3) whether it runs, waits for it, and records how it ended.
enum ContainerMonitor {
    static func main(directory: String) -> Int32 {
        ProcessImage.ignore([SIGTERM, SIGINT, SIGHUP, SIGPIPE])
        let reportFD: Int32 = 3
        Descriptors.setCloseOnExec(reportFD)
        let url = URL(fileURLWithPath: directory)
        let store = ContainerStore(
            state: StateStore(root: url.deletingLastPathComponent().deletingLastPathComponent()),
            base: url.deletingLastPathComponent())
        let name = url.lastPathComponent
        let logger = Logger(component: "fake-runtime-monitor").with("container", name)
        guard let record = StateStore.read(ContainerRecord.self, from: store.recordURL(name)) else {
            Descriptors.writeAll(reportFD, Array("error 125 other container record missing".utf8))
            return 1
        }
        let child: ChildProcess
        switch start(record, store: store, directory: directory) {
        case .running(let started):
            child = started
        case .notStarted(let error):
            Descriptors.writeAll(reportFD, Array("error 125 other \(error)".utf8))
            return 1
        case .failed(let failure, let started):
            logger.notice("container did not start", ["reason": failure])
            let exit = started.flatMap { try? $0.wait() } ?? .exited(127)
            let parts = failure.split(separator: " ", maxSplits: 2).map(String.init)
            let code = parts.first.flatMap { Int32($0) } ?? exit.code
            _ = try? store.update(name) { current in
                current.exitCode = code
                current.error = parts.count > 2 ? parts[2] : failure
            }
            Descriptors.writeAll(reportFD, Array("error \(failure)".utf8))
            return 0
        }

        let started = StateStore.timestamp()
        let programStart = ProcessWatch.startTime(of: child.pid)
        let monitorStart = ProcessWatch.startTime(of: getpid())
        _ = try? store.update(name) { current in
            current.status = .running
            current.pid = child.pid
            current.programStartTime = programStart
            current.monitorPid = getpid()
            current.monitorStartTime = monitorStart
            current.startedAt = started
        }
        logger.info("container started", ["pid": "\(child.pid)", "command": record.path])
        Descriptors.writeAll(reportFD, Array("ok \(child.pid)\n".utf8))
        Descriptors.close(reportFD)

        var code: Int32
        if let seconds = record.faults.exitAfter {
            if let exit = try? child.wait(timeout: .milliseconds(Int64(seconds * 1000))) {
                code = exit.code
            } else {
                _ = try? child.signalGroup(SIGKILL)
                _ = try? child.wait()
                code = record.faults.exitCode
            }
        } else {
            code = ((try? child.wait()) ?? .exited(255)).code
        }
        // The program was the container's first process: whatever it left behind goes with it.
        _ = try? ProcessImage.send(SIGKILL, to: -child.pid)
        logger.info("container exited", ["pid": "\(child.pid)", "code": "\(code)"])
        let finished = StateStore.timestamp()
        let updated = try? store.update(name) { current in
            guard current.status == .running, current.pid == child.pid else { return }
            current.status = .exited
            current.exitCode = code
            current.finishedAt = finished
        }
        if let updated, updated.autoRemove { try? store.remove(name) }
        return 0
    }

    private enum Start {
        case running(ChildProcess)
        /// The program could not be started: `code kind message`, and the process that tried, if any.
        case failed(String, ChildProcess?)
        /// Nothing could be spawned at all.
        case notStarted(String)
    }

    /// Starts the container's program.
    ///
    /// A program that must wait before it starts, or an instance that runs nothing, goes through `__exec`, which
    /// reports on a pipe once it has replaced itself; any other program is spawned straight from here, in this
    /// process's mount namespace, saving a process per container start.
    private static func start(
        _ record: ContainerRecord, store: ContainerStore, directory: String
    ) -> Start {
        let output = SpawnOptions(
            stdin: .null, stdout: .file(path: record.stdoutLog, append: true),
            stderr: .file(path: record.stderrLog, append: true), newProcessGroup: true)
        if record.faults.startDelay == nil, !record.path.isEmpty {
            let binds = BindApplier.apply(record.binds)
            if !binds.isEmpty { _ = try? store.update(record.name) { $0.binds = binds } }
            let environment = record.environmentMap
            let program: String
            switch ProgramResolver.resolve(record.path, imageRoot: record.imageRoot, environment: environment) {
            case .success(let path):
                program = path
            case .failure(.notFound):
                return .failed("127 notfound \(record.path)", nil)
            case .failure(.notExecutable(let path)):
                return .failed("126 notexec \(path)", nil)
            }
            let command = Command(
                program, record.arguments, environment: environment, workingDirectory: record.hostWorkingDirectory,
                argv0: record.path)
            do {
                return .running(try Subprocess.spawn(command, options: output))
            } catch {
                appendLine("fake runtime: cannot start \(record.path): \(error)", to: record.stderrLog)
                return .failed("126 other \(error)", nil)
            }
        }
        let status: (read: Int32, write: Int32)
        do {
            status = try Descriptors.pipe()
        } catch {
            return .notStarted("\(error)")
        }
        let command = Command(
            ContainerLauncher.selfExecutable, ["__exec", directory], environment: ["PATH": ProgramResolver.defaultPath],
            workingDirectory: "/", argv0: "fake-runtime-exec")
        var options = output
        options.extraDescriptors = [status.write]
        let child: ChildProcess
        do {
            child = try Subprocess.spawn(command, options: options)
        } catch {
            Descriptors.close(status.write)
            Descriptors.close(status.read)
            return .notStarted("\(error)")
        }
        Descriptors.close(status.write)
        let failure = String(decoding: (try? Descriptors.readAll(status.read, timeout: nil)) ?? [], as: UTF8.self)
        Descriptors.close(status.read)
        return failure.isEmpty ? .running(child) : .failed(failure, child)
    }

    private static func appendLine(_ line: String, to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        Descriptors.writeAll(fd, Array((line + "\n").utf8))
        close(fd)
    }
}
