import Foundation
import Glibc
import PortShift
import SystemKit

/// What `port_offset_server` does once its arguments are parsed; each returns the exit status.
enum ServerCommands {
    /// Writes `port_offset_server: error: <message>` to standard error.
    static func fail(_ message: String) {
        FileHandle.standardError.write(Data("port_offset_server: error: \(message)\n".utf8))
    }

    static func logger(_ configuration: OffsetServerConfiguration) -> Logger {
        let fromEnvironment = ProcessInfo.processInfo.environment["MINI_COMPOSE_LOG_LEVEL"].flatMap(
            LogLevel.init(name:))
        let threshold = min(configuration.logLevel, fromEnvironment ?? configuration.logLevel)
        return Logger(component: "port-offset-server", sink: StandardErrorSink(threshold: threshold))
    }

    /// `--check`: the configuration is already valid; also read the state file without serving.
    static func check(_ configuration: OffsetServerConfiguration) -> Int32 {
        let layout = configuration.layout
        var line =
            "configuration ok: listen \(configuration.listen), \(layout.maxGroups) groups,"
            + " offsets \(layout.firstOffset) to \(layout.largestOffset) step \(layout.window),"
            + " ports up to \(layout.highestSafePort) shift safely in every group"
        if let path = configuration.stateFile {
            do {
                let table = try OffsetStateFile(path: path).load(layout: layout)
                let directory = (path as NSString).deletingLastPathComponent
                guard FileManager.default.isWritableFile(atPath: directory.isEmpty ? "." : directory) else {
                    fail("state file \(path): its directory is missing or not writable")
                    return 1
                }
                line += "; state file \(path): \(table.count) groups"
            } catch {
                ServerCommands.fail("\(error)")
                return 1
            }
        }
        print(line)
        return 0
    }

    /// Serves until SIGTERM or SIGINT, which are taken synchronously by `sigtimedwait` rather than by a handler, or
    /// with `--exit-when-idle` until the table has been empty that long.
    static func run(_ configuration: OffsetServerConfiguration) -> Int32 {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let logger = logger(configuration)
        let server: PortOffsetServer
        do {
            server = try PortOffsetServer(configuration: configuration, logger: logger)
        } catch {
            ServerCommands.fail("\(error)")
            return 1
        }
        server.start()
        var idleSince = ContinuousClock.now
        while true {
            var wait = timespec(tv_sec: 1, tv_nsec: 0)
            let received = sigtimedwait(&signals, nil, &wait)
            if received > 0 {
                logger.info("stopping", ["signal": received == SIGTERM ? "SIGTERM" : "SIGINT"])
                break
            }
            guard let limit = configuration.exitWhenIdleSeconds else { continue }
            if !server.service.assignments.isEmpty {
                idleSince = ContinuousClock.now
            } else if idleSince.duration(to: .now) >= .milliseconds(Int64(limit * 1000)) {
                logger.info("stopping: no group for a while", ["idle_seconds": String(limit)])
                break
            }
        }
        server.stop()
        return 0
    }
}
