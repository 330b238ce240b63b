import Foundation
import MiniCompose
import TestSupport
import Testing

@Suite struct StopTests {
    @Test(arguments: [RuntimeKind.docker, .apptainer])
    func stopGoesDependentsFirstAndKillsWhatIgnoresSIGTERMAfterTheGracePeriod(_ runtime: RuntimeKind) async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let project = try LauncherProject(
                sandbox: sandbox,
                compose: """
                    name: stopping
                    services:
                      db:
                        image: fixtures/tcp-service:1
                        environment: {SERVICE_PORT: "0"}
                      api:
                        image: fixtures/oneshot:1
                        command: ["bash", "-c", "trap '' TERM; while true; do sleep 0.05; done"]
                        stop_grace_period: 500ms
                        depends_on: [db]
                      web:
                        image: fixtures/tcp-service:1
                        environment: {SERVICE_PORT: "0"}
                        depends_on: [api]
                    """,
                images: ["fixtures/tcp-service:1": "tcp-service", "fixtures/oneshot:1": "oneshot"])
            let instance = try project.instance(runtime: runtime)
            try await instance.start()
            #expect(try await eventually(instance) { $0.services.allSatisfy { $0.state == .running } })
            var pids: [String: Int32] = [:]
            for service in ["db", "api", "web"] {
                pids[service] = try await project.pid(of: "stopping-t-\(service)", runtime: runtime)
            }
            let started = ContinuousClock.now
            await instance.stop()
            let took = started.duration(to: .now)
            let snapshot = await instance.snapshot()
            let web = try #require(snapshot.time("web", "STOPPED"))
            let api = try #require(snapshot.time("api", "STOPPED"))
            let db = try #require(snapshot.time("db", "STOPPED"))
            #expect(web <= api && api <= db, "dependents stop before what they depend on")
            #expect(took >= .milliseconds(400), "api ignored SIGTERM, so its grace period ran out")
            #expect(took < .seconds(10))
            for (service, pid) in pids {
                #expect(!FakeRuntimeProbe.isRunning(pid), "\(service)'s process is gone")
            }
        }
    }

    @Test(arguments: [RuntimeKind.apptainer, .singularity])
    func stoppingWhileAJobRunsEndsTheJobEvenWhenItIgnoresSIGTERM(_ runtime: RuntimeKind) async throws {
        try await FakeRuntimeSandbox.with { sandbox in
            let job = try LongJobProject(sandbox: sandbox, name: "jobstop", ignoringSIGTERM: true)
            defer { job.remove() }
            let project = job.project
            let instance = try project.instance(runtime: runtime)
            try await instance.start()
            #expect(try await eventually(instance) { $0.record("seed")?.state == .running })
            let jobPID = try #require(try await FakeRuntimeProbe.pid(writtenTo: job.pidFile), "the job wrote its pid")
            #expect(FakeRuntimeProbe.isRunning(jobPID))
            await instance.stop()
            let snapshot = await instance.snapshot()
            #expect(snapshot.record("seed")?.state == .stopped)
            #expect(snapshot.record("app")?.everStarted == false, "app waited for a job that never completed")
            #expect(!FakeRuntimeProbe.isRunning(jobPID), "the job's process is gone")
        }
    }
}
