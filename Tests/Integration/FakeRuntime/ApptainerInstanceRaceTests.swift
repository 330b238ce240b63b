import Foundation
import SystemKit
import TestSupport
import Testing

extension ApptainerFaceTests {
    /// The launcher lists instances (to check health) while it starts others: a listing must not forget an
    /// instance whose `instance run` is still under way.
    @Test func instanceListWhileInstancesStartForgetsNoneOfThem() async throws {
        try await FakeRuntimeSandbox.with { sandbox async throws in
            let path = try await sif("tcp-service", in: sandbox)
            let names = (1...6).map { "svc\($0)" }
            let lister = Task {
                var listings = 0
                while !Task.isCancelled && listings < 2000 {
                    _ = try? await sandbox.run("apptainer", ["instance", "list"])
                    listings += 1
                }
            }
            for name in names {
                let result = try await sandbox.run(
                    "apptainer", ["instance", "run", "--env", "SERVICE_PORT=0", path, name])
                #expect(result.status == .exited(0), "\(name): \(result.stderrText)")
            }
            lister.cancel()
            _ = await lister.value
            let listed = try await sandbox.output("apptainer", ["instance", "list"])
            for name in names {
                #expect(listed.contains(name + " "), "\(name) missing from: \(listed)")
            }
        }
    }
}
