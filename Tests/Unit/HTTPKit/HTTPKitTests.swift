import HTTPKit
import SystemKit
import Testing

/// Groups the HTTP layer's unit suites, so `swift test --filter HTTPKit` selects them.
@Suite enum HTTPKitTests {
    /// A request as the server would build it, for driving an `Application` without sockets.
    static func request(
        _ path: String, method: HTTPMethod = .get, headers: HTTPHeaders = [:], body: String = "",
        logs: MemorySink = MemorySink()
    ) throws -> Request {
        let address = try ListenAddress(parsing: "127.0.0.1:5000")
        var headers = headers
        if !headers.contains("Host") { headers.add("Host", "127.0.0.1:5000") }
        return try Request(
            id: "test-1", method: method, path: path, headers: headers, body: Array(body.utf8),
            serverAddress: address, logger: Logger(component: "http", sink: logs))
    }
}
