import Foundation

/// The decoded path segments of a request target. The server receives the path undecoded, so an encoded
/// `/` (`%2F`) stays inside its segment instead of changing which route matches.
struct RequestTarget: Sendable {
    let segments: [String]

    /// Splits `/a/b/` into `["a", "b"]` (a trailing slash is optional everywhere) and percent-decodes each part.
    init(rawPath: String) throws(HTTPError) {
        guard rawPath.hasPrefix("/") else {
            throw HTTPError.badRequest(
                "malformed request target", detail: ["path": .string(String(rawPath.prefix(80)))])
        }
        var parts = rawPath.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst()
        if parts.last?.isEmpty == true { parts = parts.dropLast() }
        var decoded: [String] = []
        decoded.reserveCapacity(parts.count)
        for part in parts {
            guard let segment = Self.percentDecoded(Substring(part)) else {
                throw HTTPError.badRequest(
                    "malformed percent-encoding in path", detail: ["path": .string(String(rawPath.prefix(80)))])
            }
            decoded.append(segment)
        }
        segments = decoded
    }

    /// Decodes `%XX` escapes; nil for a broken escape or bytes that are not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        return text.removingPercentEncoding
    }

    /// Decodes a query key or value: `+` is a space, then `%XX` escapes.
    static func queryDecoded(_ text: String) -> String? {
        let spaced = text.utf8.contains(UInt8(ascii: "+")) ? text.replacingOccurrences(of: "+", with: " ") : text
        return percentDecoded(Substring(spaced))
    }
}
