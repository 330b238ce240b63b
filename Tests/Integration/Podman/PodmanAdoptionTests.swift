import Foundation
import Glibc
import MiniCompose
import SystemKit
import TestSupport
import Testing

extension PodmanTests {
    /// A mini-compose killed outright leaves its containers running; the next one adopts and keeps watching them.
    @Suite struct Adoption {
        @Test func containersOfAKilledLauncherAreAdoptedWatchedAndStopped() async throws {
            let stack = try PodmanStack()
            let up = try stack.startUp()
            defer { _ = try? up.terminate(grace: .seconds(10)) }
            let healthy = await stack.waitUntil(timeout: .seconds(60)) {
                stack.states() == ["store": "HEALTHY", "api": "HEALTHY", "web": "HEALTHY"]
            }
            try #require(healthy, "the stack never became healthy: \(stack.upOutput)")

            try up.signal(SIGKILL)
            _ = try await up.wait()
            for service in ["store", "api", "web"] {
                let running = try await stack.podman([
                    "inspect", "--format", "{{.State.Status}}", stack.container(service),
                ])
                #expect(running.stdoutText == "running\n", "\(service) outlives the killed launcher")
            }

            var load = ComposeLoadOptions(workingDirectory: stack.workingDirectory.path, environment: stack.environment)
            load.files = [stack.composeFile]
            var options = Controller.Options(
                load: load, runtime: .podman, hostIP: "127.0.0.1", processEnvironment: stack.environment)
            options.workingDirectory = stack.workingDirectory.path
            let controller = try Controller(options: options)

            #expect(await controller.adoptLeftovers() == [stack.id])
            let adopted = try await controller.snapshot(id: stack.id)
            #expect(adopted.services.map(\.state.label) == ["HEALTHY", "HEALTHY", "HEALTHY"])

            _ = try await stack.podman(["kill", stack.container("store")])
            let noticed = await stack.waitUntil(timeout: .seconds(20)) {
                let snapshot = try? await controller.snapshot(id: stack.id)
                return snapshot?.services.first { $0.service == "store" }?.state.label == "EXITED(137)"
            }
            #expect(noticed, "the adopted instance notices its container ending")

            _ = await controller.stopAll()
            #expect(try await stack.containers() == [])
        }
    }
}
