import Foundation
import Glibc
import SystemKit

/// Whether real Podman can run the real-runtime tests on this machine, and why not when it cannot.
///
/// `scripts/setup-podman` (run by `scripts/test` as root) prepares it. Where it is missing the tests are skipped
/// with the reason on stderr, except under `CI=true`, where they run and fail: CI must prove the real runtime.
public enum PodmanHost {
    /// The offline base image every test image is built FROM (`scripts/setup-podman` imports it).
    public static let baseImage = "localhost/mini-compose-base:latest"

    /// True under CI, where the real-runtime tests must run.
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The podman executable: `MINI_COMPOSE_PODMAN`, else `podman` on PATH.
    public static let executable: String? = {
        let environment = ProcessInfo.processInfo.environment
        return try? ExecutableLookup.resolve(
            environment["MINI_COMPOSE_PODMAN"] ?? "podman", searchPath: environment["PATH"])
    }()

    /// Why the tests cannot use real Podman here; nil when they can.
    public static let unavailableReason: String? = {
        guard geteuid() == 0 else { return "not root (rootful podman is what scripts/setup-podman prepares)" }
        guard let executable else { return "no podman on PATH (run scripts/setup-podman as root)" }
        let probe = try? ProcessRunner().runBlocking(
            Command(executable, ["image", "exists", baseImage]), options: RunOptions(timeout: .seconds(30)))
        guard let probe else { return "\(executable) could not be run" }
        guard probe.status == .exited(0) else {
            return "podman lacks the base image \(baseImage) (run scripts/setup-podman as root)"
        }
        return nil
    }()

    /// The condition of `.enabled(if:)` on every real-runtime suite: true when Podman is usable or required.
    /// When it is false this says so on stderr, once, so a skipped run is never mistaken for a passed one.
    public static var shouldRun: Bool {
        guard let reason = unavailableReason, !isRequired else { return true }
        announcement.once {
            FileHandle.standardError.write(
                Data("warning: real-runtime (Podman) tests SKIPPED: \(reason); CI=true makes this a failure\n".utf8))
        }
        return false
    }

    private static let announcement = Once()

    /// Why the suite is skipped, for its skip comment.
    public static var skipComment: String {
        "real Podman is not usable here: " + (unavailableReason ?? "it is") + "; CI=true makes this a failure"
    }

    /// Fails the calling test with the reason when Podman is not usable (reached only under CI=true).
    public static func requireAvailable() throws {
        if let reason = unavailableReason { throw Unavailable(reason: reason) }
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { "real Podman is required under CI=true but cannot be used: \(reason)" }
    }
}

/// Runs a block the first time only, from any thread.
final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false

    func once(_ body: () -> Void) {
        lock.withLock {
            guard !done else { return }
            done = true
            body()
        }
    }
}
