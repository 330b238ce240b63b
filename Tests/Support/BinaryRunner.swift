import Foundation

/// What a finished program printed and how it exited.
public struct BinaryResult: Sendable {
    public var exitCode: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a built binary to completion, for tests of command-line behaviour (exit codes and output).
public enum BinaryRunner {
    /// Runs `BuildProducts.path(name)` with `arguments` in `directory`; `environment` replaces the inherited one
    /// when given. Gives up (and fails) after `timeout` seconds so a hung program cannot hang the suite.
    public static func run(
        _ name: String, _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil,
        timeout: TimeInterval = 60
    ) throws -> BinaryResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuildProducts.path(name))
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        let outFile = FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID().uuidString)")
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outFile)
            try? FileManager.default.removeItem(at: errFile)
        }
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw TimeoutError(command: ([name] + arguments).joined(separator: " "), seconds: timeout)
        }
        return BinaryResult(
            exitCode: process.terminationStatus,
            stdout: (try? String(contentsOf: outFile, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
    }

    public struct TimeoutError: Error, CustomStringConvertible {
        public var command: String
        public var seconds: TimeInterval
        public var description: String { "\(command) did not finish within \(seconds) s" }
    }
}
