import Foundation
import Glibc
import SystemKit

/// A real `mini-compose serve` process for a test: started on 127.0.0.1 port 0 (the bound port is read back
/// from its log), its log kept in a file, stopped and reaped at the end.
public final class ServerHarness: @unchecked Sendable {
    public let process: ChildProcess
    public let port: UInt16
    public let logFile: String

    /// Starts the server for the compose file `composeFile`, with `environment` (a FakeRuntime sandbox's).
    public init(
        composeFile: String, arguments: [String] = [], environment: [String: String], hostIP: String = "127.0.0.1"
    ) throws {
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString).log").path
        let command = Command(
            BuildProducts.path("mini-compose"),
            ["serve", hostIP, "-f", composeFile, "--listen", "127.0.0.1:0"] + arguments, environment: environment,
            workingDirectory: (composeFile as NSString).deletingLastPathComponent)
        process = try Subprocess.spawn(
            command,
            options: SpawnOptions(
                stdin: .null, stdout: .file(path: logFile, append: true),
                stderr: .file(path: logFile, append: true)))
        let deadline = ContinuousClock.now + .seconds(30)
        var found: UInt16?
        while found == nil, ContinuousClock.now < deadline {
            if let status = try process.poll() {
                throw HarnessError(
                    description: "mini-compose serve exited (\(status)) before listening:\n\(Self.read(logFile))")
            }
            found = Self.boundPort(in: Self.read(logFile))
            if found == nil { usleep(10_000) }
        }
        guard let found else {
            _ = try? process.terminate(grace: .seconds(1))
            throw HarnessError(description: "mini-compose serve did not listen within 30 s:\n\(Self.read(logFile))")
        }
        port = found
    }

    deinit {
        _ = try? process.terminate(grace: .seconds(10))
        try? FileManager.default.removeItem(atPath: logFile)
    }

    public var log: String { Self.read(logFile) }

    static func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    static func boundPort(in log: String) -> UInt16? {
        for line in log.split(separator: "\n") where line.contains(" listening ") {
            if let range = line.range(of: "address=127.0.0.1:") {
                return UInt16(line[range.upperBound...].prefix { $0.isNumber })
            }
        }
        return nil
    }

    /// GET (or another method) with JSON asked for; `accept: nil` asks for the text form.
    public func request(
        _ method: String = "GET", _ path: String, accept: String? = "application/json",
        headers: [(String, String)] = [],
        body: String? = nil, host: String? = nil
    ) async throws -> HTTPTestResponse {
        var all = headers
        if let accept { all.append(("Accept", accept)) }
        if body != nil { all.append(("Content-Type", "application/json")) }
        return try await HTTPTestClient.fetch(
            method, path, port: port, host: host, headers: all, body: Array((body ?? "").utf8), timeout: .seconds(60))
    }

    public func get(_ path: String, accept: String? = "application/json") async throws -> HTTPTestResponse {
        try await request("GET", path, accept: accept)
    }

    /// The JSON body of a response as a dictionary.
    public static func object(_ response: HTTPTestResponse) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(response.body), options: [])) as? [String: Any]
    }

    /// Waits until `/status/<id>/` shows every service in one of `states`.
    public func waitForStates(_ id: String, _ states: Set<String>, timeout: Duration = .seconds(30)) async throws
        -> Bool
    {
        try await FakeRuntimeSandbox.eventually(timeout: timeout, every: .milliseconds(50)) {
            let response = try await self.request("GET", "/status/\(id)/")
            guard response.status == 200, let services = Self.object(response)?["services"] as? [[String: Any]] else {
                return false
            }
            return !services.isEmpty && services.allSatisfy { states.contains($0["state"] as? String ?? "") }
        }
    }

    /// Asks the server to stop (SIGTERM) and returns its exit status.
    public func terminate() throws -> ExitStatus {
        _ = try process.signal(SIGTERM)
        return try process.wait(timeout: .seconds(60)) ?? process.terminate(grace: .seconds(1))
    }
}

public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
}
