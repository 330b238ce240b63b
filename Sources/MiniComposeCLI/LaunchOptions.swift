import Foundation
import MiniCompose
import PortShift

/// Options of the commands that run containers: which runtime, where its files go, what HOST_IP is.
struct LaunchOptions {
    var runtime: RuntimeKind = .default
    var runtimePath: String?
    var workingDirectory: String?
    var hostIP = "127.0.0.1"
    var saveImages = false
    var id = "default"
    var settings: [String: String] = [:]
    var portShift = false
    /// The offset server: `--offset-server`, else `OFFSET_SERVER_ADDR` (as the shim reads it), else the default.
    var offsetServer = Self.environmentOffsetServer ?? "127.0.0.1:25000"

    static var environmentOffsetServer: String? {
        ProcessInfo.processInfo.environment["OFFSET_SERVER_ADDR"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Where the offset server is: the address given, or for `auto` the one it is started at when missing.
    var offsetServerAddress: String {
        offsetServer == "auto" ? Self.environmentOffsetServer ?? "127.0.0.1:25000" : offsetServer
    }
    var exceptPorts: [Int] = []
    var shimPath: String?

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

        PortShift options (several copies of one stack on one host network):
              --portshift           run the instance as a PortShift group (<project>-<id>): every service and
                                    health check gets the shim, and its ports are shifted by the group's offset
              --offset-server ADDR  the offset server (default $OFFSET_SERVER_ADDR, else 127.0.0.1:25000);
                                    "auto" starts one there when none answers: inside serve, which stops it
                                    when no instance needs it; on its own for up, where it serves later
                                    copies too and exits 10 s after the last group is released
              --except-ports LIST   ports never shifted, besides 22, 53, 80 and 443 (e.g. 5432,6379)
              --shim PATH           libpreload_port_offset.so (default: $MINICOMPOSE_LIB, or beside mini-compose)
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
        portShift = arguments.flag("--portshift") || portShift
        if let address = try arguments.value("--offset-server") {
            offsetServer = address
            portShift = true
        }
        for list in try arguments.values("--except-ports") {
            for item in list.split(separator: ",") {
                guard let port = Int(item.trimmingCharacters(in: .whitespaces)), (1...65535).contains(port) else {
                    throw UsageError(message: "--except-ports takes port numbers separated by commas, not \"\(list)\"")
                }
                exceptPorts.append(port)
            }
        }
        shimPath = try arguments.value("--shim") ?? shimPath
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

    /// PortShift settings when asked for by flag or by `x-portshift` in the file (flags win).
    func portShiftSettings(for project: ComposeProject) throws(UsageError) -> PortShiftSettings? {
        let fromFile = PortShiftSettings.fromProject(project, libraryPath: "")
        guard portShift || fromFile != nil else { return nil }
        guard let library = shimPath ?? Self.defaultShim() else {
            throw UsageError(
                message: "PortShift needs libpreload_port_offset.so: give --shim PATH, set MINICOMPOSE_LIB, or build "
                    + "it with scripts/build-shim")
        }
        guard FileManager.default.isReadableFile(atPath: library) else {
            throw UsageError(message: "--shim \(library) does not exist or cannot be read")
        }
        var settings = fromFile ?? PortShiftSettings(libraryPath: library)
        settings.libraryPath = URL(fileURLWithPath: library).standardizedFileURL.path
        settings.startServerIfMissing = offsetServer == "auto"
        settings.serverAddress = offsetServerAddress
        settings.exceptPorts += exceptPorts.filter { !settings.exceptPorts.contains($0) }
        return settings
    }

    static func defaultShim() -> String? {
        if let directory = ProcessInfo.processInfo.environment["MINICOMPOSE_LIB"] {
            let path = directory + "/" + PortShiftEnvironment.libraryName
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        if let beside = PortShiftEnvironment.libraryBesideExecutable() { return beside }
        // The installed layout: bin/mini-compose and lib/libpreload_port_offset.so.
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let installed = executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("lib").appendingPathComponent(PortShiftEnvironment.libraryName).path
        return FileManager.default.fileExists(atPath: installed) ? installed : nil
    }

    /// `port_offset_server` beside this executable (the build directory, or the installed `bin/`).
    static func offsetServerExecutable() -> String? {
        PortShiftEnvironment.fileBesideExecutable("port_offset_server").flatMap {
            FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil
        }
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
