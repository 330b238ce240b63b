import Glibc

/// A bearer token read from a file. Its text never appears in descriptions, so it cannot leak into a log.
public struct BearerToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let bytes: [UInt8]

    /// A token given directly, as tests do; it must be non-empty visible ASCII.
    public init(_ text: String) throws(TokenFileError) {
        guard let bytes = Self.validated(Array(text.utf8)) else { throw .invalidToken(path: "(given)") }
        self.bytes = bytes
    }

    /// Reads the first line of `path`. The file must be readable by its owner only (mode 0600 or stricter),
    /// as anyone who can read it can drive the server.
    public init(contentsOfFile path: String) throws(TokenFileError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: path, reason: "not a regular file") }
        let permissions = info.st_mode & 0o777
        guard permissions & 0o077 == 0 else { throw .tooPermissive(path: path, mode: permissions) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while content.count <= 65536 {
            let count = read(fd, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
            if count == 0 { break }
            content.append(contentsOf: chunk[..<count])
        }
        let line = content.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).first ?? []
        let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
        guard !trimmed.isEmpty else { throw .empty(path: path) }
        guard let bytes = Self.validated(Array(trimmed)) else { throw .invalidToken(path: path) }
        self.bytes = bytes
    }

    /// Visible ASCII only, so the token fits an `Authorization` header unchanged.
    private static func validated(_ bytes: [UInt8]) -> [UInt8]? {
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return bytes
    }

    /// Compares in time that depends only on the lengths, never on where the first difference is.
    public func matches(_ candidate: some Collection<UInt8>) -> Bool {
        ConstantTime.equal(bytes, Array(candidate))
    }

    public var description: String { "BearerToken(redacted)" }
    public var debugDescription: String { description }
}

/// Why a token file was refused; each case names the file.
public enum TokenFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case tooPermissive(path: String, mode: mode_t)
    case empty(path: String)
    case invalidToken(path: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read token file \(path): \(reason)"
        case .tooPermissive(let path, let mode):
            "token file \(path) has mode \(String(mode, radix: 8)); it must not be readable by group or others "
                + "(chmod 600 \(path))"
        case .empty(let path): "token file \(path) is empty"
        case .invalidToken(let path): "token in \(path) must be one line of visible ASCII characters"
        }
    }
}

/// Comparison whose duration does not reveal how much of a secret a guess got right.
enum ConstantTime {
    static func equal(_ secret: [UInt8], _ guess: [UInt8]) -> Bool {
        var difference = UInt64(secret.count ^ guess.count)
        for index in 0..<secret.count {
            // Reads a byte of the guess for every byte of the secret, so the loop length depends on the secret only.
            let other = index < guess.count ? guess[index] : ~secret[index]
            difference |= UInt64(secret[index] ^ other)
        }
        return difference == 0
    }
}
