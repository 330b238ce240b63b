import Foundation
import TestSupport

/// A project whose `seed` is a job that never ends on its own, writing its pid to a file first, and whose `app`
/// waits for it to complete: what stopping or losing a job still running is tested with.
struct LongJobProject {
    let project: LauncherProject
    /// Where the job writes its pid; removed by `remove()`.
    let pidFile: String

    init(sandbox: FakeRuntimeSandbox, name: String, ignoringSIGTERM: Bool) throws {
        pidFile = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString).pid"
        let trap = ignoringSIGTERM ? "trap '' TERM; " : ""
        project = try LauncherProject(
            sandbox: sandbox,
            compose: """
                name: \(name)
                services:
                  seed:
                    image: fixtures/oneshot:1
                    command:
                      - bash
                      - -c
                      - echo $$$$ > "$$PID_FILE"; \(trap)while true; do sleep 0.05; done
                    environment: {PID_FILE: "\(pidFile)"}
                    stop_grace_period: 300ms
                  app:
                    image: fixtures/tcp-service:1
                    environment: {SERVICE_PORT: "0"}
                    depends_on:
                      seed: {condition: service_completed_successfully}
                """,
            images: ["fixtures/tcp-service:1": "tcp-service", "fixtures/oneshot:1": "oneshot"])
    }

    func remove() { unlink(pidFile) }
}
