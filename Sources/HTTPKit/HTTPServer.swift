import CMicroHTTPD
import Glibc
import SystemKit

/// An HTTP/1.1 server on GNU libmicrohttpd: one internal polling thread (or a pool) with epoll, handlers
/// run as Swift tasks while their connection is suspended, so a slow handler never holds up the others.
///
/// ```swift
/// let server = try HTTPServer.start(configuration, application: Application(router: router), logger: logger)
/// print(server.address)  // the real port when 0 was asked for
/// await server.shutdown()
/// ```
///
/// Requests that libmicrohttpd refuses itself before any handler sees them (malformed syntax, headers over
/// its 32 KiB connection memory, an unknown HTTP version) get its own small HTML error page, not the JSON
/// error shape. A server must be shut down: dropping it leaves the daemon running.
public final class HTTPServer: Sendable {
    /// The address actually bound.
    public let address: ListenAddress
    private let core: ServerCore

    private init(address: ListenAddress, core: ServerCore) {
        self.address = address
        self.core = core
    }

    /// Binds the address and starts serving. Logs the bound address at info level.
    public static func start(
        _ configuration: ServerConfiguration, application: Application, logger: Logger
    ) throws(HTTPServerError) -> HTTPServer {
        let (fd, port): (Int32, UInt16)
        do {
            (fd, port) = try ListenSocket.open(configuration.address, backlog: 128)
        } catch {
            throw .socket(error)
        }
        let bound = configuration.address.with(port: port)
        let core = ServerCore(configuration: configuration, address: bound, application: application, logger: logger)
        guard core.startDaemon(listenSocket: fd) else {
            close(fd)
            throw .daemonStartFailed(address: bound.description)
        }
        logger.info("listening", ["address": bound.description])
        if bound.isWildcard {
            logger.warning("listening on every interface", ["address": bound.description])
        }
        return HTTPServer(address: bound, core: core)
    }

    /// Open connections right now, as libmicrohttpd counts them.
    public var connectionCount: Int { core.connectionCount }

    /// Requests whose handler is still running.
    public var requestsInFlight: Int { core.requestsInFlight }

    /// Stops accepting connections, lets running handlers finish for up to the grace period, answers the
    /// rest with 503, then closes every connection. Only the first call does the work; later calls return
    /// at once. Call it from outside any handler, or from a task a handler starts, since it waits for
    /// running handlers.
    public func shutdown() async {
        await core.shutdown()
    }
}
