import CYaml
import Foundation

/// Reads one YAML document through libyaml into `YAMLNode`s that keep their line and column.
///
/// It expands aliases (with a limit on expanded nodes, against alias bombs), applies `<<` merge keys,
/// rejects duplicate keys, and refuses input that is not UTF-8 or holds NUL bytes.
public struct YAMLParser: Sendable {
    public struct Limits: Sendable {
        /// Nodes the document may expand to, counting every copy an alias makes.
        public var maxNodes: Int = 1_000_000
        /// How deeply collections may nest.
        public var maxDepth: Int = 256
        public init() {}
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Parses `text` (named `file` in locations). A file holding no document gives `nil`.
    public func parse(_ bytes: [UInt8], file: String) throws(ComposeError) -> YAMLNode? {
        try Self.checkEncoding(bytes, file: file)
        var builder = TreeBuilder(file: file, limits: limits)
        do {
            try bytes.withUnsafeBufferPointer { buffer throws(ComposeError) in
                try builder.run(buffer)
            }
        }
        return builder.root
    }

    /// Rejects NUL bytes and invalid UTF-8 with the position of the first bad byte.
    static func checkEncoding(_ bytes: [UInt8], file: String) throws(ComposeError) {
        var line = 1
        var column = 1
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0 {
                throw ComposeError(
                    .error(
                        "the file holds a NUL byte; compose files must be UTF-8 text",
                        at: SourceLocation(file: file, line: line, column: column)))
            }
            let length = Self.utf8SequenceLength(bytes, at: index)
            guard length > 0 else {
                let hex = String(byte, radix: 16, uppercase: true)
                throw ComposeError(
                    .error(
                        "the file is not valid UTF-8 (byte 0x\(hex)); save it as UTF-8",
                        at: SourceLocation(file: file, line: line, column: column)))
            }
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += length
        }
    }

    /// The length of a well-formed UTF-8 sequence at `index`, or 0 when it is malformed.
    private static func utf8SequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let first = bytes[index]
        if first < 0x80 { return 1 }
        let length: Int
        var minimum: UInt32
        var scalar: UInt32
        switch first {
        case 0xC2...0xDF: (length, minimum, scalar) = (2, 0x80, UInt32(first & 0x1F))
        case 0xE0...0xEF: (length, minimum, scalar) = (3, 0x800, UInt32(first & 0x0F))
        case 0xF0...0xF4: (length, minimum, scalar) = (4, 0x10000, UInt32(first & 0x07))
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        for offset in 1..<length {
            let next = bytes[index + offset]
            guard next & 0xC0 == 0x80 else { return 0 }
            scalar = scalar << 6 | UInt32(next & 0x3F)
        }
        minimum = max(minimum, 0)
        guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return 0 }
        return length
    }
}

/// The event loop: one frame per open collection.
private struct TreeBuilder {
    private enum Frame {
        case sequence(items: [YAMLNode], location: SourceLocation, tag: String?, anchor: String?, size: Int)
        case mapping(items: [YAMLNode], location: SourceLocation, tag: String?, anchor: String?, size: Int)
    }

    let file: String
    let limits: YAMLParser.Limits
    private(set) var root: YAMLNode?
    private var documents = 0
    private var stack: [Frame] = []
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var expandedNodes = 0

    init(file: String, limits: YAMLParser.Limits) {
        self.file = file
        self.limits = limits
    }

