import Foundation

/// The options apptainer's action commands (`exec`, `run`, `instance run/start`) share, and what they mean
/// for a host process: environment, binds and working directory; the rest are recorded.
struct ApptainerOptions {
    static let specs: [FlagSpec] = [
        .value("-B", "--bind"), .value("--env"), .value("--env-file"), .value("--pwd"), .value("--hostname"),
        .value("-H", "--home"), .value("--network"), .value("--network-args"), .value("--security"),
        .value("--overlay", "-o"),
        .value("--mount"), .value("--app"), .value("-W", "--workdir"), .value("--dns"), .value("--no-mount"),
        .value("--pid-file"), .bool("-e", "--cleanenv"), .bool("--no-eval"), .bool("--nv"), .bool("--nvccli"),
        .bool("--rocm"), .bool("--writable-tmpfs"), .bool("-w", "--writable"), .bool("-c", "--contain"),
        .bool("-C", "--containall"), .bool("--no-home"), .bool("-f", "--fakeroot"), .bool("-u", "--userns"),
        .bool("-n", "--net"), .bool("--no-init"), .bool("--no-privs"), .bool("--compat"), .bool("--oci"),
        .bool("--no-https"), .bool("-i", "--ipc"), .bool("-p", "--pid"), .bool("--boot"),
    ]

    let flags: ParsedFlags
    let invocation: Invocation

    var prefix: String { invocation.face.environmentPrefix }

    /// The flags without a host-process meaning, kept so `inspect` and tests can see they were passed.
    var recordedFlags: [String] {
        let booleans = [
            "--nv", "--nvccli", "--rocm", "--writable-tmpfs", "--writable", "--contain", "--containall",
            "--no-home", "--fakeroot", "--userns", "--net", "--no-eval", "--cleanenv", "--compat", "--oci", "--no-init",
        ]
        var result = booleans.filter { flags.has($0) }
        for name in ["--hostname", "--home", "--network", "--security", "--overlay", "--dns"] {
            for value in flags.all(name) { result.append("\(name)=\(value)") }
        }
        return result
    }

    /// The container's environment, built as apptainer builds it: the caller's (unless --cleanenv/--containall,
    /// and never its PATH or runtime settings), overridden by the image's, then `<PREFIX>ENV_*` variables,
    /// `--env-file` and `--env`.
    func environment(image: ImageRecord, imagePath: String) throws(FakeError) -> [(String, String)] {
        var result: [(String, String)] = []
        let clean = flags.has("--cleanenv") || flags.has("--containall")
        let host = invocation.environment
        let kept = clean ? ["HOME", "LANG", "TERM"] : Array(host.keys)
        for name in kept.sorted() {
            guard let value = host[name], name != "PATH", !name.hasPrefix("APPTAINER"), !name.hasPrefix("SINGULARITY")
            else { continue }
            result.append((name, value))
        }
        result.append(("PATH", ProgramResolver.defaultPath))
        result += image.environment.map { entry in
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
        for name in host.keys.sorted() {
            for envPrefix in ["APPTAINERENV_", "SINGULARITYENV_"] where name.hasPrefix(envPrefix) {
                result.append((String(name.dropFirst(envPrefix.count)), host[name]!))
            }
        }
        for file in flags.all("--env-file") {
            // The real tool evaluates the file in the caller's environment, even with --cleanenv.
            let context = host.merging(result) { _, container in container }
            result += try EnvironmentParsing.apptainerFile(invocation.absolute(file), environment: context)
        }
        for value in flags.all("--env") { result += try EnvironmentParsing.apptainerEnvFlag(value) }
        result.append(("\(prefix)_CONTAINER", imagePath))
        result.append(("\(prefix)_NAME", (imagePath as NSString).lastPathComponent))
        return result
    }

    /// `--bind` values (comma-separated lists of `src[:dst[:ro|rw]]`) plus `<PREFIX>_BIND` from the caller.
    func binds() throws(FakeError) -> [BindMount] {
        var specs = flags.all("--bind")
        if let fromEnvironment = invocation.environment["\(prefix)_BIND"] ?? invocation.environment["SINGULARITY_BIND"]
        {
            specs.append(fromEnvironment)
        }
        var result: [BindMount] = []
        for spec in specs {
            for item in spec.split(separator: ",") {
                let parts = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                let source = invocation.absolute(parts[0])
                let destination = parts.count > 1 && !parts[1].isEmpty ? parts[1] : source
                guard FileManager.default.fileExists(atPath: source) else {
                    throw .startFailed(
                        "mount hook function failure: mount \(source)->\(destination) error: while mounting \(source): "
                            + "mount source \(source) doesn't exist")
                }
                result.append(
                    BindMount(source: source, destination: destination, readOnly: parts.count > 2 && parts[2] == "ro"))
            }
        }
        return result
    }

    var workingDirectory: String { flags.last("--pwd") ?? invocation.workingDirectory }
}
