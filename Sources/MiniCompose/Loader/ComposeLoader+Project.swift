import Foundation

extension ComposeLoader {
    static let topLevelKeys: Set<String> = ["name", "services", "volumes", "version"]
    static let unsupportedTopLevelKeys: Set<String> = ["networks", "configs", "secrets", "include", "models"]

    func decodeProject(_ root: YAMLNode, projectDirectory: String, paths: [String]) throws(ComposeError)
        -> ComposeProject
    {
        var reader = NodeReader()
        let pairs = root.mapping ?? []
        reader.checkKeys(pairs, known: Self.topLevelKeys, unsupported: Self.unsupportedTopLevelKeys, "top level")
        if let version = root["version"] {
            reader.bag.warning("the top-level version key is obsolete and ignored", at: version.location)
        }
        let name = projectName(root, directory: projectDirectory, reader: &reader)
        var project = ComposeProject(name: name ?? "", directory: projectDirectory, composeFiles: paths)
        for pair in pairs {
            if let key = pair.key.scalar?.value, key.hasPrefix("x-") { project.extensions[key] = pair.value }
        }
        if let volumes = root["volumes"], !volumes.isNull, let volumePairs = reader.mapping(volumes, "volumes") {
            project.volumes = volumePairs.compactMap { $0.key.scalar?.value }.sorted()
        }
        bag.append(contentsOf: reader.bag.items)
        guard let servicesNode = root["services"] else {
            bag.error("the project defines no services; add a services mapping", at: root.location)
            throw ComposeError(bag.items)
        }
        guard let servicePairs = servicesNode.mapping, !servicesNode.isNull else {
            bag.error(
                "services must be a mapping of service names, not \(servicesNode.typeDescription)",
                at: servicesNode.location)
            throw ComposeError(bag.items)
        }
        guard !servicePairs.isEmpty else {
            bag.error("services is empty; define at least one service", at: servicesNode.location)
            throw ComposeError(bag.items)
        }
        var all: [String: Service] = [:]
        var decoder = ServiceDecoder(
            projectDirectory: projectDirectory, variables: variables, files: files,
            declaredVolumes: Set(project.volumes))
        let file = paths[0]
        for pair in servicePairs {
            guard let serviceName = pair.key.scalar?.value else { continue }
            guard NameRules.isServiceName(serviceName) else {
                bag.error(
                    "\"\(serviceName)\" is not a valid service name (\(NameRules.serviceNameRule))",
                    at: pair.key.location)
                continue
            }
            guard let node = resolveExtends(serviceName, pair.value, services: servicesNode, file: file, chain: [])
            else {
                continue
            }
            if let service = decoder.decode(name: serviceName, key: pair.key, node: node) {
                all[serviceName] = service
            }
        }
        bag.append(contentsOf: decoder.bag.items)
        let defined = Set(servicePairs.compactMap { $0.key.scalar?.value })
        project.services = enabledServices(all)
        checkDependencies(&project, all: all, defined: defined)
        checkContainerNames(project)
        try bag.check()
        return project
    }

    private func projectName(_ root: YAMLNode, directory: String, reader: inout NodeReader) -> String? {
        if let explicit = options.projectName {
            guard NameRules.isProjectName(explicit) else {
                bag.error(
                    "project name \"\(explicit)\" is not valid (\(NameRules.projectNameRule))",
                    at: .synthetic("--project-name"))
                return nil
            }
            return explicit
        }
        if let node = root["name"], let name = reader.string(node, "name") {
            guard NameRules.isProjectName(name) else {
                reader.bag.error(
                    "name \"\(name)\" is not a valid project name (\(NameRules.projectNameRule))", at: node.location)
                return nil
            }
            return name
        }
        if let fromEnvironment = variables["COMPOSE_PROJECT_NAME"], !fromEnvironment.isEmpty {
            guard NameRules.isProjectName(fromEnvironment) else {
                bag.error(
                    "COMPOSE_PROJECT_NAME \"\(fromEnvironment)\" is not a valid project name "
                        + "(\(NameRules.projectNameRule))",
                    at: .synthetic("COMPOSE_PROJECT_NAME"))
                return nil
            }
            return fromEnvironment
        }
        let derived = NameRules.projectName(fromDirectory: (directory as NSString).lastPathComponent)
        guard !derived.isEmpty else {
            bag.error(
                "cannot derive a project name from the directory \(directory); set name: in the file or use -p",
                at: .synthetic(directory))
            return nil
        }
        return derived
    }

