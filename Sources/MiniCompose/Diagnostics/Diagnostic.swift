/// One problem found in the input, with where it is and, when we can guess, what was meant.
public struct Diagnostic: Sendable, Hashable, Error {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public var severity: Severity
    public var message: String
    public var location: SourceLocation
    /// A likely intended spelling, shown as "did you mean ...".
    public var suggestion: String?

    public init(_ severity: Severity, _ message: String, at location: SourceLocation, suggestion: String? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
        self.suggestion = suggestion
    }

    public static func error(_ message: String, at location: SourceLocation, suggestion: String? = nil) -> Diagnostic {
        Diagnostic(.error, message, at: location, suggestion: suggestion)
    }

    public static func warning(_ message: String, at location: SourceLocation, suggestion: String? = nil) -> Diagnostic
    {
        Diagnostic(.warning, message, at: location, suggestion: suggestion)
    }

    /// `file:line:col: error: message; did you mean "x"?` on one line.
    public var summary: String {
        var text = "\(location): \(severity.rawValue): \(message)"
        if let suggestion { text += "; did you mean \"\(suggestion)\"?" }
        return text
    }
}

/// The error a load throws: every error found, plus the warnings seen before them.
public struct ComposeError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public init(_ diagnostic: Diagnostic) { self.diagnostics = [diagnostic] }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    public var description: String { diagnostics.map(\.summary).joined(separator: "\n") }
}

/// Collects diagnostics while a load goes on, so one run reports every problem it can.
struct DiagnosticBag {
    private(set) var items: [Diagnostic] = []

    var hasErrors: Bool { items.contains { $0.severity == .error } }

    mutating func error(_ message: String, at location: SourceLocation, suggestion: String? = nil) {
        items.append(.error(message, at: location, suggestion: suggestion))
    }

    mutating func warning(_ message: String, at location: SourceLocation, suggestion: String? = nil) {
        items.append(.warning(message, at: location, suggestion: suggestion))
    }

    mutating func append(_ diagnostic: Diagnostic) { items.append(diagnostic) }

    mutating func append(contentsOf other: [Diagnostic]) { items.append(contentsOf: other) }

    /// Throws when anything collected so far is an error.
    func check() throws(ComposeError) {
        if hasErrors { throw ComposeError(items) }
    }
}
