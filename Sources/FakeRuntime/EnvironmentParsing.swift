import Foundation

/// The environment rules of each real tool, so values the launcher passes get exactly the treatment they would.
enum EnvironmentParsing {
    /// `docker -e` / `--env-file` entry: `K=V` literally, or `K` alone taking the caller's value (skipped if unset).
    static func dockerEntry(_ entry: String, host: [String: String]) throws(FakeError) -> (String, String)? {
        let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard !parts[0].isEmpty else {
            throw .invalidArgument("invalid environment variable: \(entry)", command: "run")
        }
        if parts.count == 2 { return (parts[0], parts[1]) }
        guard !parts[0].contains(where: \.isWhitespace) else {
            throw .invalidArgument("variable '\(parts[0])' contains whitespaces", command: "run")
        }
        return host[parts[0]].map { (parts[0], $0) }
    }

    /// A docker `--env-file`: one entry per line, `#` comments and blank lines skipped, no quote processing.
    static func dockerFile(_ path: String, host: [String: String]) throws(FakeError) -> [(String, String)] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .startFailed("open \(path): no such file or directory")
        }
        var result: [(String, String)] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            let trimmed = String(line.drop(while: { $0 == " " || $0 == "\t" }))
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if let pair = try dockerEntry(trimmed, host: host) { result.append(pair) }
        }
        return result
    }

    /// Apptainer's `--env` value, parsed as pflag's string-to-string flag: with one `=` the whole value is one
    /// pair (surrounding quotes trimmed); with more, the value is read as a CSV record and each field is a pair.
    /// So `A=x,y` stays whole, but `A=1,B=2` is two variables and `A=b=c,d` is an error.
    static func apptainerEnvFlag(_ value: String) throws(FakeError) -> [(String, String)] {
        let fields: [String]
        switch value.filter({ $0 == "=" }).count {
        case 0:
            throw .invalidArgument(
                "invalid argument \"\(value)\" for \"--env\" flag: \(value) must be formatted as key=value",
                command: "run")
        case 1:
            fields = [value.trimmingCharacters(in: CharacterSet(charactersIn: "\""))]
        default:
            fields = try csvRecord(value)
        }
        var result: [(String, String)] = []
        for field in fields {
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else {
                throw .invalidArgument(
                    "invalid argument \"\(value)\" for \"--env\" flag: \(field) must be formatted as key=value",
                    command: "run")
            }
            result.append((parts[0], parts[1]))
        }
        return result
    }

    /// One CSV record as Go's encoding/csv reads it: fields split on commas, `"` quoting only at a field's start.
    static func csvRecord(_ text: String) throws(FakeError) -> [String] {
        var fields: [String] = []
        var current = ""
        var characters = Array(text)[...]
        var column = 0
        while true {
            if characters.first == "\"" {
                characters.removeFirst()
                column += 1
                while true {
                    guard let c = characters.popFirst() else {
                        throw .invalidArgument(
                            "parse error on line 1, column \(column): extraneous or missing \" in quoted-field",
                            command: "run")
                    }
                    column += 1
                    if c == "\"" {
                        if characters.first == "\"" {
                            characters.removeFirst()
                            current.append("\"")
                        } else {
                            break
                        }
                    } else {
                        current.append(c)
                    }
                }
                if let next = characters.first, next != "," {
                    throw .invalidArgument(
                        "parse error on line 1, column \(column + 1): extraneous or missing \" in quoted-field",
                        command: "run")
                }
            } else {
                while let c = characters.first, c != "," {
                    characters.removeFirst()
                    column += 1
                    if c == "\"" {
                        throw .invalidArgument(
                            "parse error on line 1, column \(column): bare \" in non-quoted-field", command: "run")
                    }
                    current.append(c)
                }
            }
            fields.append(current)
            current = ""
            guard characters.first == "," else { break }
            characters.removeFirst()
            column += 1
        }
        return fields
    }

    /// Apptainer's `--env-file`, which the real tool evaluates as shell assignments: quotes are removed, `$NAME`
    /// and `${NAME}` expand (from earlier lines, then the given environment) outside single quotes, a backslash
    /// escapes the next character, and an unquoted space, `(`, `)`, `;`, `&`, `|`, `<`, `>` or a backtick is an error
    /// (the real tool would run a command there). So only values in single quotes are passed through untouched.
    static func apptainerFile(_ path: String, environment: [String: String]) throws(FakeError) -> [(String, String)] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .file(path: path, reason: "while processing \(path): no such file or directory")
        }
        var variables = environment
        var result: [(String, String)] = []
        // Statements end at an unquoted newline; a quoted value may span lines, as in a shell.
        var characters = Array(text)[...]
        var lineNumber = 1
        while !characters.isEmpty {
            while let c = characters.first, c == " " || c == "\t" || c == "\n" {
                if c == "\n" { lineNumber += 1 }
                characters.removeFirst()
            }
            guard !characters.isEmpty else { break }
            if characters.first == "#" {
                while let c = characters.first, c != "\n" { characters.removeFirst() }
                continue
            }
            let statementLine = lineNumber
            var word = String(characters.prefix { $0 != "=" && $0 != "\n" && $0 != " " })
            if word == "export" {
                characters = characters.dropFirst(word.count).drop { $0 == " " || $0 == "\t" }
                word = String(characters.prefix { $0 != "=" && $0 != "\n" && $0 != " " })
            }
            characters = characters.dropFirst(word.count)
            guard characters.first == "=", !word.isEmpty, word.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
            else {
                let rest = String(characters.prefix { $0 != "\n" })
                throw .other(
                    "while processing \(path): line \(statementLine): \"\(word)\(rest)\" is not a NAME=value assignment"
                )
            }
            characters.removeFirst()
            let value = try shellValue(&characters, lines: &lineNumber, variables: variables) { message in
                FakeError.other(
                    "while setting environment: while processing \(path): while evaluating environment script: "
                        + "while parsing script: apptainer:\(statementLine): \(message)")
            }
            variables[word] = value
            result.append((word, value))
        }
        return result
    }

    /// Reads one assignment's value up to an unquoted newline (consumed) or the end.
    private static func shellValue(
        _ characters: inout ArraySlice<Character>, lines: inout Int, variables: [String: String],
        error: (String) -> FakeError
    ) throws(FakeError) -> String {
        var result = ""
        var quote: Character?
        while let c = characters.popFirst() {
            if c == "\n" {
                lines += 1
                if quote == nil { break }
            }
            switch (quote, c) {
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case ("'", _):
                result.append(c)
            case (nil, "'"), (nil, "\""):
                quote = c
            case (_, "\\"):
                guard let next = characters.popFirst() else { break }
                if quote == "\"" && !"$`\"\\\n".contains(next) { result.append("\\") }
                result.append(next)
            case (_, "$"):
                result += expand(&characters, variables: variables)
            case (_, "`"):
                throw error("command substitution is not allowed in an environment file")
            case (nil, let other) where other.isWhitespace || "();&|<>".contains(other):
                throw error("a command can only contain words and redirects; encountered \(other)")
            default:
                result.append(c)
            }
        }
        if quote != nil { throw error("reached EOF without closing quote \(quote!)") }
        return result
    }

    private static func expand(_ characters: inout ArraySlice<Character>, variables: [String: String]) -> String {
        if characters.first == "{", let close = characters.firstIndex(of: "}") {
            let name = String(characters[characters.index(after: characters.startIndex)..<close])
            characters = characters[characters.index(after: close)...]
            return variables[name] ?? ""
        }
        var name = ""
        while let c = characters.first, c.isLetter || c.isNumber || c == "_" {
            name.append(c)
            characters.removeFirst()
        }
        return name.isEmpty ? "$" : variables[name] ?? ""
    }
}
