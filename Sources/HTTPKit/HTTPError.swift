/// An error that knows how an HTTP client sees it. Throw one from a handler or middleware and the client
/// receives `status` with the body `{"error": message, "detail": detail}`; any other error becomes a plain 500.
public protocol HTTPResponseError: Error, Sendable {
    var status: HTTPStatus { get }
    /// A short, stable description of what went wrong, for the `error` field.
    var message: String { get }
    /// Facts about the failure for the `detail` field; `.null` when there are none.
    var detail: JSONValue { get }
    /// Extra response headers, such as `Allow` or `WWW-Authenticate`.
    var headers: HTTPHeaders { get }
}

extension HTTPResponseError {
    public var detail: JSONValue { .null }
    public var headers: HTTPHeaders { HTTPHeaders() }
}

/// The errors the HTTP layer itself produces; applications may use them too.
public struct HTTPError: HTTPResponseError, Equatable, CustomStringConvertible {
    public var status: HTTPStatus
    public var message: String
    public var detail: JSONValue
    public var headers: HTTPHeaders

    public init(_ status: HTTPStatus, _ message: String, detail: JSONValue = .null, headers: HTTPHeaders = [:]) {
        self.status = status
        self.message = message
        self.detail = detail
        self.headers = headers
    }

    public static func == (lhs: HTTPError, rhs: HTTPError) -> Bool {
        lhs.status == rhs.status && lhs.message == rhs.message && lhs.detail == rhs.detail
            && lhs.headers.fields.elementsEqual(rhs.headers.fields, by: { $0 == $1 })
    }

    public var description: String { "\(status.rawValue) \(message)" }

    public static func badRequest(_ reason: String, detail: JSONValue = .null) -> HTTPError {
        HTTPError(.badRequest, reason, detail: detail)
    }

    public static func notFound(path: String) -> HTTPError {
        HTTPError(.notFound, "not found", detail: ["path": .string(path)])
    }

    public static func methodNotAllowed(_ method: HTTPMethod, allowed: [HTTPMethod]) -> HTTPError {
        let names = allowed.map(\.rawValue)
        return HTTPError(
            .methodNotAllowed, "method not allowed",
            detail: ["method": .string(method.rawValue), "allowed": .array(names.map { .string($0) })],
            headers: ["Allow": names.joined(separator: ", ")])
    }

    public static func invalidParameter(_ name: String, value: String, reason: String) -> HTTPError {
        HTTPError(
            .badRequest, "invalid parameter",
            detail: ["parameter": .string(name), "value": .string(String(value.prefix(80))), "reason": .string(reason)])
    }

    public static func contentTooLarge(limit: Int) -> HTTPError {
        HTTPError(.contentTooLarge, "request body too large", detail: ["limit_bytes": .int(Int64(limit))])
    }

    public static func unauthorized(_ reason: String) -> HTTPError {
        HTTPError(.unauthorized, "unauthorized", detail: .string(reason), headers: ["WWW-Authenticate": "Bearer"])
    }

    public static func forbidden(_ reason: String, detail: JSONValue = .null) -> HTTPError {
        HTTPError(.forbidden, reason, detail: detail)
    }

    public static func unavailable(_ reason: String) -> HTTPError {
        HTTPError(.serviceUnavailable, reason, headers: ["Connection": "close"])
    }

    /// What a client sees for an error that is not an `HTTPResponseError`: nothing about its cause.
    public static let internalError = HTTPError(.internalServerError, "internal server error")
}