    mutating func run(_ buffer: UnsafeBufferPointer<UInt8>) throws(ComposeError) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw ComposeError(.error("cannot initialise the YAML parser", at: .synthetic(file)))
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                throw ComposeError(syntaxError(parser))
            }
            defer { yaml_event_delete(&event) }
            if event.type == YAML_STREAM_END_EVENT { return }
            try handle(&event)
        }
    }

    private func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private func syntaxError(_ parser: yaml_parser_t) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        var message = "invalid YAML: \(problem)"
        if let context = parser.context {
            let where_ = location(parser.context_mark)
            message += " (\(String(cString: context)) at line \(where_.line), column \(where_.column))"
        }
        return .error(message, at: location(parser.problem_mark))
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }

    private mutating func handle(_ event: inout yaml_event_t) throws(ComposeError) {
        let at = location(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                throw ComposeError(.error("a compose file holds one YAML document; found a second one", at: at))
            }
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
            let style: YAMLScalar.Style
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let tag = Self.string(data.tag).flatMap { $0 == "!" ? nil : $0 }
            let node = YAMLNode(.scalar(YAMLScalar(value, style: style)), at: at, tag: tag)
            try add(node, size: 1, anchor: Self.string(data.anchor))
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let (node, size) = anchors[name] else {
                throw ComposeError(.error("unknown alias *\(name); define the anchor &\(name) before using it", at: at))
            }
            var copy = node
            copy.location = at
            try add(copy, size: size, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            try push()
            let data = event.data.sequence_start
            stack.append(
                .sequence(
                    items: [], location: at, tag: Self.string(data.tag), anchor: Self.string(data.anchor), size: 1))
        case YAML_MAPPING_START_EVENT:
            try push()
            let data = event.data.mapping_start
            stack.append(
                .mapping(items: [], location: at, tag: Self.string(data.tag), anchor: Self.string(data.anchor), size: 1)
            )
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            switch frame {
            case .sequence(let items, let location, let tag, let anchor, let size):
                try add(YAMLNode(.sequence(items), at: location, tag: tag), size: size, anchor: anchor, counted: true)
            case .mapping(let items, let location, let tag, let anchor, let size):
                let pairs = try Self.buildMapping(items)
                try add(YAMLNode(.mapping(pairs), at: location, tag: tag), size: size, anchor: anchor, counted: true)
            }
        default:
            break
        }
    }

    private mutating func push() throws(ComposeError) {
        if stack.count >= limits.maxDepth {
            let at = stack.last.map(Self.frameLocation) ?? .synthetic(file)
            throw ComposeError(.error("the document nests deeper than \(limits.maxDepth) levels", at: at))
        }
    }

    private static func frameLocation(_ frame: Frame) -> SourceLocation {
        switch frame {
        case .sequence(_, let location, _, _, _), .mapping(_, let location, _, _, _): return location
        }
    }

    /// Adds a finished node to the open collection (or makes it the root) and counts it against the limit.
    private mutating func add(_ node: YAMLNode, size: Int, anchor: String?, counted: Bool = false) throws(ComposeError)
    {
        if !counted {
            expandedNodes += size
            if expandedNodes > limits.maxNodes {
                throw ComposeError(
                    .error(
                        "the document expands to more than \(limits.maxNodes) nodes (an alias bomb?); "
                            + "reduce the use of aliases", at: node.location))
            }
        }
        if let anchor { anchors[anchor] = (node, size) }
        guard let frame = stack.popLast() else {
            root = node
            return
        }
        switch frame {
        case .sequence(var items, let location, let tag, let anchorName, let total):
            items.append(node)
            stack.append(.sequence(items: items, location: location, tag: tag, anchor: anchorName, size: total + size))
        case .mapping(var items, let location, let tag, let anchorName, let total):
            items.append(node)
            stack.append(.mapping(items: items, location: location, tag: tag, anchor: anchorName, size: total + size))
        }
    }

    /// Pairs up keys and values, applies `<<` merge keys (explicit keys win) and rejects duplicate keys.
    private static func buildMapping(_ items: [YAMLNode]) throws(ComposeError) -> [YAMLPair] {
        var pairs: [YAMLPair] = []
        pairs.reserveCapacity(items.count / 2)
        var seen: [String: SourceLocation] = [:]
        var merged: [YAMLPair] = []
        var index = 0
        while index + 1 < items.count {
            let key = items[index]
            let value = items[index + 1]
            index += 2
            if let scalar = key.scalar, scalar.value == "<<", scalar.style == .plain {
                merged.append(contentsOf: try mergeSources(value))
                continue
            }
            guard let name = key.scalar?.value else {
                throw ComposeError(.error("mapping keys must be strings, not \(key.typeDescription)", at: key.location))
            }
            if let first = seen[name] {
                throw ComposeError(
                    .error(
                        "duplicate key \"\(name)\" (first defined at line \(first.line), column \(first.column))",
                        at: key.location))
            }
            seen[name] = key.location
            pairs.append(YAMLPair(key: key, value: value))
        }
        for pair in merged {
            guard let name = pair.key.scalar?.value, seen[name] == nil else { continue }
            seen[name] = pair.key.location
            pairs.append(pair)
        }
        return pairs
    }

    /// The pairs a `<<` value brings: a mapping, or a sequence of mappings where earlier ones win.
    private static func mergeSources(_ value: YAMLNode) throws(ComposeError) -> [YAMLPair] {
        switch value.kind {
        case .mapping(let pairs):
            return pairs
        case .sequence(let items):
            var result: [YAMLPair] = []
            for item in items {
                guard let pairs = item.mapping else {
                    throw ComposeError(
                        .error("a merge key (<<) takes mappings, not \(item.typeDescription)", at: item.location))
                }
                result.append(contentsOf: pairs)
            }
            return result
        case .scalar:
            throw ComposeError(
                .error("a merge key (<<) takes a mapping, not \(value.typeDescription)", at: value.location))
        }
    }
}
