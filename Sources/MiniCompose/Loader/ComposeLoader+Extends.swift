import Foundation

extension ComposeLoader {
    /// The service's node with its `extends` chain merged in (base first, then the service over it).
    func resolveExtends(
        _ name: String, _ node: YAMLNode, services: YAMLNode, file: String, chain: [String]
    ) -> YAMLNode? {
        guard let extendsNode = node["extends"] else { return node }
        let link = "\(file):\(name)"
        if let start = chain.firstIndex(of: link) {
            let loop = Array(chain[start...])
            // Each service on the loop would find it again; report it once.
            if reportedExtendsCycles.insert(Set(loop)).inserted {
                let names = (loop + [link]).map { $0.split(separator: ":").last.map(String.init) ?? $0 }
                bag.error("extends cycle: \(names.joined(separator: " -> "))", at: extendsNode.location)
            }
            return nil
        }
        var baseName: String?
        var baseFile = file
        if extendsNode.scalar != nil {
            baseName = extendsNode.scalar?.value
        } else if extendsNode.mapping != nil {
            baseName = extendsNode["service"]?.scalar?.value
            if let other = extendsNode["file"]?.scalar?.value {
                let directory = URL(fileURLWithPath: (file as NSString).deletingLastPathComponent, isDirectory: true)
                baseFile = URL(fileURLWithPath: other, relativeTo: directory).standardizedFileURL.path
            }
        }
        guard let baseName else {
            bag.error(
                "services.\(name).extends must name a service (extends: base, or extends: {service: base, file: ...})",
                at: extendsNode.location)
            return nil
        }
        var baseServices = services
        if baseFile != file {
            do {
                baseServices =
                    try parsedFile(baseFile, from: extendsNode.location)["services"]
                    ?? YAMLNode(
                        .mapping([]), at: .synthetic(baseFile))
            } catch {
                bag.append(contentsOf: error.diagnostics)
                return nil
            }
        }
        guard let baseNode = baseServices[baseName] else {
            let names = baseServices.mapping?.compactMap { $0.key.scalar?.value } ?? []
            bag.error(
                "services.\(name) extends \"\(baseName)\", which is not a service of \(baseFile)",
                at: extendsNode.location, suggestion: Suggestions.closest(to: baseName, in: names))
            return nil
        }
        guard
            var base = resolveExtends(baseName, baseNode, services: baseServices, file: baseFile, chain: chain + [link])
        else { return nil }
        if baseFile != file {
            base = rebase(base, from: (baseFile as NSString).deletingLastPathComponent)
        }
        let local = YAMLNode(.mapping(node.mapping!.filter { $0.key.scalar?.value != "extends" }), at: node.location)
        let inherited = YAMLNode(
            .mapping(base.mapping?.filter { $0.key.scalar?.value != "extends" } ?? []), at: base.location)
        return ComposeMerge.mergeService(inherited, local)
    }

    /// Makes the relative host paths of a service from another file absolute against that file's directory.
    private func rebase(_ service: YAMLNode, from directory: String) -> YAMLNode {
        guard let pairs = service.mapping else { return service }
        func absolute(_ node: YAMLNode) -> YAMLNode {
            guard let text = node.scalar?.value, !text.hasPrefix("/"), !text.hasPrefix("~") else { return node }
            let path = URL(fileURLWithPath: text, relativeTo: URL(fileURLWithPath: directory, isDirectory: true))
            return YAMLNode.string(path.standardizedFileURL.path, at: node.location)
        }
        func rebaseVolume(_ node: YAMLNode) -> YAMLNode {
            if let text = node.scalar?.value, text.hasPrefix(".") {
                let parts = text.split(separator: ":", maxSplits: 1)
                let source = absolute(YAMLNode.string(String(parts[0]), at: node.location)).scalar!.value
                return YAMLNode.string(parts.count > 1 ? "\(source):\(parts[1])" : source, at: node.location)
            }
            guard let items = node.mapping, node["type"]?.scalar?.value == "bind" else { return node }
            return YAMLNode(
                .mapping(
                    items.map {
                        $0.key.scalar?.value == "source" ? YAMLPair(key: $0.key, value: absolute($0.value)) : $0
                    }),
                at: node.location)
        }
        let rebased = pairs.map { pair -> YAMLPair in
            switch pair.key.scalar?.value {
            case "build":
                if pair.value.scalar != nil { return YAMLPair(key: pair.key, value: absolute(pair.value)) }
                let items = pair.value.mapping?.map {
                    $0.key.scalar?.value == "context" ? YAMLPair(key: $0.key, value: absolute($0.value)) : $0
                }
                return YAMLPair(key: pair.key, value: YAMLNode(.mapping(items ?? []), at: pair.value.location))
            case "env_file":
                if pair.value.scalar != nil { return YAMLPair(key: pair.key, value: absolute(pair.value)) }
                let items = pair.value.sequence?.map { item -> YAMLNode in
                    guard item.mapping != nil else { return absolute(item) }
                    return YAMLNode(
                        .mapping(
                            item.mapping!.map {
                                $0.key.scalar?.value == "path" ? YAMLPair(key: $0.key, value: absolute($0.value)) : $0
                            }),
                        at: item.location)
                }
                return YAMLPair(key: pair.key, value: YAMLNode(.sequence(items ?? []), at: pair.value.location))
            case "volumes":
                let items = pair.value.sequence?.map(rebaseVolume)
                return YAMLPair(key: pair.key, value: YAMLNode(.sequence(items ?? []), at: pair.value.location))
            default:
                return pair
            }
        }
        return YAMLNode(.mapping(rebased), at: service.location)
    }
}
