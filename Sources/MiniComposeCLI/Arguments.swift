/// A command-line mistake: exit code 2 and a message that names the option.
struct UsageError: Error {
    var message: String
}

/// A small, strict argument reader: options may come before or after the command, `--opt=value` and
/// `--opt value` both work, and anything not understood is an error naming it.
struct Arguments {
    private(set) var remaining: [String]

    init(_ arguments: [String]) { remaining = arguments }

    /// Removes every `--name VALUE` / `--name=VALUE` (and short alias) and returns the values in order.
    mutating func values(_ names: String...) throws(UsageError) -> [String] {
        var result: [String] = []
        var index = 0
        var kept: [String] = []
        while index < remaining.count {
            let word = remaining[index]
            if word == "--" {
                kept.append(contentsOf: remaining[index...])
                break
            }
            if names.contains(word) {
                guard index + 1 < remaining.count else { throw UsageError(message: "option \(word) needs a value") }
                result.append(remaining[index + 1])
                index += 2
                continue
            }
            if let equals = word.firstIndex(of: "="), word.hasPrefix("--"), names.contains(String(word[..<equals])) {
                result.append(String(word[word.index(after: equals)...]))
                index += 1
                continue
            }
            kept.append(word)
            index += 1
        }
        remaining = kept
        return result
    }

    /// The last value of an option given once or more, or nil.
    mutating func value(_ names: String...) throws(UsageError) -> String? {
        var result: [String] = []
        for name in names { result += try values(name) }
        return result.last
    }

    /// Removes a flag and says whether it was there.
    mutating func flag(_ names: String...) -> Bool {
        let before = remaining.count
        if let end = remaining.firstIndex(of: "--") {
            let head = remaining[..<end].filter { !names.contains($0) }
            remaining = Array(head) + remaining[end...]
        } else {
            remaining.removeAll { names.contains($0) }
        }
        return remaining.count != before
    }

    /// What is left after options were taken; an unknown option is an error.
    mutating func positionals() throws(UsageError) -> [String] {
        var result: [String] = []
        var afterDashes = false
        for word in remaining {
            if afterDashes {
                result.append(word)
            } else if word == "--" {
                afterDashes = true
            } else if word.hasPrefix("-") && word != "-" {
                throw UsageError(message: "unknown option \(word)")
            } else {
                result.append(word)
            }
        }
        remaining = []
        return result
    }
}
