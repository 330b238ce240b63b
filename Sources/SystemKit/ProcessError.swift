/// Why a process could not be started or managed.
public enum ProcessError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A bare command name found in no directory of the search path.
    case executableNotFound(name: String, searchPath: String)
    /// A path that exists but cannot be executed (a directory, or no execute permission).
    case notExecutable(path: String)
    /// A path that does not exist.
    case noSuchFile(path: String)
    case system(SystemError)

    public var description: String {
        switch self {
        case .executableNotFound(let name, let searchPath):
            "executable '\(name)' not found in PATH (\(searchPath))"
        case .notExecutable(let path):
            "'\(path)' is not an executable file"
        case .noSuchFile(let path):
            "executable '\(path)' does not exist"
        case .system(let error):
            error.description
        }
    }
}
