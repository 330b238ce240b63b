import Foundation

/// Renders diagnostics as a compiler does: `file:line:col: error: message`, the source line, a caret.
public struct DiagnosticRenderer: Sendable {
    /// Source text by file path, for quoting the offending line.
    private let sources: [String: String]

    public init(sources: [String: String]) { self.sources = sources }

    public func render(_ diagnostic: Diagnostic) -> String {
        var text = "\(diagnostic.location): \(diagnostic.severity.rawValue): \(diagnostic.message)\n"
        if let line = sourceLine(diagnostic.location) {
            // Tabs become one space so the caret lines up; other control characters are made visible.
            let expanded = String(
                String.UnicodeScalarView(
                    line.unicodeScalars.map {
                        $0 == "\t" ? " " : ($0.value < 0x20 || $0.value == 0x7F ? "\u{FFFD}" : $0)
                    }))
            text += "    \(expanded)\n"
            let caretColumn = max(1, min(diagnostic.location.column, expanded.count + 1))
            text += "    " + String(repeating: " ", count: caretColumn - 1) + "^\n"
        }
        if let suggestion = diagnostic.suggestion {
            text += "note: did you mean \"\(suggestion)\"?\n"
        }
        return text
    }

    /// Renders several diagnostics in file order (by file, line and column; file-less ones first).
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.enumerated().sorted { a, b in
            let x = a.element.location
            let y = b.element.location
            return (x.file, x.line, x.column, a.offset) < (y.file, y.line, y.column, b.offset)
        }.map { render($0.element) }.joined()
    }

    private func sourceLine(_ location: SourceLocation) -> String? {
        guard !location.isSynthetic, let text = sources[location.file] else { return nil }
        var current = 1
        var start = text.startIndex
        while current < location.line {
            guard let newline = text[start...].firstIndex(of: "\n") else { return nil }
            start = text.index(after: newline)
            current += 1
        }
        let end = text[start...].firstIndex(of: "\n") ?? text.endIndex
        return String(text[start..<end])
    }
}
