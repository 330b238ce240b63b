import Foundation
import SystemKit

/// The process `mini-compose up -d` leaves behind to keep watching an instance: health checks, crash detection
/// and restart policies go on after `up -d` returns, as they do under a container daemon.
///
/// It owns the instance only until another mini-compose wants it: `down`, a foreground `up` or `serve` sends it
/// `handOverSignal`, it exits without stopping anything, and the new owner adopts the instance.
public enum Watcher {
    /// Asks a watcher to leave the instance as it is and exit.
    public static let handOverSignal = SIGUSR1

    /// Makes the watcher that owns `state` exit, waiting up to `timeout` for it to go; returns the state as it
    /// left it (re-read), or the state given when no live watcher owns it. Throws when the watcher would not go.
    public static func takeOver(_ state: InstanceState, timeout: Duration = .seconds(30)) async throws(LaunchError)
        -> InstanceState
    {
        guard state.watcher == true, state.ownerPID > 0, state.ownerPID != getpid(),
            ProcessWatch.isRunning(state.ownerPID)
        else { return state }
        kill(state.ownerPID, handOverSignal)
        let deadline = ContinuousClock.now + timeout
        while ProcessWatch.isRunning(state.ownerPID) {
            guard ContinuousClock.now < deadline else {
                throw .unsupported(
                    "the watcher of instance \"\(state.id)\" (process \(state.ownerPID)) did not hand it over within "
                        + "\(Int(timeout.seconds)) s")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return (try? InstanceState.load(workingDirectory: state.workingDirectory, id: state.id)) ?? state
    }
}
