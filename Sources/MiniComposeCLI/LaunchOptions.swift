import Foundation
import MiniCompose

/// Options of the commands that run containers: which runtime, where its files go, what HOST_IP is.
struct LaunchOptions {
    var runtime: RuntimeKind = .default
    var runtimePath: String?
    var workingDirectory: String?
    var hostIP = "127.0.0.1"
    var saveImages = false
    var id = "default"
    var settings: [String: String] = [:]

    static let help = """
        Runtime options:
              --runtime NAME        docker, podman, apptainer or singularity (default apptainer;
                                    also MINI_COMPOSE_RUNTIME)
              --runtime-path PATH   the runtime executable (default: NAME on PATH, or MINI_COMPOSE_<NAME>)
              --working-dir DIR     images, SIF files and state (default: working_dir beside the compose file)
              --host-ip IP          the address every service name resolves to (default 127.0.0.1)
              --id ID               the instance (default "default"); several may run side by side
              --env NAME=VALUE      a setting given to every container, as POST /container_settings/ does
              --save-images         write each image to working_dir/<image>.tar (docker, podman)
        """

    mutating func take(from arguments: inout Arguments, includeStartOptions: Bool) throws(UsageError) {
        let environment = ProcessInfo.processInfo.environment
        if let name = try arguments.value("--runtime") ?? environment["MINI_COMPOSE_RUNTIME"] {
            do {
                runtime = try RuntimeKind(name: name)
            } catch {
                throw UsageError(message: error.description)
            }
        }
        runtimePath = try arguments.value("--runtime-path") ?? runtimePath
        workingDirectory = try arguments.value("--working-dir") ?? workingDirectory
        if let id = try arguments.value("--id") {
            guard InstanceConfiguration.isValidID(id) else {
                throw UsageError(message: "--id \"\(id)\" is not valid (\(InstanceConfiguration.idRule))")
            }
            self.id = id
        }
        guard includeStartOptions else { return }
        if let ip = try arguments.value("--host-ip") {
            guard HostsFile.isIPAddress(ip) else {
                throw UsageError(message: "--host-ip \"\(ip)\" is not an IP address")
            }
            hostIP = ip
        }
        saveImages = arguments.flag("--save-images") || saveImages
        for pair in try arguments.values("--env") {
            guard let equals = pair.firstIndex(of: "="), !pair[..<equals].isEmpty else {
                throw UsageError(message: "--env takes NAME=VALUE, not \"\(pair)\"")
            }
            settings[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
    }

    /// The working directory for a project: the flag, else `working_dir` beside the compose file.
    func workingDirectory(for project: ComposeProject) -> String {
        let path = workingDirectory ?? project.directory + "/working_dir"
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    func configuration(for project: ComposeProject, services: [String]) -> InstanceConfiguration {
        var configuration = InstanceConfiguration(
            id: id, project: project, runtime: runtime, runtimeExecutable: runtimePath, hostIP: hostIP,
            workingDirectory: workingDirectory(for: project), processEnvironment: ProcessInfo.processInfo.environment)
        configuration.settings = settings
        configuration.saveImages = saveImages
        configuration.selectedServices = services.isEmpty ? nil : services
        return configuration
    }
}
