import Foundation
import Glibc
import SystemKit
import TestSupport
import Testing

extension PodmanTests {
    /// A real container that crashes, seen by the launcher's monitor and restarted by its policy.
    @Suite struct Restart {
        @Test func crashingContainerIsRestartedByItsOnFailureLimitThenLeftExited() async throws {
            let stack = try PodmanStack("crash.yaml")
            let container = stack.container("crasher", project: "mcpodmancrash")
            let since = String(Int(Date().timeIntervalSince1970) - 1)
            let up = try stack.startUp()
            defer { _ = try? up.terminate(grace: .seconds(10)) }

            let settled = await stack.waitUntil(timeout: .seconds(60)) {
                let state = try? stack.state()
                return state?.services.first?.restarts == 2 && stack.states()["crasher"] == "EXITED(3)"
            }
            #expect(settled, "crasher never ended its restarts: \(stack.upOutput)")
            try up.signal(SIGINT)
            let status = try await up.wait()

            #expect(status == .exited(1), "a service that exited non-zero makes up fail")
            #expect(stack.states()["crasher"] == "EXITED(3)")
            #expect(try stack.state()?.services.first?.restarts == 2)
            let events = try await stack.podman([
                "events", "--stream=false", "--since", since, "--filter", "event=died", "--format", "{{.Name}}",
            ])
            #expect(events.stdoutText.split(separator: "\n").filter { $0 == container }.count == 3)
            #expect(try await stack.containers() == [])
        }
    }
}
