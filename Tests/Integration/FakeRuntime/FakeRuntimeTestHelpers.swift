import Foundation
import SystemKit
import TestSupport
import Testing

extension FakeRuntimeSandbox {
    /// Runs a command that must succeed and returns its stdout without the trailing newline.
    func output(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> String {
        let result = try await run(tool, arguments, environment: environment)
        #expect(result.status == .exited(0), "\(tool) \(arguments) failed: \(result.stderrText)")
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A field of `docker inspect --format`.
    func inspect(_ name: String, _ format: String, tool: String = "docker") async throws -> String {
        try await output(tool, ["inspect", "--format", format, name])
    }

    /// Waits for a started tcp-service to log the port it bound, and returns it.
    func servicePort(_ name: String, tool: String = "docker") async throws -> Int? {
        var port: Int?
        _ = try await FakeRuntimeSandbox.eventually {
            let logs = try await run(tool, ["logs", name]).stdoutText
            if let line = logs.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }),
                let text = line.split(separator: " ")[2].split(separator: ":").last
            {
                port = Int(text)
            }
            return port != nil
        }
        return port
    }
}
