extension ServiceDecoder {
    mutating func volumes(_ node: YAMLNode, _ field: String) -> [VolumeMount] {
        guard let items = reader.sequence(node, field) else { return [] }
        var result: [VolumeMount] = []
        for (index, item) in items.enumerated() {
            let itemField = "\(field)[\(index)]"
            let mount = item.mapping != nil ? longVolume(item, itemField) : shortVolume(item, itemField)
            guard let mount else { continue }
            if result.contains(where: { $0.target == mount.target }) {
                bag.error("\(itemField) mounts \(mount.target) a second time", at: item.location)
                continue
            }
            result.append(mount)
        }
        return result
    }

    private static func isHostPath(_ source: String) -> Bool {
        source.hasPrefix("/") || source.hasPrefix(".") || source.hasPrefix("~")
    }

    /// `SOURCE:TARGET[:MODE]` or `TARGET` (an anonymous volume).
    private mutating func shortVolume(_ node: YAMLNode, _ field: String) -> VolumeMount? {
        guard let text = reader.string(node, field) else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count), !parts.contains(where: \.isEmpty) else {
            bag.error("\(field) \"\(text)\" must be SOURCE:TARGET[:MODE] or TARGET", at: node.location)
            return nil
        }
        if parts.count == 1 {
            guard parts[0].hasPrefix("/") else {
                bag.error("\(field) target \"\(parts[0])\" must be an absolute path", at: node.location)
                return nil
            }
            return VolumeMount(type: .volume, source: nil, target: parts[0], readOnly: false, createHostPath: false)
        }
        let source = parts[0]
        let target = parts[1]
        guard target.hasPrefix("/") else {
            bag.error("\(field) target \"\(target)\" must be an absolute path", at: node.location)
            return nil
        }
        var readOnly = false
        if parts.count == 3 {
            let known: Set<String> = ["ro", "rw", "z", "Z", "cached", "delegated", "consistent", "nocopy"]
            for option in parts[2].split(separator: ",").map(String.init) {
                guard known.contains(option) else {
                    bag.error(
                        "\(field) mode \"\(option)\" is not one of ro, rw, z, Z, cached, delegated, consistent, nocopy",
                        at: node.location, suggestion: Suggestions.closest(to: option, in: known))
                    return nil
                }
                if option == "ro" { readOnly = true }
            }
        }
        if Self.isHostPath(source) {
            return VolumeMount(
                type: .bind, source: resolve(source), target: target, readOnly: readOnly, createHostPath: true)
        }
        guard declaredVolumes.contains(source) else {
            bag.error(
                "\(field) uses the volume \"\(source)\", which is not declared under the top-level volumes",
                at: node.location, suggestion: Suggestions.closest(to: source, in: declaredVolumes))
            return nil
        }
        return VolumeMount(type: .volume, source: source, target: target, readOnly: readOnly, createHostPath: false)
    }

    private mutating func longVolume(_ node: YAMLNode, _ field: String) -> VolumeMount? {
        guard let pairs = reader.mapping(node, field) else { return nil }
        reader.checkKeys(
            pairs, known: ["type", "source", "target", "read_only", "bind", "volume", "tmpfs", "consistency"], field)
        guard let typeNode = node["type"], let typeName = reader.string(typeNode, "\(field).type") else {
            bag.error("\(field) needs a type (bind, volume or tmpfs)", at: node.location)
            return nil
        }
        guard let type = VolumeMount.Kind(rawValue: typeName) else {
            bag.error(
                "\(field).type \"\(typeName)\" is not supported; use bind, volume or tmpfs", at: typeNode.location,
                suggestion: Suggestions.closest(to: typeName, in: ["bind", "volume", "tmpfs"]))
            return nil
        }
        guard let targetNode = node["target"], let target = reader.string(targetNode, "\(field).target") else {
            bag.error("\(field) needs a target", at: node.location)
            return nil
        }
        guard target.hasPrefix("/") else {
            bag.error("\(field).target \"\(target)\" must be an absolute path", at: targetNode.location)
            return nil
        }
        let source = node["source"].flatMap { reader.string($0, "\(field).source") }
        let readOnly = node["read_only"].flatMap { reader.bool($0, "\(field).read_only") } ?? false
        var mount = VolumeMount(type: type, source: nil, target: target, readOnly: readOnly, createHostPath: false)
        switch type {
        case .bind:
            guard let source else {
                bag.error("\(field) is a bind mount and needs a source", at: node.location)
                return nil
            }
            mount.source = resolve(source)
            if let bind = node["bind"], let create = bind["create_host_path"] {
                mount.createHostPath = reader.bool(create, "\(field).bind.create_host_path") ?? false
            }
        case .volume:
            if let source, !declaredVolumes.contains(source) {
                bag.error(
                    "\(field) uses the volume \"\(source)\", which is not declared under the top-level volumes",
                    at: node.location, suggestion: Suggestions.closest(to: source, in: declaredVolumes))
                return nil
            }
            mount.source = source
        case .tmpfs:
            break
        }
        return mount
    }
}
