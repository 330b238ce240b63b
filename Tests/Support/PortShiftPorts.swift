import Foundation
import Glibc

/// Free ports for PortShift tests, which must know a port's shifted value in advance and so cannot bind 0.
public enum PortShiftPorts {
    /// A port P such that P + each of `offsets` is free for TCP and UDP on 127.0.0.1 and ::1 right now.
    /// Chosen below the kernel's ephemeral range, so clients' own ports do not take them.
    public static func freeBase(offsets: [Int] = [0, 100, 200]) -> Int {
        for _ in 0..<200 {
            let base = Int.random(in: 20000...31000)
            if offsets.allSatisfy({ isFree(base + $0) }) { return base }
        }
        fatalError("no free port window found between 20000 and 31200")
    }

    /// Whether nothing is bound to `port` on the loopback addresses, for TCP and UDP.
    public static func isFree(_ port: Int) -> Bool {
        for (domain, type) in [
            (AF_INET, SOCK_STREAM), (AF_INET, SOCK_DGRAM), (AF_INET6, SOCK_STREAM), (AF_INET6, SOCK_DGRAM),
        ] {
            let fd = socket(domain, Int32(type.rawValue), 0)
            defer { close(fd) }
            var storage = sockaddr_storage()
            let length: Int
            if domain == AF_INET {
                var sin = sockaddr_in()
                sin.sin_family = sa_family_t(AF_INET)
                sin.sin_port = UInt16(port).bigEndian
                sin.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
                withUnsafeBytes(of: sin) { raw in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) } }
                length = MemoryLayout<sockaddr_in>.size
            } else {
                var sin6 = sockaddr_in6()
                sin6.sin6_family = sa_family_t(AF_INET6)
                sin6.sin6_port = UInt16(port).bigEndian
                sin6.sin6_addr = in6addr_loopback
                withUnsafeBytes(of: sin6) { raw in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) } }
                length = MemoryLayout<sockaddr_in6>.size
            }
            let bound = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(length)) }
            }
            if bound != 0 { return false }
        }
        return true
    }
}
