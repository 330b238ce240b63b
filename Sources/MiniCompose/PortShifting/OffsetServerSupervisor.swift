import Foundation
import PortShift
import SystemKit

/// Makes sure an offset server answers before instances ask it for offsets: uses the one at the configured
/// address, or starts one in this process when asked to (`--offset-server auto`), and stops it when it started it
/// and no instance needs it any more.
public actor OffsetServerSupervisor {
    private var ownServer: PortOffsetServer?
    private var users: Set<String> = []
    private let logger: Logger

    public init(logger: Logger = Logger(component: "portshift")) { self.logger = logger }

    /// Reserves an offset for `group` (after starting a server if needed and allowed).
    public func acquire(group: String, settings: PortShiftSettings, stateDirectory: String) async throws(LaunchError)
        -> Int
    {
        let client: OffsetClient
        do {
            client = try OffsetClient(address: settings.serverAddress)
        } catch {
            throw .unsupported("PortShift: the offset server address \(settings.serverAddress) is not valid: \(error)")
        }
        if !(await Self.offPool { client.isReachable() }) {
            guard settings.startServerIfMissing else {
                throw .unsupported(
                    "PortShift: no offset server answers at \(settings.serverAddress); start port_offset_server or "
                        + "use --offset-server auto")
            }
            if let executable = settings.serverExecutable {
                try await startDetachedServer(executable, client: client, stateDirectory: stateDirectory)
            } else {
                try startServer(at: client.address, stateDirectory: stateDirectory)
            }
        }
        let offset: Int
        do {
            offset = try await Self.offPool { () throws(OffsetClientError) -> Int in try client.offset(for: group) }
        } catch {
            throw .unsupported("PortShift: cannot get an offset for group \(group): \(error)")
        }
        users.insert(group)
        logger.info("offset reserved", ["group": group, "offset": String(offset)])
        return offset
    }

    /// Releases the group's offset, and stops an offset server this process started once nothing uses it.
    public func release(group: String, settings: PortShiftSettings) async {
        users.remove(group)
        if let client = try? OffsetClient(address: settings.serverAddress) {
            do {
                try await Self.offPool { () throws(OffsetClientError) in try client.release(group) }
                logger.info("offset released", ["group": group])
            } catch {
                logger.warning("cannot release offset", ["group": group, "error": "\(error)"])
            }
        }
        if users.isEmpty, let server = ownServer {
            server.stop()
            ownServer = nil
            logger.info("offset server stopped", ["address": server.address.description])
        }
    }

    private func startServer(at address: SocketAddress, stateDirectory: String) throws(LaunchError) {
        guard ownServer == nil else { return }
        try? FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let configuration = OffsetServerConfiguration(listen: address, stateFile: stateDirectory + "/offsets.state")
        do {
            let server = try PortOffsetServer(
                configuration: configuration, logger: logger.child(component: "offset-server"))
            server.start()
            ownServer = server
            logger.info("offset server started", ["address": server.address.description])
        } catch {
            throw .unsupported("PortShift: cannot start an offset server at \(address): \(error)")
        }
    }

    /// Starts `port_offset_server` in a session of its own and waits until it answers. It keeps running after this
    /// process ends, for every copy on the node, and exits by itself once no group has held an offset for
    /// `detachedServerIdleSeconds`.
    private func startDetachedServer(
        _ executable: String, client: OffsetClient, stateDirectory: String
    ) async throws(LaunchError) {
        try? FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let log = stateDirectory + "/offset-server.log"
        let address = client.address.description
        let child: ChildProcess
        do {
            child = try Subprocess.spawn(
                Command(
                    executable,
                    [
                        "--listen", address, "--state-file", stateDirectory + "/offsets.state", "--exit-when-idle",
                        String(Self.detachedServerIdleSeconds),
                    ]),
                options: SpawnOptions(
                    stdin: .null, stdout: .file(path: log, append: true), stderr: .file(path: log, append: true),
                    newSession: true))
        } catch {
            throw .unsupported("PortShift: cannot start \(executable): \(error)")
        }
        let deadline = ContinuousClock.now + .seconds(10)
        // Another launcher may have started one at the same moment: whichever binds first serves both.
        while !(await Self.offPool { client.isReachable() }) {
            guard ContinuousClock.now < deadline else {
                throw .unsupported("PortShift: the offset server started at \(address) does not answer; see \(log)")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        logger.info("offset server started", ["address": address, "pid": String(child.pid), "log": log])
    }

    /// Long enough for a `down` followed by an `up` in a script; short enough not to outlast the copies for long.
    static let detachedServerIdleSeconds = 10

    /// Blocking socket work on its own thread, off the concurrency pool.
    static func offPool<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: Result { () throws(E) -> T in try work() }) }
        }
        return try result.get()
    }

    static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }
}
