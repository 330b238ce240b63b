extension ServiceDecoder {
    mutating func ports(_ node: YAMLNode, _ field: String) -> [PortMapping] {
        guard let items = reader.sequence(node, field) else { return [] }
        var result: [PortMapping] = []
        for (index, item) in items.enumerated() {
            let itemField = "\(field)[\(index)]"
            if item.mapping != nil {
                if let mapping = longPort(item, itemField) { result.append(mapping) }
            } else if let text = item.scalar?.value, !item.isNull {
                do {
                    result.append(contentsOf: try PortSpec.parseShort(text))
                } catch {
                    bag.error("\(itemField) \"\(text)\" is not a valid port: \(error.reason)", at: item.location)
                }
            } else {
                bag.error(
                    "\(itemField) must be a port string or a mapping, not \(item.typeDescription)", at: item.location)
            }
        }
        return result
    }

    private mutating func longPort(_ node: YAMLNode, _ field: String) -> PortMapping? {
        guard let pairs = reader.mapping(node, field) else { return nil }
        reader.checkKeys(
            pairs, known: ["target", "published", "host_ip", "protocol", "mode", "name", "app_protocol"], field)
        guard let targetNode = node["target"] else {
            bag.error("\(field) needs a target port", at: node.location)
            return nil
        }
        var mapping = PortMapping(target: 0)
        do {
            mapping.target = try PortSpec.port(targetNode.scalar?.value ?? "")
            if let published = node["published"], !published.isNull {
                let text = published.scalar?.value ?? ""
                let range = try PortSpec.range(text)
                mapping.published = range.count == 1 ? String(range.lowerBound) : text
            }
        } catch {
            bag.error("\(field) is not a valid port: \(error.reason)", at: node.location)
            return nil
        }
        if let hostIP = node["host_ip"] { mapping.hostIP = reader.string(hostIP, "\(field).host_ip") }
        if let proto = node["protocol"], let text = reader.string(proto, "\(field).protocol") {
            guard PortSpec.protocols.contains(text) else {
                bag.error("\(field).protocol \"\(text)\" must be tcp, udp or sctp", at: proto.location)
                return nil
            }
            mapping.protocol = text
        }
        if let mode = node["mode"], let text = reader.string(mode, "\(field).mode") {
            guard text == "host" || text == "ingress" else {
                bag.error("\(field).mode \"\(text)\" must be host or ingress", at: mode.location)
                return nil
            }
            mapping.mode = text
        }
        if let name = node["name"] { mapping.name = reader.string(name, "\(field).name") }
        return mapping
    }
}

/// The short port syntax: `[HOST_IP:][HOST_PORT[-END]:]CONTAINER_PORT[-END][/PROTOCOL]`.
enum PortSpec {
    static let protocols: Set<String> = ["tcp", "udp", "sctp"]

    struct Failure: Error {
        var reason: String
    }

    static func parseShort(_ text: String) throws(Failure) -> [PortMapping] {
        var spec = Substring(text)
        var proto = "tcp"
        if let slash = spec.lastIndex(of: "/") {
            proto = String(spec[spec.index(after: slash)...])
            guard protocols.contains(proto) else { throw Failure(reason: "\"\(proto)\" is not tcp, udp or sctp") }
            spec = spec[..<slash]
        }
        var hostIP: String?
        if spec.hasPrefix("[") {
            guard let close = spec.firstIndex(of: "]") else {
                throw Failure(reason: "an IPv6 address misses its \"]\"")
            }
            hostIP = String(spec[spec.index(after: spec.startIndex)..<close])
            spec = spec[spec.index(after: close)...]
            guard spec.hasPrefix(":") else { throw Failure(reason: "a \":\" must follow the host address") }
            spec = spec.dropFirst()
        }
        var parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 3 {
            hostIP = parts.dropLast(2).joined(separator: ":")
            parts = Array(parts.suffix(2))
        } else if parts.count == 3 {
            hostIP = parts.removeFirst()
        }
        if let ip = hostIP, ip.isEmpty { throw Failure(reason: "the host address is empty") }
        let target = try range(parts.last ?? "")
        let published = parts.count == 2 && !parts[0].isEmpty ? try range(parts[0]) : nil
        if let published, published.count != target.count, target.count != 1 {
            throw Failure(reason: "the host range and the container range differ in length")
        }
        if target.count == 1 {
            let publishedText = published.map {
                $0.count == 1 ? String($0.lowerBound) : "\($0.lowerBound)-\($0.upperBound)"
            }
            return [PortMapping(target: target.lowerBound, published: publishedText, hostIP: hostIP, protocol: proto)]
        }
        return target.enumerated().map { offset, port in
            PortMapping(
                target: port, published: published.map { String($0.lowerBound + offset) }, hostIP: hostIP,
                protocol: proto)
        }
    }

    static func range(_ text: String) throws(Failure) -> ClosedRange<Int> {
        let ends = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let low = try port(String(ends[0]))
        let high = ends.count == 2 ? try port(String(ends[1])) : low
        guard low <= high else { throw Failure(reason: "the range \(low)-\(high) runs backwards") }
        return low...high
    }

    static func port(_ text: String) throws(Failure) -> Int {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text) else {
            throw Failure(reason: "\"\(text)\" is not a port number")
        }
        guard (1...65535).contains(value) else { throw Failure(reason: "port \(value) is out of range (1-65535)") }
        return value
    }
}
