import Glibc
import SystemKit

/// Stops a running container the way the real tools do: a signal to its first process, up to `timeout` for it
/// to end, then SIGKILL to everything it started; then waits for its supervisor to record the exit.
struct ContainerStopper {
    let store: ContainerStore

    @discardableResult
    func stop(_ record: ContainerRecord, timeout: Double, signal: Int32 = SIGTERM) throws(FakeError) -> ContainerRecord
    {
        guard record.status == .running else { return record }
        _ = try? ProcessImage.send(signal, to: record.pid)
        if signal != SIGKILL && waitForEnd(record, timeout: timeout) {
            return finish(record, assumedCode: 128 + signal)
        }
        _ = try? ProcessImage.send(SIGKILL, to: -record.pid)
        _ = try? ProcessImage.send(SIGKILL, to: record.pid)
        _ = waitForEnd(record, timeout: 10)
        return finish(record, assumedCode: 137)
    }

    /// Sends `signal` without waiting, as `docker kill` does.
    func signal(_ record: ContainerRecord, _ signal: Int32) {
        _ = try? ProcessImage.send(signal, to: record.pid)
        if signal == SIGKILL { _ = waitForEnd(record, timeout: 5) }
    }

    private func waitForEnd(_ record: ContainerRecord, timeout: Double) -> Bool {
        let duration = Duration.milliseconds(Int64(max(0, timeout) * 1000))
        if ContainerStore.alive(pid: record.monitorPid, startTime: record.monitorStartTime) {
            return ProcessWatch.waitForExit(record.monitorPid, timeout: duration)
        }
        return ProcessWatch.waitForExit(record.pid, timeout: duration)
    }

    /// The supervisor normally records the exit; if it is gone, the stop records it.
    private func finish(_ record: ContainerRecord, assumedCode: Int32) -> ContainerRecord {
        if let current = store.load(record.name), current.status != .running { return current }
        let updated = try? store.update(record.name) { current in
            guard current.status == .running else { return }
            current.status = .exited
            current.exitCode = assumedCode
            current.finishedAt = StateStore.timestamp()
        }
        return updated ?? record
    }
}
