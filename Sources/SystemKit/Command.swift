import Foundation

/// What to run: an executable, its arguments, its whole environment and its working directory. Never a shell string.
public struct Command: Sendable, Equatable, CustomStringConvertible {
    /// A path, or a bare name looked up on the `PATH` of `environment` (else of this process).
    public var executable: String
    /// The arguments after `argv[0]`.
    public var arguments: [String]
    /// The child's entire environment: nothing is inherited that is not in here.
    public var environment: [String: String]
    /// The child's working directory; nil keeps the caller's.
    public var workingDirectory: String?
    /// `argv[0]` as the child sees it; nil means `executable` as given.
    public var argv0: String?

    public init(
        _ executable: String, _ arguments: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String? = nil, argv0: String? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.argv0 = argv0
    }

    /// The search path used to resolve a bare executable name.
    public var searchPath: String? {
        environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"]
    }

    /// The command line for logs and error messages, arguments quoted where needed.
    public var description: String {
        ([executable] + arguments).map(Command.quoted).joined(separator: " ")
    }

    static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=@%+,".contains($0) }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Where one of a child's standard streams goes.
public enum StandardStream: Sendable, Equatable {
    /// The same file as this process's stream.
    case inherit
    /// `/dev/null`.
    case null
    /// A file, created with mode 0644 when missing; written at its end or truncated first (read for stdin).
    case file(path: String, append: Bool)
    /// A pipe whose other end the caller reads or writes through `ChildProcess`.
    case pipe
    /// An open descriptor of this process (duplicated onto the child's stream).
    case descriptor(Int32)
}

/// How to start a process, beyond the command itself.
public struct SpawnOptions: Sendable, Equatable {
    public var stdin: StandardStream
    public var stdout: StandardStream
    public var stderr: StandardStream
    /// Puts the child in a new process group whose id is its pid, so the whole group can be signalled.
    public var newProcessGroup: Bool
    /// Makes the child leader of a new session (and process group), detached from any terminal.
    public var newSession: Bool
    /// Descriptors of this process handed to the child as its descriptors 3, 4, ... in order.
    /// Every other descriptor above 2 is closed in the child.
    public var extraDescriptors: [Int32]

    public init(
        stdin: StandardStream = .null, stdout: StandardStream = .inherit, stderr: StandardStream = .inherit,
        newProcessGroup: Bool = false, newSession: Bool = false, extraDescriptors: [Int32] = []
    ) {
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.newProcessGroup = newProcessGroup
        self.newSession = newSession
        self.extraDescriptors = extraDescriptors
    }
}
