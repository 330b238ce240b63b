import Foundation
import MiniCompose

/// The golden-file cases under `Fixtures/compose/good` and `Fixtures/compose/bad`.
///
/// Each case is a directory holding `compose.yaml` (and whatever files it names), an optional `args` file
/// with one command-line word per line (`-f`, `--env-file`, `--profile`, `--strict`, service names),
/// and the expected output: `expected.yaml` (and `expected-warnings.txt` when there are warnings) for good
/// cases, `expected.txt` for bad ones. Paths below the case directory are written as `<dir>`.
public struct ComposeFixture: Sendable, CustomStringConvertible {
    public let name: String
    public let directory: URL
    public let arguments: [String]

    /// The environment every case is loaded with, so results do not depend on the machine.
    public static let environment = ["HOME": "/home/user", "FROM_SHELL": "from-shell"]

    /// Set to re-record the expected files from the current output (then review the diff).
    public static var recording: Bool { ProcessInfo.processInfo.environment["MINI_COMPOSE_RECORD_GOLDEN"] == "1" }

    public var description: String { name }

    public static func all(_ kind: String) -> [ComposeFixture] {
        let root = BuildProducts.fixture("compose/\(kind)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.sorted().map { name in
            let directory = root.appendingPathComponent(name)
            let argsFile = directory.appendingPathComponent("args")
            let words =
                (try? String(contentsOf: argsFile, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
            return ComposeFixture(name: name, directory: directory, arguments: words)
        }
    }

    /// Load options equivalent to running `mini-compose config ARGS` in the case directory.
    public var options: ComposeLoadOptions {
        var options = ComposeLoadOptions(workingDirectory: directory.path, environment: Self.environment)
        var words = arguments[...]
        var selected: [String] = []
        while let word = words.popFirst() {
            switch word {
            case "-f": options.files.append(words.popFirst() ?? "")
            case "--env-file": options.envFiles = (options.envFiles ?? []) + [words.popFirst() ?? ""]
            case "--profile": options.profiles.append(words.popFirst() ?? "")
            case "--strict": break
            default: selected.append(word)
            }
        }
        options.selectedServices = selected
        return options
    }

    public var strict: Bool { arguments.contains("--strict") }

    public func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// Replaces the case directory in output with `<dir>`.
    public func normalize(_ text: String) -> String {
        text.replacingOccurrences(of: directory.standardizedFileURL.path, with: "<dir>")
    }

    /// The expected file's text; in recording mode writes `actual` first. Nil when the file is absent.
    public func expected(_ name: String, actual: String?) -> String? {
        let url = file(name)
        if Self.recording {
            if let actual, !actual.isEmpty {
                try? actual.write(to: url, atomically: true, encoding: .utf8)
            } else {
                try? FileManager.default.removeItem(at: url)
            }
        }
        return try? String(contentsOf: url, encoding: .utf8)
    }
}
