import Foundation

/// Turns one service's YAML (after merging and `extends`) into a validated `Service`.
struct ServiceDecoder {
    static let supportedKeys: Set<String> = [
        "build", "command", "container_name", "depends_on", "deploy", "entrypoint", "env_file", "environment",
        "extends", "healthcheck", "hostname", "image", "labels", "network_mode", "ports", "profiles", "restart",
        "stop_grace_period", "user", "volumes", "working_dir",
    ]
    /// Compose keys we know but do not act on; they get a warning that says so.
    static let unsupportedKeys: Set<String> = [
        "annotations", "attach", "blkio_config", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "configs",
        "cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpu_shares",
        "cpus", "cpuset", "credential_spec", "develop", "device_cgroup_rules", "devices", "dns", "dns_opt",
        "dns_search", "domainname", "expose", "external_links", "extra_hosts", "gpus", "group_add", "init", "ipc",
        "isolation", "label_file", "links", "logging", "mac_address", "mem_limit", "mem_reservation",
        "mem_swappiness", "memswap_limit", "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit",
        "platform", "post_start", "pre_stop", "privileged", "pull_policy", "read_only", "runtime", "scale",
        "secrets", "security_opt", "shm_size", "stdin_open", "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty",
        "ulimits", "userns_mode", "uts", "volumes_from",
    ]

    let projectDirectory: String
    /// Variables for `KEY`-only environment entries and env files (process environment over `.env`).
    let variables: [String: String]
    let files: FileAccess
    /// Named volumes declared at the top level, which `volumes:` entries may use.
    let declaredVolumes: Set<String>
    var reader = NodeReader()
    /// Where each env file was named, for errors about reading it.
    var envFileLocations: [String: SourceLocation] = [:]

    init(projectDirectory: String, variables: [String: String], files: FileAccess, declaredVolumes: Set<String>) {
        self.projectDirectory = projectDirectory
        self.variables = variables
        self.files = files
        self.declaredVolumes = declaredVolumes
    }

    var bag: DiagnosticBag {
        get { reader.bag }
        set { reader.bag = newValue }
    }

    mutating func decode(name: String, key: YAMLNode, node: YAMLNode) -> Service? {
        let field = "services.\(name)"
        guard let pairs = reader.mapping(node, field) else { return nil }
        reader.checkKeys(pairs, known: Self.supportedKeys, unsupported: Self.unsupportedKeys, field)
        var service = Service(name: name, location: key.location)
        var environmentNode: YAMLNode?
        for pair in pairs {
            guard let keyName = pair.key.scalar?.value else { continue }
            let value = pair.value
            let path = "\(field).\(keyName)"
            if keyName.hasPrefix("x-") {
                service.extensions[keyName] = value
                continue
            }
            switch keyName {
            case "image": service.image = imageName(value, path)
            case "build": service.build = build(value, path)
            case "command": service.command = commandLine(value, path)
            case "entrypoint": service.entrypoint = commandLine(value, path)
            case "environment": environmentNode = value
            case "env_file": service.envFiles = envFiles(value, path)
            case "ports": service.ports = ports(value, path)
            case "volumes": service.volumes = volumes(value, path)
            case "working_dir": service.workingDir = absoluteContainerPath(value, path)
            case "user": service.user = reader.string(value, path)
            case "hostname": service.hostname = reader.string(value, path)
            case "container_name": service.containerName = containerName(value, path)
            case "restart": service.restart = restartPolicy(value, path) ?? .no
            case "profiles": service.profiles = reader.strings(value, path) ?? []
            case "labels": service.labels = keyValues(value, path).map { ($0.name, $0.value ?? "") }
            case "deploy": service.gpu = deploy(value, path)
            case "depends_on": service.dependsOn = dependencies(value, path)
            case "healthcheck": service.healthcheck = healthcheck(value, path)
            case "stop_grace_period": service.stopGracePeriod = reader.duration(value, path) ?? service.stopGracePeriod
            case "network_mode": service.networkMode = networkMode(value, path)
            default: break
            }
        }
        service.environment = environment(
            envFiles: service.envFiles, node: environmentNode, field: "\(field).environment")
        if service.image == nil && service.build == nil {
            bag.error("service \"\(name)\" has neither image nor build; give it one of them", at: key.location)
        }
        return service
    }

