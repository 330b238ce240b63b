import Foundation
import MiniCompose
import SystemKit

/// Options every command understands: which files make the project, and how to log.
struct GlobalOptions {
    var files: [String] = []
    var envFiles: [String] = []
    var projectName: String?
    var projectDirectory: String?
    var profiles: [String] = []
    var logLevel: LogLevel = .info

    static let help = """
        Project options (any command):
          -f, --file FILE             compose file; repeat to merge several, later files win
                                      (default: compose.yaml, compose.yml, docker-compose.yaml,
                                      docker-compose.yml in the current directory, or COMPOSE_FILE)
              --env-file FILE         read variables from FILE instead of .env beside the compose file
          -p, --project-name NAME     project name (default: name:, COMPOSE_PROJECT_NAME, directory name)
              --project-directory DIR resolve relative paths against DIR
              --profile NAME          enable services of a profile; repeatable (also COMPOSE_PROFILES)
          -v, --verbose               log at debug level (--log-level LEVEL for any level)
        """

    mutating func take(from arguments: inout Arguments) throws(UsageError) {
        files += try arguments.values("-f", "--file")
        envFiles += try arguments.values("--env-file")
        projectName = try arguments.value("-p", "--project-name") ?? projectName
        projectDirectory = try arguments.value("--project-directory") ?? projectDirectory
        profiles += try arguments.values("--profile")
        if arguments.flag("-v", "--verbose") { logLevel = .debug }
        if let name = try arguments.value("--log-level") {
            guard let level = LogLevel(name: name) else {
                throw UsageError(
                    message: "--log-level must be trace, debug, info, notice, warning or error, not \(name)")
            }
            logLevel = level
        }
    }

    func loadOptions(selecting services: [String] = []) -> ComposeLoadOptions {
        var options = ComposeLoadOptions(
            workingDirectory: FileManager.default.currentDirectoryPath, environment: ProcessInfo.processInfo.environment
        )
        options.files = files
        options.envFiles = envFiles.isEmpty ? nil : envFiles
        options.projectName = projectName
        options.projectDirectory = projectDirectory
        options.profiles = profiles
        options.selectedServices = services
        return options
    }

    var logger: Logger {
        Logger(component: "cli", sink: StandardErrorSink(threshold: logLevel))
    }
}
