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
    private let idPrefix: String
    private let serials = Atomic<UInt64>(0)
    private let inflight = Mutex<[UInt64: Exchange]>([:])
    private let stopping = Atomic<Bool>(false)
    /// Requests whose head has arrived and whose response has not yet been sent in full.
    private let openRequests = Atomic<Int>(0)
    private let daemon = Mutex<DaemonHandle?>(nil)
    private let watchdog = Mutex<Task<Void, Never>?>(nil)

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

    // MARK: - Requests

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
        inflight.withLock { $0[exchange.serial] = exchange }
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
        inflight.withLock { _ = $0.removeValue(forKey: exchange.serial) }
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

    /// Answers on the polling thread without a handler; the body, if any is still coming, is not read.
    private func reject(
        _ exchange: Exchange, url: UnsafePointer<CChar>, method: UnsafePointer<CChar>, with error: HTTPError
    ) -> MHD_Result {
        // The request may be the malformed one being refused, so it is built without decoding anything.
        let connection = exchange.connection
        let request = Request(
            id: requestID(exchange), method: HTTPMethod(String(cString: method)), path: String(cString: url),
            segments: [], query: QueryParameters(), headers: headers(connection), body: [], serverAddress: address,
            logger: logger)
        var response = application.reject(request, with: error)
        if error.status == .contentTooLarge || error.status == .serviceUnavailable {
            response.headers.set("Connection", "close")
        }
        return queue(response, on: exchange.connection)
    }

    private func makeRequest(
        _ exchange: Exchange, url: UnsafePointer<CChar>, method: UnsafePointer<CChar>
    ) throws(HTTPError) -> Request {
        let connection = exchange.connection
        return try Request(
            id: requestID(exchange),
            method: HTTPMethod(String(cString: method)),
            path: String(cString: url),
            query: try queryParameters(connection),
            headers: headers(connection),
            body: exchange.body,
            serverAddress: address,
            logger: logger)
    }

    private func requestID(_ exchange: Exchange) -> String { "\(idPrefix)-\(exchange.serial)" }

    private func queue(_ response: RenderedResponse, on connection: OpaquePointer) -> MHD_Result {
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

    // MARK: - Reading the request

    private func header(_ connection: OpaquePointer, _ name: String) -> String? {
        MHD_lookup_connection_value(connection, .HEADER_KIND, name).map { String(cString: $0) }
    }

    private func headers(_ connection: OpaquePointer) -> HTTPHeaders {
        var headers = HTTPHeaders()
        withUnsafeMutablePointer(to: &headers) { pointer in
            _ = MHD_get_connection_values(connection, .HEADER_KIND, serverCollectHeader, pointer)
        }
        return headers
    }

    private func queryParameters(_ connection: OpaquePointer) throws(HTTPError) -> QueryParameters {
        var raw: [(String, String)] = []
        withUnsafeMutablePointer(to: &raw) { pointer in
            _ = MHD_get_connection_values(connection, .GET_ARGUMENT_KIND, serverCollectPair, pointer)
        }
        var decoded: [(name: String, value: String)] = []
        decoded.reserveCapacity(raw.count)
        for (name, value) in raw {
            guard let name = RequestTarget.queryDecoded(name), let value = RequestTarget.queryDecoded(value) else {
                throw HTTPError.badRequest(
                    "malformed percent-encoding in query", detail: .string(String(name.prefix(80))))
            }
            decoded.append((name, value))
        }
        return QueryParameters(decoded)
    }

    // MARK: - Handler timeout

    /// Answers handlers that overrun `limit` with 503, checking a few times per period, until shutdown.
    private func watchHandlers(limit: Duration) async {
        let period = min(limit / 4, .seconds(1))
        while !Task.isCancelled {
            try? await Task.sleep(for: period)
            let now = ContinuousClock.now
            let overdue = inflight.withLock { table in
                table.values.filter { now - $0.handlingSince > limit }
            }
            for exchange in overdue {
                logger.warning("handler timed out", ["request_id": requestID(exchange)])
                exchange.abandon(with: Self.unavailable("request timed out"))
                inflight.withLock { _ = $0.removeValue(forKey: exchange.serial) }
            }
        }
    }

    private static func unavailable(_ reason: String) -> RenderedResponse {
        var response = Response.error(HTTPError.unavailable(reason)).rendered(prefersJSON: true)
        response.headers.set("Connection", "close")
        return response
    }

    // MARK: - Shutdown

    func shutdown() async {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        watchdog.withLock { $0?.cancel() }
        guard let daemon = daemon.withLock({ $0 })?.pointer else { return }
        // From here on the listening socket is ours; closing it now makes new clients fail at once
        // instead of waiting in the kernel's backlog for a server that will never accept them.
        let listenSocket = MHD_quiesce_daemon(daemon)
        if listenSocket >= 0 { close(listenSocket) }
        await waitUntil(ContinuousClock.now + configuration.shutdownGracePeriod) { self.requestsInFlight == 0 }
        let unfinished = inflight.withLock { table in
            defer { table.removeAll() }
            return Array(table.values)
        }
        if !unfinished.isEmpty {
            logger.warning("answering unfinished requests with 503", ["count": String(unfinished.count)])
        }
        for exchange in unfinished {
            exchange.abandon(with: Self.unavailable("server is shutting down"))
        }
        // Responses just produced are still on their way out; stopping the daemon would cut them off.
        await waitUntil(ContinuousClock.now + .seconds(1)) { self.openRequests.load(ordering: .relaxed) == 0 }
        // Every suspended connection has now been resumed, which libmicrohttpd requires before stopping.
        MHD_stop_daemon(daemon)
        self.daemon.withLock { $0 = nil }
        Unmanaged.passUnretained(self).release()
        logger.info("stopped", ["address": address.description])
    }

    /// Polls `condition` until it holds or `deadline` passes; shutdown has no event to wait on for these.
    private func waitUntil(_ deadline: ContinuousClock.Instant, _ condition: () -> Bool) async {
        while !condition() && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    func requestCompleted(_ context: UnsafeMutablePointer<UnsafeMutableRawPointer?>) {
        guard let pointer = context.pointee else { return }
        Unmanaged<Exchange>.fromOpaque(pointer).release()
        context.pointee = nil
        openRequests.subtract(1, ordering: .relaxed)
    }

    func libraryLog(_ message: String) {
        logger.debug("libmicrohttpd", ["message": message])
    }
}
