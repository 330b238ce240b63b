import Foundation

extension Instance {
    /// Probes the service with Docker's timing for as long as its container runs.
    func watchHealth(_ name: String, check: Healthcheck, resuming: HealthTracker.Status = .starting) async {
        var tracker = HealthTracker(check: check, resuming: resuming)
        let clock = ContinuousClock()
        let started = clock.now
        let service = configuration.project.services[name]!
        let environment = serviceEnvironment(service)
        guard let argv = check.argv, let container = records[name]?.container else { return }
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: tracker.nextDelay(elapsed: started.duration(to: clock.now)))
            } catch {
                return
            }
            guard phase == .running, let record = records[name], record.state.isUp else { return }
            let probeStart = Date()
            let probe: ProbeResult
            do {
                let result = try await runtime.exec(
                    container: container, argv: argv, environment: environment,
                    timeout: check.timeout.swiftDuration, context: context)
                var output = result.stdoutText + result.stderrText
                if result.timedOut { output = "health check timed out after \(check.timeout)\n" + output }
                probe = ProbeResult(
                    exitCode: result.status.code, output: Self.cut(output), timedOut: result.timedOut,
                    startedAt: probeStart.timeIntervalSince1970, duration: Date().timeIntervalSince(probeStart))
            } catch {
                probe = ProbeResult(
                    exitCode: nil, output: Self.cut("\(error)"), timedOut: false,
                    startedAt: probeStart.timeIntervalSince1970, duration: Date().timeIntervalSince(probeStart))
            }
            guard !Task.isCancelled, phase == .running, records[name]?.state.isUp == true else { return }
            records[name]?.append(probe)
            let elapsed = started.duration(to: clock.now)
            if let status = tracker.record(passed: probe.passed, elapsed: elapsed) {
                setState(name, status == .healthy ? .healthy : .unhealthy)
            } else {
                notifyChange()
            }
        }
    }

    /// Health output is kept to its first 4 KiB.
    static func cut(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count > 4096 else { return text }
        return String(decoding: bytes.prefix(4096), as: UTF8.self)
    }
}
