import Foundation

/// Turns a service of an instance into the runtime-neutral `ContainerSpec`.
enum ContainerSpecBuilder {
    static func spec(
        for service: Service, image: String, configuration: InstanceConfiguration, hostsFile: String,
        environment: [(String, String)], extraBinds: [ContainerSpec.Bind]
    ) throws(LaunchError) -> ContainerSpec {
        var spec = ContainerSpec(
            name: configuration.containerName(for: service.name), service: service.name, image: image)
        spec.command = service.command
        spec.entrypoint = service.entrypoint
        spec.environment = environment
        spec.ports = service.ports
        spec.hostsFile = hostsFile
        spec.workingDir = service.workingDir
        spec.user = service.user
        spec.hostname = service.hostname
        spec.gpu = service.gpu
        spec.hostNetwork = service.networkMode == "host"
        spec.labels =
            [
                ("io.mini-compose.project", configuration.project.name), ("io.mini-compose.instance", configuration.id),
                ("io.mini-compose.service", service.name),
            ] + service.labels
        for mount in service.volumes {
            spec.binds.append(try bind(for: mount, service: service.name, configuration: configuration))
        }
        spec.binds += configuration.injectedBinds + extraBinds
        return spec
    }

    /// Bind mounts pass through (their directory made when asked); named and anonymous volumes and tmpfs
    /// become directories under the instance's state, which works the same under every runtime.
    private static func bind(
        for mount: VolumeMount, service: String, configuration: InstanceConfiguration
    ) throws(LaunchError) -> ContainerSpec.Bind {
        let source: String
        switch mount.type {
        case .bind:
            source = mount.source ?? ""
            if mount.createHostPath, !FileManager.default.fileExists(atPath: source) {
                try makeDirectory(source)
            }
        case .volume:
            let name =
                mount.source.map { "\(configuration.project.name)_\($0)" }
                ?? "\(service)-" + mount.target.split(separator: "/").joined(separator: "_")
            source = configuration.workingDirectory + "/.mini-compose/volumes/" + name
            try makeDirectory(source)
        case .tmpfs:
            source = configuration.stateDirectory + "/tmpfs/\(service)" + mount.target
            try makeDirectory(source)
        }
        return ContainerSpec.Bind(source: source, target: mount.target, readOnly: mount.readOnly)
    }

    private static func makeDirectory(_ path: String) throws(LaunchError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .fileSystem(path: path, reason: "cannot create the directory: \(error.localizedDescription)")
        }
    }
}
