import Foundation

/// Locates the binaries `swift build` produced, for integration tests that run them as real processes.
public enum BuildProducts {
    /// The directory holding the test bundle, which is where SwiftPM puts executables too.
    public static let directory: URL = {
        if let override = ProcessInfo.processInfo.environment["MINI_COMPOSE_BIN_DIR"] {
            return URL(fileURLWithPath: override)
        }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        // The runner may be `<bin>/<pkg>PackageTests.xctest` or a file inside such a bundle directory.
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("mini-compose").path) {
                return url
            }
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }()

    /// Path of a built executable or library by file name, such as `mini-compose` or `libpreload_port_offset.so`.
    public static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// The repository root, for fixtures.
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    public static func fixture(_ relativePath: String) -> URL {
        repositoryRoot.appendingPathComponent("Fixtures").appendingPathComponent(relativePath)
    }
}
