import Foundation
import MiniCompose
import SystemKit

/// `mini-compose up`: start the stack and, in the foreground, watch it until Ctrl-C.
struct UpCommand {
    static let summary = "start the services in dependency order and watch their health"
    static let help = """
        Usage: mini-compose up [-d] [--id ID] [RUNTIME OPTIONS] [SERVICE...]

        Starts every service (or the SERVICEs named and what they need) as soon as its dependencies'
        conditions hold, shows each service's state, and keeps watching health and restart policies
        until Ctrl-C, which stops what it started. The exit status is 1 when a service failed.

          -d, --detach   return once every service is up (or failed) and leave the containers running;
                         health and restart policies are then no longer watched

        """ + LaunchOptions.help

    static func run(_ arguments: inout Arguments, global: GlobalOptions) throws(UsageError) -> Int32 {
        let detach = arguments.flag("-d", "--detach")
        var launch = LaunchOptions()
        try launch.take(from: &arguments, includeStartOptions: true)
        let services = try arguments.positionals()
        guard case .loaded(let project) = ProjectLoading.load(global, selecting: services) else { return 1 }
        let logger = global.logger
        var configuration = launch.configuration(for: project, services: services)
        configuration.portShift = try launch.portShiftSettings(for: project)
        // `up` comes and goes: an offset server it starts (`--offset-server auto`) runs as a process of its own.
        configuration.portShift?.serverExecutable = LaunchOptions.offsetServerExecutable()
        let instance: Instance
        do {
            instance = try Instance(configuration: configuration, logger: logger)
        } catch {
            Terminal.err("mini-compose: error: \(error.description)\n")
            return 1
        }
        let previous: InstanceState?
        do {
            previous = try InstanceState.load(
                workingDirectory: instance.configuration.workingDirectory, id: instance.id)
        } catch {
            Terminal.err("mini-compose: error: \(error.description)\n")
            return 1
        }
        if let previous, previous.phase == .running {
            if InstanceLookup.ownerAlive(previous) {
                Terminal.err(
                    "mini-compose: error: instance \"\(previous.id)\" is already run by mini-compose process "
                        + "\(previous.ownerPID)\n")
                return 1
            }
            return AsyncMain.run { await Self.up(instance, detach: detach, adopting: previous) }
        }
        return AsyncMain.run { await Self.up(instance, detach: detach, adopting: nil) }
    }

    private static func up(_ instance: Instance, detach: Bool, adopting previous: InstanceState?) async -> Int32 {
        let printer = ProgressPrinter()
        let interrupted = InterruptFlag()
        let watcher = SignalWatcher { _ in interrupted.set() }
        defer { watcher.cancel() }
        do {
            if let previous {
                Terminal.out(
                    "mini-compose: adopting instance \"\(previous.id)\" left by process \(previous.ownerPID)\n")
                try await instance.adopt(previous)
            } else {
                try await instance.start()
            }
        } catch {
            Terminal.err("mini-compose: error: \(error.description)\n")
            return 1
        }
        let progress = Task {
            while !Task.isCancelled {
                printer.show(await instance.snapshot())
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        while !interrupted.isSet {
            if await instance.snapshot().services.allSatisfy({ $0.state != .created && $0.state != .starting }) {
                break
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        var failed = await Self.anyFailed(instance)
        if detach && !interrupted.isSet {
            // The printer is not shared: the last lines are drawn only once the progress task has ended.
            progress.cancel()
            await progress.value
            printer.show(await instance.snapshot())
            return failed ? 1 : 0
        }
        if !interrupted.isSet {
            Terminal.out("mini-compose: watching instance \"\(instance.id)\"; press Ctrl-C to stop it\n")
        }
        while !interrupted.isSet { try? await Task.sleep(for: .milliseconds(100)) }
        failed = await Self.anyFailed(instance) || failed
        progress.cancel()
        await progress.value
        Terminal.out("mini-compose: stopping instance \"\(instance.id)\"\n")
        await instance.stop()
        printer.show(await instance.snapshot())
        return failed ? 1 : 0
    }

    private static func anyFailed(_ instance: Instance) async -> Bool {
        await instance.snapshot().services.contains {
            if case .failed = $0.state { return true }
            if case .exited(let code) = $0.state, code != 0 { return true }
            return false
        }
    }
}

/// Set from a signal callback, read by the command's loop.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// Runs async command code from the synchronous `main` and returns its exit status.
enum AsyncMain {
    static func run(_ body: @escaping @Sendable () async -> Int32) -> Int32 {
        let result = ResultBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            result.value = await body()
            done.signal()
        }
        done.wait()
        return result.value
    }

    private final class ResultBox: @unchecked Sendable {
        var value: Int32 = 0
    }
}
