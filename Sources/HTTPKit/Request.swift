import Foundation
import SystemKit

/// One HTTP request as a handler sees it: decoded path, query, case-insensitive headers and the whole body.
public struct Request: Sendable {
    /// Unique within the process; sent back as `X-Request-Id` and on every log line about this request.
    public let id: String
    public let method: HTTPMethod
    /// The path as the client sent it, without the query and still percent-encoded.
    public let path: String
    /// The path's segments, percent-decoded, without empty trailing segment.
    public let segments: [String]
    public let query: QueryParameters
    public let headers: HTTPHeaders
    public let body: [UInt8]
    /// The address the server is bound to (the port is the real one when port 0 was asked for).
    public let serverAddress: ListenAddress
    /// Filled in by the router: the matched route's parameters, such as `id` in `/start/{id}`.
    public internal(set) var parameters: [String: String] = [:]
    /// The matched route, if any, so middleware can see whether it changes state.
    public internal(set) var route: RouteInfo?
    /// The router's verdict, looked up once before middleware runs.
    var match: Router.Match?
    /// A logger whose every line carries this request's id.
    public var logger: Logger

    public init(
        id: String, method: HTTPMethod, path: String, query: QueryParameters = QueryParameters(),
        headers: HTTPHeaders = [:], body: [UInt8] = [], serverAddress: ListenAddress, logger: Logger
    ) throws(HTTPError) {
        try self.init(
            id: id, method: method, path: path, segments: RequestTarget(rawPath: path).segments, query: query,
            headers: headers, body: body, serverAddress: serverAddress, logger: logger)
    }

    /// Takes the segments as given, for answering a request whose path could not be decoded.
    init(
        id: String, method: HTTPMethod, path: String, segments: [String], query: QueryParameters,
        headers: HTTPHeaders, body: [UInt8], serverAddress: ListenAddress, logger: Logger
    ) {
        self.id = id
        self.method = method
        self.path = path
        self.segments = segments
        self.query = query
        self.headers = headers
        self.body = body
        self.serverAddress = serverAddress
        self.logger = logger.with("request_id", id)
    }

    /// How the matched route's handler runs; error answers are quick, so they run at once.
    var execution: HandlerExecution {
        if case .found(let route) = match { return route.execution }
        return .immediate
    }

    /// True when the client asked for JSON with `Accept: application/json`.
    public var prefersJSON: Bool { ContentNegotiation.prefersJSON(accept: headers["Accept"]) }

    /// A path parameter the route declared; a missing one is a programming error reported as a 500.
    public func parameter(_ name: String) throws -> String {
        guard let value = parameters[name] else { throw MissingRouteParameter(name: name) }
        return value
    }

    /// The body as JSON; 400 with the reason when it is empty or malformed.
    public func jsonBody() throws(HTTPError) -> JSONValue {
        guard !body.isEmpty else { throw HTTPError.badRequest("request body is empty", detail: "expected JSON") }
        do {
            return try JSONValue.parse(body)
        } catch {
            throw HTTPError.badRequest("request body is not valid JSON", detail: .string(error.reason))
        }
    }

    /// The body decoded as `T`; 400 with the decoder's reason when it does not fit.
    public func decodeJSON<T: Decodable>(_ type: T.Type) throws(HTTPError) -> T {
        guard !body.isEmpty else { throw HTTPError.badRequest("request body is empty", detail: "expected JSON") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
            let DecodingError.dataCorrupted(context)
        {
            throw HTTPError.badRequest(
                "request body does not match the expected JSON", detail: .string(Self.describe(context)))
        } catch DecodingError.keyNotFound(let key, _) {
            throw HTTPError.badRequest(
                "request body does not match the expected JSON", detail: .string("missing key \(key.stringValue)"))
        } catch {
            throw HTTPError.badRequest("request body is not valid JSON")
        }
    }

    private static func describe(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
    }
}

/// What middleware may know about the route a request matched.
public struct RouteInfo: Sendable {
    public let pattern: String
    /// True for methods other than GET/HEAD/OPTIONS, and for GET routes registered as changing state.
    public let changesState: Bool
}

struct MissingRouteParameter: Error {
    let name: String
}
