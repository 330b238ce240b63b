import Foundation
import TestSupport
import Testing

extension PortShiftTests {
    /// The built library itself: what it needs and what it exports.
    @Suite struct ShimLibraryTests {
        private func output(_ tool: String, _ arguments: [String]) throws -> String {
            let child = try PortShiftChildProcess(tool, arguments)
            #expect(child.wait() == 0, "\(tool) failed")
            return child.remainingOutput(.stdout)
        }

        @Test func libraryNeedsLibcOnly() throws {
            let dynamic = try output("/usr/bin/readelf", ["-d", Shim.library])
            let needed = dynamic.split(separator: "\n").filter { $0.contains("(NEEDED)") }
            #expect(needed.count == 1)
            #expect(needed.first?.contains("[libc.so.6]") == true)
            let linked = try output("/usr/bin/ldd", [Shim.library])
            let libraries = linked.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(
                libraries.allSatisfy {
                    $0.hasPrefix("libc.so.6") || $0.hasPrefix("linux-vdso") || $0.contains("ld-linux")
                })
        }

        @Test func onlyTheHookedCallsAreExported() throws {
            let symbols = try output("/usr/bin/nm", ["-D", "--defined-only", Shim.library])
            let exported = Set(
                symbols.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) })
            #expect(
                exported == [
                    "socket", "bind", "connect", "sendto", "sendmsg", "getsockname", "getpeername", "accept", "accept4",
                    "recvfrom", "recvmsg", "open", "open64", "openat", "openat64", "__open_2", "__open64_2",
                    "__openat_2", "__openat64_2", "creat", "creat64", "fopen", "fopen64",
                ])
        }
    }
}
