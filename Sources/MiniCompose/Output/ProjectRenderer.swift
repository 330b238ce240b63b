/// The normalized project as `mini-compose config` prints it: Compose's long forms, absolute paths,
/// durations spelt as Go does, and the defaults the launcher will apply filled in.
public enum ProjectRenderer {
    public static func render(_ project: ComposeProject) -> OutputValue {
        var top: [(String, OutputValue)] = [("name", .string(project.name))]
        top.append(("services", .map(project.serviceNames.map { ($0, service(project.services[$0]!)) })))
        if !project.volumes.isEmpty {
            top.append(
                ("volumes", .map(project.volumes.map { ($0, .map([("name", .string("\(project.name)_\($0)"))])) })))
        }
        return .map(top)
    }

    static func service(_ service: Service) -> OutputValue {
        var fields: [(String, OutputValue)] = []
        if let build = service.build {
            var buildFields: [(String, OutputValue)] = [
                ("context", .string(build.context)), ("dockerfile", .string(build.dockerfile)),
            ]
            if !build.args.isEmpty { buildFields.append(("args", environment(build.args))) }
            if let target = build.target { buildFields.append(("target", .string(target))) }
            fields.append(("build", .map(buildFields)))
        }
        if let command = service.command { fields.append(("command", strings(command))) }
        if let name = service.containerName { fields.append(("container_name", .string(name))) }
        if !service.dependsOn.isEmpty {
            let entries = service.dependsOn.sorted { $0.service < $1.service }.map { dependency in
                (
                    dependency.service,
                    OutputValue.map([
                        ("condition", .string(dependency.condition.rawValue)), ("required", .bool(dependency.required)),
                        ("restart", .bool(dependency.restart)),
                    ])
                )
            }
            fields.append(("depends_on", .map(entries)))
        }
        if let gpu = service.gpu { fields.append(("deploy", deploy(gpu))) }
        if let entrypoint = service.entrypoint { fields.append(("entrypoint", strings(entrypoint))) }
        if !service.envFiles.isEmpty {
            let files = service.envFiles.map {
                OutputValue.map([("path", .string($0.path)), ("required", .bool($0.required))])
            }
            fields.append(("env_file", .list(files)))
        }
        if !service.environment.isEmpty { fields.append(("environment", environment(service.environment))) }
        if let check = service.healthcheck { fields.append(("healthcheck", healthcheck(check))) }
        if let hostname = service.hostname { fields.append(("hostname", .string(hostname))) }
        if let image = service.image { fields.append(("image", .string(image))) }
        if !service.labels.isEmpty {
            fields.append(("labels", .map(service.labels.sorted { $0.0 < $1.0 }.map { ($0.0, .string($0.1)) })))
        }
        if let mode = service.networkMode { fields.append(("network_mode", .string(mode))) }
        if !service.ports.isEmpty { fields.append(("ports", .list(service.ports.map(port)))) }
        if !service.profiles.isEmpty { fields.append(("profiles", strings(service.profiles))) }
        fields.append(("restart", .string(service.restart.description)))
        fields.append(("stop_grace_period", .string(service.stopGracePeriod.description)))
        if let user = service.user { fields.append(("user", .string(user))) }
        if !service.volumes.isEmpty { fields.append(("volumes", .list(service.volumes.map(volume)))) }
        if let workingDir = service.workingDir { fields.append(("working_dir", .string(workingDir))) }
        return .map(fields)
    }

    private static func strings(_ items: [String]) -> OutputValue { .list(items.map { .string($0) }) }

    private static func environment(_ variables: [EnvironmentVariable]) -> OutputValue {
        .map(variables.map { ($0.name, $0.value.map(OutputValue.string) ?? .null) })
    }

    private static func healthcheck(_ check: Healthcheck) -> OutputValue {
        guard let test = check.test else { return .map([("disable", .bool(true))]) }
        let testValue: OutputValue
        switch test {
        case .command(let argv): testValue = strings(["CMD"] + argv)
        case .shell(let script): testValue = strings(["CMD-SHELL", script])
        }
        return .map([
            ("test", testValue), ("timeout", .string(check.timeout.description)),
            ("interval", .string(check.interval.description)), ("retries", .int(check.retries)),
            ("start_period", .string(check.startPeriod.description)),
            ("start_interval", .string(check.startInterval.description)),
        ])
    }

    private static func port(_ port: PortMapping) -> OutputValue {
        var fields: [(String, OutputValue)] = []
        if let name = port.name { fields.append(("name", .string(name))) }
        fields.append(("mode", .string(port.mode)))
        if let hostIP = port.hostIP { fields.append(("host_ip", .string(hostIP))) }
        fields.append(("target", .int(port.target)))
        if let published = port.published { fields.append(("published", .string(published))) }
        fields.append(("protocol", .string(port.protocol)))
        return .map(fields)
    }

    private static func volume(_ mount: VolumeMount) -> OutputValue {
        var fields: [(String, OutputValue)] = [("type", .string(mount.type.rawValue))]
        if let source = mount.source { fields.append(("source", .string(source))) }
        fields.append(("target", .string(mount.target)))
        if mount.readOnly { fields.append(("read_only", .bool(true))) }
        switch mount.type {
        case .bind: fields.append(("bind", .map([("create_host_path", .bool(mount.createHostPath))])))
        case .volume: fields.append(("volume", .map([])))
        case .tmpfs: break
        }
        return .map(fields)
    }

    private static func deploy(_ gpu: GPURequest) -> OutputValue {
        var device: [(String, OutputValue)] = [("capabilities", strings(gpu.capabilities))]
        if let driver = gpu.driver { device.append(("driver", .string(driver))) }
        if let count = gpu.count {
            device.append(("count", .int(count)))
        } else if gpu.deviceIDs.isEmpty {
            device.append(("count", .int(-1)))
        }
        if !gpu.deviceIDs.isEmpty { device.append(("device_ids", strings(gpu.deviceIDs))) }
        return .map([("resources", .map([("reservations", .map([("devices", .list([.map(device)]))]))]))])
    }
}
