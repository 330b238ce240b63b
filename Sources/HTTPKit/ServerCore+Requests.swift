import CMicroHTTPD
import SystemKit

/// Turning what libmicrohttpd parsed into a `Request`, and refusing requests without a handler.
extension ServerCore {
    /// Answers on the polling thread without a handler; the body, if any is still coming, is not read.
    func reject(
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

    func makeRequest(
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

    func requestID(_ exchange: Exchange) -> String { "\(idPrefix)-\(exchange.serial)" }

    func header(_ connection: OpaquePointer, _ name: String) -> String? {
        MHD_lookup_connection_value(connection, .HEADER_KIND, name).map { String(cString: $0) }
    }

    func headers(_ connection: OpaquePointer) -> HTTPHeaders {
        var headers = HTTPHeaders()
        withUnsafeMutablePointer(to: &headers) { pointer in
            _ = MHD_get_connection_values(connection, .HEADER_KIND, serverCollectHeader, pointer)
        }
        return headers
    }

    func queryParameters(_ connection: OpaquePointer) throws(HTTPError) -> QueryParameters {
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
}
