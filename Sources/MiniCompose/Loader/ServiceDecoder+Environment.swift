extension ServiceDecoder {
    /// `environment:`, `build.args:` and `labels:` as a list (`KEY=VALUE`, `KEY`) or a mapping.
    mutating func keyValues(_ node: YAMLNode, _ field: String) -> [EnvironmentVariable] {
        var result: [EnvironmentVariable] = []
        if let items = node.sequence {
            for (index, item) in items.enumerated() {
                guard let text = reader.string(item, "\(field)[\(index)]") else { continue }
                let name: String
                let value: String?
                if let equals = text.firstIndex(of: "=") {
                    name = String(text[..<equals])
                    value = String(text[text.index(after: equals)...])
                } else {
                    name = text
                    value = nil
                }
                guard checkName(name, field, item.location) else { continue }
                result.append(EnvironmentVariable(name: name, value: value))
            }
            return result
        }
        guard let pairs = node.mapping else {
            bag.error(
                "\(field) must be a mapping or a list of KEY=VALUE, not \(node.typeDescription)", at: node.location)
            return []
        }
        for pair in pairs {
            guard let name = pair.key.scalar?.value, checkName(name, field, pair.key.location) else { continue }
            guard let value = reader.optionalString(pair.value, "\(field).\(name)") else { continue }
            result.append(EnvironmentVariable(name: name, value: value))
        }
        return result
    }

    private mutating func checkName(_ name: String, _ field: String, _ location: SourceLocation) -> Bool {
        guard EnvironmentName.isValid(name) else {
            bag.error("\(field): \"\(name)\" is not a valid variable name (\(EnvironmentName.rule))", at: location)
            return false
        }
        return true
    }

    /// `env_file:` as a string, a list of strings, or a list of `{path, required}`.
    mutating func envFiles(_ node: YAMLNode, _ field: String) -> [EnvFileReference] {
        let items = node.scalar != nil ? [node] : (reader.sequence(node, field) ?? [])
        var result: [EnvFileReference] = []
        for (index, item) in items.enumerated() {
            let itemField = node.scalar != nil ? field : "\(field)[\(index)]"
            if item.mapping != nil {
                guard let pathNode = item["path"] else {
                    bag.error("\(itemField) needs a path", at: item.location)
                    continue
                }
                guard let path = reader.string(pathNode, "\(itemField).path") else { continue }
                let required = item["required"].flatMap { reader.bool($0, "\(itemField).required") } ?? true
                result.append(EnvFileReference(path: resolve(path), required: required))
                envFileLocations[resolve(path)] = pathNode.location
            } else if let path = reader.string(item, itemField) {
                result.append(EnvFileReference(path: resolve(path), required: true))
                envFileLocations[resolve(path)] = item.location
            }
        }
        return result
    }

    /// The service's environment: each env file in order, then `environment:` over them; a `KEY` with no
    /// value takes the value from the environment mini-compose runs in.
    mutating func environment(envFiles: [EnvFileReference], node: YAMLNode?, field: String) -> [EnvironmentVariable] {
        var merged: [String: String?] = [:]
        var order: [String] = []
        func set(_ name: String, _ value: String?) {
            if merged[name] == nil { order.append(name) }
            merged[name] = .some(value)
        }
        for reference in envFiles {
            let location = envFileLocations[reference.path]
            if case .missing = files.status(reference.path), !reference.required { continue }
            let bytes: [UInt8]
            do {
                bytes = try files.read(reference.path, what: "env file", from: location)
            } catch {
                bag.append(contentsOf: error.diagnostics)
                continue
            }
            do {
                let text = String(decoding: bytes, as: UTF8.self)
                for entry in try DotEnvParser(file: reference.path).parse(text, lookup: variables) {
                    set(entry.name, entry.value ?? variables[entry.name])
                }
            } catch {
                bag.append(contentsOf: error.diagnostics)
            }
        }
        if let node {
            for variable in keyValues(node, field) {
                set(variable.name, variable.value ?? variables[variable.name])
            }
        }
        return order.sorted().map { EnvironmentVariable(name: $0, value: merged[$0] ?? nil) }
    }
}
