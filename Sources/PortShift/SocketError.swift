import Glibc

/// A failed socket system call: which call, on what, and the errno it returned.
public struct SocketError: Error, Equatable, CustomStringConvertible {
    public let call: String
    public let target: String
    public let errno: Int32

    public init(call: String, target: String, errno: Int32) {
        self.call = call
        self.target = target
        self.errno = errno
    }

    public var description: String {
        "\(call) \(target): \(String(cString: strerror(errno)))"
    }
}
