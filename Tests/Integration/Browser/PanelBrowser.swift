import Foundation
import SystemKit
import TestSupport
import Testing

/// Headless Chromium driving the control panel through `scripts/browser/panel_check.py` (Selenium, from the
/// virtual environment `scripts/browser/setup` makes under `.build/`, pointed at Debian's chromium and
/// chromium-driver). Where those cannot be had the browser tests are skipped, saying why, except under
/// `CI=true`, where they run and fail.
enum PanelBrowser {
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"

    static let environment = ProcessInfo.processInfo.environment

    static var venv: URL {
        if let path = environment["MINI_COMPOSE_BROWSER_VENV"] { return URL(fileURLWithPath: path) }
        return BuildProducts.repositoryRoot.appendingPathComponent(".build/browser-venv")
    }

    static var python: String { venv.appendingPathComponent("bin/python").path }

    static var script: String {
        BuildProducts.repositoryRoot.appendingPathComponent("scripts/browser/panel_check.py").path
    }

    /// Where screenshots are kept after the run, for a person to look at.
    static var artifacts: URL {
        if let path = environment["MINI_COMPOSE_TEST_ARTIFACTS"] { return URL(fileURLWithPath: path) }
        return BuildProducts.repositoryRoot.appendingPathComponent(".build/test-artifacts")
    }

    /// Why the browser test cannot run here, or nil when everything it needs is installed.
    static let missing: String? = {
        let files = FileManager.default
        if !files.isExecutableFile(atPath: chromium) { return "\(chromium) is missing (Debian package chromium)" }
        if !files.isExecutableFile(atPath: chromedriver) {
            return "\(chromedriver) is missing (Debian package chromium-driver)"
        }
        if !files.isExecutableFile(atPath: python) { return "no Python virtual environment at \(venv.path)" }
        let libraries = venv.appendingPathComponent("lib")
        let versions = (try? files.contentsOfDirectory(atPath: libraries.path)) ?? []
        let hasSelenium = versions.contains {
            files.fileExists(atPath: libraries.appendingPathComponent("\($0)/site-packages/selenium").path)
        }
        if !hasSelenium { return "Selenium is not installed in \(venv.path)" }
        return nil
    }()

    static var isCI: Bool { environment["CI"] == "true" }

    /// Runs unless the tools are missing outside CI; says so on stderr too, since a skip is easy to overlook.
    static let shouldRun: Bool = {
        guard let missing, !isCI else { return true }
        FileHandle.standardError.write(
            Data("warning: BROWSER TESTS SKIPPED: \(missing); run scripts/browser/setup (as root)\n".utf8))
        return false
    }()

    static var skipNote: Comment {
        Comment(rawValue: "browser tests skipped: \(missing ?? "?"); run scripts/browser/setup (as root)")
    }

    /// Fails the test, under CI, when the tools are missing.
    static func requireTools() throws {
        if let missing { throw BrowserError(description: "cannot run the browser test: \(missing)") }
    }

    /// Drives the panel at `url`; throws only when the script could not be run or said nothing readable.
    static func check(
        url: String, screenshot name: String, instance: String, expect services: [String], token: String? = nil
    ) async throws -> PanelReport {
        let screenshot = artifacts.appendingPathComponent("\(name).png").path
        let locked = artifacts.appendingPathComponent("\(name)-locked.png").path
        for path in [screenshot, locked] { try? FileManager.default.removeItem(atPath: path) }
        var arguments = [
            script, url, "--screenshot", screenshot, "--instance", instance, "--timeout", "30",
            "--chromium", chromium, "--chromedriver", chromedriver, "--expect",
        ]
        arguments += services
        if let token { arguments += ["--token", token, "--screenshot-locked", locked] }
        var childEnvironment = environment
        childEnvironment["HOME"] = FileManager.default.temporaryDirectory.path
        let result = try await ProcessRunner().run(
            Command(python, arguments, environment: childEnvironment), options: RunOptions(timeout: .seconds(120)))
        let lastLine = result.stdoutText.split(separator: "\n").last.map(String.init) ?? ""
        guard let report = try? JSONDecoder().decode(PanelReport.self, from: Data(lastLine.utf8)) else {
            throw BrowserError(
                description:
                    "panel_check.py (\(result.status)) gave no report:\n\(result.stdoutText)\n\(result.stderrText)"
            )
        }
        return report
    }
}

struct BrowserError: Error, CustomStringConvertible {
    let description: String
}

/// What `panel_check.py` saw in the page.
struct PanelReport: Decodable, CustomStringConvertible {
    struct Connection: Decodable {
        let state: String
        let text: String
    }

    struct Row: Decodable {
        let instance: String?
        let service: String
        let state: String
        let colour: String?
    }

    struct BeforeToken: Decodable {
        let connection: Connection
        let rows: [Row]
    }

    struct AfterToken: Decodable {
        let connection: Connection
        let table: String
        let stored: Bool
    }

    let error: String?
    let screenshot: String
    let title: String?
    let messageAfterStart: String?
    let rows: [Row]?
    let connection: Connection?
    let message: String?
    let messageClass: String?
    let beforeToken: BeforeToken?
    let afterToken: AfterToken?
    let statesSeen: [String: [String]]?
    let secondsToHealthy: Double?
    let pageText: String?
    let browserLog: [String]?

    enum CodingKeys: String, CodingKey {
        case error, screenshot, title, rows, connection, message
        case messageAfterStart = "message_after_start"
        case messageClass = "message_class"
        case beforeToken = "before_token"
        case afterToken = "after_token"
        case statesSeen = "states_seen"
        case secondsToHealthy = "seconds_to_healthy"
        case pageText = "page_text"
        case browserLog = "browser_log"
    }

    /// The state each service showed last, by service name.
    var states: [String: String] { Dictionary((rows ?? []).map { ($0.service, $0.state) }) { _, last in last } }

    var description: String {
        """
        error: \(error ?? "none")
        states seen: \(statesSeen ?? [:])
        page text:
        \(pageText ?? "")
        browser console: \(browserLog ?? [])
        screenshot: \(screenshot)
        """
    }
}