    private mutating func imageName(_ node: YAMLNode, _ field: String) -> String? {
        guard let image = reader.string(node, field) else { return nil }
        if image.isEmpty || image.contains(where: { $0.isWhitespace }) {
            bag.error("\(field) \"\(image)\" is not a valid image reference", at: node.location)
            return nil
        }
        return image
    }

    private mutating func build(_ node: YAMLNode, _ field: String) -> BuildSpec? {
        if node.scalar != nil {
            guard let context = reader.string(node, field) else { return nil }
            return BuildSpec(context: resolve(context), dockerfile: "Dockerfile", args: [], target: nil)
        }
        guard let pairs = reader.mapping(node, field) else { return nil }
        reader.checkKeys(
            pairs, known: ["context", "dockerfile", "args", "target"],
            unsupported: [
                "additional_contexts", "cache_from", "cache_to", "dockerfile_inline", "entitlements", "extra_hosts",
                "isolation", "labels", "network", "no_cache", "platforms", "privileged", "pull", "secrets", "shm_size",
                "ssh", "tags", "ulimits",
            ], field)
        var spec = BuildSpec(context: projectDirectory, dockerfile: "Dockerfile", args: [], target: nil)
        if let context = node["context"] {
            spec.context = reader.string(context, "\(field).context").map(resolve) ?? ""
        }
        if let dockerfile = node["dockerfile"] {
            spec.dockerfile = reader.string(dockerfile, "\(field).dockerfile") ?? spec.dockerfile
        }
        if let args = node["args"] { spec.args = keyValues(args, "\(field).args") }
        if let target = node["target"] { spec.target = reader.string(target, "\(field).target") }
        return spec
    }

    /// `command:`/`entrypoint:` as a list, or a string split into words as a shell would.
    private mutating func commandLine(_ node: YAMLNode, _ field: String) -> [String]? {
        if node.isNull { return nil }
        if node.scalar != nil {
            guard let text = reader.string(node, field) else { return nil }
            do {
                return try ShellWords.split(text)
            } catch {
                bag.error("\(field) cannot be split into words: \(error.reason)", at: node.location)
                return nil
            }
        }
        return reader.strings(node, field)
    }

    private mutating func absoluteContainerPath(_ node: YAMLNode, _ field: String) -> String? {
        guard let path = reader.string(node, field) else { return nil }
        guard path.hasPrefix("/") else {
            bag.error("\(field) must be an absolute path inside the container, not \"\(path)\"", at: node.location)
            return nil
        }
        return path
    }

    private mutating func containerName(_ node: YAMLNode, _ field: String) -> String? {
        guard let name = reader.string(node, field) else { return nil }
        guard NameRules.isContainerName(name) else {
            bag.error(
                "\(field) \"\(name)\" is not a valid container name (\(NameRules.containerNameRule))", at: node.location
            )
            return nil
        }
        return name
    }

    private mutating func networkMode(_ node: YAMLNode, _ field: String) -> String? {
        guard let mode = reader.string(node, field) else { return nil }
        if mode != "host" {
            bag.warning(
                "\(field) \"\(mode)\" is ignored: every service shares the host network", at: node.location)
        }
        return mode
    }

    private mutating func restartPolicy(_ node: YAMLNode, _ field: String) -> RestartPolicy? {
        guard let text = reader.string(node, field) else { return nil }
        switch text {
        case "no": return .no
        case "always": return .always
        case "unless-stopped": return .unlessStopped
        case "on-failure": return .onFailure(maxRetries: nil)
        default:
            if text.hasPrefix("on-failure:"), let retries = Int(text.dropFirst("on-failure:".count)), retries >= 0 {
                return .onFailure(maxRetries: retries)
            }
            let choices = ["no", "always", "on-failure", "unless-stopped"]
            bag.error(
                "\(field) \"\(text)\" is not a restart policy (no, always, on-failure[:N], unless-stopped)",
                at: node.location, suggestion: Suggestions.closest(to: text, in: choices))
            return nil
        }
    }

    /// Makes a host path absolute against the project directory, expanding `~`.
    func resolve(_ path: String) -> String {
        var path = path
        if path == "~" || path.hasPrefix("~/") {
            path = (variables["HOME"] ?? NSHomeDirectory()) + path.dropFirst()
        }
        let base = URL(fileURLWithPath: projectDirectory, isDirectory: true)
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: path, relativeTo: base)
        var resolved = url.standardizedFileURL.path
        if resolved.count > 1, resolved.hasSuffix("/") { resolved.removeLast() }
        return resolved
    }
}
