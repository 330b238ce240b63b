import Foundation
import SystemKit

/// The installation `scripts/install` made for the tests (scripts/build-native.d/30-cluster-install.sh puts it
/// in `<bin>/cluster-prefix`), and the user guide whose command blocks the tests run.
public enum ClusterInstall {
    public static let prefix = BuildProducts.directory.appendingPathComponent("cluster-prefix").path

    public struct Missing: Error, CustomStringConvertible {
        public var description: String {
            "no installation at \(ClusterInstall.prefix): scripts/build-native.d/30-cluster-install.sh makes it "
                + "(scripts/test runs it)"
        }
    }

    /// The prefix, checked to hold an installation.
    public static func requirePrefix() throws -> String {
        guard FileManager.default.isExecutableFile(atPath: prefix + "/bin/mini-compose") else { throw Missing() }
        return prefix
    }

    /// The variables that make `module use` and the guide's `$PREFIX` point at the test installation.
    public static func variables() throws -> [String: String] {
        ["PREFIX": try requirePrefix()]
    }

    /// Whether the `mini-compose` the tests run has the `serve` command yet.
    public static let serveAvailable: Bool = {
        let command = Command(BuildProducts.path("mini-compose"), ["--help"], environment: [:])
        guard let result = try? ProcessRunner().runBlocking(command, options: RunOptions(timeout: .seconds(30)))
        else { return false }
        return result.stdoutText.split(separator: "\n").contains { $0.hasPrefix("  serve ") }
    }()
}

/// `docs/user-guide.md`: the tests run its command blocks exactly as written.
public enum UserGuide {
    public static let path = BuildProducts.repositoryRoot.appendingPathComponent("docs/user-guide.md").path

    public struct MissingBlock: Error, CustomStringConvertible {
        public var name: String
        public var description: String { "docs/user-guide.md has no block marked <!-- tested: \(name) -->" }
    }

    /// The body of the fenced block that follows `<!-- tested: NAME -->`.
    public static func block(_ name: String) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        guard let marker = lines.firstIndex(of: "<!-- tested: \(name) -->"), marker + 1 < lines.count,
            lines[marker + 1].hasPrefix("```"),
            let end = lines[(marker + 2)...].firstIndex(where: { $0.hasPrefix("```") })
        else { throw MissingBlock(name: name) }
        return lines[(marker + 2)..<end].joined(separator: "\n") + "\n"
    }
}
