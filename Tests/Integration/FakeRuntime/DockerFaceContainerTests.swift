import Foundation
import Glibc
import SystemKit
import TestSupport
import Testing

@Suite struct DockerFaceContainerTests {
    @Test func runDetachedPrintsTheIdAndPsAndInspectShowItRunning() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc:1")
            let id = try await sandbox.output(
                "docker", ["run", "-d", "--name", "web", "-e", "SERVICE_PORT=0", "svc:1"])
            #expect(id.count == 64 && id.allSatisfy(\.isHexDigit))
            let names = try await sandbox.output("docker", ["ps", "--format", "{{.Names}} {{.State}} {{.ID}}"])
            #expect(names == "web running \(id.prefix(12))")
            #expect(
                try await sandbox.inspect("web", "{{.State.Status}} {{.State.ExitCode}} {{.Name}}") == "running 0 /web")
            let pid = Int32(try await sandbox.inspect("web", "{{.State.Pid}}"))!
            #expect(FakeRuntimeProbe.isRunning(pid))
            let hostname = try await sandbox.output("docker", ["exec", "web", "sh", "-c", "echo $HOSTNAME"])
            #expect(hostname == String(id.prefix(12)))
            let table = try await sandbox.output("docker", ["ps"])
            #expect(table.hasPrefix("CONTAINER ID   IMAGE   COMMAND"))
        }
    }

    @Test func runWithATakenNameExits125WithDockersConflictMessage() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc:1")
            let id = try await sandbox.output(
                "docker", ["run", "-d", "--name", "web", "-e", "SERVICE_PORT=0", "svc:1"])
            let second = try await sandbox.run("docker", ["run", "-d", "--name", "web", "svc:1"])
            #expect(second.status == .exited(125))
            #expect(
                second.stderrText.hasPrefix(
                    "docker: Error response from daemon: Conflict. The container name \"/web\" is already in use by "
                        + "container \"\(id)\"."
                ))
            let podman = try await sandbox.run("podman", ["run", "-d", "--name", "web", "svc:1"])
            #expect(podman.status == .exited(125))
            #expect(podman.stderrText.contains("the container name \"web\" is already in use"))
        }
    }

    @Test func unknownFlagAndUnknownCommandAreRejectedLikeDocker() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let flag = try await sandbox.run("docker", ["run", "--bogus", "x"])
            #expect(flag.status == .exited(125))
            #expect(flag.stderrText == "unknown flag: --bogus\nSee 'docker run --help'.\n")
            let command = try await sandbox.run("docker", ["frobnicate"])
            #expect(command.status == .exited(1))
            #expect(command.stderrText.hasPrefix("docker: 'frobnicate' is not a docker command."))
        }
    }

    @Test func missingContainerIsAnErrorForStopRmInspectAndExec() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            for arguments in [["stop", "ghost"], ["rm", "ghost"], ["exec", "ghost", "true"], ["logs", "ghost"]] {
                let result = try await sandbox.run("docker", arguments)
                #expect(result.status == .exited(1), "\(arguments)")
                #expect(result.stderrText == "Error response from daemon: No such container: ghost\n", "\(arguments)")
            }
            let inspect = try await sandbox.run("docker", ["inspect", "ghost"])
            #expect(inspect.status == .exited(1))
            #expect(inspect.stdoutText == "[]\n")
            #expect(inspect.stderrText == "Error: No such object: ghost\n")
            let forced = try await sandbox.run("docker", ["rm", "-f", "ghost"])
            #expect(forced.status == .exited(0))
            #expect(forced.stderrText == "Error response from daemon: No such container: ghost\n")
            let podmanForced = try await sandbox.run("podman", ["rm", "-f", "ghost"])
            #expect(podmanForced.status == .exited(0))
            #expect(podmanForced.stderrText.isEmpty)
            let podman = try await sandbox.run("podman", ["stop", "ghost"])
            #expect(podman.status == .exited(125))
            #expect(podman.stderrText == "Error: no container with name or ID \"ghost\" found: no such container\n")
        }
    }

    @Test func runOfAMissingImageExits125AfterTryingToPull() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let result = try await sandbox.run("docker", ["run", "-d", "nosuch/image:2"])
            #expect(result.status == .exited(125))
            #expect(result.stderrText.hasPrefix("Unable to find image 'nosuch/image:2' locally\n"))
            #expect(result.stderrText.contains("pull access denied for nosuch/image"))
        }
    }

    @Test func runOfACommandNotInTheImageExits127AndLeavesTheContainerCreated() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("oneshot", tag: "job")
            let result = try await sandbox.run("docker", ["run", "-d", "--name", "j", "job", "no-such-program"])
            #expect(result.status == .exited(127))
            #expect(result.stderrText.contains("exec: \"no-such-program\": executable file not found in $PATH"))
            #expect(try await sandbox.inspect("j", "{{.State.Status}} {{.State.ExitCode}}") == "created 127")
        }
    }

    @Test func execRunsInsideWithTheContainersEnvironmentAndReturnsTheCommandsCode() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc")
            _ = try await sandbox.output(
                "docker", ["run", "-d", "--name", "s", "-e", "SERVICE_PORT=0", "-e", "GREETING=hi there", "svc"])
            let result = try await sandbox.run(
                "docker", ["exec", "-e", "EXTRA=1", "s", "sh", "-c", "echo \"$GREETING|$EXTRA|$(pwd)\"; exit 7"])
            #expect(result.status == .exited(7))
            #expect(result.stdoutText == "hi there|1|/srv\n")
            let missing = try await sandbox.run("docker", ["exec", "s", "no-such-program"])
            #expect(missing.status == .exited(127))
            _ = try await sandbox.output("docker", ["stop", "-t", "5", "s"])
            let stopped = try await sandbox.run("docker", ["exec", "s", "true"])
            #expect(stopped.status == .exited(1))
            #expect(stopped.stderrText.contains("is not running"))
        }
    }

    @Test func logsReturnTheContainersStdoutAndStderrSeparately() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("crasher", tag: "crash")
            _ = try await sandbox.output("docker", ["run", "-d", "--name", "c", "-e", "CRASH_CODE=4", "crash"])
            #expect(
                try await FakeRuntimeSandbox.eventually {
                    try await sandbox.inspect("c", "{{.State.Status}}") == "exited"
                })
            #expect(try await sandbox.inspect("c", "{{.State.ExitCode}}") == "4")
            let logs = try await sandbox.run("docker", ["logs", "c"])
            #expect(logs.stdoutText == "crasher starting\n")
            #expect(logs.stderrText == "crasher: giving up\n")
            let status = try await sandbox.output("docker", ["ps", "-a", "--format", "{{.Status}}"])
            #expect(status.hasPrefix("Exited (4) "))
            #expect(try await sandbox.output("docker", ["ps", "-q"]) == "")
        }
    }

    @Test func stopEndsAServiceWithSigtermAndRecords143() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc")
            _ = try await sandbox.output("docker", ["run", "-d", "--name", "s", "-e", "SERVICE_PORT=0", "svc"])
            let pid = Int32(try await sandbox.inspect("s", "{{.State.Pid}}"))!
            let result = try await sandbox.run("docker", ["stop", "s"])
            #expect(result.stdoutText == "s\n")
            #expect(result.duration < .seconds(5))
            #expect(try await sandbox.inspect("s", "{{.State.Status}} {{.State.ExitCode}}") == "exited 143")
            #expect(!FakeRuntimeProbe.isRunning(pid))
        }
    }

    @Test func stopEscalatesToSigkillWhenSigtermIsIgnored() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("oneshot", tag: "job")
            _ = try await sandbox.output(
                "docker",
                [
                    "run", "-d", "--name", "stubborn", "--entrypoint", "sh", "job", "-c",
                    "trap '' TERM; while :; do sleep 1; done",
                ])
            let result = try await sandbox.run("docker", ["stop", "-t", "1", "stubborn"])
            #expect(result.status == .exited(0))
            #expect(result.duration >= .seconds(1))
            #expect(result.duration < .seconds(8))
            #expect(try await sandbox.inspect("stubborn", "{{.State.Status}} {{.State.ExitCode}}") == "exited 137")
        }
    }

    @Test func rmOfARunningContainerNeedsForce() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc")
            _ = try await sandbox.output("docker", ["run", "-d", "--name", "s", "-e", "SERVICE_PORT=0", "svc"])
            let refused = try await sandbox.run("docker", ["rm", "s"])
            #expect(refused.status == .exited(1))
            #expect(
                refused.stderrText.contains("container is running: stop the container before removing or force remove"))
            let pid = Int32(try await sandbox.inspect("s", "{{.State.Pid}}"))!
            #expect(try await sandbox.output("docker", ["rm", "-f", "s"]) == "s")
            #expect(!FakeRuntimeProbe.isRunning(pid))
            #expect(try await sandbox.output("docker", ["ps", "-a", "-q"]) == "")
        }
    }

    @Test func twentyConcurrentRunsAllStartWithDistinctIds() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc")
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await sandbox.output(
                            "docker",
                            [
                                "run", "-d", "--name", "c\(index)", "-e", "SERVICE_PORT=0", "-e",
                                "SERVICE_IDENTITY=c\(index)", "svc",
                            ])
                    }
                }
                var all: [String] = []
                for try await id in group { all.append(id) }
                return all
            }
            #expect(Set(ids).count == 20)
            let running = try await sandbox.output("docker", ["ps", "--format", "{{.Names}}"]).split(separator: "\n")
            #expect(Set(running) == Set((0..<20).map { "c\($0)" }))
        }
    }

    @Test func containerWhoseSupervisorWasKilledStaysRunningThenShowsExited255() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc")
            _ = try await sandbox.output("docker", ["run", "-d", "--name", "s", "-e", "SERVICE_PORT=0", "svc"])
            let monitor = Int32(try await sandbox.inspect("s", "{{.FakeRuntime.MonitorPid}}"))!
            let pid = Int32(try await sandbox.inspect("s", "{{.State.Pid}}"))!
            kill(monitor, SIGKILL)
            #expect(try await FakeRuntimeSandbox.eventually { !FakeRuntimeProbe.isRunning(monitor) })
            #expect(try await sandbox.inspect("s", "{{.State.Status}}") == "running")
            kill(pid, SIGKILL)
            #expect(
                try await FakeRuntimeSandbox.eventually {
                    try await sandbox.inspect("s", "{{.State.Status}}") == "exited"
                })
            #expect(try await sandbox.inspect("s", "{{.State.ExitCode}}") == "255")
        }
    }
}

