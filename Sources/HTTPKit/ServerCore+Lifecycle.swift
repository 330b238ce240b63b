import CMicroHTTPD
import Glibc
import SystemKit

/// Handler timeouts, shutdown and the callbacks that end a request.
extension ServerCore {
    /// Answers handlers that overrun `limit` with 503, checking a few times per period, until shutdown.
    func watchHandlers(limit: Duration) async {
        let period = min(limit / 4, .seconds(1))
        while !Task.isCancelled {
            try? await Task.sleep(for: period)
            let cutoff = ContinuousClock.now - limit
            let overdue = inflight.withLock { $0.started(before: cutoff) }
            for exchange in overdue {
                logger.warning("handler timed out", ["request_id": requestID(exchange)])
                exchange.abandon(with: Self.unavailable("request timed out"))
                inflight.withLock { $0.remove(exchange) }
            }
        }
    }

    static func unavailable(_ reason: String) -> RenderedResponse {
        var response = Response.error(HTTPError.unavailable(reason)).rendered(prefersJSON: true)
        response.headers.set("Connection", "close")
        return response
    }

    func shutdown() async {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        watchdog.withLock { $0?.cancel() }
        guard let daemon = daemon.withLock({ $0 })?.pointer else { return }
        // From here on the listening socket is ours; shutting it down now makes new clients fail at once instead of
        // waiting in the kernel's backlog for a server that will never accept them. It is closed only after
        // MHD_stop_daemon, as libmicrohttpd asks: its polling threads may still be taking it out of their epoll sets,
        // and a descriptor closed under them makes libmicrohttpd abort the process.
        let listenSocket = MHD_quiesce_daemon(daemon)
        if listenSocket >= 0 { Glibc.shutdown(listenSocket, Int32(SHUT_RDWR)) }
        defer { if listenSocket >= 0 { close(listenSocket) } }
        await waitUntil(ContinuousClock.now + configuration.shutdownGracePeriod) { self.requestsInFlight == 0 }
        let unfinished = inflight.withLock { $0.close() }
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
    func waitUntil(_ deadline: ContinuousClock.Instant, _ condition: () -> Bool) async {
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
