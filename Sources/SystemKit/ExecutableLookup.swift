import Glibc

/// Finds the file a command name refers to, the way a shell would, but without a shell.
public enum ExecutableLookup {
    public static let defaultSearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// A name containing `/` is a path (made absolute against this process's directory, so a child's own
    /// working directory cannot change what it names); a bare name is looked up in `searchPath` (colon-separated).
    public static func resolve(_ name: String, searchPath: String?) throws(ProcessError) -> String {
        if name.contains("/") {
            try checkExecutable(name)
            return name.hasPrefix("/") ? name : currentDirectory() + "/" + name
        }
        let path = searchPath ?? defaultSearchPath
        var sawNonExecutable: String?
        for directory in path.split(separator: ":", omittingEmptySubsequences: false) {
            let dir = directory.isEmpty ? "." : String(directory)
            let candidate = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            if isExecutableFile(candidate) { return candidate }
            if sawNonExecutable == nil && access(candidate, F_OK) == 0 { sawNonExecutable = candidate }
        }
        if let sawNonExecutable { throw .notExecutable(path: sawNonExecutable) }
        throw .executableNotFound(name: name, searchPath: path)
    }

    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func checkExecutable(_ path: String) throws(ProcessError) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .noSuchFile(path: path) }
        guard info.st_mode & S_IFMT == S_IFREG, access(path, X_OK) == 0 else { throw .notExecutable(path: path) }
    }

    static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && access(path, X_OK) == 0
    }
}
