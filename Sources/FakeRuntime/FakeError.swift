/// Everything that can go wrong in a fake runtime command, as data; `rendered(for:)` words it as the real tool does.
enum FakeError: Error, Equatable {
    case unknownFlag(flag: String, command: String)
    case flagNeedsValue(flag: String, command: String)
    case wrongArgumentCount(command: String, expected: String)
    case unknownCommand(String)
    case invalidArgument(String, command: String)
    case noSuchContainer(String)
    case noSuchObject(String)
    case noSuchImage(String)
    case nameInUse(name: String, id: String)
    case notRunning(name: String, id: String, action: String)
    case removeRunning(name: String)
    case pullDenied(String)
    case startFailed(String)
    case commandNotFound(String)
    case commandNotExecutable(String)
    case instanceExists(String)
    case noInstance(String)
    case buildFailed(String)
    case buildTargetExists(String)
    case file(path: String, reason: String)
    case other(String)
    /// A message already worded for the face, with its exit status.
    case exact(text: String, code: Int32)

    /// The text for standard error and the exit status, worded like the face's real tool.
    func rendered(for face: Face) -> (text: String, code: Int32) {
        if case .exact(let text, let code) = self { return (text, code) }
        switch face {
        case .docker: return dockerText()
        case .podman: return podmanText()
        case .apptainer, .singularity: return ("FATAL:   \(apptainerMessage())", 255)
        }
    }

    private func dockerText() -> (String, Int32) {
        switch self {
        case .unknownFlag(let flag, let command):
            return ("unknown flag: \(flag)\nSee 'docker \(command) --help'.", 125)
        case .flagNeedsValue(let flag, let command):
            return ("flag needs an argument: \(flag)\nSee 'docker \(command) --help'.", 125)
        case .wrongArgumentCount(let command, let expected):
            return ("\"docker \(command)\" requires \(expected).\nSee 'docker \(command) --help'.", 1)
        case .unknownCommand(let name):
            return ("docker: '\(name)' is not a docker command.\nSee 'docker --help'", 1)
        case .invalidArgument(let message, let command):
            return ("invalid argument: \(message)\nSee 'docker \(command) --help'.", 125)
        case .noSuchContainer(let name):
            return ("Error response from daemon: No such container: \(name)", 1)
        case .noSuchObject(let name):
            return ("Error: No such object: \(name)", 1)
        case .noSuchImage(let ref):
            return ("Error response from daemon: No such image: \(ref)", 1)
        case .nameInUse(let name, let id):
            return (
                "docker: Error response from daemon: Conflict. The container name \"/\(name)\" is already in use by "
                    + "container \"\(id)\". You have to remove (or rename) that container to be able to reuse that "
                    + "name.\nSee 'docker run --help'.", 125
            )
        case .notRunning(let name, let id, let action):
            if action == "kill" {
                return ("Error response from daemon: cannot kill container: \(name): container \(id) is not running", 1)
            }
            return ("Error response from daemon: container \(id) is not running", 1)
        case .removeRunning(let name):
            return (
                "Error response from daemon: cannot remove container \"/\(name)\": container is running: stop the "
                    + "container before removing or force remove", 1
            )
        case .pullDenied(let ref):
            return (
                "Error response from daemon: pull access denied for \(ImageReference(ref).repository), repository does "
                    + "not exist or may require 'docker login': denied: requested access to the resource is denied", 1
            )
        case .startFailed(let message):
            return ("docker: Error response from daemon: \(message).\nSee 'docker run --help'.", 125)
        case .commandNotFound(let command):
            return (
                "docker: Error response from daemon: failed to create task for container: failed to create shim task: "
                    + "OCI runtime create failed: runc create failed: unable to start container process: exec: "
                    + "\"\(command)\": executable file not found in $PATH: unknown.", 127
            )
        case .commandNotExecutable(let command):
            return (
                "docker: Error response from daemon: failed to create task for container: failed to create shim task: "
                    + "OCI runtime create failed: runc create failed: unable to start container process: exec: "
                    + "\"\(command)\": permission denied: unknown.", 126
            )
        case .buildFailed(let message):
            return ("ERROR: failed to solve: \(message)", 1)
        case .instanceExists(let name), .noInstance(let name):
            return ("Error: \(name)", 1)
        case .buildTargetExists(let path):
            return ("Error: \(path) exists", 1)
        case .file(let path, let reason):
            return ("Error: open \(path): \(reason)", 1)
        case .other(let message):
            return ("Error: \(message)", 1)
        case .exact(let text, let code):
            return (text, code)
        }
    }

