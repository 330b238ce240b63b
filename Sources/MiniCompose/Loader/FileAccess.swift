import Foundation

/// Reads the files a project names (compose files, `.env`, `env_file`) with clear errors and a size limit.
struct FileAccess: Sendable {
    var maxSize: Int = 10 * 1024 * 1024

    enum Status {
        case regularFile(size: Int)
        case directory
        case missing
        case other
    }

    func status(_ path: String) -> Status {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regularFile(size: Int(info.st_size))
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// The bytes of `path`; `what` names the file in errors ("compose file", "env file"), `location` is where
    /// the file was named, if in a file.
    func read(_ path: String, what: String, from location: SourceLocation? = nil) throws(ComposeError) -> [UInt8] {
        let at = location ?? .synthetic(path)
        switch status(path) {
        case .missing:
            throw ComposeError(.error("\(what) \(path) does not exist", at: at))
        case .directory:
            throw ComposeError(.error("\(what) \(path) is a directory, not a file", at: at))
        case .other:
            throw ComposeError(.error("\(what) \(path) is not a regular file", at: at))
        case .regularFile(let size) where size > maxSize:
            throw ComposeError(
                .error("\(what) \(path) is \(size) bytes, more than the limit of \(maxSize) bytes", at: at))
        case .regularFile:
            break
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason = String(cString: strerror(errno))
            throw ComposeError(.error("\(what) \(path) cannot be read: \(reason)", at: at))
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: maxSize + 1) ?? Data()
            if data.count > maxSize {
                throw ComposeError(.error("\(what) \(path) is larger than the limit of \(maxSize) bytes", at: at))
            }
            return [UInt8](data)
        } catch let error as ComposeError {
            throw error
        } catch {
            throw ComposeError(.error("\(what) \(path) cannot be read: \(error.localizedDescription)", at: at))
        }
    }
}
