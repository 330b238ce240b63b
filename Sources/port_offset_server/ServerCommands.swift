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

    /// Serves until SIGTERM or SIGINT, which are taken synchronously by `sigwait` rather than by a handler.
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
        var received: Int32 = 0
        sigwait(&signals, &received)
        logger.info("stopping", ["signal": received == SIGTERM ? "SIGTERM" : "SIGINT"])
        server.stop()
        return 0
    }
}
