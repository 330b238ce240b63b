import Foundation

/// The part of Go's text/template that `--format` arguments use: `{{.A.B}}`, `{{json .A}}`, `{{.}}`,
/// `{{index .Labels "k"}}`, `{{join .List ","}}`, `{{lower .A}}` and `{{upper .A}}`, with literal text between.
enum GoTemplate {
    static func render(_ template: String, _ value: Any) throws(FakeError) -> String {
        var output = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            output += unescape(rest[..<open.lowerBound])
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw .other("template parsing error: template: :1: unclosed action")
            }
            var action = rest[open.upperBound..<close.lowerBound]
            if action.hasPrefix("-") { action = action.dropFirst() }
            if action.hasSuffix("-") { action = action.dropLast() }
            output += try evaluate(action.trimmingCharacters(in: .whitespaces), value)
            rest = rest[close.upperBound...]
        }
        return output + unescape(rest)
    }

    /// Docker turns the two-character `\n` and `\t` of a format into real ones.
    private static func unescape(_ text: Substring) -> String {
        text.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\t", with: "\t")
    }

    private static func evaluate(_ action: String, _ root: Any) throws(FakeError) -> String {
        let words = DockerfileParser.shellWords(action)
        guard let first = words.first else { return "" }
        switch first {
        case "json":
            guard words.count == 2 else { throw .other("template: wrong number of args for json") }
            return json(try lookup(words[1], root))
        case "index":
            guard words.count == 3 else { throw .other("template: wrong number of args for index") }
            let container = try lookup(words[1], root)
            if let map = container as? [String: Any] { return format(map[words[2]]) }
            if let array = container as? [Any], let position = Int(words[2]), array.indices.contains(position) {
                return format(array[position])
            }
            return "<no value>"
        case "join":
            guard words.count == 3 else { throw .other("template: wrong number of args for join") }
            let list = (try lookup(words[1], root) as? [Any]) ?? []
            return list.map { format($0) }.joined(separator: words[2])
        case "lower", "upper":
            guard words.count == 2 else { throw .other("template: wrong number of args for \(first)") }
            let text = format(try lookup(words[1], root))
            return first == "lower" ? text.lowercased() : text.uppercased()
        default:
            guard words.count == 1, first.hasPrefix(".") else {
                throw .other("template parsing error: template: :1: function \"\(first)\" not defined")
            }
            return format(try lookup(first, root))
        }
    }

    private static func lookup(_ path: String, _ root: Any) throws(FakeError) -> Any? {
        guard path.hasPrefix(".") else { throw .other("template: bad field reference \(path)") }
        var current: Any? = root
        for key in path.dropFirst().split(separator: ".") {
            guard let map = current as? [String: Any] else {
                throw .other("template: executing \"\" at <\(path)>: can't evaluate field \(key)")
            }
            guard map.keys.contains(String(key)) else {
                throw .other("template: executing \"\" at <\(path)>: map has no entry for key \"\(key)\"")
            }
            current = map[String(key)]
            if current is NSNull { current = nil }
        }
        return current
    }

    /// Go's default printing: maps as `map[k:v]`, lists as `[a b]`, nil as `<no value>`.
    static func format(_ value: Any?) -> String {
        switch value {
        case nil: return "<no value>"
        case let text as String: return text
        case let flag as Bool: return flag ? "true" : "false"
        case let number as Int: return String(number)
        case let number as Int32: return String(number)
        case let number as Double: return number == number.rounded() ? String(Int(number)) : String(number)
        case let list as [Any]: return "[" + list.map { format($0) }.joined(separator: " ") + "]"
        case let map as [String: Any]:
            return "map[" + map.keys.sorted().map { "\($0):\(format(map[$0]))" }.joined(separator: " ") + "]"
        default: return "\(value!)"
        }
    }

    static func json(_ value: Any?) -> String {
        guard let value, !(value is NSNull) else { return "null" }
        if JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(
                withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        {
            return String(decoding: data, as: UTF8.self)
        }
        if let data = try? JSONSerialization.data(withJSONObject: [value], options: [.withoutEscapingSlashes]) {
            let text = String(decoding: data, as: UTF8.self)
            return String(text.dropFirst().dropLast())
        }
        return "null"
    }
}