@Suite struct DockerFaceLifecycleTests {
    @Test func killSendsSigkillByDefaultAndRefusesAStoppedContainer() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc")
            _ = try await sandbox.output("docker", ["run", "-d", "--name", "s", "-e", "SERVICE_PORT=0", "svc"])
            #expect(try await sandbox.output("docker", ["kill", "s"]) == "s")
            #expect(
                try await FakeRuntimeSandbox.eventually {
                    try await sandbox.inspect("s", "{{.State.Status}} {{.State.ExitCode}}") == "exited 137"
                })
            let again = try await sandbox.run("docker", ["kill", "s"])
            #expect(again.status == .exited(1))
            #expect(again.stderrText.contains("is not running"))
        }
    }

    @Test func startRunsAnExitedContainerAgainAndWaitReportsItsCode() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("oneshot", tag: "job")
            _ = try await sandbox.output("docker", ["run", "-d", "--name", "j", "-e", "JOB_EXIT_CODE=3", "job"])
            #expect(try await sandbox.output("docker", ["wait", "j"]) == "3")
            #expect(try await sandbox.output("docker", ["start", "j"]) == "j")
            #expect(try await sandbox.output("docker", ["wait", "j"]) == "3")
            #expect(try await sandbox.output("docker", ["logs", "--tail", "1", "j"]) == "job done")
            let all = try await sandbox.output("docker", ["logs", "j"])
            #expect(all == "job done\njob done")
        }
    }

    @Test func podmanFaceRunsContainersToo() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("oneshot", tag: "job")
            let result = try await sandbox.run(
                "podman", ["run", "--rm", "--name", "p", "job", "/usr/local/bin/oneshot", "pod"])
            #expect(result.status == .exited(0))
            #expect(result.stdoutText == "job done pod\n")
            #expect(try await sandbox.output("podman", ["ps", "-a", "-q"]) == "")
        }
    }

    @Test func inspectShowsTheRunsEnvironmentBindsAndPorts() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc")
            let data = sandbox.workDirectory.path
            _ = try await sandbox.output(
                "docker",
                [
                    "run", "-d", "--name", "s", "-e", "SERVICE_PORT=0", "-p", "127.0.0.1:9000:8080", "-v",
                    "\(data):/mnt/data",
                    "--gpus", "all", "--network", "host", "svc",
                ])
            #expect(try await sandbox.inspect("s", "{{json .HostConfig.Binds}}") == "[\"\(data):/mnt/data\"]")
            #expect(
                try await sandbox.inspect("s", "{{json .HostConfig.PortBindings}}")
                    == "{\"8080/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"9000\"}]}")
            #expect(try await sandbox.inspect("s", "{{.HostConfig.NetworkMode}} {{.FakeRuntime.Gpus}}") == "host all")
            let env = try await sandbox.inspect("s", "{{json .Config.Env}}")
            #expect(env.contains("\"SERVICE_PORT=0\""))
            // /mnt/data does not exist on this host, so the bind is recorded, not made.
            let mounts = try await sandbox.inspect("s", "{{json .Mounts}}")
            #expect(mounts.contains("\"Applied\":false"))
        }
    }
}

