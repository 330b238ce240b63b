import Glibc

/// Facts about this machine and user that runtimes put in their paths.
public enum SystemInfo {
    /// The kernel's host name (`gethostname`), as Apptainer uses it in its log directory.
    public static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The effective user's name, or the numeric id when it has no entry.
    public static var userName: String {
        guard let entry = getpwuid(geteuid()) else { return String(geteuid()) }
        return String(cString: entry.pointee.pw_name)
    }
}
