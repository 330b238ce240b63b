/// A Compose duration such as `1m30s`, `1.5s`, `100ms` or `2h`, held in nanoseconds.
public struct ComposeDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static func seconds(_ value: Double) -> ComposeDuration {
        ComposeDuration(nanoseconds: Int64((value * 1e9).rounded()))
    }

    public static func milliseconds(_ value: Int64) -> ComposeDuration {
        ComposeDuration(nanoseconds: value * 1_000_000)
    }

    public static let zero = ComposeDuration(nanoseconds: 0)

    public var seconds: Double { Double(nanoseconds) / 1e9 }

    public var swiftDuration: Duration { .nanoseconds(nanoseconds) }

    public static func < (lhs: ComposeDuration, rhs: ComposeDuration) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    private static let units: [(String, Double)] = [
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
    ]

    /// Why a text is not a duration, for the error message.
    public enum ParseError: Error, Equatable, Sendable {
        case empty, negative
        case missingUnit(String)
        case unknownUnit(String)
        case malformed, tooLarge
    }

    /// Parses Compose (Go) duration syntax: one or more `<number><unit>`, units ns us ms s m h.
    public static func parse(_ text: String) throws(ParseError) -> ComposeDuration {
        var rest = Substring(text.trimmingTrailingSpaces())
        if rest.isEmpty { throw .empty }
        if rest.hasPrefix("-") { throw .negative }
        if rest.hasPrefix("+") { rest = rest.dropFirst() }
        if rest == "0" { return .zero }
        var total: Double = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { throw .malformed }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard !unit.isEmpty else { throw .missingUnit(String(number)) }
            guard let scale = units.first(where: { $0.0 == unit })?.1 else { throw .unknownUnit(String(unit)) }
            rest = rest.dropFirst(unit.count)
            total += value * scale
        }
        guard total < 9.2e18 else { throw .tooLarge }
        return ComposeDuration(nanoseconds: Int64(total.rounded()))
    }

    /// Go's `time.Duration` spelling, which `docker compose config` prints: `1m30s`, `1.5s`, `100ms`, `2h0m0s`.
    public var description: String {
        var n = nanoseconds
        if n == 0 { return "0s" }
        let negative = n < 0
        if negative { n = -n }
        var text: String
        if n < 1_000_000_000 {
            let (unit, scale): (String, Int64) =
                n < 1_000 ? ("ns", 1) : n < 1_000_000 ? ("µs", 1_000) : ("ms", 1_000_000)
            text = Self.decimal(n, scale: scale) + unit
        } else {
            let hours = n / 3_600_000_000_000
            let minutes = (n / 60_000_000_000) % 60
            let rest = n % 60_000_000_000
            text = Self.decimal(rest, scale: 1_000_000_000) + "s"
            if hours > 0 || minutes > 0 { text = "\(minutes)m" + text }
            if hours > 0 { text = "\(hours)h" + text }
        }
        return negative ? "-" + text : text
    }

    private static func decimal(_ value: Int64, scale: Int64) -> String {
        let whole = value / scale
        var fraction = value % scale
        guard fraction != 0 else { return "\(whole)" }
        var digits = String(fraction)
        let width = String(scale).count - 1
        digits = String(repeating: "0", count: width - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        fraction = 0
        return "\(whole).\(digits)"
    }
}
