/// Splits a command string into words the way a POSIX shell would, without expanding anything:
/// what Compose does with a `command:` or `entrypoint:` given as one string.
enum ShellWords {
    struct Failure: Error {
        var reason: String
    }

    static func split(_ text: String) throws(Failure) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = text.makeIterator()
        while let ch = iterator.next() {
            switch ch {
            case " ", "\t", "\n":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            case "'":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "'" {
                        closed = true
                        break
                    }
                    current.append(next)
                }
                if !closed { throw Failure(reason: "a single quote is never closed") }
            case "\"":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "\"" {
                        closed = true
                        break
                    }
                    if next == "\\" {
                        guard let escaped = iterator.next() else { break }
                        if !["\"", "\\", "$", "`", "\n"].contains(escaped) { current.append("\\") }
                        if escaped != "\n" { current.append(escaped) }
                        continue
                    }
                    current.append(next)
                }
                if !closed { throw Failure(reason: "a double quote is never closed") }
            case "\\":
                inWord = true
                guard let escaped = iterator.next() else { throw Failure(reason: "it ends with a lone backslash") }
                if escaped != "\n" { current.append(escaped) }
            default:
                inWord = true
                current.append(ch)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