    private func podmanText() -> (String, Int32) {
        switch self {
        case .unknownFlag(let flag, _):
            return ("Error: unknown flag: \(flag)", 125)
        case .flagNeedsValue(let flag, _):
            return ("Error: flag needs an argument: \(flag)", 125)
        case .wrongArgumentCount(let command, let expected):
            return ("Error: \"podman \(command)\" requires \(expected)", 125)
        case .unknownCommand(let name):
            return ("Error: unrecognized command `podman \(name)`\nTry 'podman --help' for more information", 125)
        case .noSuchContainer(let name):
            return ("Error: no container with name or ID \"\(name)\" found: no such container", 125)
        case .noSuchObject(let name):
            return ("Error: inspecting object: no such object: \"\(name)\"", 125)
        case .noSuchImage(let ref):
            return ("Error: \(ref): image not known", 125)
        case .nameInUse(let name, let id):
            return (
                "Error: creating container storage: the container name \"\(name)\" is already in use by \(id). You "
                    + "have to remove that container to be able to reuse that name: that name is already in use", 125
            )
        case .notRunning(let name, _, let action):
            if action == "kill" {
                return (
                    "Error: can only kill running containers. \(name) is in state exited: container state improper", 125
                )
            }
            // Podman 4.3 answers 255 here (not its documented 125/126), so callers can tell it from "missing".
            return ("Error: can only create exec sessions on running containers: container state improper", 255)
        case .removeRunning(let name):
            return (
                "Error: cannot remove container \(name) as it is running - running or paused containers cannot be "
                    + "removed without force: container state improper", 2
            )
        case .pullDenied(let ref):
            return (
                "Error: initializing source docker://\(ImageReference(ref).normalized): reading manifest "
                    + "\(ImageReference(ref).tag) in docker.io/\(ImageReference(ref).repository): requested access to "
                    + "the resource is denied", 125
            )
        case .commandNotFound(let command):
            return (
                "Error: \(command): executable file not found in $PATH: No such file or directory: OCI runtime "
                    + "attempted to invoke a command that was not found", 127
            )
        case .commandNotExecutable(let command):
            return ("Error: \(command): permission denied: OCI permission denied", 126)
        default:
            let (text, _) = dockerText()
            let message = text.hasPrefix("docker: ") ? String(text.dropFirst(8)) : text
            let trimmed = message.replacingOccurrences(of: "Error response from daemon: ", with: "")
            return (trimmed.hasPrefix("Error") ? trimmed : "Error: \(trimmed)", 125)
        }
    }

    private func apptainerMessage() -> String {
        switch self {
        case .unknownFlag(let flag, let command):
            return "Error for command \"\(command)\": unknown flag: \(flag)"
        case .flagNeedsValue(let flag, let command):
            return "Error for command \"\(command)\": flag needs an argument: \(flag)"
        case .wrongArgumentCount(let command, let expected):
            return "Error for command \"\(command)\": requires \(expected)"
        case .unknownCommand(let name):
            return "Unknown command \"\(name)\""
        case .invalidArgument(let message, let command):
            return "Error for command \"\(command)\": \(message)"
        case .noSuchContainer(let name), .noInstance(let name):
            return "no instance found with name \(name)"
        case .noSuchObject(let name), .noSuchImage(let name):
            return "could not open image \(name): failed to retrieve path for \(name): lstat \(name): no such file "
                + "or directory"
        case .instanceExists(let name), .nameInUse(let name, _):
            return "instance \(name) already exists"
        case .pullDenied(let ref):
            return "While making image from oci registry: error fetching image to cache: failed to get checksum for "
                + "docker://\(ref): reading manifest \(ImageReference(ref).tag) in "
                + "docker.io/\(ImageReference(ref).repository): requested access to the resource is denied"
        case .startFailed(let message):
            return "container creation failed: \(message)"
        case .commandNotFound(let command):
            return "\"\(command)\": executable file not found in $PATH"
        case .commandNotExecutable(let command):
            return "stat \(command): permission denied"
        case .buildFailed(let message):
            return "While performing build: \(message)"
        case .buildTargetExists(let path):
            return "Build target '\(path)' already exists. Use --force if you want to overwrite it"
        case .file(let path, let reason):
            return "\(path): \(reason)"
        case .notRunning(let name, _, _):
            return "instance \(name) is not running"
        case .removeRunning(let name):
            return "instance \(name) is running"
        case .other(let message), .exact(let message, _):
            return message
        }
    }
}
