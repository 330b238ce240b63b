import Foundation

/// An ordered document tree for printing in YAML or JSON.
public indirect enum OutputValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case list([OutputValue])
    case map([(String, OutputValue)])

    public static func == (lhs: OutputValue, rhs: OutputValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        case (.list(let a), .list(let b)): a == b
        case (.map(let a), .map(let b)): a.elementsEqual(b) { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }
}

/// Writes an `OutputValue` as block-style YAML the way `docker compose config` does (2 spaces,
/// lists indented under their key, strings quoted when they would read as something else).
public enum YAMLEmitter {
    public static func emit(_ value: OutputValue) -> String {
        var out = ""
        write(value, indent: 0, into: &out)
        return out
    }

    private static func write(_ value: OutputValue, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .map(let pairs):
            for (key, item) in pairs {
                out += pad + scalar(key) + ":"
                writeNested(item, indent: indent, into: &out)
            }
        case .list(let items):
            for item in items {
                out += pad + "-"
                switch item {
                case .map(let pairs) where !pairs.isEmpty:
                    var nested = ""
                    write(item, indent: indent + 2, into: &nested)
                    out += " " + nested.dropFirst(indent + 2)
                case .list(let inner) where !inner.isEmpty:
                    out += "\n"
                    write(item, indent: indent + 2, into: &out)
                default:
                    out += " " + inline(item) + "\n"
                }
            }
        default:
            out += pad + inline(value) + "\n"
        }
    }

    private static func writeNested(_ item: OutputValue, indent: Int, into out: inout String) {
        switch item {
        case .map(let pairs) where !pairs.isEmpty:
            out += "\n"
            write(item, indent: indent + 2, into: &out)
        case .list(let items) where !items.isEmpty:
            out += "\n"
            write(item, indent: indent + 2, into: &out)
        default:
            out += " " + inline(item) + "\n"
        }
    }

    private static func inline(_ value: OutputValue) -> String {
        switch value {
        case .string(let text): scalar(text)
        case .int(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .null: "null"
        case .list: "[]"
        case .map: "{}"
        }
    }

    /// Plain when it reads back as the same string, double-quoted otherwise.
    static func scalar(_ text: String) -> String {
        needsQuotes(text) ? quoted(text) : text
    }

    private static let reservedWords: Set<String> = [
        "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n",
    ]

    private static func needsQuotes(_ text: String) -> Bool {
        if reservedWords.contains(text.lowercased()) { return true }
        if case .string = YAMLScalar(text, style: .plain).resolved {} else { return true }
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return true }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first)
            && !(first == "-" && text.count > 1 && !text.hasPrefix("- "))
        {
            return true
        }
        if first == " " || last == " " || last == ":" { return true }
        if text.contains(": ") || text.contains(" #") { return true }
        if text.contains(":") && text.allSatisfy({ $0.isNumber || $0 == ":" || $0 == "." }) { return true }
        return text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "\u{FEFF}" }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\x%02X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Writes an `OutputValue` as JSON with two-space indentation, keys in their given order.
public enum JSONEmitter {
    public static func emit(_ value: OutputValue, pretty: Bool = true) -> String {
        var out = ""
        write(value, indent: 0, pretty: pretty, into: &out)
        return out
    }

    private static func write(_ value: OutputValue, indent: Int, pretty: Bool, into out: inout String) {
        let newline = pretty ? "\n" : ""
        let pad = pretty ? String(repeating: " ", count: indent + 2) : ""
        let closePad = pretty ? String(repeating: " ", count: indent) : ""
        switch value {
        case .string(let text): out += string(text)
        case .int(let number): out += String(number)
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        case .list(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            out += "[" + newline
            for (index, item) in items.enumerated() {
                out += pad
                write(item, indent: indent + 2, pretty: pretty, into: &out)
                out += (index < items.count - 1 ? "," : "") + newline
            }
            out += closePad + "]"
        case .map(let pairs):
            guard !pairs.isEmpty else {
                out += "{}"
                return
            }
            out += "{" + newline
            for (index, (key, item)) in pairs.enumerated() {
                out += pad + string(key) + (pretty ? ": " : ":")
                write(item, indent: indent + 2, pretty: pretty, into: &out)
                out += (index < pairs.count - 1 ? "," : "") + newline
            }
            out += closePad + "}"
        }
    }

    public static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
