import Foundation
import MiniCompose
import SystemKit

/// The process `up -d` leaves behind: it adopts the instance once `up -d` has exited and keeps its health checks,
/// crash detection and restart policies going until `down` (or another mini-compose) takes the instance over,
/// or until SIGTERM or SIGINT, which stop the instance as Ctrl-C on `up` would.
enum UpWatcher {
    /// Starts `mini-compose` again with this command line, less `-d`, plus `--watch-after <this pid>`, in a session
    /// of its own, its output appended to `watch.log` in the instance's state directory.
    static func spawn(for instance: Instance) {
        let log = instance.configuration.stateDirectory + "/watch.log"
        let dropped: Set<String> = ["-d", "--detach", "--no-watch"]
        var arguments = Array(CommandLine.arguments.dropFirst())
        if let end = arguments.firstIndex(of: "--") {
            arguments = arguments[..<end].filter { !dropped.contains($0) } + arguments[end...]
        } else {
            arguments.removeAll { dropped.contains($0) }
        }
        arguments.insert(
            contentsOf: ["--watch-after", String(getpid())], at: arguments.firstIndex(of: "--") ?? arguments.endIndex)
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        do {
            let child = try Subprocess.spawn(
                Command(executable, arguments),
                options: SpawnOptions(
                    stdin: .null, stdout: .file(path: log, append: true), stderr: .file(path: log, append: true),
                    newSession: true))
            Terminal.out(
                "mini-compose: process \(child.pid) keeps watching health checks and restart policies (log: \(log));"
                    + " `mini-compose down` stops the instance\n")
        } catch {
            Terminal.err(
                "mini-compose: warning: cannot start the watcher, so health and restart policies are no longer "
                    + "watched: \(error)\n")
        }
    }

    /// Waits for `owner` (the `up -d` that started this process) to exit, then adopts the instance it left.
    static func watch(_ instance: Instance, after owner: Int32, logger: Logger) async -> Int32 {
        let received = ReceivedSignal()
        let signals = SignalWatcher([SIGINT, SIGTERM, Watcher.handOverSignal]) { received.set($0) }
        defer { signals.cancel() }
        let deadline = ContinuousClock.now + .seconds(60)
        while ProcessWatch.isRunning(owner), ContinuousClock.now < deadline, received.value == nil {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let configuration = instance.configuration
        guard received.value == nil,
            let state = try? InstanceState.load(workingDirectory: configuration.workingDirectory, id: instance.id),
            state.phase == .running, state.ownerPID == owner, !ProcessWatch.isRunning(owner)
        else {
            logger.info("nothing to watch", ["instance": instance.id])
            return 0
        }
        do {
            await instance.becomeWatcher()
            try await instance.adopt(state)
        } catch {
            logger.error("cannot watch the instance", ["instance": instance.id, "error": error.description])
            return 1
        }
        logger.info("watching instance", ["instance": instance.id])
        let statePath = InstanceState.path(workingDirectory: configuration.workingDirectory, id: instance.id)
        while received.value == nil {
            try? await Task.sleep(for: .milliseconds(100))
            // Its state removed from under it (the working directory deleted), the instance is nobody's to watch.
            guard FileManager.default.fileExists(atPath: statePath) else {
                logger.warning("instance state removed; no longer watching", ["instance": instance.id])
                return 0
            }
        }
        if received.value == Watcher.handOverSignal {
            logger.info("handing the instance over", ["instance": instance.id])
            return 0
        }
        logger.info("stopping the instance", ["instance": instance.id])
        await instance.stop()
        return 0
    }
}

/// The first signal a watcher received, set from the signal callback.
final class ReceivedSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Int32?

    func set(_ signal: Int32) { lock.withLock { if first == nil { first = signal } } }
    var value: Int32? { lock.withLock { first } }
}
