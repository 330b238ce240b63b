import Foundation
import SystemKit
import TestSupport
import Testing

/// The failure answers of image and apptainer commands: exit status and the message.
@Suite struct ErrorPathTests {
    struct Case: CustomStringConvertible, Sendable {
        let tool: String
        let arguments: [String]
        let code: Int32
        let message: String
        var description: String { "\(tool) \(arguments.joined(separator: " "))" }
    }

    static let cases: [Case] = [
        Case(
            tool: "docker", arguments: ["save", "-o", "out.tar", "ghost"], code: 1,
            message: "Error response from daemon: reference does not exist"),
        Case(tool: "docker", arguments: ["load", "-i", "missing.tar"], code: 1, message: "Error: open "),
        Case(
            tool: "docker", arguments: ["build", "-t", "x", "no-such-dir"], code: 1,
            message: "ERROR: failed to solve: unable to prepare context"),
        Case(
            tool: "docker", arguments: ["rmi", "ghost"], code: 1,
            message: "Error response from daemon: No such image: ghost"),
        Case(
            tool: "docker", arguments: ["image", "inspect", "ghost"], code: 1, message: "Error: No such image: ghost"),
        Case(
            tool: "docker", arguments: ["run", "-d", "--name", "bad name", "x"], code: 125,
            message: "docker: Error response from daemon: Invalid container name"),
        Case(
            tool: "docker", arguments: ["exec", "only-one-arg"], code: 1,
            message: "\"docker exec\" requires at least 2 arguments."),
        Case(tool: "docker", arguments: ["stop", "-t", "soon", "x"], code: 125, message: "invalid argument"),
        Case(tool: "podman", arguments: ["rmi", "ghost"], code: 125, message: "Error: ghost: image not known"),
        Case(
            tool: "apptainer", arguments: ["build", "out.sif", "docker-daemon://ghost"], code: 255,
            message: "FATAL:   While performing build"),
        Case(
            tool: "apptainer", arguments: ["instance", "run", "missing.sif", "i1"], code: 255,
            message: "FATAL:   could not open image"),
        Case(
            tool: "apptainer", arguments: ["exec", "instance://ghost", "true"], code: 255,
            message: "FATAL:   no instance found with name ghost"),
        Case(tool: "apptainer", arguments: ["instance", "bogus"], code: 255, message: "FATAL:   Unknown command"),
        Case(
            tool: "apptainer", arguments: ["frobnicate"], code: 255,
            message: "FATAL:   Unknown command \"frobnicate\""),
    ]

    @Test(arguments: cases) func commandFailsWithTheRealToolsCodeAndMessage(_ item: Case) async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let result = try await sandbox.run(item.tool, item.arguments)
            #expect(result.status == .exited(item.code))
            #expect(result.stderrText.contains(item.message), "\(result.stderrText)")
        }
    }

    @Test func apptainerRejectsAFileThatIsNotAnImageAndAMissingBindSource() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let notImage = sandbox.workDirectory.appendingPathComponent("plain.sif")
            try "not an image".write(to: notImage, atomically: true, encoding: .utf8)
            let bad = try await sandbox.run("apptainer", ["exec", notImage.path, "true"])
            #expect(bad.status == .exited(255))
            #expect(bad.stderrText.contains("image format not recognized"))
            try await sandbox.buildImage("oneshot", tag: "job")
            let sif = sandbox.workDirectory.appendingPathComponent("job.sif").path
            _ = try await sandbox.output("apptainer", ["build", sif, "docker-daemon://job"])
            let bind = try await sandbox.run(
                "apptainer", ["instance", "run", "--bind", "/no/such/source:/x", sif, "b"])
            #expect(bind.status == .exited(255))
            #expect(bind.stderrText.contains("mount source /no/such/source doesn't exist"))
        }
    }
}
