/// One Dockerfile instruction, with the line it starts on (for error messages).
struct DockerfileInstruction: Equatable {
    let keyword: String
    let arguments: String
    let line: Int
}

/// Splits a Dockerfile into instructions: comments and blank lines dropped, `\` continuations joined.
enum DockerfileParser {
    static let known: Set<String> = [
        "FROM", "ARG", "ENV", "LABEL", "WORKDIR", "ENTRYPOINT", "CMD", "EXPOSE", "COPY", "ADD", "RUN", "USER",
        "SHELL", "STOPSIGNAL", "HEALTHCHECK", "VOLUME", "ONBUILD", "MAINTAINER",
    ]

    static func parse(_ text: String) throws(FakeError) -> [DockerfileInstruction] {
        var instructions: [DockerfileInstruction] = []
        var pending = ""
        var startLine = 0
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty && (line.isEmpty || line.hasPrefix("#")) { continue }
            if !pending.isEmpty && line.hasPrefix("#") { continue }
            if pending.isEmpty { startLine = index + 1 }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            pending += line
            let parts = pending.split(separator: " ", maxSplits: 1).map(String.init)
            let keyword = parts[0].uppercased()
            guard known.contains(keyword) else {
                throw .buildFailed("dockerfile parse error on line \(startLine): unknown instruction: \(parts[0])")
            }
            instructions.append(
                DockerfileInstruction(
                    keyword: keyword, arguments: parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "",
                    line: startLine))
            pending = ""
        }
        return instructions
    }

    /// Replaces `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+alt}` from `variables`; `\$` stays a dollar.
    static func substitute(_ text: String, _ variables: [String: String]) -> String {
        var result = ""
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if character == "\\", characters.first == "$" {
                result.append(characters.removeFirst())
                continue
            }
            guard character == "$", let next = characters.first else {
                result.append(character)
                continue
            }
            if next == "{", let close = characters.firstIndex(of: "}") {
                let body = String(characters[characters.index(after: characters.startIndex)..<close])
                characters = characters[characters.index(after: close)...]
                if let range = body.range(of: ":-") {
                    let value = variables[String(body[..<range.lowerBound])] ?? ""
                    result += value.isEmpty ? String(body[range.upperBound...]) : value
                } else if let range = body.range(of: ":+") {
                    let value = variables[String(body[..<range.lowerBound])] ?? ""
                    result += value.isEmpty ? "" : String(body[range.upperBound...])
                } else {
                    result += variables[body] ?? ""
                }
            } else if next.isLetter || next == "_" {
                var name = ""
                while let c = characters.first, c.isLetter || c.isNumber || c == "_" {
                    name.append(c)
                    characters.removeFirst()
                }
                result += variables[name] ?? ""
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// Parses `K=V K2="v 2"` (or the legacy `K some value`) into ordered pairs.
    static func pairs(_ text: String) -> [(String, String)] {
        let words = shellWords(text)
        if let first = words.first, !first.contains("=") {
            let value = text.trimmingCharacters(in: .whitespaces).dropFirst(first.count)
            return [(first, value.trimmingCharacters(in: .whitespaces))]
        }
        return words.map { word in
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }

    /// Splits on unquoted whitespace, removing the quotes (double quotes honour backslash escapes).
    static func shellWords(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var characters = Array(text)[...]
        while let c = characters.popFirst() {
            if let q = quote {
                if c == q {
                    quote = nil
                } else if c == "\\" && q == "\"", let next = characters.popFirst() {
                    current.append(next)
                } else {
                    current.append(c)
                }
            } else if c == "\"" || c == "'" {
                quote = c
                inWord = true
            } else if c == "\\", let next = characters.popFirst() {
                current.append(next)
                inWord = true
            } else if c.isWhitespace {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
