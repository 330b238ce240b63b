import Foundation
import Glibc
import SystemKit
import TestSupport
import Testing

@Suite struct ApptainerFaceTests {
    /// Builds a SIF of a fixture image the way the launcher does: docker build, docker save, apptainer build.
    func sif(_ fixture: String, in sandbox: FakeRuntimeSandbox) async throws -> String {
        try await sandbox.buildImage(fixture, tag: fixture)
        let archive = sandbox.workDirectory.appendingPathComponent("\(fixture).tar").path
        _ = try await sandbox.output("docker", ["save", "-o", archive, fixture])
        let path = sandbox.workDirectory.appendingPathComponent("\(fixture).sif").path
        let result = try await sandbox.run("apptainer", ["build", path, "docker-archive://\(archive)"])
        #expect(result.status == .exited(0), "\(result.stderrText)")
        #expect(result.stderrText.hasSuffix("INFO:    Build complete: \(path)\n"))
        return path
    }

    @Test func versionAnswersForEachName() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            #expect(try await sandbox.output("apptainer", ["--version"]) == "apptainer version 1.3.4")
            #expect(try await sandbox.output("apptainer", ["version"]) == "1.3.4")
            #expect(try await sandbox.output("singularity", ["--version"]).hasPrefix("singularity version"))
            #expect(try await sandbox.output("docker", ["--version"]).hasPrefix("Docker version"))
            #expect(try await sandbox.output("podman", ["--version"]).hasPrefix("podman version"))
        }
    }

    @Test func buildRefusesToOverwriteWithoutForceAndReadsEverySourceKind() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let path = try await sif("oneshot", in: sandbox)
            let again = try await sandbox.run("apptainer", ["build", path, "docker-daemon://oneshot"])
            #expect(again.status == .exited(255))
            #expect(again.stderrText.hasPrefix("FATAL:   Build target"))
            #expect(
                try await sandbox.run("apptainer", ["build", "-F", path, "docker-daemon://oneshot"]).status
                    == .exited(0))
            let repository = sandbox.registryDirectory.appendingPathComponent("oneshot")
            try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
            _ = try await sandbox.output(
                "docker", ["save", "-o", repository.appendingPathComponent("latest.tar").path, "oneshot"])
            let fromRegistry = sandbox.workDirectory.appendingPathComponent("r.sif").path
            #expect(
                try await sandbox.run("apptainer", ["build", fromRegistry, "docker://oneshot"]).status == .exited(0))
            // The image has only a CMD, so `run` runs it, and arguments replace it, as the real runscript does.
            #expect(try await sandbox.run("apptainer", ["run", fromRegistry]).stdoutText == "job done\n")
            let replaced = try await sandbox.run(
                "apptainer", ["run", fromRegistry, "/usr/local/bin/oneshot", "from", "sif"])
            #expect(replaced.stdoutText == "job done from sif\n")
        }
    }

    @Test func instanceRunStartsTheRunscriptAndListShowsItInTheRealJsonShape() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let path = try await sif("tcp-service", in: sandbox)
            let started = try await sandbox.run(
                "apptainer", ["instance", "run", "--env", "SERVICE_PORT=0", path, "web1"])
            #expect(started.status == .exited(0))
            #expect(started.stderrText == "INFO:    instance started successfully\n")
            let json = try await sandbox.output("apptainer", ["instance", "list", "--json"])
            #expect(json.hasPrefix("{\n\t\"instances\": [\n\t\t{\n\t\t\t\"instance\": \"web1\",\n\t\t\t\"pid\": "))
            let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: [[String: Any]]]
            let entry = try #require(decoded["instances"]?.first)
            #expect(Set(entry.keys) == ["instance", "pid", "img", "ip", "logErrPath", "logOutPath"])
            #expect(entry["img"] as? String == path)
            let pid = Int32(entry["pid"] as! Int)
            #expect(FakeRuntimeProbe.isRunning(pid))
            let out = try #require(entry["logOutPath"] as? String)
            #expect(
                try await FakeRuntimeSandbox.eventually {
                    (try? String(contentsOfFile: out, encoding: .utf8))?.hasPrefix("listening on 127.0.0.1:") == true
                })
            let text = try await sandbox.output("apptainer", ["instance", "list"])
            #expect(text.hasPrefix("INSTANCE NAME    PID"))
            let duplicate = try await sandbox.run("apptainer", ["instance", "run", path, "web1"])
            #expect(duplicate.status == .exited(255))
            #expect(duplicate.stderrText == "FATAL:   instance web1 already exists\n")
        }
    }

    @Test func instanceStartRunsNothingFromADockerImageYetStaysUp() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let path = try await sif("tcp-service", in: sandbox)
            _ = try await sandbox.output("apptainer", ["instance", "start", "--env", "SERVICE_PORT=0", path, "quiet"])
            let json = try await sandbox.output("apptainer", ["instance", "list", "--json", "quiet"])
            let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: [[String: Any]]]
            let entry = try #require(decoded["instances"]?.first)
            let pid = Int32(entry["pid"] as! Int)
            #expect(FakeRuntimeProbe.isRunning(pid))
            let out = entry["logOutPath"] as! String
            #expect((try? String(contentsOfFile: out, encoding: .utf8)) ?? "" == "")
            let command = try String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)
            #expect(!command.contains("tcp-service"))
        }
    }

    @Test func instanceStopEndsItAndForgetsIt() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let path = try await sif("tcp-service", in: sandbox)
            _ = try await sandbox.output("apptainer", ["instance", "run", "--env", "SERVICE_PORT=0", path, "web"])
            let json = try await sandbox.output("apptainer", ["instance", "list", "--json"])
            let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: [[String: Any]]]
            let pid = Int32(decoded["instances"]![0]["pid"] as! Int)
            let stop = try await sandbox.run("apptainer", ["instance", "stop", "-t", "5", "web"])
            #expect(stop.status == .exited(0))
            #expect(stop.stderrText == "INFO:    Stopping web instance of \(path) (PID=\(pid))\n")
            #expect(!FakeRuntimeProbe.isRunning(pid))
            #expect(
                try await sandbox.output("apptainer", ["instance", "list", "--json"]) == "{\n\t\"instances\": []\n}")
            let again = try await sandbox.run("apptainer", ["instance", "stop", "web"])
            #expect(again.status == .exited(255))
            #expect(again.stderrText == "FATAL:   no instance found\n")
            #expect(
                try await sandbox.run("apptainer", ["instance", "run", "--env", "SERVICE_PORT=0", path, "web"]).status
                    == .exited(0))
        }
    }

    @Test func execIntoAnInstanceDoesNotInheritItsEnvironmentButSeesItsBinds() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let path = try await sif("tcp-service", in: sandbox)
            let hosts = sandbox.workDirectory.appendingPathComponent("hosts")
            try "127.0.0.1 localhost\n127.0.0.1 web\n".write(to: hosts, atomically: true, encoding: .utf8)
            _ = try await sandbox.output(
                "apptainer",
                [
                    "instance", "run", "--cleanenv", "--env", "SERVICE_PORT=0", "--env", "SECRET=instance-only",
                    "--bind",
                    "\(hosts.path):/etc/hosts", path, "web",
                ])
            let exec = try await sandbox.run(
                "apptainer",
                [
                    "exec", "--cleanenv", "--env", "CHECK=1", "instance://web", "sh", "-c",
                    "echo \"[$SECRET][$CHECK][$SERVICE_HOST]\"; cat /etc/hosts",
                ],
                environment: ["HOST_ONLY": "leak"])
            #expect(exec.status == .exited(0))
            let hostsSeen =
                FakeRuntimeProbe.canMount
                ? "127.0.0.1 localhost\n127.0.0.1 web\n" : try String(contentsOfFile: "/etc/hosts", encoding: .utf8)
            #expect(exec.stdoutText == "[][1][127.0.0.1]\n" + hostsSeen)
            let missing = try await sandbox.run("apptainer", ["exec", "instance://nope", "true"])
            #expect(missing.status == .exited(255))
            let failing = try await sandbox.run("apptainer", ["exec", "instance://web", "sh", "-c", "exit 6"])
            #expect(failing.status == .exited(6))
        }
    }

    @Test func cleanenvKeepsTheCallersVariablesOutAndWithoutItTheyPassIn() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let path = try await sif("oneshot", in: sandbox)
            let script = "echo \"[$HOST_ONLY][$APPTAINER_CONTAINER]\""
            let clean = try await sandbox.run(
                "apptainer", ["exec", "--cleanenv", path, "sh", "-c", script], environment: ["HOST_ONLY": "x"])
            #expect(clean.stdoutText == "[][\(path)]\n")
            let open = try await sandbox.run(
                "apptainer", ["exec", path, "sh", "-c", script], environment: ["HOST_ONLY": "x"])
            #expect(open.stdoutText == "[x][\(path)]\n")
            let prefixed = try await sandbox.run(
                "apptainer", ["exec", "--cleanenv", path, "sh", "-c", "echo $FROM_PREFIX"],
                environment: ["APPTAINERENV_FROM_PREFIX": "set"])
            #expect(prefixed.stdoutText == "set\n")
        }
    }

    @Test func envFlagIsSplitOnCommasOnlyWhenItHoldsMoreThanOneEquals() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let path = try await sif("oneshot", in: sandbox)
            func show(_ env: String) async throws -> RunResult {
                try await sandbox.run(
                    "apptainer", ["exec", "--cleanenv", "--env", env, path, "sh", "-c", "echo \"[$A][$B]\""])
            }
            #expect(try await show("A=x,y").stdoutText == "[x,y][]\n")
            #expect(try await show("A=1,B=2").stdoutText == "[1][2]\n")
            #expect(try await show("\"A=b=c\",B=2").stdoutText == "[b=c][2]\n")
            let broken = try await show("A=b=c,d")
            #expect(broken.status == .exited(255))
            #expect(broken.stderrText.contains("d must be formatted as key=value"))
            let quote = try await show("A=x\"y=z")
            #expect(quote.status == .exited(255))
            #expect(quote.stderrText.contains("bare \" in non-quoted-field"))
        }
    }

    @Test func envFileIsEvaluatedLikeShellAssignmentsSoOnlySingleQuotesKeepValuesIntact() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let path = try await sif("oneshot", in: sandbox)
            let file = sandbox.workDirectory.appendingPathComponent("env")
            try "BASE=/opt\nA='a,b=c $x `y` \"q\"'\nB=$BASE/bin\nC=\"d $BASE\"\n".write(
                to: file, atomically: true, encoding: .utf8)
            let result = try await sandbox.run(
                "apptainer",
                [
                    "exec", "--cleanenv", "--no-eval", "--env-file", file.path, path, "sh", "-c",
                    "printf '%s|%s|%s' \"$A\" \"$B\" \"$C\"",
                ])
            #expect(result.stdoutText == "a,b=c $x `y` \"q\"|/opt/bin|d /opt")
            try "A=`id`\n".write(to: file, atomically: true, encoding: .utf8)
            let backtick = try await sandbox.run("apptainer", ["exec", "--env-file", file.path, path, "true"])
            #expect(backtick.status == .exited(255))
            try "A=two words\n".write(to: file, atomically: true, encoding: .utf8)
            let words = try await sandbox.run("apptainer", ["exec", "--env-file", file.path, path, "true"])
            #expect(words.status == .exited(255))
        }
    }

    @Test func envFileIsEvaluatedInTheCallersEnvironmentEvenWithCleanenv() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let path = try await sif("oneshot", in: sandbox)
            let file = sandbox.workDirectory.appendingPathComponent("env")
            try "export FROM_HOST=\"$HOST_ONLY/x\"\n".write(to: file, atomically: true, encoding: .utf8)
            let result = try await sandbox.run(
                "apptainer",
                ["exec", "--cleanenv", "--env-file", file.path, path, "sh", "-c", "echo \"[$FROM_HOST][$HOST_ONLY]\""],
                environment: ["HOST_ONLY": "h"])
            #expect(result.stdoutText == "[h/x][]\n")
        }
    }

    @Test func instanceStopEscalatesAfterItsTimeoutAndForceAndAllStopEverything() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let path = try await sif("oneshot", in: sandbox)
            let stubborn = ["sh", "-c", "trap '' TERM; while :; do sleep 1; done"]
            for name in ["a", "b", "c"] {
                _ = try await sandbox.output("apptainer", ["instance", "run", path, name] + stubborn)
            }
            let slow = try await sandbox.run("apptainer", ["instance", "stop", "-t", "1", "a"])
            #expect(slow.status == .exited(0))
            #expect(slow.duration >= .seconds(1))
            let forced = try await sandbox.run("apptainer", ["instance", "stop", "-F", "b"])
            #expect(forced.status == .exited(0))
            #expect(forced.duration < .seconds(5))
            _ = try await sandbox.output("apptainer", ["instance", "run", path, "d"] + stubborn)
            let all = try await sandbox.run("apptainer", ["instance", "stop", "--all", "-F"])
            #expect(all.status == .exited(0))
            #expect(all.stderrText.split(separator: "\n").count == 2)
            #expect(
                try await sandbox.output("apptainer", ["instance", "list", "--json"]) == "{\n\t\"instances\": []\n}")
        }
    }

    @Test func aDockerReferenceIsConvertedOnceAndAgainWhenTheRegistryHasANewImage() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            try await sandbox.buildImage("oneshot", tag: "oneshot")
            let repository = sandbox.registryDirectory.appendingPathComponent("oneshot")
            try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
            let archive = repository.appendingPathComponent("latest.tar").path
            _ = try await sandbox.output("docker", ["save", "-o", archive, "oneshot"])
            let converted = sandbox.stateDirectory.appendingPathComponent("images")
            func imageCount() throws -> Int {
                try FileManager.default.contentsOfDirectory(atPath: converted.path).count
            }
            let before = try imageCount()
            #expect(try await sandbox.run("apptainer", ["run", "docker://oneshot"]).stdoutText == "job done\n")
            #expect(try imageCount() == before + 1)
            #expect(try await sandbox.run("apptainer", ["run", "docker://oneshot"]).stdoutText == "job done\n")
            #expect(try imageCount() == before + 1, "the second run reuses the converted image")

            let context = sandbox.workDirectory.appendingPathComponent("v2")
            try FileManager.default.createDirectory(at: context, withIntermediateDirectories: true)
            try "FROM oneshot\nCMD [\"/usr/local/bin/oneshot\", \"v2\"]\n".write(
                to: context.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
            _ = try await sandbox.output("docker", ["build", "-q", "-t", "oneshot:v2", context.path])
            _ = try await sandbox.output("docker", ["save", "-o", archive, "oneshot:v2"])
            let republished = try await sandbox.run("apptainer", ["run", "docker://oneshot"])
            #expect(republished.stdoutText == "job done v2\n", "\(republished.stderrText)")
        }
    }

    @Test func unknownFlagIsFatal() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let result = try await sandbox.run("apptainer", ["exec", "--bogus", "x.sif", "true"])
            #expect(result.status == .exited(255))
            #expect(result.stderrText == "FATAL:   Error for command \"exec\": unknown flag: --bogus\n")
        }
    }

    @Test func singularityFaceUsesItsOwnVariablePrefix() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let path = try await sif("oneshot", in: sandbox)
            let result = try await sandbox.run(
                "singularity", ["exec", "--cleanenv", path, "sh", "-c", "echo $SINGULARITY_CONTAINER"])
            #expect(result.stdoutText == "\(path)\n")
        }
    }
}
