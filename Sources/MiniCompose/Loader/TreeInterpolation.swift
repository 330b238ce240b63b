/// Applies variable substitution to every scalar value of a parsed file (keys are left alone, as in Compose).
struct TreeInterpolation {
    let interpolator: Interpolator
    var bag = DiagnosticBag()
    private var warned: Set<String> = []

    init(variables: [String: String]) { interpolator = Interpolator(variables: variables) }

    mutating func apply(_ node: YAMLNode) -> YAMLNode {
        switch node.kind {
        case .scalar(var scalar):
            guard scalar.value.utf8.contains(UInt8(ascii: "$")) else { return node }
            var unsetNames: [String] = []
            do {
                scalar.value = try interpolator.interpolate(scalar.value) { unsetNames.append($0) }
            } catch {
                switch error {
                case .required(let variable, let message):
                    let detail = message.isEmpty ? "" : ": \(message)"
                    bag.error("required variable \(variable) is missing a value\(detail)", at: node.location)
                case .invalidSyntax(let reason):
                    bag.error("invalid interpolation in \"\(scalar.value)\": \(reason)", at: node.location)
                }
                return node
            }
            for name in unsetNames where warned.insert(name).inserted {
                bag.warning("variable \(name) is not set; using an empty string", at: node.location)
            }
            var copy = node
            copy.kind = .scalar(scalar)
            return copy
        case .sequence(let items):
            var copy = node
            copy.kind = .sequence(items.map { apply($0) })
            return copy
        case .mapping(let pairs):
            var copy = node
            copy.kind = .mapping(pairs.map { YAMLPair(key: $0.key, value: apply($0.value)) })
            return copy
        }
    }
}
