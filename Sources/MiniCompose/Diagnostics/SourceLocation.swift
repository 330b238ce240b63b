/// Where a value came from: a file and a 1-based line and column.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A location for values that come from no file, such as command-line flags.
    public static func synthetic(_ origin: String) -> SourceLocation {
        SourceLocation(file: origin, line: 0, column: 0)
    }

    public var isSynthetic: Bool { line == 0 }

    public var description: String { isSynthetic ? file : "\(file):\(line):\(column)" }
}