    /// Services without profiles, with an active profile, or asked for by name (with what they need).
    private func enabledServices(_ all: [String: Service]) -> [String: Service] {
        var active = Set(options.profiles)
        if let fromEnvironment = variables["COMPOSE_PROFILES"] {
            active.formUnion(fromEnvironment.split(separator: ",").map { String($0) })
        }
        var enabled = all.filter { _, service in
            service.profiles.isEmpty || active.contains("*") || !active.isDisjoint(with: service.profiles)
        }
        var pending = options.selectedServices
        while let name = pending.popLast() {
            guard let service = all[name] else {
                bag.error(
                    "no such service: \(name)", at: .synthetic("command line"),
                    suggestion: Suggestions.closest(to: name, in: all.keys))
                continue
            }
            if enabled[name] == nil || options.selectedServices.contains(name) {
                enabled[name] = service
                pending.append(
                    contentsOf: service.dependsOn.filter(\.required).map(\.service).filter { enabled[$0] == nil })
            }
        }
        return enabled
    }

    /// Drops and reports dependencies on unknown or disabled services, then looks for cycles. `defined` holds
    /// every service name in the file, including services that failed to decode (already reported).
    private func checkDependencies(_ project: inout ComposeProject, all: [String: Service], defined: Set<String>) {
        for name in project.services.keys.sorted() {
            var service = project.services[name]!
            service.dependsOn = service.dependsOn.filter { dependency in
                guard let target = all[dependency.service] else {
                    if defined.contains(dependency.service) { return false }
                    bag.error(
                        "service \"\(name)\" depends on \"\(dependency.service)\", which is not defined",
                        at: dependency.location, suggestion: Suggestions.closest(to: dependency.service, in: all.keys))
                    return false
                }
                guard project.services[dependency.service] != nil else {
                    let profiles = target.profiles.joined(separator: ", ")
                    if dependency.required {
                        bag.error(
                            "service \"\(name)\" depends on \"\(dependency.service)\", which is only in the profiles "
                                + "\(profiles); enable one with --profile", at: dependency.location)
                    } else {
                        bag.warning(
                            "optional dependency \"\(dependency.service)\" of \"\(name)\" is not enabled (profiles "
                                + "\(profiles)) and is skipped", at: dependency.location)
                    }
                    return false
                }
                if dependency.condition == .healthy, target.healthcheck?.test == nil {
                    bag.warning(
                        "service \"\(name)\" waits for \"\(dependency.service)\" to be healthy, but "
                            + "\"\(dependency.service)\" has no healthcheck", at: dependency.location)
                }
                return true
            }
            project.services[name] = service
        }
        do {
            _ = try DependencyGraph(project: project)
        } catch {
            let first = error.path[0]
            let edge = project.services[first]?.dependsOn.first { $0.service == error.path[1] }
            bag.error("dependency cycle: \(error.description)", at: edge?.location ?? project.services[first]!.location)
        }
    }

    private func checkContainerNames(_ project: ComposeProject) {
        var seen: [String: String] = [:]
        for name in project.services.keys.sorted() {
            guard let service = project.services[name], let containerName = service.containerName else { continue }
            if let other = seen[containerName] {
                bag.error(
                    "services \"\(other)\" and \"\(name)\" both use container_name \"\(containerName)\"",
                    at: service.location)
            }
            seen[containerName] = name
        }
    }
}

extension DependencyGraph {
    /// The graph of a project's enabled services.
    public init(project: ComposeProject) throws(Cycle) {
        try self.init(dependencies: project.services.mapValues { $0.dependsOn.map(\.service) })
    }
}
