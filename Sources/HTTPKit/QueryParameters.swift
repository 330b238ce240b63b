/// Decoded query parameters in the order they were sent; a name may repeat.
public struct QueryParameters: Sendable, Sequence {
    public let pairs: [(name: String, value: String)]

    public init(_ pairs: [(name: String, value: String)] = []) { self.pairs = pairs }

    /// The first value of `name`; an empty string for `?flag`, nil when absent.
    public subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    public func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// An optional integer parameter within `range`; 400 naming the parameter when it is not one.
    public func int(_ name: String, in range: ClosedRange<Int>) throws(HTTPError) -> Int? {
        guard let text = self[name] else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw HTTPError.invalidParameter(
                name, value: text, reason: "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// An optional boolean flag: `1`, `true`, `yes` or empty (`?keep`) are true; `0`, `false`, `no` are false.
    public func bool(_ name: String) throws(HTTPError) -> Bool? {
        guard let text = self[name] else { return nil }
        switch text.lowercased() {
        case "", "1", "true", "yes": return true
        case "0", "false", "no": return false
        default: throw HTTPError.invalidParameter(name, value: text, reason: "must be 1, true, yes, 0, false or no")
        }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { pairs.makeIterator() }
}
