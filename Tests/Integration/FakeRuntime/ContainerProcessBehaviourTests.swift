import Foundation
import SystemKit
import TestSupport
import Testing

/// What a container's process really gets: the environment, working directory and bound files the flags ask for.
@Suite struct ContainerProcessBehaviourTests {
    @Test func dockerContainerProcessHasTheGivenEnvironmentDirectoryAndBoundHostsFile() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc")
            let hosts = sandbox.workDirectory.appendingPathComponent("hosts")
            try "127.0.0.1 localhost\n127.0.0.1 db\n127.0.0.1 cache\n".write(
                to: hosts, atomically: true, encoding: .utf8)
            let envFile = sandbox.workDirectory.appendingPathComponent("env")
            try "# comment\nQUOTED=\"kept as is\"\nCOMMA=a,b=c\n".write(to: envFile, atomically: true, encoding: .utf8)
            let workdir = sandbox.workDirectory.appendingPathComponent("data").path
            try FileManager.default.createDirectory(atPath: workdir, withIntermediateDirectories: true)
            _ = try await sandbox.output(
                "docker",
                [
                    "run", "-d", "--name", "s", "-e", "SERVICE_PORT=0", "-e", "SERVICE_IDENTITY=copy-a", "--env-file",
                    envFile.path, "-e", "DOLLAR=$HOME`x`", "-w", workdir, "-v", "\(hosts.path):/etc/hosts:ro", "svc",
                ])
            let pid = Int32(try await sandbox.inspect("s", "{{.State.Pid}}"))!
            let environment = try #require(FakeRuntimeProbe.environment(of: pid))
            #expect(environment["SERVICE_IDENTITY"] == "copy-a")
            #expect(environment["QUOTED"] == "\"kept as is\"")
            #expect(environment["COMMA"] == "a,b=c")
            #expect(environment["DOLLAR"] == "$HOME`x`")
            #expect(environment["SERVICE_HOST"] == "127.0.0.1")
            #expect(environment["FAKE_RUNTIME_ROOT"] == nil)
            #expect(FakeRuntimeProbe.workingDirectory(of: pid) == workdir)
            let applied = try await sandbox.inspect("s", "{{json .Mounts}}")
            if FakeRuntimeProbe.canMount {
                #expect(
                    FakeRuntimeProbe.file("/etc/hosts", seenBy: pid)
                        == "127.0.0.1 localhost\n127.0.0.1 db\n127.0.0.1 cache\n")
                #expect(applied.contains("\"Applied\":true"))
                let fromExec = try await sandbox.output("docker", ["exec", "s", "cat", "/etc/hosts"])
                #expect(fromExec == "127.0.0.1 localhost\n127.0.0.1 db\n127.0.0.1 cache")
            } else {
                #expect(applied.contains("\"Applied\":false"))
            }
            let port = try #require(try await sandbox.servicePort("s"))
            #expect(FakeRuntimeProbe.ask(port: port, "WHO") == "copy-a")
            #expect(FakeRuntimeProbe.ask(port: port, "ENV COMMA") == "a,b=c")
        }
    }

    @Test(.enabled(if: FakeRuntimeProbe.canMount, "bind mounts need root"))
    func twoContainersEachSeeTheirOwnHostsFileAndTheHostKeepsItsOwn() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc")
            let hostBefore = try String(contentsOfFile: "/etc/hosts", encoding: .utf8)
            for copy in ["a", "b"] {
                let hosts = sandbox.workDirectory.appendingPathComponent("hosts-\(copy)")
                try "127.0.0.1 localhost\n127.0.0.1 db-\(copy)\n".write(to: hosts, atomically: true, encoding: .utf8)
                _ = try await sandbox.output(
                    "docker",
                    ["run", "-d", "--name", copy, "-e", "SERVICE_PORT=0", "-v", "\(hosts.path):/etc/hosts", "svc"])
            }
            for copy in ["a", "b"] {
                let seen = try await sandbox.output("docker", ["exec", copy, "cat", "/etc/hosts"])
                #expect(seen == "127.0.0.1 localhost\n127.0.0.1 db-\(copy)")
            }
            #expect(try String(contentsOfFile: "/etc/hosts", encoding: .utf8) == hostBefore)
        }
    }

    @Test(.enabled(if: FakeRuntimeProbe.canMount, "bind mounts need root"))
    func addHostFlagsBecomeTheContainersEtcHosts() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc")
            _ = try await sandbox.output(
                "docker", ["run", "-d", "--name", "s", "-e", "SERVICE_PORT=0", "--add-host", "db:127.0.0.7", "svc"])
            let pid = Int32(try await sandbox.inspect("s", "{{.State.Pid}}"))!
            let hosts = try #require(FakeRuntimeProbe.file("/etc/hosts", seenBy: pid))
            #expect(hosts.contains("127.0.0.7\tdb\n"))
        }
    }

    @Test func imageWorkdirMissingOnTheHostMapsIntoTheImagesOwnDirectory() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let context = sandbox.workDirectory.appendingPathComponent("ctx")
            try FileManager.default.createDirectory(at: context, withIntermediateDirectories: true)
            try "FROM scratch\nWORKDIR /no-such-dir-on-host/app\nCMD [\"sleep\", \"30\"]\n".write(
                to: context.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
            _ = try await sandbox.output("docker", ["build", "-t", "w", context.path])
            _ = try await sandbox.output("docker", ["run", "-d", "--name", "w", "w"])
            let pid = Int32(try await sandbox.inspect("w", "{{.State.Pid}}"))!
            #expect(try await sandbox.inspect("w", "{{.Config.WorkingDir}}") == "/no-such-dir-on-host/app")
            let cwd = try #require(FakeRuntimeProbe.workingDirectory(of: pid))
            #expect(cwd.hasPrefix(sandbox.stateDirectory.path))
            #expect(cwd.hasSuffix("/rootfs/no-such-dir-on-host/app"))
        }
    }
}
