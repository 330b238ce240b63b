import Foundation
import SystemKit
import TestSupport
import Testing

extension PodmanTests {
    /// FakeRuntime kept honest: the same launcher scenario on real Podman and on FakeRuntime's docker and podman
    /// faces must be observed the same, line for line.
    @Suite struct Conformance {
        @Test func fakeRuntimeFacesAnswerTheScenarioAsRealPodmanDoes() async throws {
            try PodmanHost.requireAvailable()
            let podman = PodmanHost.executable!
            let own = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MINI_COMPOSE_") }
            let real = try await ConformanceScenario(runtime: "podman", environment: own).run()
            #expect(real.contains("ps job: RUNNING exited(3)"), "the scenario itself behaves: \(real)")

            let archive = ComposeFixtureDirectory()
            let base = archive.path + "/base.tar"
            let saved = try await ProcessRunner().run(
                Command(podman, ["save", "-o", base, PodmanHost.baseImage]), options: RunOptions(timeout: .seconds(60)))
            try #require(saved.status == .exited(0), "podman save: \(saved.stderrText)")
            for face in ["docker", "podman"] {
                let fake = try await FakeRuntimeSandbox.with { sandbox in
                    let loaded = try await sandbox.run(face, ["load", "-i", base])
                    try #require(loaded.status == .exited(0), "\(face) load: \(loaded.stderrText)")
                    return try await ConformanceScenario(runtime: face, environment: sandbox.environment).run()
                }
                // Podman's own wording is compared on the podman face only; docker words it differently.
                let expected = face == "podman" ? real : real.filter { !$0.hasPrefix("podman ") }
                #expect(fake == expected, "FakeRuntime's \(face) face differs from real podman")
            }
        }
    }
}
