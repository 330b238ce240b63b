/// Typed reads of YAML nodes that report a precise error (and return nil) instead of throwing,
/// so one load can report every problem.
struct NodeReader {
    var bag = DiagnosticBag()

    mutating func mapping(_ node: YAMLNode, _ field: String) -> [YAMLPair]? {
        if let pairs = node.mapping { return pairs }
        bag.error("\(field) must be a mapping, not \(node.typeDescription)", at: node.location)
        return nil
    }

    mutating func sequence(_ node: YAMLNode, _ field: String) -> [YAMLNode]? {
        if let items = node.sequence { return items }
        bag.error("\(field) must be a sequence, not \(node.typeDescription)", at: node.location)
        return nil
    }

    /// A string; numbers and booleans written plainly are accepted as their text, as Compose does.
    mutating func string(_ node: YAMLNode, _ field: String) -> String? {
        guard let scalar = node.scalar else {
            bag.error("\(field) must be a string, not \(node.typeDescription)", at: node.location)
            return nil
        }
        if case .null = node.resolvedScalar(scalar) {
            bag.error("\(field) must be a string, not null", at: node.location)
            return nil
        }
        return scalar.value
    }

    /// A string value of an environment-like map: null stays nil, scalars become their text.
    mutating func optionalString(_ node: YAMLNode, _ field: String) -> String?? {
        guard let scalar = node.scalar else {
            bag.error(
                "\(field) must be a string, a number, a boolean or null, not \(node.typeDescription)", at: node.location
            )
            return nil
        }
        if case .null = node.resolvedScalar(scalar) { return .some(nil) }
        return .some(scalar.value)
    }

    mutating func bool(_ node: YAMLNode, _ field: String) -> Bool? {
        if let scalar = node.scalar, case .bool(let value) = node.resolvedScalar(scalar) { return value }
        // Interpolated values arrive as text, so accept the words as well.
        if let value = node.scalar?.value, value == "true" || value == "false" { return value == "true" }
        bag.error("\(field) must be true or false, not \(Self.describe(node))", at: node.location)
        return nil
    }

    /// A non-negative integer, also from text such as an interpolated `"3"`.
    mutating func count(_ node: YAMLNode, _ field: String) -> Int? {
        if let scalar = node.scalar {
            switch node.resolvedScalar(scalar) {
            case .int(let value) where value >= 0: return value
            case .string(let text):
                if let value = Int(text), value >= 0 { return value }
            default: break
            }
        }
        bag.error("\(field) must be a non-negative integer, not \(Self.describe(node))", at: node.location)
        return nil
    }

    /// A string, or a sequence of strings (command, entrypoint, profiles...).
    mutating func strings(_ node: YAMLNode, _ field: String) -> [String]? {
        guard let items = sequence(node, field) else { return nil }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard let value = string(item, "\(field)[\(index)]") else { return nil }
            result.append(value)
        }
        return result
    }

    mutating func duration(_ node: YAMLNode, _ field: String) -> ComposeDuration? {
        guard let text = node.scalar?.value, !node.isNull || node.scalar?.style != .plain else {
            bag.error(
                "\(field) must be a duration such as 30s or 1m30s, not \(node.typeDescription)", at: node.location)
            return nil
        }
        do {
            return try ComposeDuration.parse(text)
        } catch {
            let reason: String
            switch error {
            case .empty: reason = "it is empty"
            case .negative: reason = "it is negative"
            case .missingUnit(let number): reason = "\"\(number)\" has no unit; write e.g. \(number)s"
            case .unknownUnit(let unit): reason = "\"\(unit)\" is not a unit (use ns, us, ms, s, m or h)"
            case .malformed: reason = "write it as e.g. 30s, 1m30s, 1.5s or 100ms"
            case .tooLarge: reason = "it is too large"
            }
            bag.error("\(field) is not a valid duration \"\(text)\": \(reason)", at: node.location)
            return nil
        }
    }

    /// Warns about every key not in `known` (`x-*` keys are extensions and allowed).
    mutating func checkKeys(
        _ pairs: [YAMLPair], known: Set<String>, unsupported: Set<String> = [], _ field: String
    ) {
        for pair in pairs {
            guard let key = pair.key.scalar?.value, !known.contains(key), !key.hasPrefix("x-") else { continue }
            if unsupported.contains(key) {
                bag.warning(
                    "\(field).\(key) is not supported by mini-compose and is ignored", at: pair.key.location)
            } else {
                bag.warning(
                    "unknown key \(field).\(key) is ignored", at: pair.key.location,
                    suggestion: Suggestions.closest(to: key, in: known))
            }
        }
    }

    static func describe(_ node: YAMLNode) -> String {
        if let value = node.scalar?.value { return "\"\(value)\"" }
        return node.typeDescription
    }
}
