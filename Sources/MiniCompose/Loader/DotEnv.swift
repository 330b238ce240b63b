/// Reads `.env` and `env_file` files as Docker Compose does.
///
/// `KEY=VALUE` lines, an optional `export ` prefix, `#` comments, blank lines; single-quoted values are
/// literal, double-quoted ones understand `\n`, `\t`, `\"`, `\\` and may span lines; unquoted values are
/// trimmed and lose a trailing ` # comment`. Double-quoted and unquoted values are interpolated from the
/// variables defined above them, then from `lookup`.
struct DotEnvParser {
    struct Entry: Equatable {
        var name: String
        /// `nil` for a bare `KEY` line, which means "take the value from the environment".
        var value: String?
        var line: Int
    }

    let file: String

    func parse(_ text: String, lookup: [String: String]) throws(ComposeError) -> [Entry] {
        var entries: [Entry] = []
        var known = lookup
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        var index = 0
        while index < lines.count {
            let lineNumber = index + 1
            var line = Substring(lines[index])
            index += 1
            line = line.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7).drop { $0 == " " } }
            guard let equals = line.firstIndex(of: "=") else {
                let name = line.trimmingTrailingSpaces()
                try checkName(name, line: lineNumber)
                entries.append(Entry(name: name, value: nil, line: lineNumber))
                continue
            }
            let name = line[..<equals].trimmingTrailingSpaces()
            try checkName(name, line: lineNumber)
            var rest = line[line.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
            let value: String
            if let quote = rest.first, quote == "'" || quote == "\"" {
                rest = rest.dropFirst()
                var collected = String(rest)
                while !Self.hasClosingQuote(collected, quote: quote) {
                    guard index < lines.count else {
                        throw ComposeError(
                            .error(
                                "the value of \(name) opens a \(quote) quote that is never closed",
                                at: SourceLocation(file: file, line: lineNumber, column: 1)))
                    }
                    collected += "\n" + lines[index]
                    index += 1
                }
                let body = Self.bodyBeforeClosingQuote(collected, quote: quote)
                if quote == "'" {
                    value = body
                } else {
                    value = try interpolate(Self.unescape(body), known: known, line: lineNumber)
                }
            } else {
                var raw = String(rest)
                if let comment = raw.range(of: " #") ?? raw.range(of: "\t#") {
                    raw = String(raw[..<comment.lowerBound])
                }
                value = try interpolate(raw.trimmingTrailingSpaces(), known: known, line: lineNumber)
            }
            known[name] = value
            entries.append(Entry(name: name, value: value, line: lineNumber))
        }
        return entries
    }

    private func checkName(_ name: String, line: Int) throws(ComposeError) {
        guard EnvironmentName.isValid(name) else {
            throw ComposeError(
                .error(
                    "\"\(name)\" is not a valid variable name (\(EnvironmentName.rule))",
                    at: SourceLocation(file: file, line: line, column: 1)))
        }
    }

    private func interpolate(_ text: String, known: [String: String], line: Int) throws(ComposeError) -> String {
        do {
            return try Interpolator(variables: known).interpolate(text)
        } catch {
            let location = SourceLocation(file: file, line: line, column: 1)
            switch error {
            case .required(let variable, let message):
                throw ComposeError(.error("required variable \(variable) is missing a value: \(message)", at: location))
            case .invalidSyntax(let reason):
                throw ComposeError(.error("invalid interpolation: \(reason)", at: location))
            }
        }
    }

    private static func hasClosingQuote(_ text: String, quote: Character) -> Bool {
        var escaped = false
        for ch in text {
            if escaped {
                escaped = false
            } else if ch == "\\" && quote == "\"" {
                escaped = true
            } else if ch == quote {
                return true
            }
        }
        return false
    }

    private static func bodyBeforeClosingQuote(_ text: String, quote: Character) -> String {
        var escaped = false
        var body = ""
        for ch in text {
            if escaped {
                body.append(ch)
                escaped = false
            } else if ch == "\\" && quote == "\"" {
                body.append(ch)
                escaped = true
            } else if ch == quote {
                break
            } else {
                body.append(ch)
            }
        }
        return body
    }

    private static func unescape(_ text: String) -> String {
        var result = ""
        var escaped = false
        for ch in text {
            if escaped {
                switch ch {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                default: result.append(ch)
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else {
                result.append(ch)
            }
        }
        return result
    }
}

extension StringProtocol {
    func trimmingTrailingSpaces() -> String {
        var end = endIndex
        while end > startIndex {
            let before = index(before: end)
            guard self[before] == " " || self[before] == "\t" else { break }
            end = before
        }
        return String(self[startIndex..<end])
    }
}

/// Which environment variable names we accept.
enum EnvironmentName {
    static let rule = "a letter or _ first, then letters, digits, _, . or -"

    static func isValid(_ name: some StringProtocol) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII
                && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "." || $0 == "-")
        }
    }
}
