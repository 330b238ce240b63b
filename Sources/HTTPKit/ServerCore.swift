import CMicroHTTPD
import Glibc
import Synchronization
import SystemKit

/// The server's state shared with libmicrohttpd's callbacks (which reach it through an unmanaged pointer).
final class ServerCore: @unchecked Sendable {
    let configuration: ServerConfiguration
    let address: ListenAddress
    let application: Application
    let logger: Logger
    let idPrefix: String
    let serials = Atomic<UInt64>(0)
    let inflight = Mutex(InFlightTable())
    let stopping = Atomic<Bool>(false)
    /// Requests whose head has arrived and whose response has not yet been sent in full.
    let openRequests = Atomic<Int>(0)
    let daemon = Mutex<DaemonHandle?>(nil)
    let watchdog = Mutex<Task<Void, Never>?>(nil)

    /// The daemon pointer; libmicrohttpd's daemon calls used here are thread-safe.
    struct DaemonHandle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    init(configuration: ServerConfiguration, address: ListenAddress, application: Application, logger: Logger) {
        self.configuration = configuration
        self.address = address
        self.application = application
        self.logger = logger
        idPrefix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    func startDaemon(listenSocket fd: Int32) -> Bool {
        var flags =
            MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue
            | MHD_ALLOW_SUSPEND_RESUME.rawValue | MHD_USE_ERROR_LOG.rawValue
        if address.family == .ipv6 { flags |= MHD_USE_IPv6.rawValue }
        let this = Unmanaged.passRetained(self)
        let context = this.toOpaque()
        var options = [
            // The logger comes first so that messages about the other options reach it too.
            mc_mhd_option_logger(serverLibraryLog, context),
            mc_mhd_option_value(.LISTEN_SOCKET, Int(fd)),
            mc_mhd_option_value(.CONNECTION_LIMIT, max(1, configuration.connectionLimit)),
            mc_mhd_option_value(.CONNECTION_TIMEOUT, configuration.timeoutSeconds),
            mc_mhd_option_notify_completed(serverRequestCompleted, context),
            mc_mhd_option_unescape(serverKeepEscaped, context),
        ]
        if configuration.threads > 1 {
            options.append(mc_mhd_option_value(.THREAD_POOL_SIZE, configuration.threads))
        }
        options.append(mc_mhd_option_end())
        let started = options.withUnsafeMutableBufferPointer {
            mc_mhd_start_daemon(flags, serverAccess, context, $0.baseAddress)
        }
        guard let started else {
            this.release()
            return false
        }
        daemon.withLock { $0 = DaemonHandle(pointer: started) }
        if let limit = configuration.handlerTimeout {
            watchdog.withLock { $0 = Task { await self.watchHandlers(limit: limit) } }
        }
        return true
    }

    var connectionCount: Int {
        daemon.withLock { daemon in daemon.map { Int(mc_mhd_current_connections($0.pointer)) } ?? 0 }
    }

    var requestsInFlight: Int { inflight.withLock { $0.count } }

    /// The port libmicrohttpd says it listens on (0 if it cannot tell), as a cross-check of the socket's.
    var daemonPort: UInt16 {
        daemon.withLock { daemon in daemon.map { mc_mhd_bind_port($0.pointer) } ?? 0 }
    }

    func access(
        connection: OpaquePointer, url: UnsafePointer<CChar>, method: UnsafePointer<CChar>,
        upload: UnsafePointer<CChar>?, uploadSize: UnsafeMutablePointer<Int>,
        context: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) -> MHD_Result {
        guard let existing = context.pointee else {
            let exchange = Exchange(serial: serials.add(1, ordering: .relaxed).newValue, connection: connection)
            context.pointee = Unmanaged.passRetained(exchange).toOpaque()
            openRequests.add(1, ordering: .relaxed)
            if let length = header(connection, "Content-Length"), let size = Int(length),
                size > configuration.maxBodySize
            {
                exchange.oversized = true
                return reject(
                    exchange, url: url, method: method, with: .contentTooLarge(limit: configuration.maxBodySize))
            }
            return .YES
        }
        let exchange = Unmanaged<Exchange>.fromOpaque(existing).takeUnretainedValue()
        if uploadSize.pointee > 0 {
            receive(upload, count: uploadSize.pointee, into: exchange)
            uploadSize.pointee = 0
            return .YES
        }
        if let response = exchange.takeResponse() {
            return queue(response, on: connection)
        }
        if exchange.oversized {
            return reject(exchange, url: url, method: method, with: .contentTooLarge(limit: configuration.maxBodySize))
        }
        if stopping.load(ordering: .relaxed) {
            return reject(exchange, url: url, method: method, with: .unavailable("server is shutting down"))
        }
        let request: Request
        do {
            request = try makeRequest(exchange, url: url, method: method)
        } catch {
            return reject(exchange, url: url, method: method, with: error)
        }
        let (prepared, execution) = application.prepare(request)
        exchange.beginHandling()
        guard inflight.withLock({ $0.admit(exchange) }) else {
            return reject(exchange, url: url, method: method, with: .unavailable("server is shutting down"))
        }
        let application = application
        switch execution {
        case .pool:
            exchange.attach(
                Task {
                    let response = await application.respond(to: prepared)
                    self.complete(exchange, with: response)
                })
        case .immediate:
            exchange.attach(
                Task.immediate {
                    let response = await application.respond(to: prepared)
                    self.complete(exchange, with: response)
                })
        }
        if let response = exchange.responseOrSuspend() {
            return queue(response, on: connection)
        }
        return .YES
    }

    private func complete(_ exchange: Exchange, with response: RenderedResponse) {
        exchange.finish(with: response)
        inflight.withLock { $0.remove(exchange) }
    }

    private func receive(_ upload: UnsafePointer<CChar>?, count: Int, into exchange: Exchange) {
        guard !exchange.oversized, let upload else { return }
        guard exchange.body.count + count <= configuration.maxBodySize else {
            exchange.oversized = true
            exchange.body = []
            return
        }
        upload.withMemoryRebound(to: UInt8.self, capacity: count) {
            exchange.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: count))
        }
    }

    func queue(_ response: RenderedResponse, on connection: OpaquePointer) -> MHD_Result {
        let created = response.body.withUnsafeBytes { bytes in
            mc_mhd_response_copying(bytes.baseAddress, bytes.count)
        }
        guard let created else { return .NO }
        defer { MHD_destroy_response(created) }
        MHD_add_response_header(created, "X-Content-Type-Options", "nosniff")
        if !response.headers.contains("Cache-Control") {
            // State changes by the second; a cached answer would mislead.
            MHD_add_response_header(created, "Cache-Control", "no-store")
        }
        for (name, value) in response.headers where MHD_add_response_header(created, name, value) == .NO {
            logger.warning("response header refused", ["header": name])
        }
        return MHD_queue_response(connection, UInt32(response.status.rawValue), created)
    }
}
