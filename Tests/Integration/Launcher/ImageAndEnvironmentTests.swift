import Foundation
import MiniCompose
import SystemKit
import TestSupport
import Testing

@Suite struct ImageAndEnvironmentTests {
    static let awkward = "a,b=c $HOME `date` 'single' \"double\" back\\slash\nsecond line"

    @Test(arguments: RuntimeKind.allCases)
    func environmentSettingsAndHostsFileReachTheContainerProcessIntact(_ runtime: RuntimeKind) async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox,
                compose: """
                    name: envs
                    services:
                      web:
                        image: fixtures/tcp-service:1
                        environment:
                          SERVICE_PORT: "0"
                          FROM_FILE: "file value"
                          OVERRIDDEN: "from the file"
                      db:
                        image: fixtures/tcp-service:1
                        environment: {SERVICE_PORT: "0"}
                    """,
                images: ["fixtures/tcp-service:1": "tcp-service"])
            let instance = try project.instance(runtime: runtime) {
                $0.hostIP = "127.0.0.2"
                $0.settings = ["AWKWARD": Self.awkward, "OVERRIDDEN": "from the settings", "EMPTY": ""]
            }
            try await instance.start()
            #expect(try await eventually(instance) { $0.services.allSatisfy { $0.state == .running } })
            let pid = try #require(try await project.pid(of: "envs-t-web", runtime: runtime))
            let environment = try #require(FakeRuntimeProbe.environment(of: pid))
            #expect(environment["AWKWARD"] == Self.awkward)
            #expect(environment["FROM_FILE"] == "file value")
            #expect(environment["OVERRIDDEN"] == "from the settings")
            #expect(environment["EMPTY"] == "")
            if FakeRuntimeProbe.canMount {
                let hosts = try #require(FakeRuntimeProbe.file("/etc/hosts", seenBy: pid))
                #expect(hosts.contains("127.0.0.2\tdb envs-t-db"))
                #expect(hosts.contains("127.0.0.2\tweb envs-t-web"))
                #expect(hosts.hasPrefix("127.0.0.1\tlocalhost"))
            }
            await instance.stop()
        }
    }

    @Test func buildHappensOnceSaveWritesAnArchiveAndApptainerConvertsItOnce() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox,
                compose: """
                    name: built
                    services:
                      one:
                        build: ./app
                        image: built/app:1
                        environment: {SERVICE_PORT: "0"}
                      two:
                        image: built/app:1
                        environment: {SERVICE_PORT: "0"}
                        depends_on: [one]
                    """)
            try project.addBuildContext("tcp-service", at: "app")
            let first = try project.instance(id: "first", runtime: .docker) { $0.saveImages = true }
            try await first.start()
            #expect(try await eventually(first) { $0.services.allSatisfy { $0.state == .running } })
            await first.stop()
            let second = try project.instance(id: "second", runtime: .docker)
            try await second.start()
            #expect(try await eventually(second) { $0.services.allSatisfy { $0.state == .running } })
            await second.stop()
            #expect(project.logs.records.filter { $0.message == "building image" }.count == 1)
            let archive = project.workingDirectory + "/built_app_1.tar"
            #expect(FileManager.default.fileExists(atPath: archive))

            for id in ["third", "fourth"] {
                let instance = try project.instance(id: id, runtime: .apptainer)
                try await instance.start()
                #expect(try await eventually(instance) { $0.services.allSatisfy { $0.state == .running } })
                await instance.stop()
            }
            #expect(project.logs.records.filter { $0.message == "building SIF from saved image" }.count == 1)
            #expect(FileManager.default.fileExists(atPath: project.workingDirectory + "/built_app_1.sif"))
        }
    }

    @Test func builtServiceUnderApptainerWithoutASavedImageSaysHowToMakeOne() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox, compose: "name: nosave\nservices:\n  app:\n    build: ./app\n")
            let instance = try project.instance(runtime: .apptainer)
            try await instance.start()
            await instance.waitUntilSettled()
            guard case .failed(let reason) = await instance.snapshot().record("app")?.state else {
                Issue.record("app should have failed")
                return
            }
            #expect(reason.contains("--runtime docker --save-images"))
            await instance.stop()
        }
    }
}

@Suite struct LaunchFaultTests {
    private func failure(_ snapshot: InstanceSnapshot, _ service: String) -> String? {
        if case .failed(let reason) = snapshot.record(service)?.state { return reason }
        return nil
    }

