import Foundation
import SystemKit
import TestSupport
import Testing

@Suite struct DockerFaceImageTests {
    @Test func buildReadsTheDockerfileIntoTheImageConfig() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let context = try sandbox.buildContext("tcp-service")
            let result = try await sandbox.run("docker", ["build", "-t", "svc:2", context.path])
            #expect(result.status == .exited(0))
            #expect(result.stdoutText.contains("Successfully tagged svc:2"))
            let config = try await sandbox.output(
                "docker",
                [
                    "image", "inspect", "--format",
                    "{{json .Config.Entrypoint}} {{.Config.WorkingDir}} {{json .Config.Env}}", "svc:2",
                ])
            #expect(
                config == "[\"/usr/local/bin/tcp-service\"] /srv [\"SERVICE_HOST=127.0.0.1\",\"SERVICE_PORT=8080\"]")
            let listed = try await sandbox.output("docker", ["images", "--format", "{{.Repository}}:{{.Tag}}"])
            #expect(listed == "svc:2")
        }
    }

    @Test func buildWithACopySourceMissingFailsWithExitOne() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let context = sandbox.workDirectory.appendingPathComponent("bad")
            try FileManager.default.createDirectory(at: context, withIntermediateDirectories: true)
            try "FROM scratch\nCOPY missing.bin /x\n".write(
                to: context.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
            let result = try await sandbox.run("docker", ["build", "-t", "bad", context.path])
            #expect(result.status == .exited(1))
            #expect(result.stderrText.contains("\"/missing.bin\": not found"))
            let inspect = try await sandbox.run("docker", ["image", "inspect", "bad"])
            #expect(inspect.status == .exited(1))
        }
    }

    @Test func buildFailureFaultFromTheEnvironmentFailsTheBuild() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let context = try sandbox.buildContext("oneshot")
            let result = try await sandbox.run(
                "docker", ["build", "-t", "job", context.path], environment: ["FAKE_RUNTIME_BUILD_FAIL": "disk full"])
            #expect(result.status == .exited(1))
            #expect(result.stderrText.contains("disk full"))
        }
    }

    @Test func saveWritesADockerArchiveThatLoadReadsBack() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("oneshot", tag: "job:1")
            let archive = sandbox.workDirectory.appendingPathComponent("job.tar").path
            _ = try await sandbox.output("docker", ["save", "-o", archive, "job:1"])
            let listing = try await ProcessRunner().run(
                Command("tar", ["-tf", archive], environment: ["PATH": "/usr/bin:/bin"]))
            let members = listing.stdoutText.split(separator: "\n")
            #expect(members.contains("manifest.json"))
            #expect(members.contains { $0.hasSuffix("/layer.tar") })
            _ = try await sandbox.output("docker", ["rmi", "job:1"])
            #expect(try await sandbox.run("docker", ["image", "inspect", "job:1"]).status == .exited(1))
            #expect(try await sandbox.output("docker", ["load", "-i", archive]) == "Loaded image: job:1")
            let result = try await sandbox.run("docker", ["run", "--rm", "job:1", "/usr/local/bin/oneshot", "again"])
            #expect(result.stdoutText == "job done again\n")
        }
    }

    @Test func pullTakesImagesFromTheFixtureRegistryDirectory() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("oneshot", tag: "job:1")
            let repository = sandbox.registryDirectory.appendingPathComponent("team/job")
            try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
            _ = try await sandbox.output(
                "docker", ["save", "-o", repository.appendingPathComponent("3.0.tar").path, "job:1"])
            let pulled = try await sandbox.run("docker", ["pull", "team/job:3.0"])
            #expect(pulled.status == .exited(0))
            #expect(pulled.stdoutText.contains("Downloaded newer image for team/job:3.0"))
            let missing = try await sandbox.run("docker", ["pull", "team/job:9"])
            #expect(missing.status == .exited(1))
            #expect(missing.stderrText.contains("pull access denied for team/job"))
        }
    }
}
