import Foundation
import SystemKit

/// What to load and with which environment: the equivalent of Compose's `-f`, `--env-file`,
/// `-p`, `--profile` and `--project-directory`.
public struct ComposeLoadOptions: Sendable {
    /// Compose files in order; later files override earlier ones. Empty: look for the default names.
    public var files: [String] = []
    /// Where relative file names are resolved and default files are looked for.
    public var workingDirectory: String
    public var projectDirectory: String?
    /// Replaces the `.env` beside the compose file when given.
    public var envFiles: [String]?
    /// The environment mini-compose runs in; it wins over `.env`.
    public var environment: [String: String]
    public var projectName: String?
    public var profiles: [String] = []
    /// Services asked for by name (as `up web`): they and their dependencies are enabled whatever their profiles.
    public var selectedServices: [String] = []
    public var maxFileSize = 10 * 1024 * 1024
    public var yamlLimits = YAMLParser.Limits()

    public static let defaultFileNames = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"]

    public init(workingDirectory: String, environment: [String: String]) {
        self.workingDirectory = workingDirectory
        self.environment = environment
    }
}

/// Loads compose files into a validated `ComposeProject`, collecting every error and warning with its location.
public final class ComposeLoader {
    public let options: ComposeLoadOptions
    /// The text of every file read, for quoting lines in error messages.
    public private(set) var sources: [String: String] = [:]
    private let logger: Logger
    var files: FileAccess
    var bag = DiagnosticBag()
    var variables: [String: String] = [:]
    /// Parsed and interpolated files by path (compose files and files named by `extends`).
    var parsedFiles: [String: YAMLNode] = [:]
    var reportedExtendsCycles: Set<Set<String>> = []

    public init(options: ComposeLoadOptions, logger: Logger = Logger(component: "loader")) {
        self.options = options
        self.logger = logger
        files = FileAccess(maxSize: options.maxFileSize)
    }

    /// Renders diagnostics with the offending source lines.
    public var renderer: DiagnosticRenderer { DiagnosticRenderer(sources: sources) }

    public func load() throws(ComposeError) -> ComposeProject {
        let paths = try composeFilePaths()
        let projectDirectory =
            options.projectDirectory.map(absolute) ?? (paths[0] as NSString).deletingLastPathComponent
        variables = try loadVariables(projectDirectory: projectDirectory)
        var root: YAMLNode?
        for path in paths {
            let tree = try parsedFile(path, from: nil)
            root = root.map { ComposeMerge.mergeFiles($0, tree) } ?? tree
        }
        try bag.check()
        var project = try decodeProject(root!, projectDirectory: projectDirectory, paths: paths)
        project.warnings = bag.items
        logger.debug("project loaded", ["project": project.name, "services": String(project.services.count)])
        return project
    }

    private func absolute(_ path: String) -> String {
        let url = URL(
            fileURLWithPath: path, relativeTo: URL(fileURLWithPath: options.workingDirectory, isDirectory: true))
        return url.standardizedFileURL.path
    }

    private func composeFilePaths() throws(ComposeError) -> [String] {
        var names = options.files
        if names.isEmpty, let fromEnvironment = options.environment["COMPOSE_FILE"], !fromEnvironment.isEmpty {
            names = fromEnvironment.split(separator: ":").map(String.init)
        }
        if !names.isEmpty { return names.map { $0 == "-" ? "/dev/stdin" : absolute($0) } }
        for name in ComposeLoadOptions.defaultFileNames {
            let path = absolute(name)
            if case .regularFile = files.status(path) { return [path] }
        }
        throw ComposeError(
            .error(
                "no compose file found; looked for \(ComposeLoadOptions.defaultFileNames.joined(separator: ", ")) "
                    + "(name one with -f)", at: .synthetic(options.workingDirectory)))
    }

    /// `.env` (or `--env-file` files) under the process environment, which wins.
    private func loadVariables(projectDirectory: String) throws(ComposeError) -> [String: String] {
        var result: [String: String] = [:]
        let envFiles: [(String, Bool)] =
            options.envFiles.map { $0.map { (absolute($0), true) } } ?? [(projectDirectory + "/.env", false)]
        for (path, required) in envFiles {
            if !required, case .missing = files.status(path) { continue }
            let bytes = try files.read(path, what: "env file")
            let text = String(decoding: bytes, as: UTF8.self)
            sources[path] = text
            for entry in try DotEnvParser(file: path).parse(text, lookup: result.merging(options.environment) { $1 }) {
                if let value = entry.value { result[entry.name] = value }
            }
        }
        return result.merging(options.environment) { _, process in process }
    }

    /// Reads, parses and interpolates one file (once per load).
    func parsedFile(_ path: String, from location: SourceLocation?) throws(ComposeError) -> YAMLNode {
        if let tree = parsedFiles[path] { return tree }
        let bytes = try files.read(path, what: "compose file", from: location)
        sources[path] = String(decoding: bytes, as: UTF8.self)
        let parser = YAMLParser(limits: options.yamlLimits)
        guard let parsed = try parser.parse(bytes, file: path), !parsed.isNull else {
            throw ComposeError(
                .error("compose file \(path) is empty; it needs a services mapping", at: .synthetic(path)))
        }
        guard parsed.mapping != nil else {
            throw ComposeError(
                .error(
                    "a compose file must be a mapping at the top, not \(parsed.typeDescription)", at: parsed.location))
        }
        var interpolation = TreeInterpolation(variables: variables)
        let tree = interpolation.apply(parsed)
        bag.append(contentsOf: interpolation.bag.items)
        parsedFiles[path] = tree
        return tree
    }
}