@Suite struct DockerFaceStreamTests {
    @Test func detachedExecRunsInsideTheContainerAfterTheCommandReturns() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("tcp-service", tag: "svc")
            _ = try await sandbox.output("docker", ["run", "-d", "--name", "s", "-e", "SERVICE_PORT=0", "svc"])
            let marker = sandbox.workDirectory.appendingPathComponent("marker").path
            let result = try await sandbox.run(
                "docker", ["exec", "-d", "-e", "WORD=inside", "s", "sh", "-c", "echo \"$WORD $(pwd)\" > \(marker)"])
            #expect(result.status == .exited(0))
            #expect(
                try await FakeRuntimeSandbox.eventually {
                    (try? String(contentsOfFile: marker, encoding: .utf8)) == "inside /srv\n"
                })
        }
    }

    @Test func followedLogsStreamUntilTheContainerEnds() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("oneshot", tag: "job")
            _ = try await sandbox.output(
                "docker",
                [
                    "run", "-d", "--name", "t", "--entrypoint", "sh", "job", "-c",
                    "for i in 1 2 3; do echo tick $i; sleep 0.1; done",
                ])
            let result = try await sandbox.run("docker", ["logs", "-f", "t"], timeout: .seconds(20))
            #expect(!result.timedOut)
            #expect(result.stdoutText == "tick 1\ntick 2\ntick 3\n")
        }
    }
}
