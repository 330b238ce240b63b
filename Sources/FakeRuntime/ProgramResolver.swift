import Foundation
import Glibc

/// Finds the file a container's command names: the image's own copy first (files COPY'd into the image live
/// under its root), then the host's, searching the container's PATH for bare names.
enum ProgramResolver {
    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    enum Failure: Error {
        case notFound
        case notExecutable(String)
    }

    static func resolve(_ program: String, imageRoot: String, environment: [String: String]) -> Result<String, Failure>
    {
        var candidates: [String] = []
        if program.contains("/") {
            if program.hasPrefix("/") { candidates.append(imageRoot + program) }
            candidates.append(program)
        } else {
            for directory in (environment["PATH"] ?? defaultPath).split(separator: ":") {
                candidates.append(imageRoot + directory + "/" + program)
                candidates.append(directory + "/" + program)
            }
        }
        var nonExecutable: String?
        for candidate in candidates {
            var info = stat()
            guard stat(candidate, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFREG && access(candidate, X_OK) == 0 { return .success(candidate) }
            nonExecutable = nonExecutable ?? candidate
        }
        if let nonExecutable { return .failure(.notExecutable(nonExecutable)) }
        return .failure(.notFound)
    }

    /// The directory a process starts in: the path itself when the host has it, else the image's copy (created
    /// if missing, as Docker creates WORKDIR).
    static func hostDirectory(for path: String, imageRoot: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return path
        }
        let inImage = imageRoot + path
        try? FileManager.default.createDirectory(atPath: inImage, withIntermediateDirectories: true)
        return inImage
    }
}
