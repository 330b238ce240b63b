import Foundation
import Glibc
import Synchronization
import SystemKit

/// The port-offset server: a few threads each poll the shared listening socket and the connections they
/// accepted, so a slow or silent client only costs its own slot until its read timeout. Start it in-process
/// or through `port_offset_server`.
public final class PortOffsetServer: Sendable {
    public let configuration: OffsetServerConfiguration
    /// The address actually bound (the real port when the configuration asked for port 0).
    public let address: SocketAddress
    public let service: OffsetService
    private let logger: Logger
    private let listenFD: Int32
    private let wakeFD: Int32
    private let wakeWriteFD: Int32
    private let finished = DispatchSemaphore(value: 0)
    private let phase = Mutex(Phase.created)

    private enum Phase { case created, running, stopped }

    /// Loads the state file and binds the listening socket; `start()` begins serving.
    public init(configuration: OffsetServerConfiguration, logger: Logger) throws(OffsetServerError) {
        do {
            try configuration.validate()
        } catch {
            throw .configuration(error)
        }
        self.configuration = configuration
        self.logger = logger
        do {
            service = try OffsetService(
                layout: configuration.layout, stateFile: configuration.stateFile, logger: logger)
        } catch {
            throw .stateFile(error)
        }
        do {
            listenFD = try Socket.listen(on: configuration.listen)
        } catch {
            throw .socket(error)
        }
        Socket.setNonBlocking(listenFD, true)
        address = Socket.localAddress(of: listenFD) ?? configuration.listen
        var pipeFDs: [Int32] = [-1, -1]
        _ = pipe(&pipeFDs)
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        wakeFD = pipeFDs[0]
        wakeWriteFD = pipeFDs[1]
    }

    /// Serves on a thread of its own until `stop()`.
    public func start() {
        let shouldStart = phase.withLock { phase in
            guard phase == .created else { return false }
            phase = .running
            return true
        }
        guard shouldStart else { return }
        logger.info(
            "listening",
            [
                "address": address.host, "port": String(address.port),
                "groups": String(configuration.layout.maxGroups),
                "state_file": configuration.stateFile ?? "none",
            ])
        var perLoop = configuration
        perLoop.maxConnections = max(1, configuration.maxConnections / configuration.threads)
        let loopConfiguration = perLoop
        for index in 0..<configuration.threads {
            let thread = Thread { [self] in
                var loop = ServerLoop(
                    listenFD: listenFD, wakeFD: wakeFD, service: service, logger: logger,
                    configuration: loopConfiguration)
                loop.run()
                finished.signal()
            }
            thread.name = "port-offset-server-\(index)"
            thread.start()
        }
    }

    /// Stops serving, closes every connection and waits for the serving threads to finish.
    public func stop() {
        let wasRunning = phase.withLock { phase in
            defer { phase = .stopped }
            return phase
        }
        switch wasRunning {
        case .created:
            close(listenFD)
        case .running:
            // The byte is never read, so every loop sees the pipe readable and ends.
            var one: UInt8 = 1
            _ = write(wakeWriteFD, &one, 1)
            for _ in 0..<configuration.threads { finished.wait() }
            close(listenFD)
            logger.info("stopped", ["port": String(address.port)])
        case .stopped:
            return
        }
        close(wakeFD)
        close(wakeWriteFD)
    }

    deinit { stop() }
}

/// Why the server could not start.
public enum OffsetServerError: Error, CustomStringConvertible {
    case configuration(ConfigurationError)
    case stateFile(StateFileError)
    case socket(SocketError)

    public var description: String {
        switch self {
        case .configuration(let error): error.description
        case .stateFile(let error): error.description
        case .socket(let error): error.description
        }
    }
}
