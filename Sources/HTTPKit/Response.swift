/// What a handler returns: a status, headers and a body that may render as JSON or as text.
public struct Response: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: Body

    public enum Body: Sendable {
        case empty
        /// Bytes sent as they are, whatever the client accepts.
        case raw([UInt8], contentType: String)
        /// Always JSON.
        case json(JSONValue)
        /// JSON when the client asks for `application/json`, else the short text (a line for a job log).
        case negotiated(json: JSONValue, text: String)
    }

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: Body = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func negotiated(_ json: JSONValue, text: String, status: HTTPStatus = .ok) -> Response {
        Response(status: status, body: .negotiated(json: json, text: text))
    }

    public static func json(_ json: JSONValue, status: HTTPStatus = .ok) -> Response {
        Response(status: status, body: .json(json))
    }

    public static func text(_ text: String, status: HTTPStatus = .ok) -> Response {
        Response(status: status, body: .raw(Array(text.utf8), contentType: ContentType.text))
    }

    public static func html(_ html: String, status: HTTPStatus = .ok) -> Response {
        Response(status: status, body: .raw(Array(html.utf8), contentType: ContentType.html))
    }

    /// The one error shape: `{"error": ..., "detail": ...}`, always JSON.
    public static func error(_ error: some HTTPResponseError) -> Response {
        Response(
            status: error.status, headers: error.headers,
            body: .json(["error": .string(error.message), "detail": error.detail]))
    }

    /// The bytes to send, given whether the client prefers JSON.
    func rendered(prefersJSON: Bool) -> RenderedResponse {
        var headers = headers
        let bytes: [UInt8]
        switch body {
        case .empty:
            bytes = []
        case .raw(let raw, let contentType):
            bytes = raw
            if !headers.contains("Content-Type") { headers.add("Content-Type", contentType) }
        case .json(let json):
            bytes = json.serializedLine()
            headers.set("Content-Type", ContentType.json)
        case .negotiated(let json, let text):
            if prefersJSON {
                bytes = json.serializedLine()
                headers.set("Content-Type", ContentType.json)
            } else {
                bytes = Array(text.utf8) + (text.hasSuffix("\n") ? [] : [10])
                headers.set("Content-Type", ContentType.text)
            }
            headers.add("Vary", "Accept")
        }
        return RenderedResponse(status: status, headers: headers, body: bytes)
    }
}

/// A response reduced to what goes on the wire.
public struct RenderedResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

enum ContentType {
    static let json = "application/json"
    static let text = "text/plain; charset=utf-8"
    static let html = "text/html; charset=utf-8"
}
