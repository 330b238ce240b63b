import HTTPKit
import SystemKit
import TestSupport

/// A real server on a loopback port chosen by the kernel, with its log lines kept in memory.
struct TestServer {
    let server: HTTPServer
    let logs: MemorySink

    var port: UInt16 { server.address.port }

    static func start(
        _ router: Router, middleware: [any Middleware] = [], address: String = "127.0.0.1:0",
        configure: (inout ServerConfiguration) -> Void = { _ in }
    ) throws -> TestServer {
        var configuration = ServerConfiguration(address: try ListenAddress(parsing: address))
        configuration.connectionTimeout = .seconds(5)
        configure(&configuration)
        let logs = MemorySink(threshold: .debug)
        let server = try HTTPServer.start(
            configuration, application: Application(router: router, middleware: middleware),
            logger: Logger(component: "http", sink: logs))
        return TestServer(server: server, logs: logs)
    }

    /// A request on a new connection; `timeout` bounds each read and write (a request that waits on a gate needs
    /// longer than the default, since the test may take its time, on a busy machine, to open it).
    func fetch(
        _ method: String = "GET", _ target: String, host: String? = nil, headers: [(String, String)] = [],
        body: [UInt8] = [], timeout: Duration = .seconds(5)
    ) async throws -> HTTPTestResponse {
        let address = server.address.host
        return try await HTTPTestClient.fetch(
            method, target, port: port, address: address, host: host, headers: headers, body: body, timeout: timeout)
    }

    /// Lines of the log, rendered as they would be printed.
    var logLines: [String] { logs.records.map { $0.rendered() } }
}

extension HTTPTestResponse {
    var json: JSONValue? { try? JSONValue.parse(body) }
}

/// A gate a handler waits on until the test opens it; opening it twice is harmless.
actor Gate {
    private var open = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if open { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        open = true
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }
}
