/// Merges compose trees the way Compose merges several `-f` files and `extends`: later values win,
/// `environment`/`labels`/`depends_on`/`build.args` merge by key, `volumes` by target, `ports` and
/// other multi-value lists are concatenated, and `command`, `entrypoint` and `healthcheck.test` are replaced.
enum ComposeMerge {
    private static let concatenated: Set<String> = [
        "ports", "expose", "dns", "dns_search", "external_links", "tmpfs", "env_file",
    ]
    private static let keyed: Set<String> = ["environment", "labels", "depends_on"]

    /// Merges whole files: `services` by service name with the service rules, everything else deeply.
    static func mergeFiles(_ base: YAMLNode, _ override: YAMLNode) -> YAMLNode {
        guard let basePairs = base.mapping, let overridePairs = override.mapping else { return override }
        return merged(base, basePairs, overridePairs) { key, old, new in
            guard key == "services", let oldServices = old.mapping, let newServices = new.mapping else {
                return deepMerge(old, new)
            }
            return merged(old, oldServices, newServices) { _, oldService, newService in
                mergeService(oldService, newService)
            }
        }
    }

    static func mergeService(_ base: YAMLNode, _ override: YAMLNode) -> YAMLNode {
        guard let basePairs = base.mapping, let overridePairs = override.mapping else { return override }
        return merged(base, basePairs, overridePairs) { key, old, new in
            switch key {
            case _ where keyed.contains(key):
                return deepMerge(keyedForm(old), keyedForm(new))
            case _ where concatenated.contains(key):
                guard let oldItems = old.sequence, let newItems = new.sequence else { return new }
                var items = oldItems
                for item in newItems where !items.contains(where: { sameScalar($0, item) }) { items.append(item) }
                return YAMLNode(.sequence(items), at: new.location)
            case "volumes":
                return mergeVolumes(old, new)
            case "build":
                let oldBuild = buildForm(old)
                let newBuild = buildForm(new)
                guard let oldPairs = oldBuild.mapping, let newPairs = newBuild.mapping else { return new }
                return merged(newBuild, oldPairs, newPairs) { key, a, b in
                    key == "args" ? deepMerge(keyedForm(a), keyedForm(b)) : deepMerge(a, b)
                }
            case "healthcheck":
                guard let oldPairs = old.mapping, let newPairs = new.mapping else { return new }
                return merged(new, oldPairs, newPairs) { _, _, b in b }
            case "command", "entrypoint":
                return new
            default:
                return deepMerge(old, new)
            }
        }
    }

    /// Mappings merge key by key, recursively; anything else is replaced.
    static func deepMerge(_ base: YAMLNode, _ override: YAMLNode) -> YAMLNode {
        guard let basePairs = base.mapping, let overridePairs = override.mapping else { return override }
        return merged(override, basePairs, overridePairs) { _, old, new in deepMerge(old, new) }
    }

    /// Base keys in their order with overridden values, then the override's new keys.
    private static func merged(
        _ at: YAMLNode, _ base: [YAMLPair], _ override: [YAMLPair],
        combine: (String, YAMLNode, YAMLNode) -> YAMLNode
    ) -> YAMLNode {
        var result = base
        var index: [String: Int] = [:]
        for (position, pair) in result.enumerated() {
            if let key = pair.key.scalar?.value { index[key] = position }
        }
        for pair in override {
            guard let key = pair.key.scalar?.value else { continue }
            if let position = index[key] {
                result[position] = YAMLPair(key: pair.key, value: combine(key, result[position].value, pair.value))
            } else {
                index[key] = result.count
                result.append(pair)
            }
        }
        return YAMLNode(.mapping(result), at: at.location, tag: at.tag)
    }

    /// `["A=1", "B"]` → `{A: "1", B: null}`; `[db, cache]` (depends_on) → `{db: null, cache: null}`.
    static func keyedForm(_ node: YAMLNode) -> YAMLNode {
        guard let items = node.sequence else { return node }
        var pairs: [YAMLPair] = []
        for item in items {
            guard let text = item.scalar?.value else { return node }
            if let equals = text.firstIndex(of: "=") {
                let key = YAMLNode.string(String(text[..<equals]), at: item.location)
                let value = YAMLNode.string(String(text[text.index(after: equals)...]), at: item.location)
                pairs.append(YAMLPair(key: key, value: value))
            } else {
                let null = YAMLNode(.scalar(YAMLScalar("", style: .plain)), at: item.location)
                pairs.append(YAMLPair(key: YAMLNode.string(text, at: item.location), value: null))
            }
        }
        return YAMLNode(.mapping(pairs), at: node.location)
    }

    private static func buildForm(_ node: YAMLNode) -> YAMLNode {
        guard node.scalar != nil else { return node }
        let key = YAMLNode.string("context", at: node.location)
        return YAMLNode(.mapping([YAMLPair(key: key, value: node)]), at: node.location)
    }

    private static func sameScalar(_ a: YAMLNode, _ b: YAMLNode) -> Bool {
        guard let x = a.scalar?.value, let y = b.scalar?.value else { return false }
        return x == y
    }

    private static func mergeVolumes(_ old: YAMLNode, _ new: YAMLNode) -> YAMLNode {
        guard var items = old.sequence, let newItems = new.sequence else { return new }
        for item in newItems {
            if let target = volumeTarget(item), let position = items.firstIndex(where: { volumeTarget($0) == target }) {
                items[position] = item
            } else {
                items.append(item)
            }
        }
        return YAMLNode(.sequence(items), at: new.location)
    }

    static func volumeTarget(_ node: YAMLNode) -> String? {
        if let text = node.scalar?.value {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            return String(parts.count >= 2 ? parts[1] : parts[0])
        }
        return node["target"]?.scalar?.value
    }
}
