import Foundation
import SystemKit

/// The conformance scenario: launcher operations on `Fixtures/compose/podman/conformance.yaml` and what a user
/// observes after each (states, exit codes, the environment inside, logs, what is left behind), normalised so
/// a run on FakeRuntime and a run on real Podman can be compared line by line.
public struct ConformanceScenario: Sendable {
    /// The launcher's `--runtime`, also the command the scenario runs runtime commands with (found on PATH).
    public var runtime: String
    /// The environment of every command: PATH decides whether `runtime` is FakeRuntime or the real one.
    public var environment: [String: String]
    public let id = "conformance" + String(UInt16.random(in: 0...UInt16.max), radix: 16)

    public static let setting = "x,y=z $HOME ${PATH} 'single' \"double\" `tick`  two  spaces\nnext line"
    static let variables = ["COMMAS_AND_EQUALS", "DOLLARS", "QUOTES", "NEWLINES", "SETTING", "SERVICE_NAME"]

    public init(runtime: String, environment: [String: String]) {
        self.runtime = runtime
        self.environment = environment
    }

    /// Runs the scenario from `up` to `down`; returns one `step: observation` line per observation.
    public func run() async throws -> [String] {
        let directory = ComposeFixtureDirectory()
        let port = try FreePort.pick()
        var environment = self.environment
        environment["STORE_PORT"] = String(port)
        let context = Context(
            scenario: self, environment: environment, workingDirectory: directory.path,
            composeFile: BuildProducts.fixture("compose/podman/conformance.yaml").path)
        var lines: [String] = []
        func observe(_ step: String, _ value: String) {
            lines.append(
                step + ": "
                    + value.replacingOccurrences(of: String(port), with: "<PORT>")
                    .replacingOccurrences(of: id, with: "<ID>"))
        }
        defer { _ = try? context.runtimeBlocking(["rm", "-f"] + ["store", "sick", "job"].map(context.container)) }

        let up = try await context.miniCompose("up", ["-d", "--env", "SETTING=\(Self.setting)"])
        observe("up exit", "\(up.status)")
        let job = context.container("job")
        let ended = try await context.eventually {
            try await context.runtime(["inspect", "--format", "{{.State.Status}}", job]).stdoutText.hasPrefix("exited")
        }
        observe("job ended", "\(ended)")
        for (service, state, live) in try await context.psServices() {
            observe("ps \(service)", "\(state) \(live)")
        }
        let inspected = try await context.runtime([
            "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", job,
        ])
        observe("inspect job", inspected.stdoutText + " exit \(inspected.status)")
        if let probe = try context.lastProbe("sick") { observe("sick last probe", probe) }

        let store = context.container("store")
        for name in Self.variables {
            let value = try await context.runtime(["exec", store, "/bin/sh", "-c", "printf %s \"${\(name)?}\""])
            observe("store \(name)", "\(value.stdoutText) exit \(value.status)")
        }
        let failing = try await context.runtime(["exec", store, "/bin/sh", "-c", "echo to stderr >&2; exit 7"])
        observe("exec exit 7", "\(failing.status) stderr \(failing.stderrText)")
        let peer = try await context.runtime([
            "exec", context.container("sick"), "wget", "-q", "-O", "-", "http://store:\(port)/name",
        ])
        observe("sick asks store by name", peer.stdoutText + " exit \(peer.status)")

        if runtime == "podman" {
            for (step, value) in try await context.podmanCommandLine() { observe("podman " + step, value) }
        }

        for (service, tail) in [("job", nil), ("store", nil), ("sick", "1")] as [(String, String?)] {
            let logs = try await context.miniCompose("logs", (tail.map { ["--tail", $0] } ?? []) + [service])
            observe("logs \(service)", logs.stdoutText + " exit \(logs.status)")
        }

        let down = try await context.miniCompose("down", [])
        observe("down", down.stdoutText + " exit \(down.status)")
        let left = try await context.runtime(["ps", "-a", "--format", "{{.Names}}"])
        observe("left behind", left.stdoutText.split(separator: "\n").filter { $0.contains(id) }.joined(separator: ","))
        observe("state kept", "\(FileManager.default.fileExists(atPath: directory.path + "/.mini-compose/" + id))")
        return lines
    }

    struct Context {
        let scenario: ConformanceScenario
        let environment: [String: String]
        let workingDirectory: String
        let composeFile: String

        func container(_ service: String) -> String { "mcconform-\(scenario.id)-\(service)" }