    @Test func missingRuntimeExecutableFailsTheServiceWithAClearError() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox, compose: "name: nort\nservices:\n  app:\n    image: x\n")
            let instance = try project.instance(runtime: .apptainer) { $0.runtimeExecutable = "/nonexistent/apptainer" }
            try await instance.start()
            await instance.waitUntilSettled()
            let reason = try #require(failure(await instance.snapshot(), "app"))
            #expect(reason.contains("/nonexistent/apptainer"))
            await instance.stop()
        }
    }

    @Test func buildFailureCarriesTheRuntimesOwnMessageAndLeavesOthersAlone() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox,
                compose: """
                    name: badbuild
                    services:
                      broken:
                        build: ./app
                      fine:
                        image: fixtures/tcp-service:1
                        environment: {SERVICE_PORT: "0"}
                    """,
                images: ["fixtures/tcp-service:1": "tcp-service"])
            try project.addBuildContext("tcp-service", at: "app")
            let dockerfile = project.directory.appendingPathComponent("app/Dockerfile")
            let text = try String(contentsOf: dockerfile, encoding: .utf8)
            try (text + "LABEL fake.runtime.build-fail=\"compiler exploded\"\n").write(
                to: dockerfile, atomically: true, encoding: .utf8)
            let instance = try project.instance(runtime: .docker)
            try await instance.start()
            await instance.waitUntilSettled()
            let snapshot = await instance.snapshot()
            let reason = try #require(failure(snapshot, "broken"))
            #expect(reason.contains("compiler exploded"))
            #expect(snapshot.record("fine")?.state == .running)
            await instance.stop()
        }
    }

    @Test func containerThatFailsToStartReportsTheRuntimeError() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox,
                compose: """
                    name: nostart
                    services:
                      app:
                        image: fixtures/tcp-service:1
                        environment: {FAKE_RUNTIME_START_FAIL: "port already in use"}
                    """,
                images: ["fixtures/tcp-service:1": "tcp-service"])
            let instance = try project.instance(runtime: .singularity)
            try await instance.start()
            await instance.waitUntilSettled()
            #expect(try #require(failure(await instance.snapshot(), "app")).contains("port already in use"))
            await instance.stop()
        }
    }

    @Test func hungRuntimeCommandIsKilledAtTheCommandTimeout() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox,
                compose: "name: slowrt\nservices:\n  app:\n    image: fixtures/tcp-service:1\n",
                images: ["fixtures/tcp-service:1": "tcp-service"])
            var environment = sandbox.environment
            environment["FAKE_RUNTIME_SLOW"] = "run=30"
            let instance = try project.instance(runtime: .docker) {
                $0.processEnvironment = environment
                $0.runtimeCommandTimeout = .milliseconds(500)
            }
            try await instance.start()
            await instance.waitUntilSettled()
            #expect(try #require(failure(await instance.snapshot(), "app")).contains("did not finish within"))
            await instance.stop()
        }
    }

    @Test(arguments: ["bad/id", "", "-leading", String(repeating: "x", count: 65), "sp ace"])
    func invalidInstanceIdIsRefusedBeforeAnythingRuns(_ id: String) throws {
        #expect(throws: LaunchError.self) {
            _ = try Instance(
                configuration: InstanceConfiguration(
                    id: id, project: ComposeProject(name: "p", directory: "/tmp", composeFiles: []), runtime: .docker,
                    workingDirectory: "/tmp/none", processEnvironment: [:]))
        }
    }

    @Test func twoInstancesOfOneProjectRunSideBySideWithDistinctContainerNames() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox,
                compose:
                    "name: twin\nservices:\n  app:\n    image: fixtures/tcp-service:1\n"
                    + "    environment: {SERVICE_PORT: \"0\"}\n",
                images: ["fixtures/tcp-service:1": "tcp-service"])
            let a = try project.instance(id: "a", runtime: .apptainer)
            let b = try project.instance(id: "b", runtime: .apptainer)
            try await a.start()
            try await b.start()
            #expect(try await eventually(a) { $0.record("app")?.state == .running })
            #expect(try await eventually(b) { $0.record("app")?.state == .running })
            #expect(await a.snapshot().record("app")?.container == "twin-a-app")
            #expect(await b.snapshot().record("app")?.container == "twin-b-app")
            await a.stop()
            #expect(await b.snapshot().record("app")?.state == .running)
            await b.stop()
        }
    }

    @Test func dockerServicesOnABridgeNetworkWithALoopbackHostIPAreWarnedAboutOnce() async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let service = "    image: fixtures/tcp-service:1\n    environment: {SERVICE_PORT: \"0\"}\n"
            let project = try LauncherProject(
                sandbox: sandbox,
                compose: "name: net\nservices:\n  db:\n" + service + "    network_mode: host\n  web:\n" + service,
                images: ["fixtures/tcp-service:1": "tcp-service"])
            func warnings() -> [LogRecord] {
                project.logs.records.filter { $0.level == .warning && $0.message.hasPrefix("services on a bridge") }
            }
            for (runtime, hostIP) in [(RuntimeKind.apptainer, "127.0.0.1"), (.docker, "192.0.2.10")] {
                let quiet = try project.instance(id: "q\(runtime.rawValue)", runtime: runtime) { $0.hostIP = hostIP }
                try await quiet.start()
                await quiet.stop()
            }
            #expect(warnings().isEmpty, "apptainer shares the host network; a non-loopback HOST_IP is reachable")
            let bridged = try project.instance(id: "b", runtime: .docker)
            try await bridged.start()
            await bridged.stop()
            #expect(warnings().count == 1)
            #expect(warnings().first?.field("services") == "web", "db is on the host network")
            #expect(warnings().first?.field("instance") == "b")
        }
    }
}
