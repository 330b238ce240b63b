import Foundation

/// The environment that puts a process under PortShift: the preloaded shim, its group and its settings.
public struct PortShiftEnvironment: Equatable, Sendable {
    /// Variable names the shim reads (documented in Sources/preload_c/preload_port_offset.h).
    public enum Name {
        public static let preload = "LD_PRELOAD"
        public static let group = "APP_GRP"
        public static let server = "OFFSET_SERVER_ADDR"
        public static let exceptPorts = "EXCEPT_PORTS"
        public static let extensions = "EXTENSIONS"
        public static let shiftAddresses = "SHIFT_ADDRS"
        public static let allowZeroOffset = "PORTSHIFT_ALLOW_ZERO_OFFSET"
        public static let timeoutMillis = "PORTSHIFT_TIMEOUT_MS"
        public static let debug = "PORTSHIFT_DEBUG"
    }

    /// The shim's file name, as `scripts/build-shim` installs it next to the executables.
    public static let libraryName = "libpreload_port_offset.so"

    public var libraryPath: String
    public var group: String
    public var serverAddress: String
    public var exceptPorts: [Int] = []
    public var extensions: [String] = []
    public var shiftAddresses: [String] = []
    public var allowZeroOffset = false
    public var timeoutMillis: Int?
    public var debugLevel: Int?

    public init(libraryPath: String, group: String, serverAddress: String = "127.0.0.1:25000") {
        self.libraryPath = libraryPath
        self.group = group
        self.serverAddress = serverAddress
    }

    /// The variables to set; `existing` supplies an LD_PRELOAD to keep (the shim goes first).
    public func variables(keeping existing: [String: String] = [:]) -> [String: String] {
        var preload = libraryPath
        if let other = existing[Name.preload], !other.isEmpty {
            let kept = other.split(whereSeparator: { $0 == " " || $0 == ":" }).filter { $0 != libraryPath }
            preload = ([libraryPath] + kept.map(String.init)).joined(separator: " ")
        }
        var result = [Name.preload: preload, Name.group: group, Name.server: serverAddress]
        if !exceptPorts.isEmpty { result[Name.exceptPorts] = exceptPorts.map(String.init).joined(separator: ",") }
        if !extensions.isEmpty { result[Name.extensions] = extensions.joined(separator: ",") }
        if !shiftAddresses.isEmpty { result[Name.shiftAddresses] = shiftAddresses.joined(separator: ",") }
        if allowZeroOffset { result[Name.allowZeroOffset] = "1" }
        if let timeoutMillis { result[Name.timeoutMillis] = String(timeoutMillis) }
        if let debugLevel { result[Name.debug] = String(debugLevel) }
        return result
    }

    /// The shim next to the running executable, where `scripts/build-shim` puts it, if it is there.
    public static func libraryBesideExecutable() -> String? { fileBesideExecutable(libraryName) }

    /// `name` in the directory of the running executable (links resolved), when a file of that name is there.
    public static func fileBesideExecutable(_ name: String) -> String? {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let candidate = executable.deletingLastPathComponent().appendingPathComponent(name).path
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }
}
