/// A path pattern such as `/start/{id:name}`: literal segments and named parameters, trailing slash optional.
/// `{id}` accepts any non-empty segment; `{id:name}` only a safe name (see `PathConstraint.name`).
public struct RoutePattern: Sendable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String, PathConstraint)
    }

    let segments: [Segment]
    public let description: String

    /// Parses a pattern; a malformed pattern is a programming error and stops the program with the reason.
    public init(_ pattern: String) {
        precondition(pattern.hasPrefix("/"), "route pattern '\(pattern)' must start with '/'")
        var parsed: [Segment] = []
        for part in pattern.split(separator: "/") {
            if part.hasPrefix("{") {
                precondition(
                    part.hasSuffix("}") && part.count > 2, "route pattern '\(pattern)': bad parameter '\(part)'")
                let inner = part.dropFirst().dropLast().split(separator: ":", maxSplits: 1)
                let name = String(inner[0])
                let constraint: PathConstraint
                switch inner.count == 2 ? String(inner[1]) : "any" {
                case "any": constraint = .any
                case "name": constraint = .name
                default: preconditionFailure("route pattern '\(pattern)': unknown constraint in '\(part)'")
                }
                precondition(
                    !parsed.contains { if case .parameter(name, _) = $0 { true } else { false } },
                    "route pattern '\(pattern)': parameter '\(name)' appears twice")
                parsed.append(.parameter(name, constraint))
            } else {
                precondition(
                    !part.contains("{") && !part.contains("}"), "route pattern '\(pattern)': bad segment '\(part)'")
                parsed.append(.literal(String(part)))
            }
        }
        segments = parsed
        description = pattern
    }

    /// Number of literal segments: a more literal pattern wins over a parameter (`/stop/all` over `/stop/{id}`).
    var literalCount: Int { segments.count { if case .literal = $0 { true } else { false } } }

    /// True when the request segments have this pattern's shape (parameters are checked later).
    func fits(_ request: [String]) -> Bool {
        guard request.count == segments.count else { return false }
        for (segment, value) in zip(segments, request) {
            switch segment {
            case .literal(let literal): if literal != value { return false }
            case .parameter: if value.isEmpty { return false }
            }
        }
        return true
    }

    /// The parameters of a request that fits; 400 naming the first one its constraint refuses.
    func parameters(of request: [String]) throws(HTTPError) -> [String: String] {
        var values: [String: String] = [:]
        for (segment, value) in zip(segments, request) {
            guard case .parameter(let name, let constraint) = segment else { continue }
            if let reason = constraint.violation(value) {
                throw HTTPError.invalidParameter(name, value: value, reason: reason)
            }
            values[name] = value
        }
        return values
    }
}

/// What a path parameter may hold.
public enum PathConstraint: Sendable, Equatable {
    /// Any non-empty segment.
    case any
    /// `[A-Za-z0-9_.-]{1,64}`, and neither `.` nor `..`, so it is safe as a file name or container name part.
    case name

    /// Why `value` is refused, or nil when it is accepted.
    public func violation(_ value: String) -> String? {
        switch self {
        case .any: return value.isEmpty ? "must not be empty" : nil
        case .name: return Self.nameViolation(value)
        }
    }

    /// The rule for instance ids, service names and the like, reusable outside routing.
    public static func nameViolation(_ value: String) -> String? {
        let utf8 = value.utf8
        guard (1...64).contains(utf8.count), utf8.allSatisfy(isNameByte) else {
            return "must match [A-Za-z0-9_.-]{1,64}"
        }
        if value == "." || value == ".." { return "must not be '.' or '..'" }
        return nil
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
            true
        default: false
        }
    }
}
