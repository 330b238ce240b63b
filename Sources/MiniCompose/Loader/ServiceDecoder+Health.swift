extension ServiceDecoder {
    mutating func healthcheck(_ node: YAMLNode, _ field: String) -> Healthcheck? {
        guard let pairs = reader.mapping(node, field) else { return nil }
        reader.checkKeys(
            pairs, known: ["test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"], field
        )
        var check = Healthcheck(
            test: nil, interval: Healthcheck.defaultInterval, timeout: Healthcheck.defaultTimeout,
            retries: Healthcheck.defaultRetries, startPeriod: .zero, startInterval: Healthcheck.defaultStartInterval)
        if let interval = node["interval"] {
            check.interval = reader.duration(interval, "\(field).interval") ?? check.interval
        }
        if let timeout = node["timeout"] {
            check.timeout = reader.duration(timeout, "\(field).timeout") ?? check.timeout
        }
        if let retries = node["retries"] { check.retries = reader.count(retries, "\(field).retries") ?? check.retries }
        if let period = node["start_period"] {
            check.startPeriod = reader.duration(period, "\(field).start_period") ?? check.startPeriod
        }
        if let interval = node["start_interval"] {
            check.startInterval = reader.duration(interval, "\(field).start_interval") ?? check.startInterval
        }
        for (name, value) in [("interval", check.interval), ("timeout", check.timeout)] where value == .zero {
            bag.error("\(field).\(name) must be longer than 0s", at: node[name]?.location ?? node.location)
        }
        let disabled = node["disable"].flatMap { reader.bool($0, "\(field).disable") } ?? false
        if disabled {
            if let test = node["test"], !Self.isNone(test) {
                bag.error("\(field) has both a test and disable: true; keep one of them", at: test.location)
            }
            return check
        }
        guard let testNode = node["test"] else {
            bag.warning("\(field) has no test, so the service has no health check", at: node.location)
            return check
        }
        check.test = healthTest(testNode, "\(field).test")
        return check
    }

    private static func isNone(_ node: YAMLNode) -> Bool {
        node.sequence?.first?.scalar?.value == "NONE"
    }

    private mutating func healthTest(_ node: YAMLNode, _ field: String) -> Healthcheck.Test? {
        if let scalar = node.scalar, !node.isNull {
            guard !scalar.value.isEmpty else {
                bag.error("\(field) is an empty command", at: node.location)
                return nil
            }
            return .shell(scalar.value)
        }
        guard let items = node.sequence else {
            bag.error(
                "\(field) must be a string or a list starting with CMD, CMD-SHELL or NONE, not \(node.typeDescription)",
                at: node.location)
            return nil
        }
        guard let words = reader.strings(node, field), let kind = words.first else {
            bag.error("\(field) is an empty list; start it with CMD, CMD-SHELL or NONE", at: node.location)
            return nil
        }
        let rest = Array(words.dropFirst())
        switch kind {
        case "NONE":
            return nil
        case "CMD":
            guard !rest.isEmpty else {
                bag.error("\(field) names no command after CMD", at: items[0].location)
                return nil
            }
            return .command(rest)
        case "CMD-SHELL":
            guard !rest.isEmpty else {
                bag.error("\(field) names no command after CMD-SHELL", at: items[0].location)
                return nil
            }
            return .shell(rest.joined(separator: " "))
        default:
            bag.error(
                "\(field) must start with CMD, CMD-SHELL or NONE, not \"\(kind)\"", at: items[0].location,
                suggestion: Suggestions.closest(to: kind, in: ["CMD", "CMD-SHELL", "NONE"]))
            return nil
        }
    }

    mutating func dependencies(_ node: YAMLNode, _ field: String) -> [ServiceDependency] {
        var result: [ServiceDependency] = []
        if let items = node.sequence {
            for (index, item) in items.enumerated() {
                guard let name = reader.string(item, "\(field)[\(index)]") else { continue }
                result.append(
                    ServiceDependency(
                        service: name, condition: .started, required: true, restart: false, location: item.location))
            }
            return result
        }
        guard let pairs = reader.mapping(node, field) else { return [] }
        for pair in pairs {
            guard let name = pair.key.scalar?.value else { continue }
            let itemField = "\(field).\(name)"
            var dependency = ServiceDependency(
                service: name, condition: .started, required: true, restart: false, location: pair.key.location)
            if !pair.value.isNull {
                guard let options = reader.mapping(pair.value, itemField) else { continue }
                reader.checkKeys(options, known: ["condition", "required", "restart"], itemField)
                if let conditionNode = pair.value["condition"],
                    let text = reader.string(conditionNode, "\(itemField).condition")
                {
                    if let condition = ServiceDependency.Condition(rawValue: text) {
                        dependency.condition = condition
                    } else {
                        bag.error(
                            "\(itemField).condition \"\(text)\" is not one of service_started, service_healthy, "
                                + "service_completed_successfully", at: conditionNode.location,
                            suggestion: Suggestions.closest(
                                to: text, in: ServiceDependency.Condition.allCases.map(\.rawValue)))
                    }
                }
                if let required = pair.value["required"] {
                    dependency.required = reader.bool(required, "\(itemField).required") ?? true
                }
                if let restart = pair.value["restart"] {
                    dependency.restart = reader.bool(restart, "\(itemField).restart") ?? false
                }
            }
            result.append(dependency)
        }
        return result
    }

    /// `deploy:`: only `resources.reservations.devices` (GPUs) has an effect; the rest is named in a warning.
    mutating func deploy(_ node: YAMLNode, _ field: String) -> GPURequest? {
        guard let pairs = reader.mapping(node, field) else { return nil }
        reader.checkKeys(
            pairs, known: ["resources"],
            unsupported: [
                "endpoint_mode", "labels", "mode", "placement", "replicas", "restart_policy", "rollback_config",
                "update_config",
            ], field)
        guard let resources = node["resources"], let resourcePairs = reader.mapping(resources, "\(field).resources")
        else { return nil }
        reader.checkKeys(resourcePairs, known: ["reservations"], unsupported: ["limits"], "\(field).resources")
        guard let reservations = resources["reservations"],
            let reservationPairs = reader.mapping(reservations, "\(field).resources.reservations")
        else { return nil }
        let reservationsField = "\(field).resources.reservations"
        reader.checkKeys(
            reservationPairs, known: ["devices"], unsupported: ["cpus", "memory", "pids", "generic_resources"],
            reservationsField)
        guard let devices = reservations["devices"],
            let items = reader.sequence(devices, "\(reservationsField).devices")
        else { return nil }
        var request: GPURequest?
        for (index, item) in items.enumerated() {
            let itemField = "\(reservationsField).devices[\(index)]"
            guard let devicePairs = reader.mapping(item, itemField) else { continue }
            reader.checkKeys(
                devicePairs, known: ["capabilities", "count", "device_ids", "driver", "options"], itemField)
            guard let capabilitiesNode = item["capabilities"],
                let capabilities = reader.strings(capabilitiesNode, "\(itemField).capabilities")
            else {
                bag.error("\(itemField) needs capabilities, such as [gpu]", at: item.location)
                continue
            }
            guard capabilities.contains("gpu") else {
                bag.warning("\(itemField) asks for no gpu capability and is ignored", at: item.location)
                continue
            }
            var gpu = GPURequest(count: nil, deviceIDs: [], driver: nil, capabilities: capabilities)
            if let count = item["count"] {
                if count.scalar?.value == "all" {
                    gpu.count = nil
                } else {
                    gpu.count = reader.count(count, "\(itemField).count")
                }
            }
            if let ids = item["device_ids"] { gpu.deviceIDs = reader.strings(ids, "\(itemField).device_ids") ?? [] }
            if let driver = item["driver"] { gpu.driver = reader.string(driver, "\(itemField).driver") }
            request = gpu
        }
        return request
    }
}