        func miniCompose(_ command: String, _ arguments: [String]) async throws -> RunResult {
            let words =
                ["-f", composeFile, command, "--runtime", scenario.runtime, "--working-dir", workingDirectory]
                + ["--id", scenario.id] + arguments
            return try await ProcessRunner().run(
                Command(BuildProducts.path("mini-compose"), words, environment: environment),
                options: RunOptions(timeout: .seconds(120)))
        }

        func runtime(_ arguments: [String]) async throws -> RunResult {
            try await ProcessRunner().run(
                Command(scenario.runtime, arguments, environment: environment),
                options: RunOptions(timeout: .seconds(60)))
        }

        func runtimeBlocking(_ arguments: [String]) throws -> RunResult {
            try ProcessRunner().runBlocking(
                Command(scenario.runtime, arguments, environment: environment),
                options: RunOptions(timeout: .seconds(60)))
        }

        /// How podman's own command line answers what the docker backend relies on: names, missing objects,
        /// stopped containers, name clashes. Only podman's face is compared here: docker words these differently.
        func podmanCommandLine() async throws -> [(String, String)] {
            let (store, job, missing) = (container("store"), container("job"), container("missing"))
            let base = "localhost/mini-compose-base:latest"
            let alias = "mcconform-\(scenario.id)-alias:1"
            let images = ["images", "--format", "{{.Repository}}:{{.Tag}}", "mcconform-store"]
            let probes: [(String, [String])] = [
                ("images", images),
                ("tag", ["tag", "mcconform-store", alias]),
                ("images of a tagged image", images),
                ("rmi one name of two", ["rmi", alias]),
                ("images after rmi", images),
                ("inspect some missing", ["inspect", "--format", "{{.Name}} {{.State.Status}}", job, missing, store]),
                ("exec into exited", ["exec", job, "/bin/true"]),
                ("exec missing program", ["exec", store, "no-such-program"]),
                ("logs missing", ["logs", missing]),
                ("stop missing", ["stop", "-t", "0", missing]),
                ("rm -f missing", ["rm", "-f", missing]),
                ("run name in use", ["run", "-d", "--name", store, base, "/bin/true"]),
                ("run missing image", ["run", "-d", "--name", missing, "\(missing):1"]),
                ("image inspect missing", ["image", "inspect", "--format", "{{.Id}}", missing]),
            ]
            var answers: [(String, String)] = []
            for (step, arguments) in probes {
                let result = try await runtime(arguments)
                // Which OCI runtime podman uses (runc here, crun by default) changes only this wording.
                let stderr = step == "exec missing program" ? "" : Self.withoutIDs(result.stderrText)
                var stdout = result.stdoutText
                if step.hasPrefix("images") {
                    // Only this scenario's names: podman also lists other tests' names of an identical image.
                    stdout = stdout.split(separator: "\n").filter { $0.contains("mcconform") }.joined(separator: ",")
                }
                answers.append((step, "\(result.status) out \(stdout) err \(stderr)"))
            }
            return answers
        }

        /// Replaces 64-digit container ids, which differ from run to run.
        static func withoutIDs(_ text: String) -> String {
            text.replacing(/[0-9a-f]{64}/, with: "<CONTAINER-ID>")
        }

        /// Each service's recorded state and runtime state from `mini-compose ps --format json`, by service name.
        func psServices() async throws -> [(String, String, String)] {
            let ps = try await miniCompose("ps", ["--format", "json"])
            let instances = (try? JSONSerialization.jsonObject(with: Data(ps.stdout))) as? [[String: Any]] ?? []
            let services = instances.first?["services"] as? [[String: Any]] ?? []
            return services.map {
                ($0["service"] as? String ?? "?", $0["state"] as? String ?? "?", $0["runtime_state"] as? String ?? "?")
            }.sorted { $0.0 < $1.0 }
        }

        /// The last health probe of a service as the launcher recorded it: exit code and output.
        /// The newest probe that ran to its end: a probe cut off by its timeout on a loaded machine tells nothing
        /// about how the runtime reports the check's own exit.
        func lastProbe(_ service: String) throws -> String? {
            let path = workingDirectory + "/.mini-compose/\(scenario.id)/state.json"
            guard let data = FileManager.default.contents(atPath: path),
                let state = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                let services = state["services"] as? [[String: Any]],
                let record = services.first(where: { $0["service"] as? String == service }),
                let probe = (record["health"] as? [[String: Any]])?.last(where: { $0["timedOut"] as? Bool != true })
            else { return nil }
            return "exit \(probe["exitCode"] ?? "none") output \(probe["output"] ?? "")"
        }

        func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if try await condition() { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return try await condition()
        }
    }
}
