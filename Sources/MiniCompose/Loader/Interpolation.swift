/// Compose variable substitution: `$VAR`, `${VAR}`, `${VAR:-x}`, `${VAR-x}`, `${VAR:?msg}`, `${VAR?msg}`,
/// `${VAR:+x}`, `${VAR+x}` and `$$`, with defaults that may themselves hold substitutions.
public struct Interpolator: Sendable {
    public enum Failure: Error, Equatable, Sendable {
        /// `${VAR:?msg}` or `${VAR?msg}` with the variable missing.
        case required(variable: String, message: String)
        /// A `$` that starts no valid substitution, or an unclosed `${`.
        case invalidSyntax(String)
    }

    public let variables: [String: String]

    public init(variables: [String: String]) { self.variables = variables }

    /// Substitutes every variable in `text`; `unset` receives each variable used without a value or a default.
    public func interpolate(_ text: String, unset: (String) -> Void = { _ in }) throws(Failure) -> String {
        guard text.utf8.contains(UInt8(ascii: "$")) else { return text }
        var scanner = Scanner(chars: Array(text.unicodeScalars), index: 0)
        return try substitute(&scanner, until: nil, unset: unset)
    }

    private struct Scanner {
        var chars: [Unicode.Scalar]
        var index: Int
        var atEnd: Bool { index >= chars.count }
        var current: Unicode.Scalar { chars[index] }
        func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            index + offset < chars.count ? chars[index + offset] : nil
        }
    }

    private static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")
    }

    private static func isNameChar(_ c: Unicode.Scalar) -> Bool {
        isNameStart(c) || (c >= "0" && c <= "9")
    }

    /// Copies text until `terminator` (a `}` closing a default) at nesting depth zero, substituting on the way.
    private func substitute(
        _ scanner: inout Scanner, until terminator: Unicode.Scalar?, unset: (String) -> Void
    ) throws(Failure) -> String {
        var output = String.UnicodeScalarView()
        while !scanner.atEnd {
            let c = scanner.current
            if let terminator, c == terminator { return String(output) }
            guard c == "$" else {
                output.append(c)
                scanner.index += 1
                continue
            }
            guard let next = scanner.peek(1) else {
                throw .invalidSyntax("a lone \"$\" at the end; write \"$$\" for a literal dollar sign")
            }
            if next == "$" {
                output.append("$")
                scanner.index += 2
            } else if next == "{" {
                scanner.index += 2
                output.append(contentsOf: try braced(&scanner, unset: unset).unicodeScalars)
            } else if Self.isNameStart(next) {
                scanner.index += 1
                let name = readName(&scanner)
                if let value = variables[name] {
                    output.append(contentsOf: value.unicodeScalars)
                } else {
                    unset(name)
                }
            } else {
                throw .invalidSyntax("\"$\(next)\" is not a variable; write \"$$\" for a literal dollar sign")
            }
        }
        if terminator != nil { throw .invalidSyntax("a \"${\" is never closed by \"}\"") }
        return String(output)
    }

    /// The index of the `}` that closes an argument starting at `start`, skipping nested `${...}` and `$$`
    /// without evaluating them.
    private static func closingBrace(_ chars: [Unicode.Scalar], from start: Int) throws(Failure) -> Int {
        var depth = 0
        var index = start
        while index < chars.count {
            let c = chars[index]
            if c == "$", index + 1 < chars.count, chars[index + 1] == "$" {
                index += 2
                continue
            }
            if c == "$", index + 1 < chars.count, chars[index + 1] == "{" {
                depth += 1
                index += 2
                continue
            }
            if c == "}" {
                if depth == 0 { return index }
                depth -= 1
            }
            index += 1
        }
        throw .invalidSyntax("a \"${\" is never closed by \"}\"")
    }

    private func readName(_ scanner: inout Scanner) -> String {
        var name = String.UnicodeScalarView()
        while !scanner.atEnd, Self.isNameChar(scanner.current) {
            name.append(scanner.current)
            scanner.index += 1
        }
        return String(name)
    }

    /// After `${`: a name, an optional operator and argument, then `}`.
    private func braced(_ scanner: inout Scanner, unset: (String) -> Void) throws(Failure) -> String {
        guard !scanner.atEnd, Self.isNameStart(scanner.current) else {
            throw .invalidSyntax("\"${\" must be followed by a variable name")
        }
        let name = readName(&scanner)
        guard !scanner.atEnd else { throw .invalidSyntax("\"${\(name)\" is never closed by \"}\"") }
        let value = variables[name]
        var op = String(scanner.current)
        if op == "}" {
            scanner.index += 1
            if value == nil { unset(name) }
            return value ?? ""
        }
        scanner.index += 1
        if op == ":" {
            guard !scanner.atEnd else { throw .invalidSyntax("\"${\(name):\" is never closed by \"}\"") }
            op += String(scanner.current)
            scanner.index += 1
        }
        guard ["-", ":-", "?", ":?", "+", ":+"].contains(op) else {
            throw .invalidSyntax("\"${\(name)\(op)\" uses an unknown operator; use :- - :? ? :+ or +")
        }
        // The argument is itself interpolated only when it is used, as in Compose.
        let start = scanner.index
        let end = try Self.closingBrace(scanner.chars, from: start)
        scanner.index = end + 1
        let isSet = value != nil
        let isSetAndNonEmpty = !(value ?? "").isEmpty
        func argument() throws(Failure) -> String {
            var inner = Scanner(chars: scanner.chars, index: start)
            return try substitute(&inner, until: "}", unset: unset)
        }
        switch op {
        case ":-": return isSetAndNonEmpty ? value! : try argument()
        case "-": return isSet ? value! : try argument()
        case ":+": return isSetAndNonEmpty ? try argument() : ""
        case "+": return isSet ? try argument() : ""
        case ":?":
            if isSetAndNonEmpty { return value! }
            throw .required(variable: name, message: try argument())
        default:  // "?"
            if isSet { return value! }
            throw .required(variable: name, message: try argument())
        }
    }
}
